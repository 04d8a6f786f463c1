"""Reads of safety alerts, scoped to the participants the user may see."""

from datetime import date

from django.db.models import QuerySet

from apps.clinical.abstinence import reference_quit_date
from apps.outcomes.models import SafetyAlert, SmokingStatusReport
from apps.patients.selectors import participants_visible_to


def open_alerts_visible_to(user) -> QuerySet[SafetyAlert]:
    """Open safety alerts for the participants the user may see, oldest first."""
    return (
        SafetyAlert.objects.filter(
            participant__in=participants_visible_to(user).values("pk"),
            acknowledged_at__isnull=True,
        )
        .select_related("participant", "participant__assigned_pwp", "phq9")
        .prefetch_related("escalations")
        .order_by("raised_at")
    )


def alerts_visible_to(user) -> QuerySet[SafetyAlert]:
    """Every safety alert the user may see (open and acknowledged), newest first."""
    return (
        SafetyAlert.objects.filter(participant__in=participants_visible_to(user).values("pk"))
        .select_related("participant", "participant__assigned_pwp", "phq9", "acknowledged_by")
        .order_by("-raised_at")
    )


def known_reference_quit_date(participant, *, excluding: int | None = None) -> date | None:
    """(2nd ed.) The reference quit date known so far, by abstinence.reference_quit_date over the
    participant's stop dates (`excluding` one report: the one being corrected)."""
    reports = (
        SmokingStatusReport.objects.filter(participant=participant, stopped_on__isnull=False)
        .exclude(pk=excluding)
        .only("timepoint", "stopped_on")
    )
    return reference_quit_date(
        participant.quit_date, list(reports) if not participant.quit_date else ()
    )
