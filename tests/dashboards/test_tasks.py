"""Snapshot builds and exports run in a real Celery worker on the real Redis broker."""

import csv
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from apps.dashboards import export_jobs, snapshots
from apps.dashboards.models import (
    ExportJob,
    ExportJobEvent,
    ExportStatus,
    MetricSnapshot,
    SnapshotStatus,
)
from apps.dashboards.tasks import build_metric_snapshot, delete_expired_export_files
from tests.factories import make_participant

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _wait(query, done, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        obj = query()
        if done(obj):
            return obj
        time.sleep(0.2)
    raise AssertionError(f"not finished in {timeout}s: {query()}")


def test_refresh_now_is_built_by_the_worker(celery_worker_real, site_a, pwp_a, trial_manager):
    make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    snapshot = snapshots.request_snapshot(by=trial_manager)
    assert snapshot.status == SnapshotStatus.BUILDING
    ready = _wait(
        lambda: MetricSnapshot.objects.get(id=snapshot.id),
        lambda s: s.status != SnapshotStatus.BUILDING,
    )
    assert (ready.status, ready.progress, ready.error) == (SnapshotStatus.READY, 100, "")
    assert ready.data["participants"]["rows"][0][3] == 1  # one randomised at site A
    assert ready.finished_at >= ready.started_at


def test_scheduled_build_creates_a_snapshot_and_skips_while_one_is_building(
    celery_worker_real, site_a
):
    result = build_metric_snapshot.delay()
    snapshot_id = result.get(timeout=60)
    snapshot = MetricSnapshot.objects.get(id=snapshot_id)
    assert snapshot.status == SnapshotStatus.READY and snapshot.requested_by is None
    MetricSnapshot.objects.create(status=SnapshotStatus.BUILDING, started_at=snapshot.finished_at)
    assert build_metric_snapshot.delay().get(timeout=60) != snapshot_id
    assert MetricSnapshot.objects.count() == 2  # the beat did not start a third build


def test_rerunning_a_finished_snapshot_task_changes_nothing(celery_worker_real, site_a):
    snapshot = snapshots.build_snapshot()
    finished = snapshot.finished_at
    assert build_metric_snapshot.delay(snapshot.id).get(timeout=60) == snapshot.id
    snapshot.refresh_from_db()
    assert snapshot.finished_at == finished


def test_export_is_built_by_the_worker(
    celery_worker_real, settings, tmp_path, site_a, pwp_a, trial_manager
):
    settings.EXPORT_ROOT = tmp_path
    participant = make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    job = export_jobs.request_export(by=trial_manager, dataset="wide", file_format="csv")
    done = _wait(
        lambda: ExportJob.objects.get(id=job.id),
        lambda j: j.status in (ExportStatus.READY, ExportStatus.FAILED),
    )
    assert (done.status, done.row_count, done.progress) == (ExportStatus.READY, 1, 100)
    with open(done.file_path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["trial_id"] for r in rows] == [participant.trial_id]
    assert done.file_path.startswith(str(tmp_path))


def test_the_steering_committee_report_is_built_by_the_worker_with_progress(
    celery_worker_real, settings, tmp_path, site_a, pwp_a, trial_manager
):
    settings.EXPORT_ROOT = tmp_path
    make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    job = export_jobs.request_export(
        by=trial_manager, dataset="steering_report", file_format="pdf", filters={}
    )
    done = _wait(
        lambda: ExportJob.objects.get(id=job.id),
        lambda j: j.status in (ExportStatus.READY, ExportStatus.FAILED),
    )
    assert (done.status, done.row_count, done.error) == (ExportStatus.READY, 1, "")
    assert Path(done.file_path).read_bytes().startswith(b"%PDF-")
    # The counting's progress is written through its own connection while the read-only
    # counting transaction is open: the exports page sees it move before the file is ready.
    seen = ExportJobEvent.objects.filter(pgh_obj=job).values_list("progress", flat=True)
    assert {p for p in seen if 0 < p < 80}, list(seen)


def test_expired_export_files_are_deleted_by_the_worker(
    celery_worker_real, settings, tmp_path, trial_manager
):
    settings.EXPORT_ROOT = tmp_path
    requested = export_jobs.request_export(
        by=trial_manager, dataset="dictionary", file_format="csv"
    )
    job = _wait(  # the worker builds it (a direct build here would race the worker's)
        lambda: ExportJob.objects.get(id=requested.id),
        lambda j: j.status in (ExportStatus.READY, ExportStatus.FAILED),
    )
    assert job.status == ExportStatus.READY
    ExportJob.objects.filter(id=job.id).update(finished_at=timezone.now() - timedelta(days=30))
    assert delete_expired_export_files.delay().get(timeout=60) == 1
    assert not Path(job.file_path).exists()
    assert ExportJob.objects.get(id=job.id).status == ExportStatus.EXPIRED
    assert "delete-expired-export-files" in settings.CELERY_BEAT_SCHEDULE
