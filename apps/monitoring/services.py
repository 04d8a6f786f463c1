"""Marking a participant's area verified against the source: one row per record it holds."""

from django.db import transaction
from django.utils import timezone

from apps.accounts.selectors import check_works_at
from apps.clinical import source_verification as sdv_rules
from apps.core.errors import DomainError
from apps.core.roles import can_verify_source
from apps.monitoring import selectors
from apps.monitoring.models import SourceVerification
from apps.patients.models import Participant
from apps.sites.selectors import get_pilot


def verifiable_areas() -> tuple[sdv_rules.Area, ...]:
    """The areas the pilot's monitoring plan verifies."""
    return sdv_rules.configured_areas(get_pilot().source_verification_areas)


@transaction.atomic
def verify_area(*, participant: Participant, area: str, by) -> list[SourceVerification]:
    """Record that the monitor checked every record of the area against the source, now."""
    if not can_verify_source(by):
        raise DomainError(
            "Only the trial monitor verifies records against the source.", field="user"
        )
    check_works_at(by, participant.site, field="user")
    areas = verifiable_areas()
    if area not in areas:
        names = ", ".join(sdv_rules.AREA_LABELS[a] for a in areas)
        raise DomainError(f"Choose an area the monitoring plan verifies: {names}.", field="area")
    (state,) = selectors.participant_areas(participant, (sdv_rules.Area(area),))
    if not state.records:
        raise DomainError(f"{state.label}: nothing has been recorded to verify yet.", field="area")
    if state.status is sdv_rules.Status.VERIFIED:
        raise DomainError(f"{state.label} is verified already.", field="area")
    now = timezone.now()
    return SourceVerification.objects.bulk_create(
        SourceVerification(
            participant=participant,
            area=area,
            record_type=record.record_type,
            record_id=record.record_id,
            verified_by=by,
            verified_at=now,
        )
        for record in state.records
    )


def area_label(area: str) -> str:
    """The area as the monitoring plan names it (the code itself when unknown)."""
    try:
        return sdv_rules.AREA_LABELS[sdv_rules.Area(area)]
    except ValueError:
        return area
