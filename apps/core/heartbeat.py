"""Heartbeats of periodic processes, stored in the database (the truth /readyz checks)."""

from datetime import datetime, timedelta

from django.utils import timezone

from apps.core.models import Heartbeat

BEAT = "celery-beat"
# Beat writes every minute; three missed beats mean the scheduler has stopped.
BEAT_FRESH_FOR = timedelta(minutes=3)


def record_heartbeat(name: str = BEAT, *, now: datetime | None = None) -> Heartbeat:
    """Write `name`'s heartbeat at `now`."""
    heartbeat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": now or timezone.now()}
    )
    return heartbeat


def heartbeat_age(name: str = BEAT, *, now: datetime | None = None) -> timedelta | None:
    """How long ago `name` last beat; None when it never has."""
    beat_at = Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()
    return None if beat_at is None else (now or timezone.now()) - beat_at
