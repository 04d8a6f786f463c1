"""Reading the correction log for a participant's page."""

from apps.corrections.models import Correction


def corrections_of(participant) -> list[Correction]:
    """The participant's corrections, newest first, with who made them."""
    return list(Correction.objects.filter(participant=participant).select_related("corrected_by"))


def corrected_record_ids(corrections: list[Correction]) -> set:
    """The public ids of the records that have been corrected, to mark them on the page."""
    return {c.record_id for c in corrections}
