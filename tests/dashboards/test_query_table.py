"""The dashboard's data query table: waiting, overdue and closed per site, median days to close."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from apps.conduct import queries
from apps.dashboards.report import Filters, build_report
from apps.dashboards.selectors import criteria_values
from apps.dashboards.snapshots import compute_snapshot_data

pytestmark = pytest.mark.django_db


def _raise(participant, by, on: dt.datetime):
    with time_machine.travel(on, tick=False):
        return queries.raise_query(participant=participant, by=by, text="Please check.")


def _at(start: dt.datetime, days: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(start.date() + dt.timedelta(days), dt.time(12)))


def _close(query, by, on: dt.datetime):
    with time_machine.travel(on, tick=False):
        queries.close_query(query=query, by=by)


def test_queries_per_site_with_overdue_and_the_median_days_to_close(
    participant_a, participant_b, data_manager, pwp_a, site_a, site_b, criteria
):
    day = dt.timedelta(days=1)
    # Local noon, so a clock change in the month never moves a step to another day.
    start = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() - 30 * day, dt.time(12, 0))
    )
    for days_open in (2, 4, 9):
        query = _raise(participant_a, data_manager, start)
        _close(query, data_manager, _at(start, days_open))
    waiting = _raise(participant_a, data_manager, start)  # 30 days old today: overdue
    with time_machine.travel(_at(start, 3), tick=False):
        queries.answer_query(query=waiting, by=pwp_a, text="Checked.")
    _raise(participant_b, data_manager, _at(start, 25))  # 5 days old: not overdue
    data = compute_snapshot_data()
    report = build_report(
        data, Filters(site_ids=frozenset({site_a.id, site_b.id})), criteria_values()
    )
    rows = {row[0]: row[1:] for row in report.tables["queries"].rows}
    brs = rows["BRS Bristol Talking Therapies"]
    assert brs[:4] == [0, 1, 1, 3]  # open, answered, overdue, closed
    assert (brs[4].n, brs[4].median, brs[4].q1, brs[4].q3) == (3, 4, 3, 6.5)
    assert rows["LDS Leeds Talking Therapies"][:4] == [1, 0, 0, 0]
    assert rows["All sites shown"][:4] == [1, 1, 1, 3]
    only_b = build_report(data, Filters(site_ids=frozenset({site_b.id})), criteria_values())
    assert [row[0] for row in only_b.tables["queries"].rows] == [
        "LDS Leeds Talking Therapies",
        "All sites shown",
    ]
