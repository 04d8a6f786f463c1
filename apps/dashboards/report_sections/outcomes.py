"""Outcomes by arm: abstinence and quit attempts; mood change and Talking Therapies recovery as
the service's view."""

from apps.clinical.choices import Arm
from apps.clinical.outcome_labels import ARM_HEADINGS
from apps.dashboards import metrics
from apps.dashboards.report_sections.cells import Section, Table
from apps.dashboards.report_sections.sums import Sums

# (row, numerator counter, denominator counter) for the proportions, in table order.
# (2nd ed.) 7-day point prevalence is the between-arm abstinence outcome: intention to treat
# (everyone reached less deaths and untraceable moves; no report counts as smoking), with the
# complete case (those with a report) beside it. RS6 counts from the reference quit date.
ABSTINENCE_ROWS = (
    ("7-day point prevalence at 3 months, self-report", "pp3_self", "pp3_due"),
    ("7-day point prevalence at 3 months, CO-verified", "pp3_co", "pp3_due"),
    ("7-day point prevalence at 3 months, CO-verified, complete case", "pp3_co", "pp3_reported"),
    ("7-day point prevalence at 6 months, self-report", "pp6_self", "pp6_due"),
    ("7-day point prevalence at 6 months, CO-verified", "pp6_co", "pp6_due"),
    ("7-day point prevalence at 6 months, CO-verified, complete case", "pp6_co", "pp6_reported"),
    ("Sustained abstinence at 6 months (RS6, CO-verified)", "rs6_yes", "rs6_due"),
    ("Made a quit attempt (24 hours or more)", "quit_attempt", "randomised"),
)
# The 4-week quit is a treatment-service measure of the intervention arm, never compared.
TREATMENT_SERVICE_ROWS = (
    ("4-week quit, self-reported (Russell Standard)", "q4_self", "q4_due"),
    ("4-week quit, CO-verified (Russell Standard)", "q4_co", "q4_due"),
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
    """The outcomes table by arm, the treatment-service 4-week quit, the quit dates behind it,
    who is left out of the abstinence denominators, and the service's view."""
    return Section(
        [
            _outcomes_table(sums),
            _treatment_service_table(sums),
            _quit_dates_table(sums),
            _left_out_table(sums),
            _service_view_table(sums),
        ]
    )


def _outcomes_table(sums: Sums) -> Table:
    table = Table(
        "outcomes",
        "Outcomes by arm (pilot estimates with 95% confidence intervals)",
        ["Outcome", *[ARM_HEADINGS[a] for a in sums.arms]],
        note="Proportions use Wilson intervals. Abstinence is intention to treat: participants "
        "not followed up count as smoking, and those who died or moved to an untraceable "
        "address are left out; complete case counts only those with a report. RS6 counts from "
        "the reference quit date (the session quit date, else the stop date reported at 3 or 6 "
        "months), in both arms.",
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


def _treatment_service_table(sums: Sums) -> Table:
    arms = [a for a in sums.arms if a != Arm.CONTROL]
    table = Table(
        "treatment_service",
        "4-week quit: the treatment service's measure (intervention arm, not a trial comparison)",
        ["Outcome", *[ARM_HEADINGS[a] for a in arms]],
        note="Denominator: participants who set a quit date in a session (Russell Standard). "
        "Only the intervention arm has sessions, so it is never compared between arms.",
    )
    table.rows += [
        [label, *_proportions(sums, n, d, arms)] for label, n, d in TREATMENT_SERVICE_ROWS
    ]
    return table


def _left_out_table(sums: Sums) -> Table:
    return _arm_counts_table(
        sums,
        "abstinence_left_out",
        "Left out of the abstinence denominators (Russell Standard)",
        [
            ("Died, 3 months", "m3_died"),
            ("Untraceable, 3 months", "m3_untraceable"),
            ("Died, 6 months", "m6_died"),
            ("Untraceable, 6 months", "m6_untraceable"),
        ],
    )


def _arm_counts_table(sums: Sums, key: str, title: str, columns: list[tuple[str, str]]) -> Table:
    """One row per arm of plain counts, a (heading, counter) per column."""
    table = Table(key, title, ["Arm", *[heading for heading, _ in columns]])
    for a in sums.arms:
        c = sums.arm_counts(a)
        table.rows.append([ARM_HEADINGS[a], *[c[counter] for _, counter in columns]])
    return table


def _proportions(sums: Sums, numerator: str, denominator: str, arms=None) -> list:
    return [
        metrics.proportion(sums.arm_count(a, numerator), sums.arm_count(a, denominator))
        for a in (sums.arms if arms is None else arms)
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
    return _arm_counts_table(
        sums,
        "quit_dates",
        "Quit dates and the 4-week check",
        [
            ("Quit date set", "quit_date_set"),
            ("Quit date never set", "no_quit_date"),
            ("4-week check due", "q4_due"),
            ("4-week status not known", "q4_not_known"),
        ],
    )
