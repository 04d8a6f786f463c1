"""Snapshot builds: one consistent read of the data, progress the page can see, old snapshots
pruned and a slow build never lost."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from apps.dashboards import counts, snapshots
from apps.dashboards.models import MetricSnapshot, SnapshotStatus
from apps.patients.models import Participant
from tests.factories import make_participant

pytestmark = pytest.mark.django_db


def _snapshot(status, *, minutes_ago: float, finished: bool = True) -> MetricSnapshot:
    started = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return MetricSnapshot.objects.create(
        status=status,
        started_at=started,
        finished_at=started + dt.timedelta(seconds=5) if finished else None,
    )


def test_a_build_running_past_the_stale_limit_is_marked_failed_not_deleted(criteria):
    slow = _snapshot(SnapshotStatus.BUILDING, minutes_ago=20, finished=False)
    snapshots.build_snapshot()  # a newer build prunes when it finishes
    slow.refresh_from_db()
    assert slow.status == SnapshotStatus.FAILED
    assert "had not finished after 15 minutes" in slow.error
    assert slow.finished_at is not None


def test_a_slow_build_that_finishes_after_being_marked_stale_still_lands(criteria):
    slow = _snapshot(SnapshotStatus.BUILDING, minutes_ago=20, finished=False)
    snapshots.build_snapshot()
    snapshots.build_snapshot(slow.id)  # the slow worker (or its retry) gets to the end
    slow.refresh_from_db()
    assert (slow.status, slow.progress, slow.error) == (SnapshotStatus.READY, 100, "")
    assert slow.data["schema"] == snapshots.SNAPSHOT_SCHEMA


def test_a_build_still_within_the_limit_is_left_building(criteria):
    running = _snapshot(SnapshotStatus.BUILDING, minutes_ago=5, finished=False)
    snapshots.build_snapshot()
    running.refresh_from_db()
    assert running.status == SnapshotStatus.BUILDING


def test_only_the_latest_ready_snapshots_and_recent_failures_are_kept(criteria, monkeypatch):
    monkeypatch.setattr(snapshots, "SNAPSHOTS_KEPT", 2)
    oldest = _snapshot(SnapshotStatus.READY, minutes_ago=90)
    older = _snapshot(SnapshotStatus.READY, minutes_ago=60)
    old_failure = _snapshot(SnapshotStatus.FAILED, minutes_ago=2 * 24 * 60)
    recent_failure = _snapshot(SnapshotStatus.FAILED, minutes_ago=30)
    newest = snapshots.build_snapshot()
    left = set(MetricSnapshot.objects.values_list("id", flat=True))
    assert left == {older.id, recent_failure.id, newest.id}
    assert not {oldest.id, old_failure.id} & left


def _in_another_connection(work):
    """Run work() on a connection of its own (its writes commit at once), in a thread."""
    failures = []

    def run():
        try:
            work()
        except Exception as exc:  # reported to the test below
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not failures, failures


def _randomised(table: dict) -> int:
    column = table["columns"].index("randomised")
    return sum(row[column] for row in table["rows"])


@pytest.mark.django_db(transaction=True)
def test_every_figure_of_a_build_comes_from_one_read_of_the_data(
    site_a, pwp_a, criteria, monkeypatch
):
    make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    real_screening_counts = counts.screening_counts

    def screening_counts_while_a_pwp_randomises():
        result = real_screening_counts()
        _in_another_connection(lambda: make_participant(site=site_a, pwp=pwp_a, stage="randomised"))
        return result

    monkeypatch.setattr(counts, "screening_counts", screening_counts_while_a_pwp_randomises)
    snapshot = snapshots.build_snapshot()
    # The CONSORT "randomised" box (from screening) and the arms (from participants) agree.
    assert _randomised(snapshot.data["screening"]) == 1
    assert _randomised(snapshot.data["participants"]) == 1
    assert Participant.objects.filter(randomised_on__isnull=False).count() == 2


@pytest.mark.django_db(transaction=True)
def test_counting_reads_at_repeatable_read_and_writes_nothing(criteria):
    seen = []

    def look(percent):
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            isolation = cursor.fetchone()[0]
            cursor.execute("SHOW transaction_read_only")
            seen.append((percent, isolation, cursor.fetchone()[0]))

    snapshots.build_snapshot(progress_callback=look)
    during = [s for s in seen if s[0] < 100]
    assert during and all(s[1:] == ("repeatable read", "on") for s in during)


@pytest.mark.django_db(transaction=True)
def test_build_progress_is_visible_to_another_connection_while_counting(criteria):
    seen = []

    def look(percent):
        if percent == 100:
            return

        def read():
            snapshot = MetricSnapshot.objects.get(status=SnapshotStatus.BUILDING)
            seen.append((percent, snapshot.progress))

        _in_another_connection(read)

    snapshot = snapshots.build_snapshot(progress_callback=look)
    assert seen and all(stored == percent for percent, stored in seen)
    assert [p for p, _ in seen] == [5, 15, 85, 90, 95]
    assert (snapshot.status, snapshot.progress) == (SnapshotStatus.READY, 100)


def test_pages_never_read_a_snapshot_built_with_an_older_layout(criteria):
    from apps.dashboards.selectors import latest_snapshot_finished_at, snapshot_head

    old = _snapshot(SnapshotStatus.READY, minutes_ago=1)
    old.schema = snapshots.SNAPSHOT_SCHEMA - 1
    old.save()
    assert snapshot_head().id is None
    assert latest_snapshot_finished_at() is None
    built = snapshots.build_snapshot()
    assert (built.schema, snapshot_head().id) == (snapshots.SNAPSHOT_SCHEMA, built.id)
