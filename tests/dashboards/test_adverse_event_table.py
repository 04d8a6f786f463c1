"""The dashboard's adverse events by arm, counted by hand on the small pilot."""

import datetime as dt

import pytest

from apps.dashboards.report import Filters, build_report
from apps.dashboards.selectors import criteria_values
from apps.dashboards.snapshots import compute_snapshot_data
from apps.safety.rules import AdverseEventValues
from apps.safety.services import record_adverse_event

pytestmark = pytest.mark.django_db
ONSET = dt.date(2025, 3, 1)


def _event(person, by, *, serious=(), relatedness="not_related"):
    record_adverse_event(
        participant=person,
        by=by,
        values=AdverseEventValues(
            onset_on=ONSET, description="Event for the count.", severity="moderate",
            serious=bool(serious), seriousness_criteria=tuple(serious),
            expected=True if serious else None, relatedness=relatedness, outcome="recovering",
        ),
    )  # fmt: skip


def _rows(small_pilot, **filters):
    sites = frozenset({small_pilot.site_a.id, small_pilot.site_b.id})
    report = build_report(
        compute_snapshot_data(), Filters(site_ids=sites, **filters), criteria_values()
    )
    return {row[0]: row[1:] for row in report.tables["adverse_events"].rows}


def test_events_participants_seriousness_and_relatedness_by_arm(small_pilot, pwp_a):
    a1, a3, a4 = (small_pilot.people[k] for k in ("A1", "A3", "A4"))
    _event(a1, pwp_a, serious=("hospitalisation",), relatedness="possibly")
    _event(a1, pwp_a, relatedness="probably")
    _event(a3, pwp_a)
    _event(a4, pwp_a, serious=("other_important", "life_threatening"), relatedness="unlikely")
    rows = _rows(small_pilot)
    # Intervention randomised: A1, A3, A5, B1 (4); control: A2, A4 (2).
    assert rows["Adverse events"] == [3, 1]
    with_one = rows["Participants with at least one adverse event"]
    assert [(p.numerator, p.denominator) for p in with_one] == [(2, 4), (1, 2)]
    serious = rows["Participants with at least one serious adverse event"]
    assert [(p.numerator, p.denominator) for p in serious] == [(1, 4), (1, 2)]
    assert rows["Serious adverse events"] == [1, 1]
    assert rows["Serious: needs hospitalisation or prolongs it"] == [1, 0]
    assert rows["Serious: is life-threatening"] == [0, 1]
    assert rows["Related to treatment: possibly"] == [1, 0]
    assert rows["Related to treatment: not related"] == [1, 0]
    assert _rows(small_pilot, arm="control")["Adverse events"] == [1]


def test_no_events_gives_zeros_not_errors(small_pilot):
    rows = _rows(small_pilot)
    assert rows["Adverse events"] == [0, 0]
    assert rows["Participants with at least one adverse event"][0].percent == 0


def test_a_month_filter_keeps_everyone_randomised_as_the_denominator(small_pilot, pwp_a):
    """Events are of any onset date; a month of randomisation with nobody in it must not leave
    more participants with an event than randomised (found by schemathesis)."""
    _event(small_pilot.people["A1"], pwp_a)
    rows = _rows(small_pilot, month_from="2025-03", month_to="2025-03")
    [intervention, _] = rows["Participants with at least one adverse event"]
    assert (intervention.numerator, intervention.denominator) == (1, 4)
