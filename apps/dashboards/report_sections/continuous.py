"""(2nd ed.) PHQ-9 and GAD-7 between arms at fixed timepoints: the trial comparison of mood."""

from apps.clinical.continuous_outcomes import COMPARISON_TIMEPOINTS, CONTINUOUS_MEASURES
from apps.clinical.outcome_labels import ARM_HEADINGS, MEASURE_HEADINGS, TIMEPOINT_HEADINGS
from apps.dashboards import metrics_estimates as estimates
from apps.dashboards.estimate_counters import FOLLOW_UPS, score_counter
from apps.dashboards.report_sections.cells import Section, Table
from apps.dashboards.report_sections.sums import Sums
from apps.patients.models import Arm

WINDOW_NOTE = (
    "A score counts at 3 or 6 months only if it was recorded for that timepoint and dated inside "
    "its window; at baseline, if recorded for baseline. The latest such score counts."
)
OLD_SNAPSHOT_NOTE = "This snapshot predates these figures: refresh the figures."
SUMMARY_PARTS = ("n", "sum", "sumsq")


def continuous_section(sums: Sums) -> Section:
    """Mean and SD per arm at each timepoint, and the between-arm differences at 3 and 6 months."""
    return Section([_timepoints_table(sums), _differences_table(sums)])


def _has_scores(sums: Sums) -> bool:
    return "phq9_b0_n" in sums.participants.counters


def _timepoints_table(sums: Sums) -> Table:
    table = Table(
        "mood_timepoints",
        "PHQ-9 and GAD-7 at baseline, 3 and 6 months: mean (SD) per arm",
        ["Measure", "Timepoint", *[ARM_HEADINGS[a] for a in sums.arms]],
        note=WINDOW_NOTE,
    )
    if not _has_scores(sums):
        table.note = OLD_SNAPSHOT_NOTE
        return table
    table.rows = summary_rows(sums, CONTINUOUS_MEASURES, MEASURE_HEADINGS)
    return table


def summary_rows(sums: Sums, measures, headings: dict[str, str]) -> list[list]:
    """Per measure and comparison timepoint: the mean (SD) of each arm shown."""
    rows = []
    for measure in measures:
        for tp in COMPARISON_TIMEPOINTS:
            key = score_counter(measure, tp)
            rows.append(
                [
                    headings[measure],
                    TIMEPOINT_HEADINGS[tp],
                    *[
                        estimates.summary(*arm_sums(sums.arm_counts(a), key, SUMMARY_PARTS))
                        for a in sums.arms
                    ],
                ]
            )
    return rows


def _differences_table(sums: Sums) -> Table:
    table = Table(
        "mood_differences",
        "PHQ-9 and GAD-7: difference in means, intervention minus control (95% CI)",
        ["Measure", "Timepoint", "Unadjusted", "Adjusted for the baseline score"],
        note="Unadjusted: pooled-variance t interval (n - 2 df). Adjusted: ordinary least squares "
        "of score ~ arm + baseline score among participants with both, t on n - 3 df. Pilot "
        "estimates, not hypothesis tests. " + WINDOW_NOTE,
    )
    both = Arm.INTERVENTION.value in sums.arms and Arm.CONTROL.value in sums.arms
    if not _has_scores(sums):
        table.note = OLD_SNAPSHOT_NOTE
        return table
    if not both:
        table.note = "A difference between arms needs both arms shown (no arm filter)."
        return table
    treated, control = sums.arm_counts(Arm.INTERVENTION.value), sums.arm_counts(Arm.CONTROL.value)
    for measure in CONTINUOUS_MEASURES:
        for tp in FOLLOW_UPS:
            key = score_counter(measure, tp)
            table.rows.append(
                [
                    MEASURE_HEADINGS[measure],
                    TIMEPOINT_HEADINGS[tp],
                    estimates.mean_difference(
                        *arm_sums(treated, key, ("n", "sum", "sumsq")),
                        *arm_sums(control, key, ("n", "sum", "sumsq")),
                    ),
                    estimates.adjusted_difference(pair_sums(treated, key), pair_sums(control, key)),
                ]
            )
    return table


def arm_sums(c: dict, key: str, parts: tuple[str, ...]) -> list[int]:
    """Some of one arm's counters under a measure's prefix, in the order given."""
    return [c[f"{key}_{part}"] for part in parts]


def pair_sums(c: dict, key: str) -> estimates.PairSums:
    """One arm's sums over participants with both a baseline and a follow-up value."""
    return estimates.PairSums(*arm_sums(c, f"{key}_pair", ("n", "b", "y", "bb", "by", "yy")))
