"""Working hours in England, for escalating unacknowledged safety alerts."""

from datetime import UTC, date, datetime, timedelta

import pytest

from apps.outcomes.working_hours import (
    LONDON,
    WorkingDay,
    add_working_hours,
    england_bank_holidays,
    is_working_day,
)

HOLIDAYS_2027 = england_bank_holidays(range(2027, 2029))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def after(start: datetime, hours: float, **kwargs) -> datetime:
    return add_working_hours(start, hours, bank_holidays=HOLIDAYS_2027, **kwargs)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(date(2027, 6, 7), 10), 4, at(date(2027, 6, 7), 14)),  # Monday, inside the day
        (at(date(2027, 6, 7), 16, 30), 4, at(date(2027, 6, 8), 12, 30)),  # runs into Tuesday
        (at(date(2027, 6, 7), 7), 4, at(date(2027, 6, 7), 13)),  # before opening
        (at(date(2027, 6, 7), 19), 4, at(date(2027, 6, 8), 13)),  # after closing
        (at(date(2027, 6, 11), 15), 4, at(date(2027, 6, 14), 11)),  # Friday -> Monday
        (at(date(2027, 6, 12), 12), 4, at(date(2027, 6, 14), 13)),  # Saturday -> Monday
        (at(date(2027, 6, 7), 9), 16, at(date(2027, 6, 8), 17)),  # two whole days
        (at(date(2027, 6, 7), 10), 0, at(date(2027, 6, 7), 10)),
    ],
)
def test_working_hours_skip_nights_and_weekends(start, hours, due):
    assert after(start, hours) == due


def test_bank_holidays_in_england_are_skipped():
    # Thursday before Easter 2027: Good Friday and Easter Monday are bank holidays.
    assert after(at(date(2027, 3, 25), 16), 4) == at(date(2027, 3, 30), 12)
    # Friday before the late summer bank holiday (Monday 30 August 2027).
    assert after(at(date(2027, 8, 27), 16), 4) == at(date(2027, 8, 31), 12)
    # Christmas 2027 falls at a weekend: the holidays move to Monday and Tuesday.
    assert after(at(date(2027, 12, 24), 15), 4) == at(date(2027, 12, 29), 11)


def test_the_clock_change_does_not_shorten_or_stretch_a_working_day():
    due = after(at(date(2027, 10, 29), 15), 4)  # Friday in BST; Monday in GMT
    assert due == at(date(2027, 11, 1), 11)
    assert due.utcoffset() == timedelta(0)
    spring = after(at(date(2028, 3, 24), 16), 2)  # Friday in GMT; Monday in BST
    assert spring == at(date(2028, 3, 27), 10) and spring.utcoffset() == timedelta(hours=1)


def test_an_aware_start_in_utc_is_read_in_london_time():
    start = datetime(2027, 7, 5, 6, 30, tzinfo=UTC)  # 07:30 in London (BST)
    assert after(start, 1) == at(date(2027, 7, 5), 10)


def test_the_working_day_is_a_setting_and_bad_values_are_refused():
    early = WorkingDay.parse("08:00-16:00")
    assert after(at(date(2027, 6, 7), 15), 4, working_day=early) == at(date(2027, 6, 8), 11)
    for bad in ("17:00-09:00", "nine to five", "09:00"):
        with pytest.raises(ValueError, match="working day"):
            WorkingDay.parse(bad)
    with pytest.raises(ValueError, match="aware"):
        add_working_hours(datetime(2027, 6, 7, 10), 4, bank_holidays=set())
    with pytest.raises(ValueError, match="negative"):
        after(at(date(2027, 6, 7), 10), -1)


def test_england_has_its_own_bank_holidays():
    assert {date(2027, 5, 31), date(2027, 8, 30), date(2027, 3, 29)} <= HOLIDAYS_2027
    assert date(2027, 8, 2) not in HOLIDAYS_2027  # Scotland's summer holiday, not England's
    assert not is_working_day(date(2027, 5, 31), HOLIDAYS_2027)
    assert is_working_day(date(2027, 6, 1), HOLIDAYS_2027)
