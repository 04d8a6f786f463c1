"""The one table of what each code is called on pages, in exports and in the API.

Codes come from the models' choices and from participant_outcomes(); only the words live here.
"""

from apps.clinical import participant_outcomes as po
from apps.clinical import scoring
from apps.clinical.choices import Arm, Timepoint
from apps.clinical.participant_records import POOLED_ARMS, SINGLE_ARM

ARM_LABELS = {**dict(Arm.choices), SINGLE_ARM: "Single arm (enrolled)"}
TIMEPOINT_LABELS = dict(Timepoint.choices)
# The dashboard's column and row headings: shorter than the labels above (and the open
# steering committee report's pooled column).
ARM_HEADINGS = {**dict(Arm.choices), SINGLE_ARM: "Enrolled", POOLED_ARMS: "Both arms"}
TIMEPOINT_HEADINGS = {
    Timepoint.BASELINE: "Baseline",
    Timepoint.WEEK4: "4 weeks",
    Timepoint.MONTH3: "3 months",
    Timepoint.MONTH6: "6 months",
}
MEASURE_HEADINGS = {"phq9": "PHQ-9", "gad7": "GAD-7", "smoking": "Smoking status", "co": "CO"}
FOUR_WEEK_LABELS = {
    scoring.QUIT_CO_VERIFIED: "Quit (CO-verified)",
    scoring.QUIT_SELF_REPORT: "Quit (self-report only)",
    scoring.NOT_QUIT: "Not quit",
    # Russell Standard: not known / lost to follow-up counts as smoking.
    scoring.NOT_KNOWN: "Not known (counts as not quit)",
    po.NOT_YET_ASSESSED: "Not yet assessed",
}
POINT_PREVALENCE_LABELS = {
    scoring.ABSTINENT_CO_VERIFIED: "Abstinent, CO-verified",
    scoring.ABSTINENT_SELF_REPORT: "Abstinent, self-report only",
    scoring.SMOKING: "Smoking",
    scoring.NOT_KNOWN: "Not known",
}
TIMEPOINT_STATUS_LABELS = {
    po.NOT_YET_DUE: "Not yet due",
    po.OPEN: "Window open",
    po.COMPLETED: "Completed",
    po.MISSED: "Missed",
    po.WITHDRAWN: "Withdrawn before it",
    po.LOST: "Lost to follow-up",
    po.DIED: "Died before it",
    po.UNTRACEABLE: "Moved, cannot be traced",
    po.NOT_APPLICABLE: "Not applicable",
}


def abstinence_summary(outcomes: po.ParticipantOutcomes) -> list[tuple[str, str]]:
    """(2nd ed.) The between-arm abstinence outcomes of one participant as (outcome, words):
    a timepoint that does not count yet says why, never an outcome."""
    rows = []
    for tp, heading in ((Timepoint.MONTH3, "3 months"), (Timepoint.MONTH6, "6 months")):
        code = outcomes.counted(tp, outcomes.point_prevalence[tp])
        words = (
            POINT_PREVALENCE_LABELS[code]
            if code
            else TIMEPOINT_STATUS_LABELS[outcomes.timepoints[tp].status]
        )
        rows.append((f"7-day point prevalence, {heading}", words))
    rs6 = outcomes.counted(Timepoint.MONTH6, outcomes.rs6)
    rs6_words = (
        TIMEPOINT_STATUS_LABELS[outcomes.timepoints[Timepoint.MONTH6].status]
        if rs6 is None
        else ("Abstinent (CO-verified)" if rs6 else "Not abstinent (counts as smoking)")
    )
    rows.append(("Sustained abstinence at 6 months (RS6)", rs6_words))
    reference = outcomes.reference_quit_date
    rows.append(
        (
            "Reference quit date",
            f"{reference.day} {reference:%b %Y}" if reference else "None yet",
        )
    )
    return rows
