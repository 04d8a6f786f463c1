"""Analysis exports: request one (the access log), build its file, claim, retention, download."""

import logging
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.access_log import record_access
from apps.core.errors import DomainError
from apps.core.models import AccessKind
from apps.core.queue import enqueue_on_commit
from apps.core.roles import can_export
from apps.dashboards.models import ExportDataset, ExportFormat, ExportJob, ExportStatus
from apps.sites.selectors import current_lock_stamp

logger = logging.getLogger(__name__)

# A build whose progress has not moved for this long is taken to have died with its worker.
STALE_BUILD_AFTER = timedelta(minutes=15)
# A queued export whose build has not started after this long is queued again (the claim in
# build_export keeps a task that does arrive twice to one build).
REQUEUE_AFTER = timedelta(minutes=2)
# The steering committee report is a document; the datasets are data files.
REPORT_FORMATS = (ExportFormat.PDF.value, ExportFormat.HTML.value)
DATASET_FORMATS = tuple(f for f in ExportFormat.values if f not in REPORT_FORMATS)
STALE_EXPORT_ERROR = (
    "The export stopped before it finished: its worker may have stopped. Request it again."
)


@transaction.atomic
def request_export(*, by, dataset: str, file_format: str, filters: dict | None = None) -> ExportJob:
    """Record an export request (the access log) and queue its build after commit."""
    from apps.dashboards.exports import clean_filters, clean_report_filters

    if not can_export(by):
        raise DomainError("Your role cannot export analysis datasets.", field="user")
    if dataset not in ExportDataset.values:
        raise DomainError(f"Choose a dataset: {', '.join(ExportDataset.values)}.", field="dataset")
    report = dataset == ExportDataset.STEERING_REPORT
    formats = REPORT_FORMATS if report else DATASET_FORMATS
    if file_format not in formats:
        what = "the steering committee report" if report else "a dataset"
        raise DomainError(
            f"Choose a file format for {what}: {', '.join(formats)}.", field="file_format"
        )
    clean = clean_report_filters if report else clean_filters
    job = ExportJob.objects.create(
        requested_by=by,
        dataset=dataset,
        file_format=file_format,
        filters=clean(filters or {}, user=by),
        status=ExportStatus.QUEUED,
    )
    enqueue_on_commit("apps.dashboards.tasks.build_export", job.id)
    return job


def build_export(job_id: int) -> ExportJob:
    """Write the export file under EXPORT_ROOT with progress; a job that is finished, or being
    built by another worker, is left alone."""
    from apps.dashboards import exports

    if not _claim_export(job_id):
        return ExportJob.objects.get(id=job_id)
    job = ExportJob.objects.get(id=job_id)

    def progress(percent: int) -> None:
        # updated_at doubles as the heartbeat that keeps other workers off this build.
        ExportJob.objects.filter(id=job.id, status=ExportStatus.RUNNING).update(
            progress=max(0, min(99, percent)), updated_at=timezone.now()
        )

    # The last writes only land while the job is still running: a build that another worker
    # took over and finished must not be marked failed (or its file lost to the retention rule).
    running = ExportJob.objects.filter(id=job.id, status=ExportStatus.RUNNING)
    # Read before the rows: a lock taken during the build must not be claimed for its file.
    stamp = current_lock_stamp()
    try:
        path, rows = exports.write_export(job, progress=progress)
    except Exception as exc:
        logger.exception("export %s failed", job.id)
        running.update(
            status=ExportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    running.update(
        status=ExportStatus.READY,
        progress=100,
        row_count=rows,
        data_lock=stamp,
        file_path=str(path),
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def unqueued_export_ids(*, now: datetime | None = None) -> list[int]:
    """Exports still queued REQUEUE_AFTER after they were requested: their task never reached a
    worker (the broker was down at commit), so the beat sweep queues them again."""
    cutoff = (now or timezone.now()) - REQUEUE_AFTER
    return list(
        ExportJob.objects.filter(status=ExportStatus.QUEUED, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("id", flat=True)
    )


def _claim_export(job_id: int) -> bool:
    """Mark the job as being built by this worker; False when it is finished or another worker
    is building it (a redelivered task, or the on-commit task racing a direct call)."""
    now = timezone.now()
    claimable = Q(status__in=[ExportStatus.QUEUED, ExportStatus.FAILED]) | _gone_quiet(now)
    return bool(
        ExportJob.objects.filter(claimable, id=job_id).update(
            status=ExportStatus.RUNNING, progress=0, error="", updated_at=now
        )
    )


def _gone_quiet(now: datetime) -> Q:
    """Builds whose progress has not moved for STALE_BUILD_AFTER: their worker is taken to be
    dead (progress updates touch updated_at)."""
    return Q(status=ExportStatus.RUNNING, updated_at__lt=now - STALE_BUILD_AFTER)


def delete_expired_export_files(*, now: datetime | None = None) -> int:
    """Delete the files of exports built more than EXPORT_RETENTION_DAYS ago (marking them
    deleted in the access log), fail builds whose worker went quiet, and delete any other file
    in the export folder older than the retention time; returns how many exports' files were
    deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EXPORT_RETENTION_DAYS)
    root = Path(settings.EXPORT_ROOT).resolve()
    deleted = 0
    expired = ExportJob.objects.filter(status=ExportStatus.READY, finished_at__lt=cutoff)
    for job_id in expired.values_list("id", flat=True):
        with transaction.atomic():
            job = ExportJob.objects.select_for_update().get(id=job_id)
            if job.status != ExportStatus.READY:  # another worker got there first
                continue
            if job.file_path:
                _delete_export_file(Path(job.file_path), root)
            job.status = ExportStatus.EXPIRED
            job.file_deleted_at = now
            job.save(update_fields=["status", "file_deleted_at", "updated_at"])
            deleted += 1
    ExportJob.objects.filter(_gone_quiet(now)).update(
        status=ExportStatus.FAILED, error=STALE_EXPORT_ERROR, finished_at=now
    )
    _delete_stray_export_files(root, cutoff)
    return deleted


def _delete_stray_export_files(root: Path, cutoff: datetime) -> None:
    # Partial files of crashed builds, and files whose build stopped before its job said
    # ready: participant-level data with no job row to expire them.
    if not root.is_dir():
        return
    for path in root.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff.timestamp():
            path.unlink(missing_ok=True)


def _delete_export_file(path: Path, root: Path) -> None:
    # Only ever delete inside the export folder, whatever the row says.
    if path.resolve().is_relative_to(root):
        path.unlink(missing_ok=True)
    else:
        logger.warning("Export file %s is outside EXPORT_ROOT: not deleted", path)


@transaction.atomic
def record_export_download(*, job: ExportJob, by, via: str) -> ExportJob:
    """Append an access-log row for this download; the job keeps the time of the first one."""
    entry = record_access(
        user=by,
        kind=AccessKind.EXPORT_DOWNLOADED,
        object_type="export",
        object_ref=job.public_id,
        via=via,
    )
    # Every download is its own row in the access log; a later one never overwrites the first.
    if ExportJob.objects.filter(id=job.id, downloaded_at__isnull=True).update(
        downloaded_at=entry.at
    ):
        job.downloaded_at = entry.at
    return job


def download_filename(job: ExportJob) -> str:
    """The downloaded file's name: what, when, and "locked" when built under a database lock."""
    locked = "-locked" if job.data_lock else ""
    return f"quitpilot-{job.dataset}-{job.created_at:%Y%m%d-%H%M}{locked}.{job.file_format}"
