"""What a protocol deviation record must satisfy: pure rules, every broken one named at once."""

from dataclasses import dataclass
from datetime import date

DESCRIPTION_MAX_LENGTH = 2000


@dataclass(frozen=True)
class DeviationValues:
    """A deviation as entered."""

    occurred_on: date | None
    category: str
    description: str
    seriousness: str
    corrective_action: str = ""


def deviation_errors(
    values: DeviationValues,
    *,
    categories: frozenset[str],
    seriousness_levels: frozenset[str],
    screened_on: date | None,
    today: date,
) -> dict[str, str]:
    """Every broken rule, as {field: message}; empty when the record may be kept."""
    errors: dict[str, str] = {}
    if values.occurred_on is None:
        errors["occurred_on"] = "Enter the date of the deviation."
    elif values.occurred_on > today:
        errors["occurred_on"] = "The date of the deviation cannot be in the future."
    elif screened_on is not None and values.occurred_on < screened_on:
        errors["occurred_on"] = (
            f"The date of the deviation cannot be before screening ({screened_on:%-d %B %Y})."
        )
    if values.category not in categories:
        errors["category"] = "Choose the category of the deviation."
    description = values.description.strip()
    if not description:
        errors["description"] = "Describe what departed from the protocol."
    elif len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = (
            f"The description can be at most {DESCRIPTION_MAX_LENGTH} characters."
        )
    if values.seriousness not in seriousness_levels:
        errors["seriousness"] = "Choose minor or major."
    elif values.seriousness == "major" and not values.corrective_action.strip():
        errors["corrective_action"] = "A major deviation needs the corrective action taken."
    return errors


CONTAMINATION_REASON_MISSING = (
    "{trial_id} is in the control arm: a cessation session for them is a contamination "
    "deviation, never an ordinary record. Give the reason to record it as one."
)
CONTAMINATION_ACTION_MISSING = (
    "A contamination deviation is major: give the corrective action taken."
)
CONTAMINATION_NOT_CONTROL = (
    "Only a session for a control-arm participant is a contamination deviation: "
    "leave the reason and corrective action empty."
)


def contamination_errors(
    *, in_control_arm: bool, trial_id: str, reason: str, corrective_action: str
) -> dict[str, str]:
    """(2nd ed.) What a session must give for a control-arm participant, as {field: message}.

    The sessions are the intervention: one for a control participant is recorded only as a
    contamination deviation, with why it happened and what was done about it.
    """
    reason, corrective_action = reason.strip(), corrective_action.strip()
    if not in_control_arm:
        if reason or corrective_action:
            return {"contamination_reason": CONTAMINATION_NOT_CONTROL}
        return {}
    errors: dict[str, str] = {}
    if not reason:
        errors["contamination_reason"] = CONTAMINATION_REASON_MISSING.format(trial_id=trial_id)
    elif len(reason) > DESCRIPTION_MAX_LENGTH:
        errors["contamination_reason"] = (
            f"The reason can be at most {DESCRIPTION_MAX_LENGTH} characters."
        )
    if not corrective_action:
        errors["contamination_action"] = CONTAMINATION_ACTION_MISSING
    return errors


def consent_superseded(
    *, version: str, consented_on: date, current_version: str, current_from: date | None
) -> bool:
    """Whether consent was taken on a form version that had been superseded on its date."""
    if not version or version == current_version:
        return False
    return current_from is None or consented_on >= current_from


@dataclass(frozen=True)
class TimepointDates:
    """The dates of the measures recorded for one follow-up timepoint, and its window."""

    timepoint: str
    label: str
    dates: tuple[date, ...]
    opens_on: date
    closes_on: date


def dates_out_of_window(found: TimepointDates) -> tuple[date, ...]:
    """The measure dates that fall outside the timepoint's window, earliest first."""
    return tuple(sorted({d for d in found.dates if not found.opens_on <= d <= found.closes_on}))
