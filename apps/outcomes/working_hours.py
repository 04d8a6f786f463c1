"""Working hours in England: when an unacknowledged safety alert is due to be escalated.

Pure: the moment, the hours, the working day and the bank holidays in; the moment out. Working
hours are a day's opening to closing time in Europe/London, Monday to Friday, bank holidays in
England left out. `england_bank_holidays` reads the calendar from the `holidays` library.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class WorkingDay:
    """The hours of a working day, London wall-clock time."""

    opens: time = time(9, 0)
    closes: time = time(17, 0)

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise ValueError("a working day must open before it closes")

    @classmethod
    def parse(cls, text: str) -> WorkingDay:
        """'09:00-17:00' as a working day."""
        try:
            opens, closes = (time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError as exc:
            raise ValueError(f"working day must look like 09:00-17:00, not {text!r}") from exc
        return cls(opens, closes)


def is_working_day(day: date, bank_holidays: Container[date]) -> bool:
    """Monday to Friday and not a bank holiday."""
    return day.weekday() < 5 and day not in bank_holidays


def add_working_hours(
    start: datetime,
    hours: float,
    *,
    bank_holidays: Container[date],
    working_day: WorkingDay = WorkingDay(),
) -> datetime:
    """The moment `hours` working hours after `start` (an aware datetime), in London time.

    Time outside working hours does not count: an alert raised on Friday at 16:00 with 4 hours
    to run falls due on Monday at 12:00 (or Tuesday when Monday is a bank holiday).
    """
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    if hours < 0:
        raise ValueError("hours must not be negative")
    remaining = timedelta(hours=hours)
    cursor = start.astimezone(LONDON)
    while True:
        day = cursor.date()
        opens = datetime.combine(day, working_day.opens, tzinfo=LONDON)
        closes = datetime.combine(day, working_day.closes, tzinfo=LONDON)
        if not is_working_day(day, bank_holidays) or cursor >= closes:
            cursor = datetime.combine(day + timedelta(days=1), working_day.opens, tzinfo=LONDON)
            continue
        cursor = max(cursor, opens)
        left_today = closes - cursor
        if remaining <= left_today:
            return cursor + remaining
        remaining -= left_today
        cursor = closes


def england_bank_holidays(years: range) -> set[date]:
    """England's bank holidays in those years (the `holidays` library's calendar)."""
    return set(holidays.country_holidays("GB", subdiv="ENG", years=list(years)))
