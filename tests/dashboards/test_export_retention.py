"""Export files (pseudonymised analysis data) are deleted after the retention time; the access log
keeps the row, and a download of a deleted file says so (410) instead of failing."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.dashboards import services
from apps.dashboards.models import ExportJob, ExportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    settings.EXPORT_RETENTION_DAYS = 7
    return settings.EXPORT_ROOT


def _built(user, *, days_ago: float) -> ExportJob:
    job = services.build_export(
        services.request_export(by=user, dataset="dictionary", file_format="csv").id
    )
    ExportJob.objects.filter(id=job.id).update(
        finished_at=timezone.now() - timedelta(days=days_ago)
    )
    job.refresh_from_db()
    return job


def test_files_past_the_retention_time_are_deleted_and_the_log_kept(trial_manager):
    old, fresh = _built(trial_manager, days_ago=7.1), _built(trial_manager, days_ago=6.9)
    assert Path(old.file_path).exists() and Path(fresh.file_path).exists()
    assert services.delete_expired_export_files() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert not Path(old.file_path).exists() and Path(fresh.file_path).exists()
    assert old.status == ExportStatus.EXPIRED and old.file_deleted_at is not None
    assert fresh.status == ExportStatus.READY and fresh.file_deleted_at is None
    assert ExportJob.objects.count() == 2  # the access log keeps both
    assert services.delete_expired_export_files() == 0  # running again changes nothing


def test_the_retention_time_is_a_setting(trial_manager, settings):
    job = _built(trial_manager, days_ago=2)
    settings.EXPORT_RETENTION_DAYS = 1
    assert services.delete_expired_export_files() == 1
    assert not Path(job.file_path).exists()


def test_a_path_outside_the_export_folder_is_never_deleted(trial_manager, tmp_path):
    job = _built(trial_manager, days_ago=30)
    outside = tmp_path / "not-an-export.csv"
    outside.write_text("keep me")
    ExportJob.objects.filter(id=job.id).update(file_path=str(outside))
    assert services.delete_expired_export_files() == 1
    assert outside.read_text() == "keep me"
    assert ExportJob.objects.get(id=job.id).status == ExportStatus.EXPIRED


def test_a_file_already_gone_is_still_marked_deleted(trial_manager):
    job = _built(trial_manager, days_ago=8)
    Path(job.file_path).unlink()
    assert services.delete_expired_export_files() == 1
    assert ExportJob.objects.get(id=job.id).status == ExportStatus.EXPIRED


def test_downloading_a_deleted_file_answers_410_with_the_reason(client, trial_manager):
    job = _built(trial_manager, days_ago=10)
    services.delete_expired_export_files()
    client.force_login(trial_manager)
    response = client.get(reverse("export-download", args=[job.public_id]))
    assert response.status_code == 410
    assert "deleted on" in response.content.decode() and "kept for 7 days" in (
        response.content.decode()
    )
    page = client.get(reverse("exports")).content.decode()
    assert "File deleted on" in page and "Files are deleted 7 days after they are built" in page

    api = APIClient()
    api.force_authenticate(trial_manager)
    answer = api.get(f"/api/v1/exports/{job.public_id}/download/")
    assert answer.status_code == 410
    assert "deleted on" in str(answer.json())
    detail = api.get(f"/api/v1/exports/{job.public_id}/").json()
    assert detail["status"] == "expired" and detail["file_deleted_at"] is not None
    assert detail["download_ready"] is False


def test_a_file_missing_before_its_time_is_gone_too(client, trial_manager):
    job = _built(trial_manager, days_ago=1)
    Path(job.file_path).unlink()
    client.force_login(trial_manager)
    response = client.get(reverse("export-download", args=[job.public_id]))
    assert response.status_code == 410
    assert "no longer available" in response.content.decode()
