"""Usual psychological care: Talking Therapies sessions planned, attended and missed, by arm."""

from apps.clinical.outcome_labels import ARM_HEADINGS
from apps.dashboards import metrics, metrics_estimates
from apps.dashboards.report_sections.cells import Section, Table, round_or_none
from apps.dashboards.report_sections.sums import Sums


def usual_care_section(sums: Sums) -> Section:
    """One row per arm: who has a report, and their sessions so far."""
    table = Table(
        "usual_care",
        "Usual psychological care: Talking Therapies sessions since randomisation, by arm",
        [
            "Arm",
            "Participants with a report",
            "Planned per participant",
            "Attended per participant: mean (SD)",
            "Not attended per participant",
            "Attended / planned sessions",
        ],
        note="From the latest 3- or 6-month report of each participant (counts are cumulative). "
        "So the trial can see whether cessation support displaced therapy: compare the arms' "
        "attended sessions. The share counts sessions, not participants, so it has no interval.",
    )
    if "uc_n" not in sums.participants.counters:
        table.note = "This snapshot predates these figures: refresh the figures."
        return Section([table])
    for a in sums.arms:
        c = sums.arm_counts(a)
        table.rows.append(
            [
                ARM_HEADINGS[a],
                metrics.proportion(c["uc_n"], c["randomised"]),
                round_or_none(metrics.ratio(c["uc_planned"], c["uc_n"]), 1),
                metrics_estimates.summary(c["uc_n"], c["uc_attended"], c["uc_attended_sq"]),
                round_or_none(metrics.ratio(c["uc_dna"], c["uc_n"]), 1),
                metrics.attendance_share(c["uc_attended"], c["uc_planned"]),
            ]
        )
    return Section([table])
