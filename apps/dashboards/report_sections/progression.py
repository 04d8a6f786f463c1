"""Progression criteria: each criterion's figure against its thresholds, as a traffic light."""

from dataclasses import dataclass

from apps.clinical.participant_records import SINGLE_ARM
from apps.dashboards import metrics
from apps.dashboards.metrics import Proportion
from apps.dashboards.report_sections.cells import Table
from apps.dashboards.report_sections.follow_up import completeness_at
from apps.dashboards.report_sections.recruitment import recruitment
from apps.dashboards.report_sections.sums import Sums
from apps.outcomes.models import Timepoint
from apps.patients.models import Arm

CRITERION_EXPLANATIONS = {
    "enrolment": "Consented / eligible people screened.",
    "recruitment": "Randomised / target expected over the same months, up to today (linear"
    " over each site's window).",
    "completeness": "3-month measures present (PHQ-9, GAD-7, smoking status, CO) / expected.",
    "quit_attempt": "Intervention-arm participants reporting a quit attempt / randomised to it.",
    "retention_3m": "3-month follow-ups completed / participants who have reached 3 months.",
}


@dataclass
class Criterion:
    """One progression criterion's traffic light with the figures behind it."""

    key: str
    label: str
    light: str
    value: Proportion | None
    green_from: float
    amber_from: float
    explanation: str


def criterion_values(sums: Sums) -> dict[str, Proportion]:
    """The figure each known criterion is judged on, by criterion key."""
    quit_arm = Arm.INTERVENTION.value if sums.randomised_pilot else SINGLE_ARM
    return {
        "enrolment": metrics.consent_rate(sums.scr["consented"], sums.scr["eligible_and_declined"]),
        "recruitment": recruitment(sums),
        "completeness": completeness_at(sums, Timepoint.MONTH3),
        "quit_attempt": metrics.proportion(
            sums.arm_count(quit_arm, "quit_attempt"), sums.arm_count(quit_arm, "randomised")
        ),
        "retention_3m": metrics.retention(sums.part["m3_done"], sums.part["m3_due"]),
    }


def criteria_lights(sums: Sums, criteria: list[dict]) -> list[Criterion]:
    """Every criterion's light, in the order given (unknown for a criterion with no figure)."""
    values = criterion_values(sums)
    return [_light(c, values.get(c["key"])) for c in criteria]


def _light(c: dict, value: Proportion | None) -> Criterion:
    return Criterion(
        key=c["key"],
        label=c["label"],
        light=metrics.traffic_light(
            value.percent if value else None, c["green_from"], c["amber_from"]
        ),
        value=value,
        green_from=float(c["green_from"]),
        amber_from=float(c["amber_from"]),
        explanation=CRITERION_EXPLANATIONS.get(c["key"], "No metric is defined for it."),
    )


def progression_table(lights: list[Criterion]) -> Table:
    """The lights as a table (what the CSV download holds)."""
    return Table(
        "progression",
        "Progression criteria",
        ["Criterion", "Light", "Value", "Green from (%)", "Amber from (%)"],
        [[c.label, c.light, c.value, c.green_from, c.amber_from] for c in lights],
    )
