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
