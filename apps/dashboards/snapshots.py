"""Metric snapshots: request a build, count everything in one read of the data, store and prune.

A snapshot is immutable once ready; pages read it (apps/dashboards/selectors.py) and cache only
its rendered figures, keyed by its id (docs/decisions.md, "Dashboard caching").
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.clinical import source_verification
from apps.core.errors import DomainError
from apps.core.queue import enqueue_on_commit
from apps.core.roles import can_view_dashboards
from apps.dashboards import counts, metrics
from apps.dashboards.adverse_event_counts import adverse_event_counts
from apps.dashboards.deviation_counts import deviation_counts
from apps.dashboards.models import MetricSnapshot, SnapshotStatus
from apps.dashboards.participant_tables import snapshot_outcome_tables
from apps.dashboards.progress import ProgressCallback, progress_outside_the_counting
from apps.dashboards.query_counts import query_counts
from apps.dashboards.snapshot_document import pack_document
from apps.dashboards.verification_counts import verification_counts
from apps.sites.selectors import get_pilot
from apps.workspace.outcome_records import randomised_participants

# 2: workload minutes per site; 3: adverse events; 4: deaths and untraceable moves;
# 5: estimate counters (sessions-attended histogram, fidelity cluster sums, PHQ-9/GAD-7 at fixed
# timepoints) and the pilot's minimum_sessions.
# 6: the quit attempt among those who reached 3 months (the interim criterion).
# 7: protocol deviations per site and arm; data queries per site.
# 8: source data verification per site and area.
# 9: cigarettes per day and HSI of those still smoking at baseline, 3 and 6 months; usual
# psychological care (Talking Therapies sessions planned, attended, not attended).
SNAPSHOT_SCHEMA = 9
SNAPSHOTS_KEPT = 24
# A build that has not finished after this long is taken to have died with its worker.
STALE_BUILD_AFTER = timedelta(minutes=15)
STALE_BUILD_ERROR = (
    "The build had not finished after 15 minutes: its worker may have stopped. "
    "A later build replaces it."
)
# Failed builds stay visible (with their error) this long; far longer than any build runs.
FAILED_KEPT_FOR = timedelta(days=1)


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
    enqueue_on_commit("apps.dashboards.tasks.build_metric_snapshot", snapshot.id)
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


def compute_snapshot_data(*, today=None, progress: ProgressCallback | None = None) -> dict:
    """Count every metric's inputs, all from one read of the data; the snapshot document."""
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
        "minimum_sessions": pilot.minimum_sessions,
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
    data["deviations"] = deviation_counts()
    data["queries"] = query_counts(today)
    data["verification"] = verification_counts(
        source_verification.configured_areas(pilot.source_verification_areas)
    )
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
    try:
        with progress_outside_the_counting(
            MetricSnapshot, snapshot.id, SnapshotStatus.BUILDING
        ) as store:

            def progress(percent: int) -> None:
                store(percent)
                if progress_callback is not None:
                    progress_callback(percent)

            data = compute_snapshot_data(progress=progress)
    except Exception as exc:
        MetricSnapshot.objects.filter(id=snapshot.id).update(
            status=SnapshotStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    finished = timezone.now()
    MetricSnapshot.objects.filter(id=snapshot.id).update(
        status=SnapshotStatus.READY,
        progress=100,
        data=data,
        document=pack_document(data),
        randomised=bool(data["randomised"]),
        schema=data["schema"],
        finished_at=finished,
        error="",
    )
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
    return snapshot


def _prune_snapshots() -> None:
    """Drop finished snapshots no longer needed; a build gone quiet is marked failed, not deleted.

    A build past STALE_BUILD_AFTER may only be slow: its row stays (marked failed, so a new build
    can start), and if it does finish its result lands on that row as usual.
    """
    now = timezone.now()
    MetricSnapshot.objects.filter(
        status=SnapshotStatus.BUILDING, started_at__lt=now - STALE_BUILD_AFTER
    ).update(status=SnapshotStatus.FAILED, error=STALE_BUILD_ERROR, finished_at=now)
    keep = list(
        MetricSnapshot.objects.filter(status=SnapshotStatus.READY)
        .order_by("-finished_at")
        .values_list("id", flat=True)[:SNAPSHOTS_KEPT]
    )
    MetricSnapshot.objects.filter(status=SnapshotStatus.READY).exclude(id__in=keep).delete()
    MetricSnapshot.objects.filter(
        status=SnapshotStatus.FAILED, started_at__lt=now - FAILED_KEPT_FOR
    ).delete()
