"""Reads of participants and screenings; every query starts from what the user may see."""

from django.db.models import QuerySet

from apps.core.roles import sees_all_sites
from apps.patients.models import Participant, ScreeningRecord


def participants_visible_to(user) -> QuerySet[Participant]:
    """Participants at the user's sites (all sites for trial and data managers)."""
    if not user.is_authenticated:
        return Participant.objects.none()
    if sees_all_sites(user):
        return Participant.objects.all()
    return Participant.objects.filter(site__members=user)


def screenings_visible_to(user) -> QuerySet[ScreeningRecord]:
    """Screening log entries at the user's sites."""
    if not user.is_authenticated:
        return ScreeningRecord.objects.none()
    if sees_all_sites(user):
        return ScreeningRecord.objects.all()
    return ScreeningRecord.objects.filter(site__members=user)


def get_participant_for(user, *, trial_id: str | None = None, public_id=None) -> Participant:
    """One visible participant by trial ID or public UUID; raises DoesNotExist (404) otherwise."""
    visible = participants_visible_to(user).select_related("site", "assigned_pwp")
    if trial_id is not None:
        return visible.get(trial_id=trial_id)
    return visible.get(public_id=public_id)


# --------------------------------------------------------------------------------------------
# Practitioner workspace: caseload and participant page
# --------------------------------------------------------------------------------------------


def get_participant_with_journey(user, *, public_id) -> Participant:
    """A visible participant with screening, consent, allocation and baseline joined in."""
    return (
        participants_visible_to(user)
        .select_related(
            "site",
            "assigned_pwp",
            "consent_taken_by",
            "screening__screened_by",
            "allocation__allocated_by",
            "baseline",
        )
        .get(public_id=public_id)
    )
