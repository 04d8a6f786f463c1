"""The online questionnaire's sections and answer rules: pure, no ORM and no settings.

The patient's pages and the submit service both use these, so a draft is checked by the same
rules whichever way it arrives.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from apps.clinical import schedule, scoring
from apps.clinical.abstinence import STOP_DATE_TIMEPOINTS
from apps.clinical.smoking_heaviness import (
    MAX_CIGARETTES_PER_DAY,
    MAX_MINUTES_TO_FIRST,
    asks_heaviness,
)

PHQ9 = "phq9"
GAD7 = "gad7"
SMOKING = "smoking"
SECTIONS: tuple[str, ...] = (PHQ9, GAD7, SMOKING)
PHQ9_DIFFICULTY = "difficulty"  # the PHQ-9 page's optional, unscored last question
SECTION_TITLES: dict[str, str] = {
    PHQ9: "How you have been feeling",
    GAD7: "Worry and anxiety",
    SMOKING: "Smoking",
}

YES = "yes"
NO = "no"
YES_NO: list[tuple[str, str]] = [(YES, "Yes"), (NO, "No")]

MAX_CIGARETTES_7_DAYS = 1000
MAX_CIGARETTES_SINCE_DAY_14 = 20000
SINCE_DAY = 14  # Russell Standard: abstinence counts from two weeks after the quit date
# Asked at 3 and 6 months of anyone who smoked in the last 7 days; either may be left blank.
HEAVINESS_FIELDS = ("cigarettes_per_day", "minutes_to_first_cigarette")


class DraftError(ValueError):
    """A draft section is missing or breaks a rule; `section` says which page to go back to."""

    def __init__(self, message: str, *, section: str) -> None:
        super().__init__(message)
        self.message = message
        self.section = section


def since_day_14(quit_date: date | None) -> date | None:
    """The day abstinence is counted from (quit date + 14 days), or None without a quit date."""
    return None if quit_date is None else quit_date + timedelta(days=SINCE_DAY)


def asks_since_day_14(quit_date: date | None, today: date) -> bool:
    """Whether the smoking page asks about smoking since day 14: only once that day has passed."""
    start = since_day_14(quit_date)
    return start is not None and start < today


def asks_stop_date(timepoint: str) -> bool:
    """(2nd ed.) The follow-up asks everyone not smoking in the last 7 days when they stopped."""
    return timepoint in STOP_DATE_TIMEPOINTS


def asks_cigarettes_since_stop(timepoint: str, known_reference: date | None) -> bool:
    """(2nd ed.) At 6 months with no reference date known yet, RS6 needs the cigarettes smoked
    since two weeks after the stop date given in the same report."""
    return timepoint == schedule.MONTH6 and known_reference is None


def last_7_days_after_day_14(quit_date: date | None, today: date) -> bool:
    """Whether the whole of the last 7 days lies after day 14 (so the two answers must agree)."""
    start = since_day_14(quit_date)
    return start is not None and start <= today - timedelta(days=7)


def item_fields(section: str) -> list[str]:
    """The field names of a scored questionnaire's items (item1..itemN)."""
    count = {PHQ9: len(scoring.PHQ9_ITEMS), GAD7: len(scoring.GAD7_ITEMS)}[section]
    return [f"item{i}" for i in range(1, count + 1)]


def _difficulty(draft: dict) -> int | None:
    """The optional PHQ-9 difficulty answer of a draft (None when skipped)."""
    value = (draft.get(PHQ9) or {}).get(PHQ9_DIFFICULTY)
    try:
        return scoring.check_phq9_difficulty(value)
    except scoring.ScoringError as exc:
        raise DraftError("Choose one of the answers, or leave it blank.", section=PHQ9) from exc


def smoking_fields(
    asks_day_14: bool,
    asks_stop: bool = False,
    asks_since_stop: bool = False,
    asks_heaviness: bool = False,
):
    """The smoking page's field names, in the order they are asked."""
    fields = ["smoked_since_day_14", "cigarettes_since_day_14"] if asks_day_14 else []
    fields += ["smoked_last_7_days", "cigarettes_last_7_days"]
    fields += list(HEAVINESS_FIELDS) if asks_heaviness else []
    fields += ["stopped_on"] if asks_stop else []
    fields += ["cigarettes_since_stop"] if asks_since_stop else []
    return fields + ["quit_attempt", "uses_e_cigarette", "uses_medication"]


def _items(draft: dict, section: str) -> list[int]:
    answers = draft.get(section)
    if not isinstance(answers, dict):
        raise DraftError("Answer every question on this page.", section=section)
    items = []
    for name in item_fields(section):
        value = answers.get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise DraftError("Answer every question on this page.", section=section)
        if not scoring.ITEM_MIN <= value <= scoring.ITEM_MAX:
            raise DraftError("Choose one of the answers for every question.", section=section)
        items.append(value)
    return items


def _yes_no(answers: dict, name: str) -> bool:
    value = answers.get(name)
    if value not in (YES, NO):
        raise DraftError("Answer every question on this page.", section=SMOKING)
    return value == YES


def _count(answers: dict, name: str, high: int) -> int:
    value = answers.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
        raise DraftError("Answer every question on this page.", section=SMOKING)
    return value


@dataclass(frozen=True)
class SmokingAnswers:
    """The smoking page's answers in the shape record_smoking_status takes."""

    smoke_free_since_day_14: bool | None
    cigarettes_since_day_14: int | None
    smoked_last_7_days: bool
    cigarettes_last_7_days: int
    quit_attempt_since_last_contact: bool
    uses_e_cigarette: bool
    uses_stop_smoking_medication: bool
    stopped_on: date | None = None
    cigarettes_per_day: int | None = None
    minutes_to_first_cigarette: int | None = None


def _optional_count(answers: dict, name: str, high: int) -> int | None:
    """An answer that may be left blank (None), else a whole number from 0 to `high`."""
    value = answers.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise DraftError("Check the numbers on this page.", section=SMOKING)
    return value


def _heaviness_answers(answers: dict, timepoint: str, smoked_7: bool) -> dict:
    """Cigarettes a day and minutes to the first one, asked at 3 and 6 months of smokers."""
    if not (smoked_7 and asks_heaviness(timepoint)):
        return {}
    return {
        "cigarettes_per_day": _optional_count(
            answers, "cigarettes_per_day", MAX_CIGARETTES_PER_DAY
        ),
        "minutes_to_first_cigarette": _optional_count(
            answers, "minutes_to_first_cigarette", MAX_MINUTES_TO_FIRST
        ),
    }


def _stop_answers(
    answers: dict, *, timepoint: str, quit_date: date | None, today: date
) -> tuple[date | None, int | None]:
    """(2nd ed.) The stop date of someone not smoking at 3 or 6 months, and at 6 months with no
    reference date yet, the cigarettes since two weeks after it."""
    if not asks_stop_date(timepoint):
        return None, None
    try:
        stopped_on = date.fromisoformat(answers.get("stopped_on") or "")
    except (TypeError, ValueError):
        raise DraftError("Answer every question on this page.", section=SMOKING) from None
    if stopped_on > today:
        raise DraftError("The date you stopped smoking cannot be in the future.", section=SMOKING)
    since = None
    if (
        asks_cigarettes_since_stop(timepoint, quit_date)
        and stopped_on + timedelta(days=SINCE_DAY) < today
    ):
        value = answers.get("cigarettes_since_stop")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise DraftError("Answer every question on this page.", section=SMOKING)
        since = value
    return stopped_on, since


def smoking_answers(
    draft: dict, *, quit_date: date | None, today: date, timepoint: str = ""
) -> SmokingAnswers:
    """Turn the smoking section of a draft into the report's values, or raise DraftError."""
    answers = draft.get(SMOKING)
    if not isinstance(answers, dict):
        raise DraftError("Answer every question on this page.", section=SMOKING)
    smoke_free = cigarettes_since = None
    if asks_since_day_14(quit_date, today):
        smoked_since = _yes_no(answers, "smoked_since_day_14")
        smoke_free = not smoked_since
        cigarettes_since = (
            _count(answers, "cigarettes_since_day_14", MAX_CIGARETTES_SINCE_DAY_14)
            if smoked_since
            else 0
        )
    smoked_7 = _yes_no(answers, "smoked_last_7_days")
    cigarettes_7 = (
        _count(answers, "cigarettes_last_7_days", MAX_CIGARETTES_7_DAYS) if smoked_7 else 0
    )
    stopped_on = None
    if not smoked_7:
        stopped_on, since_stop = _stop_answers(
            answers, timepoint=timepoint, quit_date=quit_date, today=today
        )
        if since_stop is not None:
            cigarettes_since = since_stop
    if smoke_free and smoked_7 and last_7_days_after_day_14(quit_date, today):
        raise DraftError(
            "You said you have not smoked since two weeks after your quit date, "
            "and that you smoked in the last 7 days. Check your answers.",
            section=SMOKING,
        )
    return SmokingAnswers(
        smoke_free_since_day_14=smoke_free,
        cigarettes_since_day_14=cigarettes_since,
        smoked_last_7_days=smoked_7,
        cigarettes_last_7_days=cigarettes_7,
        quit_attempt_since_last_contact=_yes_no(answers, "quit_attempt"),
        uses_e_cigarette=_yes_no(answers, "uses_e_cigarette"),
        uses_stop_smoking_medication=_yes_no(answers, "uses_medication"),
        stopped_on=stopped_on,
        **_heaviness_answers(answers, timepoint, smoked_7),
    )


@dataclass(frozen=True)
class CompleteAnswers:
    """Every answer needed to submit, checked."""

    phq9: list[int]
    gad7: list[int]
    smoking: SmokingAnswers
    phq9_difficulty: int | None = None


def complete_answers(
    draft: dict, *, quit_date: date | None, today: date, timepoint: str = ""
) -> CompleteAnswers:
    """Check the whole draft in page order; the first gap raises DraftError naming its page."""
    draft = draft if isinstance(draft, dict) else {}
    return CompleteAnswers(
        phq9=_items(draft, PHQ9),
        phq9_difficulty=_difficulty(draft),
        gad7=_items(draft, GAD7),
        smoking=smoking_answers(draft, quit_date=quit_date, today=today, timepoint=timepoint),
    )


def first_unanswered(
    draft: dict, *, quit_date: date | None, today: date, timepoint: str = ""
) -> str | None:
    """The first section still to answer, or None when the draft is complete."""
    try:
        complete_answers(draft, quit_date=quit_date, today=today, timepoint=timepoint)
    except DraftError as exc:
        return exc.section
    return None
