"""Outcomes by arm: abstinence and quit attempts; mood change and Talking Therapies recovery as
the service's view."""

from apps.clinical.outcome_labels import ARM_HEADINGS
from apps.dashboards import metrics
from apps.dashboards.report_sections.cells import Section, Table
from apps.dashboards.report_sections.sums import Sums

# (row, numerator counter, denominator counter) for the proportions, in table order.
ABSTINENCE_ROWS = (
    ("4-week quit, self-reported (Russell Standard)", "q4_self", "q4_due"),
    ("4-week quit, CO-verified (Russell Standard)", "q4_co", "q4_due"),
    ("7-day point prevalence at 3 months, self-report", "pp3_self", "pp3_due"),
    ("7-day point prevalence at 3 months, CO-verified", "pp3_co", "pp3_due"),
    ("7-day point prevalence at 6 months, self-report", "pp6_self", "pp6_due"),
    ("7-day point prevalence at 6 months, CO-verified", "pp6_co", "pp6_due"),
    ("Sustained abstinence at 6 months (RS6, CO-verified)", "rs6_yes", "rs6_due"),
    ("Made a quit attempt (24 hours or more)", "quit_attempt", "randomised"),
)
# (row, counter prefix of n, sum and sum of squares) for the means.
MOOD_ROWS = (
    ("PHQ-9 mean change, first to last", "phq_change"),
    ("GAD-7 mean change, first to last", "gad_change"),
)
TALKING_THERAPIES_ROWS = (
    ("Talking Therapies recovery", "tt_recovered", "tt_caseness"),
    ("Reliable improvement", "tt_improved", "tt_pairs"),
    ("Reliable deterioration", "tt_deteriorated", "tt_pairs"),
    ("Reliable recovery", "tt_reliably_recovered", "tt_caseness"),
)


def outcomes_section(sums: Sums) -> Section:
    """The outcomes table by arm, the quit dates behind the 4-week check, the service's view."""
    return Section([_outcomes_table(sums), _quit_dates_table(sums), _service_view_table(sums)])


def _outcomes_table(sums: Sums) -> Table:
    table = Table(
        "outcomes",
        "Outcomes by arm (pilot estimates with 95% confidence intervals)",
        ["Outcome", *[ARM_HEADINGS[a] for a in sums.arms]],
        note="Proportions use Wilson intervals. Participants not followed up count as smoking.",
    )
    table.rows += [[label, *_proportions(sums, n, d)] for label, n, d in ABSTINENCE_ROWS]
    return table


def _service_view_table(sums: Sums) -> Table:
    """(2nd ed.) First-and-last PHQ-9/GAD-7: the Talking Therapies service's view, not a trial
    comparison (only the intervention arm has in-session questionnaires)."""
    table = Table(
        "service_view",
        "The service's view: PHQ-9/GAD-7 first to last, and Talking Therapies outcomes",
        ["Outcome", *[ARM_HEADINGS[a] for a in sums.arms]],
        note="The service's view, not a trial comparison: first and last scores fall at "
        "different times in each arm, because only the intervention arm has in-session "
        "questionnaires. The comparison between arms is at fixed timepoints (PHQ-9 and GAD-7 "
        "at baseline, 3 and 6 months). Means use t intervals; proportions Wilson intervals.",
    )
    table.rows += [[label, *_means(sums, prefix)] for label, prefix in MOOD_ROWS]
    table.rows += [[label, *_proportions(sums, n, d)] for label, n, d in TALKING_THERAPIES_ROWS]
    return table


def _proportions(sums: Sums, numerator: str, denominator: str) -> list:
    return [
        metrics.proportion(sums.arm_count(a, numerator), sums.arm_count(a, denominator))
        for a in sums.arms
    ]


def _means(sums: Sums, prefix: str) -> list:
    return [
        metrics.mean_estimate(
            sums.arm_count(a, f"{prefix}_n"),
            sums.arm_count(a, f"{prefix}_sum"),
            sums.arm_count(a, f"{prefix}_sumsq"),
        )
        for a in sums.arms
    ]


def _quit_dates_table(sums: Sums) -> Table:
    table = Table(
        "quit_dates",
        "Quit dates and the 4-week check",
        [
            "Arm",
            "Quit date set",
            "Quit date never set",
            "4-week check due",
            "4-week status not known",
        ],
    )
    for a in sums.arms:
        c = sums.arm_counts(a)
        table.rows.append(
            [ARM_HEADINGS[a], c["quit_date_set"], c["no_quit_date"], c["q4_due"], c["q4_not_known"]]
        )
    return table
