"""Pure rules for the follow-up schedule: windows, their status and the reminder cadence.

Dates in, dates out: nothing here reads the clock, so callers pass `today`.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from apps.clinical.scoring import FOUR_WEEK_DUE_DAY, FOUR_WEEK_FIRST_DAY, FOUR_WEEK_LAST_DAY

WEEK4 = "week4"
MONTH3 = "month3"
MONTH6 = "month6"
TIMEPOINTS: tuple[str, ...] = (WEEK4, MONTH3, MONTH6)

MONTH_WINDOW_OPENS_DAYS_BEFORE = 14
MONTH_WINDOW_CLOSES_DAYS_AFTER = 28

SCHEDULED = "scheduled"
OPEN = "open"
COMPLETED = "completed"
MISSED = "missed"
STATUSES: tuple[str, ...] = (SCHEDULED, OPEN, COMPLETED, MISSED)

# (kind, days after the window opens)
REMINDER_CADENCE: tuple[tuple[str, int], ...] = (
    ("invitation", 0),
    ("reminder_1", 3),
    ("reminder_2", 7),
    ("escalation", 10),
)


@dataclass(frozen=True, slots=True)
class FollowUpWindow:
    """A follow-up timepoint: the day it is due and the inclusive days it can be done."""

    timepoint: str
    due_on: date
    opens_on: date
    closes_on: date

    def __post_init__(self) -> None:
        if not self.opens_on <= self.due_on <= self.closes_on:
            raise ValueError(
                f"{self.timepoint} window must satisfy opens_on <= due_on <= closes_on"
            )

    def contains(self, day: date) -> bool:
        """Return True when `day` falls inside the window (both ends inclusive)."""
        return self.opens_on <= day <= self.closes_on


def _check_date(value: object, name: str) -> date:
    """Return value if it is a calendar date (not a datetime), else raise ValueError."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{name} must be a date")
    return value


def add_months(start: date, months: int) -> date:
    """Return start plus N calendar months, clamping the day to the end of a shorter month."""
    if not isinstance(months, int) or isinstance(months, bool):
        raise ValueError("months must be an integer")
    _check_date(start, "start")
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def four_week_window(quit_date: date) -> FollowUpWindow:
    """Return the 4-week quit window: due day 28, open days 25-42 after the quit date."""
    start = _check_date(quit_date, "quit_date")
    return FollowUpWindow(
        timepoint=WEEK4,
        due_on=start + timedelta(days=FOUR_WEEK_DUE_DAY),
        opens_on=start + timedelta(days=FOUR_WEEK_FIRST_DAY),
        closes_on=start + timedelta(days=FOUR_WEEK_LAST_DAY),
    )


def month_window(randomised_on: date, months: int) -> FollowUpWindow:
    """Return the N-month window: due N months after randomisation, -14/+28 days around it."""
    start = _check_date(randomised_on, "randomised_on")
    if not isinstance(months, int) or isinstance(months, bool) or months < 1:
        raise ValueError("months must be an integer of 1 or more")
    due = add_months(start, months)
    return FollowUpWindow(
        timepoint=f"month{months}",
        due_on=due,
        opens_on=due - timedelta(days=MONTH_WINDOW_OPENS_DAYS_BEFORE),
        closes_on=due + timedelta(days=MONTH_WINDOW_CLOSES_DAYS_AFTER),
    )


def follow_up_windows(randomised_on: date, quit_date: date | None) -> list[FollowUpWindow]:
    """Return the windows in timepoint order: week4 (only with a quit date), month3, month6."""
    windows = [] if quit_date is None else [four_week_window(quit_date)]
    windows.append(month_window(randomised_on, 3))
    windows.append(month_window(randomised_on, 6))
    return windows


def follow_up_status(window: FollowUpWindow, today: date, completed: bool) -> str:
    """Return scheduled / open / completed / missed for a window on `today`."""
    day = _check_date(today, "today")
    if completed:
        return COMPLETED
    if day < window.opens_on:
        return SCHEDULED
    if day <= window.closes_on:
        return OPEN
    return MISSED


def reminder_due_dates(window: FollowUpWindow) -> list[tuple[str, date]]:
    """Return (kind, date) for each cadence step that falls on or before the window closes."""
    steps = ((kind, window.opens_on + timedelta(days=offset)) for kind, offset in REMINDER_CADENCE)
    return [(kind, day) for kind, day in steps if day <= window.closes_on]


def steps_to_arm(window: FollowUpWindow, today: date) -> list[tuple[str, date]]:
    """Cadence steps to create now: every future step, plus only the latest one already due.

    Planning late (randomised mid-window, or contact consent given back) must not send a burst
    of every missed step at once: one catch-up message, then the cadence carries on.
    """
    steps = reminder_due_dates(window)
    past = [step for step in steps if step[1] < today]
    future = [step for step in steps if step[1] >= today]
    return past[-1:] + future
