"""Pure scorers for the outcome measures (PHQ-9, GAD-7, HSI, CO, smoking status).

No ORM, no settings: values in, values out. Each function implements one rule of the
project's clinical rules (PHQ-9/GAD-7 bands, NHS Talking Therapies outcomes, HSI, Russell
Standard smoking outcomes) exactly.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

SCORING_VERSION = "phq9-gad7-v1"


class ScoringError(ValueError):
    """Raised when answers or readings break a scoring rule; names each offending item."""

    def __init__(self, messages: str | Sequence[str]) -> None:
        if isinstance(messages, str):
            messages = [messages]
        self.messages: tuple[str, ...] = tuple(messages)
        super().__init__("; ".join(self.messages))


# --------------------------------------------------------------------------------------------
# Questionnaire text
# --------------------------------------------------------------------------------------------

ANSWER_CHOICES: list[tuple[int, str]] = [
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
]
ITEM_MIN = 0
ITEM_MAX = 3

PHQ9_STEM = (
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
)
PHQ9_ITEMS: tuple[str, ...] = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself - or that you are a failure or have let yourself or your "
    "family down",
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    "Moving or speaking so slowly that other people could have noticed? Or the opposite - "
    "being so fidgety or restless that you have been moving around a lot more than usual",
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)
PHQ9_DIFFICULTY_QUESTION = (
    "If you checked off any problems, how difficult have these problems made it for you to do "
    "your work, take care of things at home, or get along with other people?"
)
PHQ9_DIFFICULTY_CHOICES: list[tuple[int, str]] = [
    (0, "Not difficult at all"),
    (1, "Somewhat difficult"),
    (2, "Very difficult"),
    (3, "Extremely difficult"),
]
# The difficulty answers' range as messages name it: "0 to 3 (0 Not difficult at all to 3 ...)".
PHQ9_DIFFICULTY_RANGE = (
    f"{PHQ9_DIFFICULTY_CHOICES[0][0]} to {PHQ9_DIFFICULTY_CHOICES[-1][0]} "
    f"({PHQ9_DIFFICULTY_CHOICES[0][0]} {PHQ9_DIFFICULTY_CHOICES[0][1]} to "
    f"{PHQ9_DIFFICULTY_CHOICES[-1][0]} {PHQ9_DIFFICULTY_CHOICES[-1][1]})"
)
PHQ9_DIFFICULTY_WITHOUT_ITEMS = (
    "PHQ-9 difficulty is asked only with the PHQ-9: give the nine items too, or leave it blank."
)
PHQ9_RISK_ITEM = 9  # 1-based: "Thoughts that you would be better off dead ..."
PHQ9_MAX_TOTAL = 27

GAD7_STEM = "Over the last 2 weeks, how often have you been bothered by the following problems?"
GAD7_ITEMS: tuple[str, ...] = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)
GAD7_MAX_TOTAL = 21

# --------------------------------------------------------------------------------------------
# Severity bands (lower bound inclusive, label); the last band runs to the maximum total.
# --------------------------------------------------------------------------------------------

MINIMAL = "minimal"
MILD = "mild"
MODERATE = "moderate"
MODERATELY_SEVERE = "moderately severe"
SEVERE = "severe"

PHQ9_SEVERITY_BANDS: tuple[tuple[int, str], ...] = (
    (0, MINIMAL),
    (5, MILD),
    (10, MODERATE),
    (15, MODERATELY_SEVERE),
    (20, SEVERE),
)
GAD7_SEVERITY_BANDS: tuple[tuple[int, str], ...] = (
    (0, MINIMAL),
    (5, MILD),
    (10, MODERATE),
    (15, SEVERE),
)
PHQ9_SEVERITIES: tuple[str, ...] = tuple(label for _, label in PHQ9_SEVERITY_BANDS)
GAD7_SEVERITIES: tuple[str, ...] = tuple(label for _, label in GAD7_SEVERITY_BANDS)

# NHS Talking Therapies thresholds.
PHQ9_CASENESS = 10
GAD7_CASENESS = 8
PHQ9_RELIABLE_CHANGE = 6
GAD7_RELIABLE_CHANGE = 4

# CO readings (ppm).
CO_MIN_PPM = 0
CO_MAX_PPM = 100
CO_VERIFIED_BELOW_PPM = 10
CO_NON_SMOKER = "non-smoker"
CO_BORDERLINE = "borderline"
CO_SMOKER = "smoker"
CO_BORDERLINE_FROM_PPM = 7
# (2nd ed.) The display bands agree with the verification cut: 10 ppm is in the smoking range.
CO_SMOKER_FROM_PPM = CO_VERIFIED_BELOW_PPM
CO_BAND_LABELS = {
    CO_NON_SMOKER: "non-smoker range",
    CO_BORDERLINE: "borderline (still verifies)",
    CO_SMOKER: "smoking range",
}

# Russell Standard 4-week quit: days after the quit date (quit date = day 0), inclusive.
FOUR_WEEK_DUE_DAY = 28
FOUR_WEEK_FIRST_DAY = 25
FOUR_WEEK_LAST_DAY = 42
# "Not a puff since day 14" (4-week check and RS6): abstinence is counted from this day.
ABSTINENT_FROM_DAY = 14
# 7-day point prevalence: "no smoking in the past 7 days".
POINT_PREVALENCE_DAYS = 7

QUIT_CO_VERIFIED = "quit_co_verified"
QUIT_SELF_REPORT = "quit_self_report"
NOT_QUIT = "not_quit"
NOT_KNOWN = "not_known"
FOUR_WEEK_OUTCOMES: tuple[str, ...] = (QUIT_CO_VERIFIED, QUIT_SELF_REPORT, NOT_QUIT, NOT_KNOWN)

ABSTINENT_CO_VERIFIED = "abstinent_co_verified"
ABSTINENT_SELF_REPORT = "abstinent_self_report"
SMOKING = "smoking"
POINT_PREVALENCE_OUTCOMES: tuple[str, ...] = (
    ABSTINENT_CO_VERIFIED,
    ABSTINENT_SELF_REPORT,
    SMOKING,
    NOT_KNOWN,
)

# RS6 sustained abstinence: at most this many cigarettes in total since day 14.
RS6_MAX_CIGARETTES = 5


# --------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    """Return True for a real integer (booleans are not integers here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_int_range(value: object, name: str, low: int, high: int | None) -> int:
    """Return value if it is an integer within [low, high], else raise ScoringError."""
    if value is None:
        raise ScoringError(f"{name} is required")
    if high is None:
        rule = f"must be an integer of {low} or more"
    else:
        rule = f"must be an integer from {low} to {high}"
    if not isinstance(value, int) or isinstance(value, bool):
        raise ScoringError(f"{name} {rule}")
    if value < low or (high is not None and value > high):
        raise ScoringError(f"{name} {rule}")
    return value


def _check_date(value: object, name: str) -> date:
    """Return value if it is a calendar date (not a datetime), else raise ScoringError."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ScoringError(f"{name} must be a date")
    return value


def _check_optional_bool(value: object, name: str) -> bool | None:
    """Return value if it is True, False or None, else raise ScoringError."""
    if value is not None and not isinstance(value, bool):
        raise ScoringError(f"{name} must be true, false or unknown (None)")
    return value


def _validate_items(items: Sequence[int | None], label: str, expected: int) -> tuple[int, ...]:
    """Check a questionnaire's answers; collect every problem into one ScoringError."""
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise ScoringError(f"{label}: expected a sequence of {expected} items")
    if len(items) != expected:
        raise ScoringError(f"{label}: expected {expected} items, got {len(items)}")
    problems: list[str] = []
    for number, value in enumerate(items, start=1):
        if value is None:
            problems.append(f"{label} item {number} is required")
        elif not _is_int(value) or not ITEM_MIN <= value <= ITEM_MAX:
            problems.append(
                f"{label} item {number} must be an integer from {ITEM_MIN} to {ITEM_MAX}"
            )
    if problems:
        raise ScoringError(problems)
    return tuple(int(v) for v in items if v is not None)


def _band(total: int, bands: tuple[tuple[int, str], ...]) -> str:
    """Return the label of the last band whose lower bound is <= total."""
    label = bands[0][1]
    for lower, name in bands:
        if total >= lower:
            label = name
    return label


# --------------------------------------------------------------------------------------------
# PHQ-9 and GAD-7
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PHQ9Score:
    """A scored PHQ-9: total 0-27, severity band and the item-9 risk flag."""

    items: tuple[int, ...]
    total: int
    severity: str
    risk: bool


@dataclass(frozen=True, slots=True)
class GAD7Score:
    """A scored GAD-7: total 0-21 and severity band."""

    items: tuple[int, ...]
    total: int
    severity: str


def phq9_severity(total: int) -> str:
    """Return the PHQ-9 severity band for a total of 0-27 (Kroenke 2001)."""
    check_int_range(total, "PHQ-9 total", 0, PHQ9_MAX_TOTAL)
    return _band(total, PHQ9_SEVERITY_BANDS)


def gad7_severity(total: int) -> str:
    """Return the GAD-7 severity band for a total of 0-21 (Spitzer 2006)."""
    check_int_range(total, "GAD-7 total", 0, GAD7_MAX_TOTAL)
    return _band(total, GAD7_SEVERITY_BANDS)


def phq9_reports_risk(items: Sequence[object] | None) -> bool:
    """Whether PHQ-9 answers, checked or not yet, report thoughts of self-harm (item 9 above 0):
    what must reach a clinician even when the rest of the write is refused."""
    if not items or len(items) < PHQ9_RISK_ITEM:
        return False
    answer = items[PHQ9_RISK_ITEM - 1]
    return isinstance(answer, int) and not isinstance(answer, bool) and answer > 0


def score_phq9(items: Sequence[int | None]) -> PHQ9Score:
    """Score nine PHQ-9 answers (each 0-3, all required); raise ScoringError otherwise."""
    answers = _validate_items(items, "PHQ-9", len(PHQ9_ITEMS))
    total = sum(answers)
    return PHQ9Score(
        items=answers,
        total=total,
        severity=phq9_severity(total),
        risk=answers[PHQ9_RISK_ITEM - 1] > 0,
    )


def check_phq9_difficulty(value: object) -> int | None:
    """Return the optional, unscored difficulty answer (0-3 or None); raise ScoringError else."""
    if value is None:
        return None
    low, high = PHQ9_DIFFICULTY_CHOICES[0][0], PHQ9_DIFFICULTY_CHOICES[-1][0]
    if not _is_int(value) or not low <= value <= high:
        raise ScoringError(
            f"PHQ-9 difficulty must be an integer from {PHQ9_DIFFICULTY_RANGE}, or blank"
        )
    return int(value)


def score_gad7(items: Sequence[int | None]) -> GAD7Score:
    """Score seven GAD-7 answers (each 0-3, all required); raise ScoringError otherwise."""
    answers = _validate_items(items, "GAD-7", len(GAD7_ITEMS))
    total = sum(answers)
    return GAD7Score(items=answers, total=total, severity=gad7_severity(total))


# --------------------------------------------------------------------------------------------
# NHS Talking Therapies outcomes (first and last paired PHQ-9/GAD-7)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TalkingTherapiesOutcome:
    """Caseness, recovery and reliable change between the first and last PHQ-9/GAD-7 pair."""

    caseness_at_start: bool
    caseness_at_end: bool
    recovered: bool
    reliable_improvement: bool
    reliable_deterioration: bool
    reliable_recovery: bool


def is_caseness(phq9_total: int, gad7_total: int) -> bool:
    """Return True when PHQ-9 >= 10 or GAD-7 >= 8 (NHS Talking Therapies caseness)."""
    return phq9_at_caseness(phq9_total) or gad7_at_caseness(gad7_total)


def phq9_at_caseness(total: int) -> bool:
    """Whether a PHQ-9 total alone is at caseness (10 or more)."""
    check_int_range(total, "PHQ-9 total", 0, PHQ9_MAX_TOTAL)
    return total >= PHQ9_CASENESS


def gad7_at_caseness(total: int) -> bool:
    """Whether a GAD-7 total alone is at caseness (8 or more)."""
    check_int_range(total, "GAD-7 total", 0, GAD7_MAX_TOTAL)
    return total >= GAD7_CASENESS


def talking_therapies_outcome(
    first_phq9: int, first_gad7: int, last_phq9: int, last_gad7: int
) -> TalkingTherapiesOutcome:
    """Return the Talking Therapies outcome flags for the first and last paired totals."""
    start = is_caseness(first_phq9, first_gad7)
    end = is_caseness(last_phq9, last_gad7)
    phq_change = last_phq9 - first_phq9
    gad_change = last_gad7 - first_gad7
    deterioration = phq_change >= PHQ9_RELIABLE_CHANGE or gad_change >= GAD7_RELIABLE_CHANGE
    improvement = not deterioration and (
        phq_change <= -PHQ9_RELIABLE_CHANGE or gad_change <= -GAD7_RELIABLE_CHANGE
    )
    recovered = start and not end
    return TalkingTherapiesOutcome(
        caseness_at_start=start,
        caseness_at_end=end,
        recovered=recovered,
        reliable_improvement=improvement,
        reliable_deterioration=deterioration,
        reliable_recovery=recovered and improvement,
    )


# --------------------------------------------------------------------------------------------
# CO readings and smoking outcomes
# --------------------------------------------------------------------------------------------


def validate_co_ppm(ppm: int, name: str = "CO reading") -> int:
    """Return ppm if it is an integer from 0 to 100, else raise ScoringError."""
    return check_int_range(ppm, f"{name} (ppm)", CO_MIN_PPM, CO_MAX_PPM)


def _optional_co(ppm: int | None) -> int | None:
    """Validate an optional CO reading; None means no reading was taken."""
    return None if ppm is None else validate_co_ppm(ppm)


def co_verifies_abstinence(ppm: int) -> bool:
    """Return True when a CO reading is below 10 ppm (abstinence verified)."""
    return validate_co_ppm(ppm) < CO_VERIFIED_BELOW_PPM


def co_band(ppm: int) -> str:
    """Return the display band: non-smoker 0-6, borderline 7-9 (still verifies), smoker 10+."""
    value = validate_co_ppm(ppm)
    if value >= CO_SMOKER_FROM_PPM:
        return CO_SMOKER
    if value >= CO_BORDERLINE_FROM_PPM:
        return CO_BORDERLINE
    return CO_NON_SMOKER


def days_since_quit(quit_date: date, day: date) -> int:
    """Return the day number of `day` counted from the quit date (quit date = day 0)."""
    start = _check_date(quit_date, "quit_date")
    return (_check_date(day, "day") - start).days


def deciding_co(ppms: Sequence[int]) -> int | None:
    """The reading that decides a report of no smoking: the highest of those that count.

    (2nd ed.) Every reading from the date the report says smoking stopped to the assessment,
    inside the window, counts; any one of 10 ppm or more contradicts the report, so the highest
    decides. None when no reading was taken in that span (self-report only).
    """
    return max((validate_co_ppm(p) for p in ppms), default=None)


def is_in_four_week_window(quit_date: date, day: date) -> bool:
    """Return True when `day` is 25-42 days (inclusive) after the quit date."""
    return FOUR_WEEK_FIRST_DAY <= days_since_quit(quit_date, day) <= FOUR_WEEK_LAST_DAY


def four_week_quit_outcome(
    quit_date: date,
    assessed_on: date,
    smoke_free_since_day_14: bool | None,
    co_ppm: int | None,
) -> str:
    """Return the Russell Standard 4-week outcome: quit (CO/self-report), not quit or not known."""
    smoke_free = _check_optional_bool(smoke_free_since_day_14, "smoke_free_since_day_14")
    co = _optional_co(co_ppm)
    in_window = is_in_four_week_window(quit_date, assessed_on)
    if not in_window or smoke_free is None:
        return NOT_KNOWN
    if not smoke_free:
        return NOT_QUIT
    if co is None:
        return QUIT_SELF_REPORT
    if co < CO_VERIFIED_BELOW_PPM:
        return QUIT_CO_VERIFIED
    return NOT_QUIT  # a reading of 10 ppm or more contradicts the self-report


def seven_day_point_prevalence(smoked_last_7_days: bool | None, co_ppm: int | None) -> str:
    """Return 7-day point-prevalence status; a CO of 10 ppm or more overrides a report."""
    smoked = _check_optional_bool(smoked_last_7_days, "smoked_last_7_days")
    co = _optional_co(co_ppm)
    if smoked is None:
        return NOT_KNOWN
    if smoked:
        return SMOKING
    if co is None:
        return ABSTINENT_SELF_REPORT
    if co < CO_VERIFIED_BELOW_PPM:
        return ABSTINENT_CO_VERIFIED
    return SMOKING


def sustained_abstinence_6m(
    cigarettes_since_day_14: int | None,
    co_ppm: int | None,
    *,
    smoke_free_since_day_14: bool | None,
) -> bool:
    """Return RS6 sustained abstinence: <= 5 cigarettes since day 14 and CO < 10 at 6 months."""
    smoke_free = _check_optional_bool(smoke_free_since_day_14, "smoke_free_since_day_14")
    co = _optional_co(co_ppm)
    if cigarettes_since_day_14 is not None:
        cigarettes = check_int_range(cigarettes_since_day_14, "cigarettes_since_day_14", 0, None)
    elif smoke_free:
        cigarettes = 0  # "not a puff" since day 14, reported without a count
    else:
        return False  # unknown counts as smoking (intention to treat)
    if co is None:
        return False  # RS6 requires CO verification at 6 months
    return cigarettes <= RS6_MAX_CIGARETTES and co < CO_VERIFIED_BELOW_PPM
