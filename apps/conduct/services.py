"""Recording protocol deviations, by hand and where a write is one (contamination)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.clinical.choices import Arm
from apps.conduct import rules
from apps.conduct.models import DeviationCategory, DeviationSeriousness, ProtocolDeviation
from apps.core.errors import DomainError, raise_all
from apps.patients.models import Allocation


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


def in_control_arm(participant) -> bool:
    """Whether the participant was randomised to the control arm."""
    allocation = Allocation.objects.filter(participant_id=participant.pk).only("arm").first()
    return allocation is not None and allocation.arm == Arm.CONTROL


def contamination_problems(participant, *, reason: str, corrective_action: str) -> dict[str, str]:
    """What a session for this participant must give to be recorded, by field."""
    return rules.contamination_errors(
        in_control_arm=in_control_arm(participant),
        trial_id=participant.trial_id,
        reason=reason,
        corrective_action=corrective_action,
    )


def record_contamination(
    *, participant, by, occurred_on: date, what: str, reason: str, corrective_action: str
) -> ProtocolDeviation:
    """Log a control-arm participant receiving the intervention as a major deviation."""
    return record_deviation(
        participant=participant,
        by=by,
        values=rules.DeviationValues(
            occurred_on=occurred_on,
            category=DeviationCategory.CONTAMINATION,
            description=f"{what} for a control-arm participant. Reason: {reason.strip()}",
            seriousness=DeviationSeriousness.MAJOR,
            corrective_action=corrective_action,
        ),
    )
