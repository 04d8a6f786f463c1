"""The dashboard counts the deviation log by arm and by site, under the page's filters."""

import pytest

from apps.conduct.rules import DeviationValues
from apps.conduct.services import record_deviation
from apps.dashboards.report import Filters, build_report
from apps.dashboards.selectors import criteria_values
from apps.dashboards.snapshots import compute_snapshot_data
from tests.factories import make_participant

pytestmark = pytest.mark.django_db


def _deviation(participant, by, category, seriousness="minor"):
    record_deviation(
        participant=participant,
        by=by,
        values=DeviationValues(
            occurred_on=participant.screened_on,
            category=category,
            description=f"A {category} deviation.",
            seriousness=seriousness,
            corrective_action="Done." if seriousness == "major" else "",
        ),
    )


@pytest.fixture
def logged(site_a, site_b, pwp_a, pwp_b, criteria):
    intervention = make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    control = make_participant(site=site_a, pwp=pwp_a, stage="randomised", arm="control")
    screened = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    elsewhere = make_participant(site=site_b, pwp=pwp_b, stage="randomised")
    _deviation(intervention, pwp_a, "data")
    _deviation(intervention, pwp_a, "intervention_delivery", "major")
    _deviation(control, pwp_a, "contamination", "major")
    _deviation(screened, pwp_a, "eligibility")
    _deviation(elsewhere, pwp_b, "follow_up_window")
    return compute_snapshot_data()


def _rows(table) -> dict:
    return {row[0]: row[1:] for row in table.rows}


def test_deviations_by_arm_with_those_before_randomisation_apart(logged, site_a, site_b):
    report = build_report(
        logged, Filters(site_ids=frozenset({site_a.id, site_b.id})), criteria_values()
    )
    table = report.tables["deviations"]
    assert table.columns == ["Measure", "Intervention", "Control", "Before randomisation"]
    rows = _rows(table)
    assert rows["Deviations"] == [3, 1, 1]
    assert rows["Major"] == [1, 1, 0]
    assert rows["Contamination (control arm received the intervention)"] == [0, 1, 0]
    assert rows["Eligibility"] == [0, 0, 1]
    with_one = rows["Participants with at least one deviation"]
    assert (with_one[0].numerator, with_one[0].denominator) == (2, 2)
    assert (with_one[1].numerator, with_one[1].denominator) == (1, 1)
    assert with_one[2] == 1


def test_deviations_per_site_and_under_an_arm_filter(logged, site_a, site_b):
    both = frozenset({site_a.id, site_b.id})
    sites = _rows(
        build_report(logged, Filters(site_ids=both), criteria_values()).tables["deviations_sites"]
    )
    assert sites["BRS Bristol Talking Therapies"][:2] == [4, 2]
    assert sites["LDS Leeds Talking Therapies"][:2] == [1, 0]
    control = build_report(logged, Filters(site_ids=both, arm="control"), criteria_values())
    assert control.tables["deviations"].columns == ["Measure", "Control"]
    assert _rows(control.tables["deviations"])["Deviations"] == [1]
    only_b = build_report(logged, Filters(site_ids=frozenset({site_b.id})), criteria_values())
    assert _rows(only_b.tables["deviations"])["Follow-up out of window"] == [1, 0, 0]
