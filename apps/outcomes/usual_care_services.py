"""Record usual psychological care: Talking Therapies sessions reported at a follow-up."""

from datetime import date

from django.db import transaction

from apps.clinical.usual_care import usual_care_errors
from apps.core.errors import DomainError, raise_all
from apps.outcomes.models import Source, TherapySessionsReport
from apps.outcomes.services import check_measure_allowed


@transaction.atomic
def record_therapy_sessions(
    *,
    participant,
    completed_on: date,
    timepoint: str,
    planned: int,
    attended: int,
    dna: int,
    source: str = Source.PHONE,
    follow_up=None,
    recorded_by=None,
    today: date | None = None,
) -> TherapySessionsReport:
    """Store the Talking Therapies sessions since randomisation; every broken rule at once."""
    check_measure_allowed(participant, completed_on, today)
    errors = usual_care_errors(timepoint, planned, attended, dna)
    if None in (planned, attended, dna) and not errors:
        errors = [DomainError("Give all three Talking Therapies counts.", field="therapy_planned")]
    raise_all(errors)
    return TherapySessionsReport.objects.create(
        participant=participant,
        completed_on=completed_on,
        timepoint=timepoint,
        source=source,
        follow_up=follow_up,
        recorded_by=recorded_by,
        sessions_planned=planned,
        sessions_attended=attended,
        sessions_dna=dna,
    )
