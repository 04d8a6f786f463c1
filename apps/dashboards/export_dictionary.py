"""The analysis datasets' variables: names, labels, types, units and value labels.

The data dictionary is written from these lists, and the row builders in export_rows.py fill
them. Value labels come from the models' choices and apps/clinical/outcome_labels.py. A variable
with a `timepoint` holds a value only where that follow-up was completed; elsewhere it holds the
reason it is missing (export_missing.py), so a new column gets the codes by naming its timepoint.
"""

from dataclasses import dataclass

from apps.clinical import scoring
from apps.clinical.outcome_labels import (
    ARM_LABELS,
    FOUR_WEEK_LABELS,
    POINT_PREVALENCE_LABELS,
    TIMEPOINT_LABELS,
)
from apps.clinical.participant_outcomes import FOLLOW_UP_TIMEPOINTS, MEASURE_TIMEPOINTS
from apps.clinical.status import Status
from apps.conduct.models import DeviationCategory, DeviationRule, DeviationSeriousness
from apps.dashboards.export_missing import EXPORT_STATUS_LABELS, missing_codes_text
from apps.patients.models import ExitReason, Sex
from apps.reminders.models import FollowUpStatus
from apps.safety.models import Outcome, Relatedness, Seriousness, Severity

ARMS = ARM_LABELS
# The statuses a randomised (or enrolled) participant can have.
STATUSES = {
    status.value: status.label
    for status in (
        Status.RANDOMISED,
        Status.ENROLLED,
        Status.COMPLETED,
        Status.WITHDRAWN,
        Status.LOST,
    )
}
SEXES = dict(Sex.choices)
HSI_BANDS = {"low": "Low (0-1)", "medium": "Medium (2-4)", "high": "High (5-6)"}
EXIT_REASONS = dict(ExitReason.choices)
FOLLOW_UP_STATUSES = dict(FollowUpStatus.choices)
QUIT4 = {code: FOUR_WEEK_LABELS[code] for code in scoring.FOUR_WEEK_OUTCOMES}
PP7 = POINT_PREVALENCE_LABELS
TIMEPOINT_STATUSES = EXPORT_STATUS_LABELS
INSTRUMENTS = {
    "phq9": "PHQ-9 total",
    "gad7": "GAD-7 total",
    "co": "Exhaled CO (ppm)",
    "smoking": "Cigarettes in the last 7 days",
}
TIMEPOINTS = TIMEPOINT_LABELS
YES_NO = {1: "Yes", 0: "No"}
PHQ9_DIFFICULTY = dict(scoring.PHQ9_DIFFICULTY_CHOICES)


@dataclass(frozen=True)
class Variable:
    """One column of an export and its data-dictionary entry."""

    name: str
    label: str
    type: str  # string, integer, decimal, date, category, boolean
    units: str = ""
    values: dict | None = None
    allowed: str = ""
    timepoint: str = ""  # the follow-up whose status decides whether it holds a value

    @property
    def numeric(self) -> bool:
        """Stored as a number in Stata and SPSS."""
        return self.type in NUMERIC_TYPES

    @property
    def carries_reasons(self) -> bool:
        """Holds a missing-value code where its timepoint was not completed (Stata, SPSS)."""
        return bool(self.timepoint) and self.numeric


NUMERIC_TYPES = frozenset({"integer", "boolean", "category", "decimal"})


def _v(name, label, type_, units="", values=None, allowed="", timepoint=""):
    return Variable(name, label, type_, units, values, allowed, timepoint)


WIDE: list[Variable] = [
    _v("trial_id", "Trial ID (pseudonym)", "string"),
    _v("site", "Site code", "string"),
    _v("arm", "Allocated arm", "category", values=ARMS),
    _v("status", "Participant status at export", "category", values=STATUSES),
    _v("randomised_on", "Date randomised (enrolled)", "date"),
    _v("age", "Age at randomisation", "integer", "years", allowed="18-120"),
    _v("sex", "Sex", "category", values=SEXES),
    _v("cigs_per_day", "Cigarettes per day at baseline", "integer", "cigarettes", allowed="1-100"),
    _v("mins_to_first", "Minutes to first cigarette after waking", "integer", "minutes"),
    _v("hsi", "Heaviness of Smoking Index", "integer", allowed="0-6"),
    _v("hsi_band", "HSI band", "category", values=HSI_BANDS),
    _v("quit_date_set", "Quit date set", "boolean", values=YES_NO),
    _v("quit_day", "Quit date, days after randomisation", "integer", "days"),
    _v("exit_reason", "Reason for withdrawal or loss", "category", values=EXIT_REASONS),
    _v("exit_day", "Withdrawal or loss, days after randomisation", "integer", "days"),
    _v("sess_offered", "Cessation sessions offered", "integer", "sessions"),
    _v("sess_attended", "Cessation sessions attended", "integer", "sessions"),
    _v("sess_dna", "Cessation sessions not attended (DNA)", "integer", "sessions"),
    _v("fidelity", "Expected BCTs delivered in attended sessions", "decimal", "%", allowed="0-100"),
    *[
        _v(f"fu_{tp}", f"Follow-up status, {TIMEPOINTS[tp]}", "category", values=FOLLOW_UP_STATUSES)
        for tp in FOLLOW_UP_TIMEPOINTS
    ],
    *[
        _v(
            f"status_{tp}",
            f"{TIMEPOINTS[tp]}: completed, or why its values are missing",
            "category",
            values=TIMEPOINT_STATUSES,
        )
        for tp in FOLLOW_UP_TIMEPOINTS
    ],
]
for _tp in MEASURE_TIMEPOINTS:
    _label = TIMEPOINTS[_tp]
    _at = _tp if _tp in FOLLOW_UP_TIMEPOINTS else ""  # baseline values are always expected
    if _tp != "week4":
        WIDE += [
            _v(f"phq9_{_tp}", f"PHQ-9 total, {_label}", "integer", "points", allowed="0-27",
               timepoint=_at),
            _v(f"phq9_difficulty_{_tp}", f"PHQ-9 difficulty (not scored), {_label}", "integer",
               values=PHQ9_DIFFICULTY, allowed="0-3", timepoint=_at),
            _v(f"gad7_{_tp}", f"GAD-7 total, {_label}", "integer", "points", allowed="0-21",
               timepoint=_at),
        ]  # fmt: skip
    WIDE.append(
        _v(f"co_{_tp}", f"Exhaled CO, {_label}", "integer", "ppm", allowed="0-100", timepoint=_at)
    )
    if _tp != "baseline":
        WIDE += [
            _v(f"smoked7d_{_tp}", f"Smoked in the last 7 days, {_label}", "boolean",
               values=YES_NO, timepoint=_at),
            _v(f"cigs7d_{_tp}", f"Cigarettes in the last 7 days, {_label}", "integer",
               "cigarettes", timepoint=_at),
        ]  # fmt: skip
WIDE += [
    _v("smokefree14_week4", "Not a puff since day 14 after quit date, 4 weeks", "boolean",
       values=YES_NO, timepoint="week4"),
    _v("check4_day", "4-week check, days after the quit date", "integer", "days",
       timepoint="week4"),
    _v("co4_window", "CO in the 4-week window (days 25-42)", "integer", "ppm", allowed="0-100",
       timepoint="week4"),
    _v("smokefree14_month6", "Not a puff since day 14 after quit date, 6 months", "boolean",
       values=YES_NO, timepoint="month6"),
    _v("cigs14_month6", "Cigarettes since day 14 after quit date, 6 months", "integer",
       "cigarettes", timepoint="month6"),
    _v("stopped_day_month3", "Stop date reported at 3 months, days after randomisation",
       "integer", "days", timepoint="month3"),
    _v("stopped_day_month6", "Stop date reported at 6 months, days after randomisation",
       "integer", "days", timepoint="month6"),
    *(
        _v(name, f"{label}, {_label} (of those still smoking)", "integer", units,
           allowed=allowed, timepoint=_tp)
        for _tp, _label in (("month3", "3 months"), ("month6", "6 months"))
        for name, label, units, allowed in (
            (f"cpd_{_tp}", "Cigarettes per day", "cigarettes", "0-100"),
            (f"hsi_{_tp}", "Heaviness of Smoking Index", "", "0-6"),
        )
    ),
    _v("therapy_planned", "Talking Therapies sessions planned since randomisation (latest "
       "3- or 6-month report)", "integer", "sessions", allowed="0-60"),
    _v("therapy_attended", "Talking Therapies sessions attended since randomisation (latest "
       "report)", "integer", "sessions", allowed="0-60"),
    _v("therapy_dna", "Talking Therapies sessions not attended since randomisation (latest "
       "report)", "integer", "sessions", allowed="0-60"),
    _v("ref_quit_day", "Reference quit date (session quit date, else earliest stop date "
       "reported), days after randomisation", "integer", "days"),
    _v("quit_attempt", "Reported a quit attempt of 24 hours or more after baseline", "boolean",
       values=YES_NO),
    _v("quit4w", "4-week quit outcome (Russell Standard)", "category", values=QUIT4,
       timepoint="week4"),
    _v("pp7_month3", "7-day point prevalence, 3 months", "category", values=PP7,
       timepoint="month3"),
    _v("pp7_month6", "7-day point prevalence, 6 months", "category", values=PP7,
       timepoint="month6"),
    _v("rs6", "Sustained abstinence at 6 months (RS6)", "boolean", values=YES_NO,
       timepoint="month6"),
    _v("phq9_change", "PHQ-9 change, first to last", "integer", "points"),
    _v("gad7_change", "GAD-7 change, first to last", "integer", "points"),
    _v("tt_pairs", "Paired PHQ-9/GAD-7 contacts", "integer", "pairs"),
    _v("tt_caseness", "Caseness at the first pair", "boolean", values=YES_NO),
    _v("tt_recovered", "Talking Therapies recovery", "boolean", values=YES_NO),
    _v("tt_improved", "Reliable improvement", "boolean", values=YES_NO),
    _v("tt_deteriorated", "Reliable deterioration", "boolean", values=YES_NO),
    _v("tt_reliable_recovery", "Reliable recovery", "boolean", values=YES_NO),
]  # fmt: skip

LONG: list[Variable] = [
    _v("trial_id", "Trial ID (pseudonym)", "string"),
    _v("site", "Site code", "string"),
    _v("arm", "Allocated arm", "category", values=ARMS),
    _v("instrument", "Measure", "category", values=INSTRUMENTS),
    _v("timepoint", "Timepoint", "category", values=TIMEPOINTS),
    _v("day", "Days after randomisation", "integer", "days"),
    _v("value", "Value (PHQ-9/GAD-7 total, CO ppm, cigarettes in 7 days)", "integer"),
    _v("smoked7d", "Smoked in the last 7 days (smoking reports)", "boolean", values=YES_NO),
    _v("band", "Severity or CO band", "string"),
    _v(
        "phq9_difficulty",
        "PHQ-9 difficulty, not scored (PHQ-9 rows)",
        "integer",
        values=PHQ9_DIFFICULTY,
        allowed="0-3",
    ),
]

ADVERSE_EVENTS: list[Variable] = [
    _v("trial_id", "Trial ID (pseudonym)", "string"),
    _v("site", "Site code", "string"),
    _v("arm", "Allocated arm", "category", values=ARMS),
    _v("event", "Event number for the participant (by onset)", "integer"),
    _v("onset_on", "Onset date", "date"),
    _v("onset_day", "Onset, days after randomisation", "integer", "days"),
    _v("severity", "Severity", "category", values=dict(Severity.choices)),
    _v("serious", "Serious (ICH E2A)", "boolean", values=YES_NO),
    *[
        _v(f"serious_{code}", f"Seriousness: {label.lower()}", "boolean", values=YES_NO)
        for code, label in Seriousness.choices
    ],
    _v("relatedness", "Relatedness to the cessation treatment", "category",
       values=dict(Relatedness.choices)),
    _v("expected", "Expected (serious events)", "boolean", values=YES_NO),
    _v("outcome", "Outcome", "category", values=dict(Outcome.choices)),
    _v("resolved_on", "Resolution date", "date"),
    _v("date_of_death", "Date of death", "date"),
    _v("aware_on", "Date the team became aware", "date"),
    _v("serious_since", "Date known to be serious (start of the reporting clock)", "date"),
    _v("reported_on", "Date reported to the sponsor", "date"),
    _v("hours_to_report", "Hours from seriousness to the sponsor report", "integer", "hours"),
]  # fmt: skip

DEVIATIONS: list[Variable] = [
    _v("trial_id", "Trial ID (pseudonym)", "string"),
    _v("site", "Site code", "string"),
    _v("arm", "Allocated arm", "category",
       values={**ARMS, "none": "Not randomised (deviation before randomisation)"}),
    _v("deviation", "Deviation number for the participant (by date)", "integer"),
    _v("occurred_on", "Date of the deviation", "date"),
    _v("occurred_day", "Days after randomisation (negative: before it)", "integer", "days"),
    _v("category", "Category", "category", values=dict(DeviationCategory.choices)),
    _v("seriousness", "Seriousness", "category", values=dict(DeviationSeriousness.choices)),
    _v("raised_by", "Raised by", "category",
       values={"staff": "Staff", "check": "The platform's automatic check"}),
    _v("rule", "The automatic check that raised it", "category",
       values=dict(DeviationRule.choices)),
    _v("reported_on", "Date reported", "date"),
]  # fmt: skip

DICTIONARY: list[Variable] = [
    _v("dataset", "Dataset", "string"),
    _v("variable", "Variable name", "string"),
    _v("label", "Label", "string"),
    _v("type", "Type", "string"),
    _v("units", "Units", "string"),
    _v("allowed", "Allowed values", "string"),
    _v("value_labels", "Value labels (code = label)", "string"),
    _v("status_variable", "The status column that says why a value is missing", "string"),
    _v("missing_values", "Missing-value codes (Stata / SPSS = reason; CSV: empty)", "string"),
]


def missing_values_text(v: Variable) -> str:
    """What a variable holds where its timepoint was not completed, for the dictionary."""
    if v.carries_reasons:
        return missing_codes_text()
    return f"empty; status_{v.timepoint} says why" if v.timepoint else ""


def dictionary_rows() -> list[list]:
    """The data dictionary: every variable of the wide, long, adverse event and deviation
    datasets."""
    rows = []
    for dataset, variables in (
        ("wide", WIDE),
        ("long", LONG),
        ("adverse_events", ADVERSE_EVENTS),
        ("deviations", DEVIATIONS),
    ):
        for v in variables:
            labels = "; ".join(f"{code} = {label}" for code, label in (v.values or {}).items())
            status = f"status_{v.timepoint}" if v.timepoint else ""
            rows.append(
                [dataset, v.name, v.label, v.type, v.units, v.allowed, labels, status,
                 missing_values_text(v)]
            )  # fmt: skip
    return rows
