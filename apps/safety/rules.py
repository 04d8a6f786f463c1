"""Adverse event rules (ICH E2A terms): what a record must say, checked all at once.

Pure: values, the consent date and `today` in; every problem, by field, out. The form, the API
and the services all call `adverse_event_errors`; nothing else restates these rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

SEVERITIES = ("mild", "moderate", "severe")
# ICH E2A: an event is serious when it results in death, is life-threatening, needs or prolongs
# hospitalisation, results in persistent disability, is a congenital anomaly, or is otherwise an
# important medical event.
SERIOUSNESS_CRITERIA = (
    "death",
    "life_threatening",
    "hospitalisation",
    "disability",
    "congenital_anomaly",
    "other_important",
)
RELATEDNESS = ("not_related", "unlikely", "possibly", "probably", "definitely")
# Possibly, probably or definitely related: an adverse reaction to the cessation treatment.
RELATED = ("possibly", "probably", "definitely")
OUTCOMES = (
    "recovered",
    "recovering",
    "not_recovered",
    "recovered_with_sequelae",
    "fatal",
    "unknown",
)
RESOLVED_OUTCOMES = ("recovered", "recovered_with_sequelae")
MIN_DESCRIPTION = 5


@dataclass(frozen=True)
class AdverseEventValues:
    """One adverse event as staff describe it."""

    onset_on: date | None
    description: str
    severity: str
    serious: bool
    seriousness_criteria: tuple[str, ...] = ()
    relatedness: str = ""
    expected: bool | None = None
    action_taken: str = ""
    outcome: str = ""
    resolved_on: date | None = None
    date_of_death: date | None = None


def _choice(errors: dict, name: str, value: str, allowed: tuple[str, ...], label: str) -> None:
    if value not in allowed:
        errors[name] = f"Choose the {label} ({', '.join(allowed)})."


def _dates(values: AdverseEventValues, consented_on: date | None, today: date) -> dict:
    errors: dict[str, str] = {}
    onset = values.onset_on
    if onset is None:
        errors["onset_on"] = "Enter the date the event started."
    elif onset > today:
        errors["onset_on"] = "The onset date cannot be in the future."
    elif consented_on is None:
        errors["onset_on"] = "Adverse events are recorded only for consented participants."
    elif onset < consented_on:
        errors["onset_on"] = f"The onset date cannot be before consent ({consented_on:%-d %b %Y})."
    for name, day, label in (
        ("resolved_on", values.resolved_on, "resolution date"),
        ("date_of_death", values.date_of_death, "date of death"),
    ):
        if day is None:
            continue
        if day > today:
            errors[name] = f"The {label} cannot be in the future."
        elif onset is not None and day < onset:
            errors[name] = f"The {label} cannot be before the onset date."
    return errors


def _outcome(values: AdverseEventValues) -> dict:
    errors: dict[str, str] = {}
    fatal = values.outcome == "fatal"
    if fatal and values.date_of_death is None:
        errors["date_of_death"] = "A fatal outcome needs the date of death."
    if not fatal and values.date_of_death is not None:
        errors["date_of_death"] = "A date of death is recorded only with a fatal outcome."
    if values.outcome in RESOLVED_OUTCOMES and values.resolved_on is None:
        errors["resolved_on"] = "A recovered event needs its resolution date."
    if values.outcome not in RESOLVED_OUTCOMES and values.resolved_on is not None:
        errors["resolved_on"] = "A resolution date is recorded only when the participant recovered."
    return errors


def _seriousness(values: AdverseEventValues) -> dict:
    criteria = values.seriousness_criteria
    unknown = [c for c in criteria if c not in SERIOUSNESS_CRITERIA]
    if unknown:
        return {"seriousness_criteria": f"Unknown seriousness criteria: {', '.join(unknown)}."}
    if len(set(criteria)) != len(criteria):
        return {"seriousness_criteria": "Each seriousness criterion can be given once."}
    if not values.serious and criteria:
        return {
            "seriousness_criteria": "A non-serious event has no seriousness criteria: "
            "mark it serious or clear them."
        }
    if values.serious and not criteria:
        return {"seriousness_criteria": "A serious event needs at least one seriousness criterion."}
    if (values.outcome == "fatal") != ("death" in criteria):
        return {
            "seriousness_criteria": "An event results in death exactly when its outcome is fatal."
        }
    return {}


def adverse_event_errors(
    values: AdverseEventValues, *, consented_on: date | None, today: date
) -> dict[str, str]:
    """Every problem with the record, by field name (empty when it can be stored)."""
    errors: dict[str, str] = {}
    if len(values.description.strip()) < MIN_DESCRIPTION:
        errors["description"] = f"Describe the event (at least {MIN_DESCRIPTION} characters)."
    _choice(errors, "severity", values.severity, SEVERITIES, "severity")
    _choice(errors, "relatedness", values.relatedness, RELATEDNESS, "relatedness to treatment")
    _choice(errors, "outcome", values.outcome, OUTCOMES, "outcome")
    if values.serious and values.expected is None:
        errors["expected"] = "Say whether a serious event was expected."
    errors.update(_dates(values, consented_on, today))
    for name, message in {**_outcome(values), **_seriousness(values)}.items():
        errors.setdefault(name, message)
    return errors


def is_suspected_unexpected_serious_reaction(values: AdverseEventValues) -> bool:
    """A SUSAR: serious, related to the treatment and not expected (reported fastest)."""
    return values.serious and values.relatedness in RELATED and values.expected is False
