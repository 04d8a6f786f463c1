"""Reading the correction log for a participant's page."""

from apps.corrections.models import Correction


def corrections_of(participant) -> list[Correction]:
    """The participant's corrections, newest first, with who made them."""
    return list(Correction.objects.filter(participant=participant).select_related("corrected_by"))


def corrected_record_ids(corrections: list[Correction]) -> set:
    """The public ids of the records that have been corrected, to mark them on the page."""
    return {c.record_id for c in corrections}


def corrected_parts_of_participant(corrections: list[Correction], participant) -> set[str]:
    """Which records kept on the participant's own id were corrected ("participant" for the
    consent, "baseline"): they share the id, so the page tells them apart by type."""
    return {c.record_type for c in corrections if c.record_id == participant.public_id}
