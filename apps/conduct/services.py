"""Recording protocol deviations."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.conduct import rules
from apps.conduct.models import DeviationCategory, DeviationSeriousness, ProtocolDeviation
from apps.core.errors import DomainError


class DeviationInvalid(DomainError):
    """The record breaks one or more rules; `errors` has every message by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        first = next(iter(errors))
        super().__init__(errors[first], field=first)
        self.errors = errors


def deviation_problems(
    participant, values: rules.DeviationValues, today: date | None = None
) -> dict[str, str]:
    """Every rule this deviation would break for this participant, by field."""
    return rules.deviation_errors(
        values,
        categories=frozenset(DeviationCategory.values),
        seriousness_levels=frozenset(DeviationSeriousness.values),
        screened_on=participant.screened_on,
        today=today or timezone.localdate(),
    )


@transaction.atomic
def record_deviation(
    *, participant, by, values: rules.DeviationValues, today: date | None = None
) -> ProtocolDeviation:
    """Add a deviation to the log, or raise DeviationInvalid naming every broken rule."""
    errors = deviation_problems(participant, values, today)
    if errors:
        raise DeviationInvalid(errors)
    return ProtocolDeviation.objects.create(
        participant=participant,
        occurred_on=values.occurred_on,
        category=values.category,
        description=values.description.strip(),
        seriousness=values.seriousness,
        corrective_action=values.corrective_action.strip(),
        reported_by=by,
    )
