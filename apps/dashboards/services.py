"""Writes for the dashboards' progression thresholds (snapshots and exports have their own
modules: snapshots.py, export_jobs.py)."""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from apps.core.errors import DomainError
from apps.core.roles import can_edit_progression_criteria
from apps.dashboards.models import ProgressionCriterion


def _percent(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise DomainError("Enter a number from 0 to 100.", field=field) from exc
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise DomainError("Enter a number from 0 to 100.", field=field)
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def update_progression_criterion(
    *, criterion: ProgressionCriterion, by, green_from, amber_from
) -> ProgressionCriterion:
    """Change a traffic-light threshold; the audit trail records who changed what, and when."""
    if not can_edit_progression_criteria(by):
        raise DomainError("Only trial managers can change progression criteria.", field="user")
    green = _percent(green_from, "green_from")
    amber = _percent(amber_from, "amber_from")
    if amber > green:
        raise DomainError(
            "The amber threshold cannot be above the green threshold.", field="amber_from"
        )
    criterion = ProgressionCriterion.objects.select_for_update().get(pk=criterion.pk)
    criterion.green_from, criterion.amber_from = green, amber
    criterion.save(update_fields=["green_from", "amber_from", "updated_at"])
    return criterion
