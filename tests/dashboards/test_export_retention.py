"""Export files (pseudonymised analysis data) are deleted after the retention time; the access log
keeps the row, and a download of a deleted file says so (410) instead of failing."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.dashboards import export_jobs
from apps.dashboards.models import ExportJob, ExportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    settings.EXPORT_RETENTION_DAYS = 7
    return settings.EXPORT_ROOT


def _age(path: Path, when) -> None:
    """Give the file the modification time `when` on the app's clock (a calendar run moves the
    app's clock, not the file system's)."""
    os.utime(path, (when.timestamp(), when.timestamp()))


def _built(user, *, days_ago: float) -> ExportJob:
    job = export_jobs.build_export(
        export_jobs.request_export(by=user, dataset="dictionary", file_format="csv").id
    )
    finished = timezone.now() - timedelta(days=days_ago)
    ExportJob.objects.filter(id=job.id).update(finished_at=finished)
    _age(Path(job.file_path), finished)
    job.refresh_from_db()
    return job


def test_files_past_the_retention_time_are_deleted_and_the_log_kept(trial_manager):
    old, fresh = _built(trial_manager, days_ago=7.1), _built(trial_manager, days_ago=6.9)
    assert Path(old.file_path).exists() and Path(fresh.file_path).exists()
    assert export_jobs.delete_expired_export_files() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert not Path(old.file_path).exists() and Path(fresh.file_path).exists()
    assert old.status == ExportStatus.EXPIRED and old.file_deleted_at is not None
    assert fresh.status == ExportStatus.READY and fresh.file_deleted_at is None
    assert ExportJob.objects.count() == 2  # the access log keeps both
    assert export_jobs.delete_expired_export_files() == 0  # running again changes nothing


def test_the_retention_time_is_a_setting(trial_manager, settings):
    job = _built(trial_manager, days_ago=2)
    settings.EXPORT_RETENTION_DAYS = 1
    assert export_jobs.delete_expired_export_files() == 1
    assert not Path(job.file_path).exists()


def test_a_path_outside_the_export_folder_is_never_deleted(trial_manager, tmp_path, caplog):
    job = _built(trial_manager, days_ago=30)
    outside = tmp_path / "not-an-export.csv"
    outside.write_text("keep me")
    ExportJob.objects.filter(id=job.id).update(file_path=str(outside))
    assert export_jobs.delete_expired_export_files() == 1
    assert outside.read_text() == "keep me"
    assert "outside EXPORT_ROOT: not deleted" in caplog.text
    assert ExportJob.objects.get(id=job.id).status == ExportStatus.EXPIRED


def test_a_file_already_gone_is_still_marked_deleted(trial_manager):
    job = _built(trial_manager, days_ago=8)
    Path(job.file_path).unlink()
    assert export_jobs.delete_expired_export_files() == 1
    assert ExportJob.objects.get(id=job.id).status == ExportStatus.EXPIRED


def test_downloading_a_deleted_file_answers_410_with_the_reason(client, trial_manager):
    job = _built(trial_manager, days_ago=10)
    export_jobs.delete_expired_export_files()
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


@pytest.mark.parametrize("name", ["wide.csv.1a2b3c4d.part", "wide.csv"])
def test_files_a_crashed_build_left_are_deleted_after_the_retention_time(export_root, name):
    # A partial file, or a finished file whose worker died before the job said ready.
    export_root.mkdir(parents=True, exist_ok=True)
    old, new = export_root / f"old-{name}", export_root / f"new-{name}"
    old.write_text("trial_id\nBRS-0001\n")
    new.write_text("trial_id\nBRS-0002\n")
    _age(old, timezone.now() - timedelta(days=8))
    _age(new, timezone.now())
    export_jobs.delete_expired_export_files()
    assert not old.exists() and new.exists()


def test_a_build_whose_worker_went_quiet_is_marked_failed_by_the_sweep(trial_manager):
    job = export_jobs.request_export(by=trial_manager, dataset="dictionary", file_format="csv")
    quiet_since = timezone.now() - export_jobs.STALE_BUILD_AFTER - timedelta(seconds=1)
    ExportJob.objects.filter(id=job.id).update(status=ExportStatus.RUNNING, updated_at=quiet_since)
    busy = export_jobs.request_export(by=trial_manager, dataset="wide", file_format="csv")
    ExportJob.objects.filter(id=busy.id).update(status=ExportStatus.RUNNING)
    export_jobs.delete_expired_export_files()
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.FAILED, export_jobs.STALE_EXPORT_ERROR)
    assert ExportJob.objects.get(id=busy.id).status == ExportStatus.RUNNING


def test_a_build_taken_over_and_finished_is_not_marked_failed_by_the_first_worker(
    trial_manager, monkeypatch
):
    from apps.dashboards import exports

    job = export_jobs.request_export(by=trial_manager, dataset="dictionary", file_format="csv")
    real_write = exports.write_export

    def stalls_then_fails(job_row, progress):
        # While this worker stalled, another took the build over and finished it.
        monkeypatch.setattr(exports, "write_export", real_write)
        ExportJob.objects.filter(id=job_row.id).update(
            updated_at=timezone.now() - export_jobs.STALE_BUILD_AFTER - timedelta(seconds=1)
        )
        assert export_jobs.build_export(job_row.id).status == ExportStatus.READY
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_export", stalls_then_fails)
    with pytest.raises(OSError):
        export_jobs.build_export(job.id)
    job.refresh_from_db()
    assert job.status == ExportStatus.READY and Path(job.file_path).exists()


def test_a_file_deleted_while_the_download_starts_answers_410(client, trial_manager, monkeypatch):
    job = _built(trial_manager, days_ago=1)
    real_open = Path.open

    def deleted_first(path, *args, **kwargs):
        if str(path) == job.file_path:
            os.unlink(path)  # the retention task got there between the checks and the open
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deleted_first)
    client.force_login(trial_manager)
    response = client.get(reverse("export-download", args=[job.public_id]))
    assert response.status_code == 410
    assert ExportJob.objects.get(id=job.id).downloaded_at is None


def test_a_failed_build_leaves_no_partial_file(trial_manager, export_root, monkeypatch):
    from apps.dashboards import exports

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "_write_csv", broken)
    job = export_jobs.request_export(by=trial_manager, dataset="dictionary", file_format="csv")
    with pytest.raises(OSError):
        export_jobs.build_export(job.id)
    assert list(export_root.glob("*")) == []
    assert ExportJob.objects.get(id=job.id).status == ExportStatus.FAILED


def test_a_deleted_export_is_not_rebuilt_by_a_redelivered_task(trial_manager):
    job = _built(trial_manager, days_ago=9)
    export_jobs.delete_expired_export_files()
    again = export_jobs.build_export(job.id)  # the broker delivered the build task once more
    assert again.status == ExportStatus.EXPIRED and not Path(job.file_path).exists()
