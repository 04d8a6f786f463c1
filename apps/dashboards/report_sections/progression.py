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
    "quit_attempt": "Intervention-arm participants reporting a quit attempt / those who have "
    "reached 3 months (window closed or follow-up done).",
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
    # (2nd ed.) Measured at 3 months while some participants have not reached it yet.
    interim_note: str = ""


def criterion_values(sums: Sums) -> dict[str, Proportion]:
    """The figure each known criterion is judged on, by criterion key."""
    quit_arm = Arm.INTERVENTION.value if sums.randomised_pilot else SINGLE_ARM
    return {
        "enrolment": metrics.consent_rate(sums.scr["consented"], sums.scr["eligible_and_declined"]),
        "recruitment": recruitment(sums),
        "completeness": completeness_at(sums, Timepoint.MONTH3),
        # (2nd ed.) Interim denominator: those whose 3-month window has closed or who did it.
        "quit_attempt": metrics.proportion(
            sums.arm_count(quit_arm, "quit_attempt_m3"), sums.arm_count(quit_arm, "m3_due")
        ),
        "retention_3m": metrics.retention(sums.part["m3_done"], sums.part["m3_due"]),
    }


def criteria_lights(sums: Sums, criteria: list[dict]) -> list[Criterion]:
    """Every criterion's light, in the order given (unknown for a criterion with no figure)."""
    values = criterion_values(sums)
    notes = interim_notes(sums)
    return [_light(c, values.get(c["key"]), notes.get(c["key"], "")) for c in criteria]


def interim_notes(sums: Sums) -> dict[str, str]:
    """(2nd ed.) For each criterion measured at 3 months, what its denominator is while some
    participants have not reached 3 months yet (empty once all have)."""
    quit_arm = Arm.INTERVENTION.value if sums.randomised_pilot else SINGLE_ARM
    notes = {}
    for key, reached, everyone, who, counted in (
        ("quit_attempt", sums.arm_count(quit_arm, "m3_due"), sums.arm_count(quit_arm, "randomised"),
         "intervention-arm participants", "the figure counts only them"),
        ("retention_3m", sums.part["m3_due"], sums.part["randomised"], "participants",
         "the figure counts only them"),
        ("completeness", sums.part["m3_due"], sums.part["randomised"], "participants",
         "the figure counts the measures expected from those of them still in the study"),
    ):  # fmt: skip
        if reached < everyone:
            notes[key] = (
                f"Interim: {reached} of {everyone} {who} randomised have reached 3 months; "
                f"{counted}."
            )
    return notes


def _light(c: dict, value: Proportion | None, interim_note: str = "") -> Criterion:
    return Criterion(
        interim_note=interim_note,
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
