"""Snapshot builds: old snapshots are pruned, a slow build is never lost."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.dashboards import services
from apps.dashboards.models import MetricSnapshot, SnapshotStatus

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
    services.build_snapshot()  # a newer build prunes when it finishes
    slow.refresh_from_db()
    assert slow.status == SnapshotStatus.FAILED
    assert "had not finished after 15 minutes" in slow.error
    assert slow.finished_at is not None


def test_a_slow_build_that_finishes_after_being_marked_stale_still_lands(criteria):
    slow = _snapshot(SnapshotStatus.BUILDING, minutes_ago=20, finished=False)
    services.build_snapshot()
    services.build_snapshot(slow.id)  # the slow worker (or its retry) gets to the end
    slow.refresh_from_db()
    assert (slow.status, slow.progress, slow.error) == (SnapshotStatus.READY, 100, "")
    assert slow.data["schema"] == services.SNAPSHOT_SCHEMA


def test_a_build_still_within_the_limit_is_left_building(criteria):
    running = _snapshot(SnapshotStatus.BUILDING, minutes_ago=5, finished=False)
    services.build_snapshot()
    running.refresh_from_db()
    assert running.status == SnapshotStatus.BUILDING


def test_only_the_latest_ready_snapshots_and_recent_failures_are_kept(criteria, monkeypatch):
    monkeypatch.setattr(services, "SNAPSHOTS_KEPT", 2)
    oldest = _snapshot(SnapshotStatus.READY, minutes_ago=90)
    older = _snapshot(SnapshotStatus.READY, minutes_ago=60)
    old_failure = _snapshot(SnapshotStatus.FAILED, minutes_ago=2 * 24 * 60)
    recent_failure = _snapshot(SnapshotStatus.FAILED, minutes_ago=30)
    newest = services.build_snapshot()
    left = set(MetricSnapshot.objects.values_list("id", flat=True))
    assert left == {older.id, recent_failure.id, newest.id}
    assert not {oldest.id, old_failure.id} & left
