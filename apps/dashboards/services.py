"""Writes for the dashboards: metric snapshots, progression thresholds and analysis exports."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.errors import DomainError
from apps.core.roles import can_export, can_view_dashboards
from apps.dashboards import counts, metrics
from apps.dashboards.adverse_event_counts import adverse_event_counts
from apps.dashboards.models import (
    ExportDataset,
    ExportFormat,
    ExportJob,
    ExportStatus,
    MetricSnapshot,
    ProgressionCriterion,
    SnapshotStatus,
)
from apps.dashboards.participant_tables import snapshot_outcome_tables
from apps.outcomes.outcome_records import randomised_participants
from apps.sites.selectors import get_pilot

logger = logging.getLogger(__name__)

SNAPSHOT_SCHEMA = 3  # 2: workload minutes per site; 3: adverse events
SNAPSHOTS_KEPT = 24
# A build that has not finished after this long is taken to have died with its worker.
STALE_BUILD_AFTER = timedelta(minutes=15)
STALE_BUILD_ERROR = (
    "The build had not finished after 15 minutes: its worker may have stopped. "
    "A later build replaces it."
)
STALE_EXPORT_ERROR = (
    "The export stopped before it finished: its worker may have stopped. Request it again."
)
# Failed builds stay visible (with their error) this long; far longer than any build runs.
FAILED_KEPT_FOR = timedelta(days=1)

ProgressCallback = Callable[[int], None]


# --------------------------------------------------------------------------------------------
# Snapshots
# --------------------------------------------------------------------------------------------


@transaction.atomic
def request_snapshot(*, by=None) -> MetricSnapshot:
    """Start a snapshot build (or return the one already building) and queue it after commit."""
    if by is not None and not can_view_dashboards(by):
        raise DomainError("Only dashboard users can refresh the figures.", field="user")
    now = timezone.now()
    building = (
        MetricSnapshot.objects.select_for_update()
        .filter(status=SnapshotStatus.BUILDING, started_at__gte=now - STALE_BUILD_AFTER)
        .order_by("-started_at")
        .first()
    )
    if building is not None:
        return building
    snapshot = MetricSnapshot.objects.create(
        status=SnapshotStatus.BUILDING, progress=0, started_at=now, requested_by=by
    )
    _snapshots_changed()
    from apps.dashboards.tasks import build_metric_snapshot

    transaction.on_commit(lambda: build_metric_snapshot.delay(snapshot.id))
    return snapshot


def _counting_in_own_transaction() -> bool:
    """Whether the counting opens its own read-only transaction (not inside a caller's)."""
    return not connection.in_atomic_block


@contextmanager
def _one_read_of_the_data() -> Iterator[None]:
    """Run the counting queries in one REPEATABLE READ, read-only transaction.

    Every query then sees the same committed data, so CONSORT boxes add up even while PWPs are
    writing. Inside a caller's transaction (a test, a command run in one) the isolation level is
    already fixed, so the queries simply join it.
    """
    if not _counting_in_own_transaction():
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


@contextmanager
def _progress_store(snapshot_id: int) -> Iterator[ProgressCallback]:
    """A callback saving a build's progress where the page can see it during the build.

    The counting transaction is read-only and its writes would stay invisible until it ended,
    so progress goes through a connection of its own, committed at once.
    """
    if not _counting_in_own_transaction():

        def store_here(percent: int) -> None:
            MetricSnapshot.objects.filter(id=snapshot_id, status=SnapshotStatus.BUILDING).update(
                progress=max(0, min(100, percent))
            )

        yield store_here
        return
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    table = own.ops.quote_name(MetricSnapshot._meta.db_table)
    sql = f"UPDATE {table} SET progress = %s WHERE id = %s AND status = %s"

    def store(percent: int) -> None:
        with own.cursor() as cursor:
            cursor.execute(sql, [max(0, min(100, percent)), snapshot_id, SnapshotStatus.BUILDING])

    try:
        yield store
    finally:
        own.close()


def compute_snapshot_data(*, today=None, progress: ProgressCallback | None = None) -> dict:
    """Count every metric's inputs in SQL, all from one read of the data; the snapshot document."""
    progress = progress or (lambda _percent: None)
    pilot = get_pilot()  # may create the pilot's row: before the read-only transaction
    with _one_read_of_the_data():
        return _count_everything(pilot, today or timezone.localdate(), progress)


def _count_everything(pilot, today, progress: ProgressCallback) -> dict:
    tz = settings.TIME_ZONE
    data: dict = {
        "schema": SNAPSHOT_SCHEMA,
        "as_of": today.isoformat(),
        "randomised": pilot.is_randomised,
        "pilot_name": pilot.name,
        "sites": counts.site_rows(),
    }
    progress(5)
    data["screening"] = counts.screening_counts()
    progress(15)
    total = randomised_participants().count()
    data["participants"], data["sessions"] = snapshot_outcome_tables(
        today=today,
        time_zone=tz,
        expected_overrides=pilot.expected_bcts or None,
        progress=lambda done: progress(15 + 70 * done // max(total, 1)),
    )
    progress(85)
    data["safety"] = counts.safety_counts(time_zone=tz)
    data["adverse_events"] = adverse_event_counts()
    progress(90)
    data["workload"] = counts.workload(
        week_starts=metrics.week_starts(today, counts.WORKLOAD_WEEKS)
    )
    progress(95)
    return data


def build_snapshot(
    snapshot_id: int | None = None, progress_callback: ProgressCallback | None = None
) -> MetricSnapshot:
    """Build a snapshot (a new one when no id is given); a finished one is left as it is."""
    if snapshot_id is None:
        snapshot = _start_scheduled_build()
        if snapshot is None:
            return MetricSnapshot.objects.filter(status=SnapshotStatus.BUILDING).latest(
                "started_at"
            )
    else:
        snapshot = MetricSnapshot.objects.get(id=snapshot_id)
        if snapshot.status == SnapshotStatus.READY:
            return snapshot
        if snapshot.status == SnapshotStatus.FAILED:  # a retry starts it again
            MetricSnapshot.objects.filter(id=snapshot.id).update(
                status=SnapshotStatus.BUILDING, progress=0, error="", finished_at=None
            )
            _snapshots_changed()
    try:
        with _progress_store(snapshot.id) as store:

            def progress(percent: int) -> None:
                store(percent)
                if progress_callback is not None:
                    progress_callback(percent)

            data = compute_snapshot_data(progress=progress)
    except Exception as exc:
        MetricSnapshot.objects.filter(id=snapshot.id).update(
            status=SnapshotStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        _snapshots_changed()
        raise
    finished = timezone.now()
    MetricSnapshot.objects.filter(id=snapshot.id).update(
        status=SnapshotStatus.READY, progress=100, data=data, finished_at=finished, error=""
    )
    _snapshots_changed()
    cache.set(f"dashboards:snapshot:{snapshot.id}:randomised", data["randomised"], 24 * 3600)
    if progress_callback is not None:
        progress_callback(100)
    _prune_snapshots()
    snapshot.refresh_from_db()
    return snapshot


@transaction.atomic
def _start_scheduled_build() -> MetricSnapshot | None:
    """A new snapshot row for the scheduled build, or None while another is still building."""
    now = timezone.now()
    building = MetricSnapshot.objects.select_for_update().filter(
        status=SnapshotStatus.BUILDING, started_at__gte=now - STALE_BUILD_AFTER
    )
    if building.exists():
        return None
    snapshot = MetricSnapshot.objects.create(
        status=SnapshotStatus.BUILDING, progress=0, started_at=now
    )
    _snapshots_changed()
    return snapshot


def _snapshots_changed() -> None:
    """A snapshot started, finished or failed: dashboard pages must read the head again."""
    from apps.dashboards.selectors import forget_page_states

    forget_page_states()


def _prune_snapshots() -> None:
    """Drop finished snapshots no longer needed; a build gone quiet is marked failed, not deleted.

    A build past STALE_BUILD_AFTER may only be slow: its row stays (marked failed, so a new build
    can start), and if it does finish its result lands on that row as usual.
    """
    now = timezone.now()
    if MetricSnapshot.objects.filter(
        status=SnapshotStatus.BUILDING, started_at__lt=now - STALE_BUILD_AFTER
    ).update(status=SnapshotStatus.FAILED, error=STALE_BUILD_ERROR, finished_at=now):
        _snapshots_changed()
    keep = list(
        MetricSnapshot.objects.filter(status=SnapshotStatus.READY)
        .order_by("-finished_at")
        .values_list("id", flat=True)[:SNAPSHOTS_KEPT]
    )
    MetricSnapshot.objects.filter(status=SnapshotStatus.READY).exclude(id__in=keep).delete()
    MetricSnapshot.objects.filter(
        status=SnapshotStatus.FAILED, started_at__lt=now - FAILED_KEPT_FOR
    ).delete()


# --------------------------------------------------------------------------------------------
# Progression criteria
# --------------------------------------------------------------------------------------------


def _percent(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise DomainError("Enter a number from 0 to 100.", field=field) from exc
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise DomainError("Enter a number from 0 to 100.", field=field)
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def update_progression_criterion(
    *, criterion: ProgressionCriterion, by, green_from, amber_from
) -> ProgressionCriterion:
    """Change a traffic-light threshold; the audit trail records who changed what, and when."""
    from apps.core.roles import can_edit_progression_criteria

    if not can_edit_progression_criteria(by):
        raise DomainError("Only trial managers can change progression criteria.", field="user")
    green = _percent(green_from, "green_from")
    amber = _percent(amber_from, "amber_from")
    if amber > green:
        raise DomainError(
            "The amber threshold cannot be above the green threshold.", field="amber_from"
        )
    criterion = ProgressionCriterion.objects.select_for_update().get(pk=criterion.pk)
    criterion.green_from, criterion.amber_from = green, amber
    criterion.save(update_fields=["green_from", "amber_from", "updated_at"])
    return criterion


# --------------------------------------------------------------------------------------------
# Exports
# --------------------------------------------------------------------------------------------


@transaction.atomic
def request_export(*, by, dataset: str, file_format: str, filters: dict | None = None) -> ExportJob:
    """Record an export request (the access log) and queue its build after commit."""
    from apps.dashboards.exports import clean_filters

    if not can_export(by):
        raise DomainError("Your role cannot export analysis datasets.", field="user")
    if dataset not in ExportDataset.values:
        raise DomainError(f"Choose a dataset: {', '.join(ExportDataset.values)}.", field="dataset")
    if file_format not in ExportFormat.values:
        raise DomainError(
            f"Choose a file format: {', '.join(ExportFormat.values)}.", field="file_format"
        )
    job = ExportJob.objects.create(
        requested_by=by,
        dataset=dataset,
        file_format=file_format,
        filters=clean_filters(filters or {}, user=by),
        status=ExportStatus.QUEUED,
    )
    from apps.dashboards.tasks import build_export as build_export_task

    transaction.on_commit(lambda: build_export_task.delay(job.id))
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
        file_path=str(path),
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


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


def record_export_download(*, job: ExportJob) -> ExportJob:
    """Note in the access log that the export file was downloaded."""
    now = timezone.now()
    ExportJob.objects.filter(id=job.id).update(downloaded_at=now)
    job.downloaded_at = now
    return job
