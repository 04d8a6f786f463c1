"""Data completeness keeps a follow-up expected when the participant withdrew only after it."""

import datetime as dt

import pytest

from apps.dashboards.report import Filters, build_report
from apps.dashboards.selectors import criteria_values
from apps.dashboards.snapshots import compute_snapshot_data
from apps.journey import services as journey
from tests.dashboards.pilot import RANDOMISED_ON, _co, _follow_up, _mood, _randomise, _smoking

pytestmark = pytest.mark.django_db

D = dt.date
MONTH3 = D(2025, 5, 10)


def _report(site):
    data = compute_snapshot_data()
    return build_report(data, Filters(site_ids=frozenset({site.id})), criteria_values())


def _expected(report) -> dict[str, int]:
    return {row[0]: row[1] for row in report.tables["completeness"].rows}


def _complete_month3(participant) -> None:
    _smoking(participant, "month3", MONTH3)
    _co(participant, "month3", MONTH3, 4)
    _mood(participant, "month3", MONTH3, 5, 4)


def _withdraw(participant, on) -> None:
    journey.withdraw_participant(participant=participant, on=on, reason="participant_choice")


def test_withdrawing_months_after_a_missed_follow_up_keeps_it_expected(site_a, pwp_a, criteria):
    people = [_randomise(site_a, pwp_a, RANDOMISED_ON) for _ in range(10)]
    for participant in people[:6]:
        _complete_month3(participant)
    lights = {c.key: c for c in _report(site_a).criteria}
    assert (lights["completeness"].value.numerator, lights["completeness"].value.denominator) == (
        24,
        40,
    )

    for participant in people[6:8]:  # missed 3 months, withdrew in October
        _withdraw(participant, D(2025, 10, 1))

    value = {c.key: c for c in _report(site_a).criteria}["completeness"].value
    assert (value.numerator, value.denominator) == (24, 40)


def test_only_a_withdrawal_by_the_end_of_the_window_removes_the_timepoint(site_a, pwp_a, criteria):
    inside, on_close, after, completed = (
        _randomise(site_a, pwp_a, RANDOMISED_ON) for _ in range(4)
    )
    m3_closes = _follow_up(inside, "month3").closes_on
    m6_closes = _follow_up(inside, "month6").closes_on
    assert m3_closes < D(2025, 7, 1) < m6_closes
    _withdraw(inside, m3_closes - dt.timedelta(days=10))
    _withdraw(on_close, m3_closes)
    _withdraw(after, m3_closes + dt.timedelta(days=1))
    _complete_month3(completed)
    _withdraw(completed, D(2025, 7, 1))

    expected = _expected(_report(site_a))
    # 3 months: the one who withdrew a day after it closed, and the one who completed it.
    assert (expected["Baseline"], expected["3 months"], expected["6 months"]) == (4, 2, 0)


def test_consort_counts_a_later_withdrawal_as_a_missed_follow_up_there(site_a, pwp_a, criteria):
    early, late, done = (_randomise(site_a, pwp_a, RANDOMISED_ON) for _ in range(3))
    m3_closes = _follow_up(early, "month3").closes_on
    _withdraw(early, m3_closes - dt.timedelta(days=10))
    _withdraw(late, m3_closes + dt.timedelta(days=30))  # missed 3 months, left afterwards
    _complete_month3(done)

    arms = _report(site_a).consort["arms"]  # the three may be in either arm
    month3 = [next(t for t in a["timepoints"] if t["label"] == "3 months") for a in arms]

    def total(key: str) -> int:
        return sum(t[key] for t in month3)

    def reasons(key: str) -> list:
        return [reason for t in month3 for reason in t[key]]

    assert (total("due"), total("followed_up"), total("withdrew"), total("lost")) == (3, 1, 1, 1)
    assert reasons("lost_reasons") == [("Missed the follow-up window", 1)]
    assert reasons("withdrew_reasons") == [("Participant's choice", 1)]
