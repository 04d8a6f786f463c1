"""Smoking at follow-up: cigarettes per day and HSI of those still smoking, against baseline."""

from apps.clinical.outcome_labels import ARM_HEADINGS, TIMEPOINT_HEADINGS
from apps.clinical.smoking_heaviness import CIGARETTES_PER_DAY, HSI, SMOKING_MEASURES
from apps.dashboards import metrics_estimates as estimates
from apps.dashboards.estimate_counters import FOLLOW_UPS, score_counter
from apps.dashboards.report_sections.cells import Section, Table
from apps.dashboards.report_sections.continuous import OLD_SNAPSHOT_NOTE, pair_sums, summary_rows
from apps.dashboards.report_sections.sums import Sums
from apps.patients.models import Arm

HEADINGS = {CIGARETTES_PER_DAY: "Cigarettes per day", HSI: "Heaviness of Smoking Index (0-6)"}
WHO_NOTE = (
    "At 3 and 6 months only participants still smoking (smoked in the last 7 days, in the report "
    "that decides that follow-up) count, and only those who answered; at baseline everyone "
    "randomised. A descriptive comparison of those still smoking, not a randomised one."
)


def smoking_heaviness_section(sums: Sums) -> Section:
    """Mean (SD) per arm at each timepoint, and the change from baseline of those still smoking."""
    return Section([_timepoints_table(sums), _change_table(sums)])


def _has_counts(sums: Sums) -> bool:
    return "cpd_b0_n" in sums.participants.counters


def _timepoints_table(sums: Sums) -> Table:
    table = Table(
        "smoking_heaviness",
        "Smoking at follow-up: cigarettes per day and HSI of those still smoking, mean (SD)",
        ["Measure", "Timepoint", *[ARM_HEADINGS[a] for a in sums.arms]],
        note=WHO_NOTE,
    )
    if not _has_counts(sums):
        table.note = OLD_SNAPSHOT_NOTE
        return table
    table.rows = summary_rows(sums, SMOKING_MEASURES, HEADINGS)
    return table


def _change_table(sums: Sums) -> Table:
    both = Arm.INTERVENTION.value in sums.arms and Arm.CONTROL.value in sums.arms
    table = Table(
        "smoking_heaviness_change",
        "Change from baseline among those still smoking: mean (SD) per arm",
        [
            "Measure",
            "Timepoint",
            *[ARM_HEADINGS[a] for a in sums.arms],
            *(["Intervention minus control, adjusted for baseline"] if both else []),
        ],
        note="Follow-up minus baseline among participants with both. The adjusted difference is "
        "the arm coefficient of ordinary least squares of follow-up ~ arm + baseline (t on n - 3 "
        "df): a pilot estimate, not a hypothesis test. " + WHO_NOTE,
    )
    if not _has_counts(sums):
        table.note = OLD_SNAPSHOT_NOTE
        return table
    for measure in SMOKING_MEASURES:
        for tp in FOLLOW_UPS:
            key = score_counter(measure, tp)
            row = [
                HEADINGS[measure],
                TIMEPOINT_HEADINGS[tp],
                *[estimates.mean_change(pair_sums(sums.arm_counts(a), key)) for a in sums.arms],
            ]
            if both:
                row.append(
                    estimates.adjusted_difference(
                        pair_sums(sums.arm_counts(Arm.INTERVENTION.value), key),
                        pair_sums(sums.arm_counts(Arm.CONTROL.value), key),
                    )
                )
            table.rows.append(row)
    return table
