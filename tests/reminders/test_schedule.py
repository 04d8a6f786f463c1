"""Tests for the pure follow-up schedule rules (no database)."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.clinical.schedule import (
    MONTH3,
    MONTH6,
    REMINDER_CADENCE,
    WEEK4,
    FollowUpWindow,
    add_months,
    follow_up_status,
    follow_up_windows,
    four_week_window,
    month_window,
    reminder_due_dates,
    steps_to_arm,
)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))


# --- 4-week window --------------------------------------------------------------------------


def test_four_week_window_matches_the_worked_example():
    window = four_week_window(date(2025, 3, 1))
    assert window == FollowUpWindow(
        timepoint=WEEK4,
        due_on=date(2025, 3, 29),
        opens_on=date(2025, 3, 26),
        closes_on=date(2025, 4, 12),
    )
    assert window.contains(date(2025, 3, 30))
    assert window.contains(date(2025, 4, 12))
    assert not window.contains(date(2025, 4, 13))


@pytest.mark.parametrize(
    ("day", "inside"), [(24, False), (25, True), (28, True), (42, True), (43, False)]
)
def test_four_week_window_edges(day, inside):
    quit_date = date(2025, 3, 1)
    assert four_week_window(quit_date).contains(quit_date + timedelta(days=day)) is inside


@given(dates)
def test_four_week_window_offsets(quit_date):
    window = four_week_window(quit_date)
    assert (window.opens_on - quit_date).days == 25
    assert (window.due_on - quit_date).days == 28
    assert (window.closes_on - quit_date).days == 42


def test_four_week_window_rejects_datetimes_and_strings():
    with pytest.raises(ValueError, match="quit_date must be a date"):
        four_week_window(datetime(2025, 3, 1, 12, 0))
    with pytest.raises(ValueError, match="quit_date must be a date"):
        four_week_window("2025-03-01")


# --- month windows --------------------------------------------------------------------------


def test_month_window_three_months():
    window = month_window(date(2025, 1, 15), 3)
    assert window == FollowUpWindow(
        timepoint=MONTH3,
        due_on=date(2025, 4, 15),
        opens_on=date(2025, 4, 1),
        closes_on=date(2025, 5, 13),
    )


def test_month_window_six_months_crosses_the_year():
    window = month_window(date(2025, 9, 10), 6)
    assert window.timepoint == MONTH6
    assert window.due_on == date(2026, 3, 10)


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (date(2025, 11, 30), 3, date(2026, 2, 28)),  # clamp to end of February
        (date(2023, 11, 30), 3, date(2024, 2, 29)),  # leap year
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 3, 31), 3, date(2025, 6, 30)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 12, 31), 12, date(2026, 12, 31)),
        (date(2025, 2, 28), 3, date(2025, 5, 28)),  # no "un-clamping" to month end
    ],
)
def test_month_window_clamps_to_month_end(start, months, due):
    assert month_window(start, months).due_on == due
    assert add_months(start, months) == due


@pytest.mark.parametrize("months", [0, -3, True, 3.0, None])
def test_month_window_rejects_bad_month_counts(months):
    with pytest.raises(ValueError, match="months must be an integer"):
        month_window(date(2025, 1, 1), months)


def test_month_window_rejects_non_dates():
    with pytest.raises(ValueError, match="randomised_on must be a date"):
        month_window(datetime(2025, 1, 1, 9, 0), 3)


@given(dates, st.integers(min_value=1, max_value=24))
def test_month_window_properties(randomised_on, months):
    window = month_window(randomised_on, months)
    assert (window.due_on - window.opens_on).days == 14
    assert (window.closes_on - window.due_on).days == 28
    assert window.due_on.day <= randomised_on.day
    month_index = (window.due_on.year - randomised_on.year) * 12 + (
        window.due_on.month - randomised_on.month
    )
    assert month_index == months


# --- the full schedule ----------------------------------------------------------------------


def test_follow_up_windows_with_quit_date():
    windows = follow_up_windows(date(2025, 1, 15), date(2025, 2, 1))
    assert [w.timepoint for w in windows] == [WEEK4, MONTH3, MONTH6]
    assert windows[0] == four_week_window(date(2025, 2, 1))
    assert windows[1] == month_window(date(2025, 1, 15), 3)
    assert windows[2] == month_window(date(2025, 1, 15), 6)


def test_follow_up_windows_without_quit_date_has_no_week4():
    windows = follow_up_windows(date(2025, 1, 15), None)
    assert [w.timepoint for w in windows] == [MONTH3, MONTH6]


# --- status ---------------------------------------------------------------------------------

WINDOW = FollowUpWindow(
    timepoint=MONTH3,
    due_on=date(2025, 4, 15),
    opens_on=date(2025, 4, 1),
    closes_on=date(2025, 5, 13),
)


@pytest.mark.parametrize(
    ("today", "completed", "status"),
    [
        (date(2025, 3, 31), False, "scheduled"),
        (date(2025, 4, 1), False, "open"),
        (date(2025, 4, 15), False, "open"),
        (date(2025, 5, 13), False, "open"),
        (date(2025, 5, 14), False, "missed"),
        (date(2025, 3, 31), True, "completed"),
        (date(2025, 4, 20), True, "completed"),
        (date(2025, 5, 14), True, "completed"),
    ],
)
def test_follow_up_status(today, completed, status):
    assert follow_up_status(WINDOW, today, completed) == status


def test_follow_up_status_rejects_datetime_today():
    with pytest.raises(ValueError, match="today must be a date"):
        follow_up_status(WINDOW, datetime(2025, 4, 1, 9, 0), False)


def test_window_must_be_ordered():
    with pytest.raises(ValueError, match="opens_on <= due_on <= closes_on"):
        FollowUpWindow(
            timepoint=MONTH3,
            due_on=date(2025, 4, 15),
            opens_on=date(2025, 4, 16),
            closes_on=date(2025, 5, 13),
        )


def test_window_is_frozen():
    with pytest.raises(AttributeError):
        WINDOW.due_on = date(2025, 1, 1)  # type: ignore[misc]


# --- reminder cadence -----------------------------------------------------------------------


def test_reminder_cadence_constant():
    assert REMINDER_CADENCE == (
        ("invitation", 0),
        ("reminder_1", 3),
        ("reminder_2", 7),
        ("escalation", 10),
    )


def test_reminder_due_dates_for_a_month_window():
    assert reminder_due_dates(WINDOW) == [
        ("invitation", date(2025, 4, 1)),
        ("reminder_1", date(2025, 4, 4)),
        ("reminder_2", date(2025, 4, 8)),
        ("escalation", date(2025, 4, 11)),
    ]


def test_reminder_due_dates_for_the_four_week_window():
    window = four_week_window(date(2025, 3, 1))  # opens 26 March, closes 12 April
    assert [day for _, day in reminder_due_dates(window)] == [
        date(2025, 3, 26),
        date(2025, 3, 29),
        date(2025, 4, 2),
        date(2025, 4, 5),
    ]


@pytest.mark.parametrize(
    ("length_days", "kinds"),
    [
        (0, ["invitation"]),
        (2, ["invitation"]),
        (3, ["invitation", "reminder_1"]),
        (7, ["invitation", "reminder_1", "reminder_2"]),
        (9, ["invitation", "reminder_1", "reminder_2"]),
        (10, ["invitation", "reminder_1", "reminder_2", "escalation"]),
    ],
)
def test_reminders_after_the_window_closes_are_dropped(length_days, kinds):
    opens = date(2025, 6, 1)
    window = FollowUpWindow(
        timepoint="custom",
        due_on=opens,
        opens_on=opens,
        closes_on=opens + timedelta(days=length_days),
    )
    assert [kind for kind, _ in reminder_due_dates(window)] == kinds


@given(dates, st.integers(min_value=0, max_value=60))
def test_reminder_dates_stay_inside_the_window(opens, length):
    window = FollowUpWindow("custom", opens, opens, opens + timedelta(days=length))
    reminders = reminder_due_dates(window)
    assert reminders[0] == ("invitation", opens)
    assert all(window.opens_on <= day <= window.closes_on for _, day in reminders)
    days = [day for _, day in reminders]
    assert days == sorted(days)


def test_planning_late_arms_one_catch_up_step_and_every_future_step():
    window = four_week_window(date(2026, 3, 1))  # opens 26 March
    assert [k for k, _ in steps_to_arm(window, date(2026, 3, 20))] == [
        "invitation",
        "reminder_1",
        "reminder_2",
        "escalation",
    ]
    assert [k for k, _ in steps_to_arm(window, date(2026, 4, 3))] == ["reminder_2", "escalation"]
    assert [k for k, _ in steps_to_arm(window, date(2026, 4, 30))] == ["escalation"]
