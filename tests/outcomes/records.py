"""Builders of participant_outcomes() inputs for pure tests (no database)."""

import datetime as dt

from apps.clinical import schedule
from apps.clinical.participant_records import (
    BaselineRecord,
    COReadingRecord,
    FollowUpRecord,
    ParticipantRecords,
    QuestionnaireRecord,
    SessionRecord,
    SmokingReportRecord,
)

RANDOMISED_ON = dt.date(2026, 3, 1)


def records(**overrides) -> ParticipantRecords:
    """A randomised intervention participant with nothing recorded but what is overridden."""
    base = {
        "id": 1,
        "trial_id": "QP-T-0001",
        "site_id": 1,
        "site_code": "T",
        "arm": "intervention",
        "status": "randomised",
        "randomised_on": RANDOMISED_ON,
    }
    return ParticipantRecords(**(base | overrides))


def baseline() -> BaselineRecord:
    """A baseline form (HSI 5, high)."""
    return BaselineRecord(1980, "female", 25, 5, 5, "high")


def follow_up(timepoint: str, status: str, *, randomised_on=RANDOMISED_ON, quit_date=None):
    """The follow-up row the schedule would have made, with a stored status."""
    if timepoint == schedule.WEEK4:
        window = schedule.four_week_window(quit_date)
    else:
        window = schedule.month_window(randomised_on, int(timepoint.removeprefix("month")))
    return FollowUpRecord(timepoint, status, window.due_on, window.opens_on, window.closes_on)


def report(
    timepoint,
    day,
    *,
    smoked=False,
    cigs=0,
    smoke_free=None,
    since14=None,
    attempt=False,
    stopped_on=None,
    per_day=None,
    minutes=None,
):
    """A smoking status report."""
    return SmokingReportRecord(
        timepoint, day, smoked, cigs, smoke_free, since14, attempt, stopped_on, per_day, minutes
    )


def co(timepoint, day, ppm) -> COReadingRecord:
    """A CO reading taken on `day`."""
    return COReadingRecord(timepoint, day, ppm)


def score(timepoint, day, total, difficulty=None) -> QuestionnaireRecord:
    """A PHQ-9 or GAD-7 total."""
    return QuestionnaireRecord(timepoint, day, total, difficulty)


def session(session_type="pre_quit", attendance="attended", bcts=(), minutes=15, pwp=7):
    """A cessation session."""
    return SessionRecord(session_type, attendance, pwp, minutes, tuple(bcts))
