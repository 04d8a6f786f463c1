"""Reads for adverse events, starting from the participants the user may see."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from apps.patients.selectors import participants_visible_to
from apps.safety.models import AdverseEvent


def adverse_events_visible_to(user):
    """Every adverse event of the participants the user may see, newest first."""
    return AdverseEvent.objects.filter(
        participant__in=participants_visible_to(user).values("pk")
    ).select_related("participant", "participant__site", "recorded_by", "reported_to_sponsor_by")


def serious_events_visible_to(user):
    """Serious events, those not yet reported to the sponsor first, oldest clock first."""
    return (
        adverse_events_visible_to(user)
        .filter(serious=True)
        .order_by(F("reported_to_sponsor_at").asc(nulls_first=True), "serious_since")
    )


def report_due_by(event: AdverseEvent) -> datetime | None:
    """When the report to the sponsor is due (SAE_REPORT_WITHIN_HOURS after awareness)."""
    if event.serious_since is None:
        return None
    return event.serious_since + timedelta(hours=settings.SAE_REPORT_WITHIN_HOURS)


def report_overdue(event: AdverseEvent, now: datetime | None = None) -> bool:
    """Serious, not yet reported, and past its due time."""
    due = report_due_by(event)
    return (
        due is not None and event.reported_to_sponsor_at is None and (now or timezone.now()) > due
    )
