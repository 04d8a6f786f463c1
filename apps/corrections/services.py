"""Writing the correction log; the owning app applies the correction itself."""

from django.utils import timezone

from apps.core.errors import DomainError
from apps.corrections import rules
from apps.corrections.models import Correction, CorrectionReason
from apps.delegation.models import Duty
from apps.delegation.selectors import check_delegated


def reason_problems(reason: str, detail: str) -> dict[str, str]:
    """What is wrong with a correction's reason, by field (empty when nothing is)."""
    return rules.reason_errors(reason, detail, reasons=frozenset(CorrectionReason.values))


def reason_errors_of(reason: rules.Reason) -> list[DomainError]:
    """The reason's problems as errors, to raise with the record's own in one round."""
    problems = reason_problems(reason.code, reason.detail)
    return [DomainError(message, field=field) for field, message in problems.items()]


def log_corrections(
    *,
    participant,
    record_type: str,
    record_id,
    record_label: str,
    changes: list[rules.FieldChange],
    reason: str,
    detail: str,
    by,
    screening=None,
) -> list[Correction]:
    """Keep one row per changed field; the caller holds the transaction of the correction.
    A screening correction names the screening too (and only it, for a screened-out person)."""
    if not changes:
        raise DomainError(rules.NOTHING_CHANGED, field=None)
    site = participant.site if participant is not None else screening.site
    check_delegated(by, site, Duty.DATA_ENTRY, timezone.localdate(), field=None)
    return Correction.objects.bulk_create(
        Correction(
            participant=participant,
            screening=screening,
            record_type=record_type,
            record_id=record_id,
            record_label=record_label,
            field=change.field,
            field_label=change.label,
            old_value=change.old,
            new_value=change.new,
            reason=reason,
            reason_detail=detail.strip(),
            corrected_by=by,
        )
        for change in changes
    )
