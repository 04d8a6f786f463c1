"""Recording protocol deviations."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.conduct import rules
from apps.conduct.models import DeviationCategory, DeviationSeriousness, ProtocolDeviation
from apps.core.errors import DomainError, raise_all


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
    """Add a deviation to the log, or raise a DomainError carrying every broken rule."""
    problems = deviation_problems(participant, values, today)
    raise_all([DomainError(message, field=field) for field, message in problems.items()])
    return ProtocolDeviation.objects.create(
        participant=participant,
        occurred_on=values.occurred_on,
        category=values.category,
        description=values.description.strip(),
        seriousness=values.seriousness,
        corrective_action=values.corrective_action.strip(),
        reported_by=by,
    )
