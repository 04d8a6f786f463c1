"""Follow-up: retention at each timepoint and the completeness of the measures expected."""

from apps.clinical.outcome_labels import ARM_HEADINGS, MEASURE_HEADINGS, TIMEPOINT_HEADINGS
from apps.clinical.participant_outcomes import EXPECTED_MEASURES, MEASURE_TIMEPOINTS
from apps.dashboards import metrics
from apps.dashboards.report_sections.cells import Section, Table
from apps.dashboards.report_sections.charts import proportion_chart
from apps.dashboards.report_sections.sums import Sums
from apps.outcomes.models import Timepoint

# Follow-up timepoints and the prefix of their counters in the snapshot.
FOLLOW_UPS = ((Timepoint.WEEK4, "w4"), (Timepoint.MONTH3, "m3"), (Timepoint.MONTH6, "m6"))


def retention_section(sums: Sums) -> Section:
    """Follow-ups completed / participants who reached each timepoint, by arm and overall."""
    table = Table(
        "retention",
        "Retention: follow-ups completed / participants who have reached the timepoint",
        ["Timepoint", *[ARM_HEADINGS[a] for a in sums.arms], "All shown"],
        note="Participants whose follow-up window has not closed yet are not counted.",
    )
    for tp, k in FOLLOW_UPS:
        by_arm = [
            metrics.retention(sums.arm_count(a, f"{k}_done"), sums.arm_count(a, f"{k}_due"))
            for a in sums.arms
        ]
        overall = metrics.retention(sums.part[f"{k}_done"], sums.part[f"{k}_due"])
        table.rows.append([TIMEPOINT_HEADINGS[tp], *by_arm, overall])
    return Section([table], {"retention": proportion_chart(table, sums.arms)})


def completeness_section(sums: Sums) -> Section:
    """Each expected measure present / participants expected to have it, per timepoint."""
    table = Table(
        "completeness",
        "Data completeness: expected measures present",
        ["Timepoint", "Participants expected", *MEASURE_HEADINGS.values()],
        note="A dash means the measure is not expected at that timepoint.",
    )
    for tp in MEASURE_TIMEPOINTS:
        expected_n = sums.part[f"exp_{tp}"]
        cells = [
            metrics.data_completeness(sums.part[f"has_{measure}_{tp}"], expected_n)
            if measure in EXPECTED_MEASURES[tp]
            else None
            for measure in MEASURE_HEADINGS
        ]
        table.rows.append([TIMEPOINT_HEADINGS[tp], expected_n, *cells])
    chart = {
        "type": "bar",
        "table": table.key,
        "labels": [TIMEPOINT_HEADINGS[tp] for tp in MEASURE_TIMEPOINTS],
        "datasets": [
            {"type": "bar", "label": label, "column": 2 + i, "percent": True}
            for i, label in enumerate(MEASURE_HEADINGS.values())
        ],
        "percent": True,
    }
    return Section([table], {"completeness": chart})


def completeness_at(sums: Sums, tp: str) -> metrics.Proportion:
    """Every measure a timepoint expects, present / expected, all measures together."""
    present = [sums.part[f"has_{m}_{tp}"] for m in EXPECTED_MEASURES[tp]]
    return metrics.measures_completeness(present, sums.part[f"exp_{tp}"])
