"""Keep the demo pilot the same shape on every date: plan it once on a fixed day, then move it.

The demo is planned as seen on a fixed day and every planned date is moved by the same number of
days to the day it is loaded. Day counts survive the move; calendar months do not: a 3-month
window of someone randomised on 30 November and one of someone randomised on 30 August differ in
length by up to three days. So the planner only accepts a journey in which every date a month
window gives (its opening, closing and reminder steps) is more than `CALENDAR_SLACK` days from
every date it is compared with (today, the exit, the completion): then each comparison, and so
every status, message sent and count, comes out the same whatever day the demo is loaded on.
No ORM, no clock.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

from apps.clinical import schedule
from apps.demo.plan_types import FollowUpPlan, ParticipantPlan, SitePlan

# How far a date counted in calendar months can move against a count of days when the same
# journey is moved to another date: 3 months span 89 to 92 days, 6 months 181 to 184.
CALENDAR_SLACK = 3


def _month_dates(follow_up: FollowUpPlan) -> list[date]:
    """The window's dates that move with the calendar and decide what the follow-up becomes:
    its opening and closing, and the days its messages fall due."""
    window = follow_up.window
    return [window.opens_on, window.closes_on] + [
        day for _, day in schedule.reminder_due_dates(window)
    ]


def is_calendar_safe(person: ParticipantPlan, today: date) -> bool:
    """Whether the journey's statuses and messages come out the same on any date it is moved to.

    Month windows must keep clear of today, the exit and their completion by more than the
    slack; a 4-week window (counted in days) must just have no reminder step today, whose send
    time would otherwise depend on the hour the demo is loaded.
    """
    fixed = [today] + ([person.exit.on] if person.exit else [])
    for follow_up in person.follow_ups:
        if follow_up.timepoint == schedule.WEEK4:
            steps = schedule.reminder_due_dates(follow_up.window)
            if follow_up.status == schedule.OPEN and any(day == today for _, day in steps):
                return False
            continue
        compared = fixed + ([follow_up.completed_on] if follow_up.completed_on else [])
        for moving in _month_dates(follow_up):
            if any(abs((moving - other).days) <= CALENDAR_SLACK for other in compared):
                return False
    return True


def _shift(value: Any, days: timedelta) -> Any:
    """The value with every date and time in it moved by `days` (wall-clock times kept)."""
    if isinstance(value, date):  # datetime too: aware London times keep their wall-clock time
        return value + days
    if isinstance(value, list):
        return [_shift(item, days) for item in value]
    if isinstance(value, dict):
        return {key: _shift(item, days) for key, item in value.items()}
    if isinstance(value, schedule.FollowUpWindow):
        return value  # recomputed from the moved dates by the caller
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _shift(getattr(value, f.name), days) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def _recompute_windows(person: ParticipantPlan) -> None:
    """Give each follow-up the window the schedule rules give for the moved dates."""
    if person.randomised_on is None:
        return
    windows = {
        window.timepoint: window
        for window in schedule.follow_up_windows(person.randomised_on, person.quit_date)
    }
    for follow_up in person.follow_ups:
        follow_up.window = windows[follow_up.timepoint]


def shift_site_plan(plan: SitePlan, days: timedelta) -> SitePlan:
    """The site's plan moved by `days`, its windows worked out again for the new dates."""
    moved = _shift(plan, days)
    for person in moved.participants():
        _recompute_windows(person)
    return moved
