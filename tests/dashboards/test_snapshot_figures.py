"""Every dashboard figure of the hand-built pilot, counted in SQL, matches the hand count."""

import datetime as dt
import math

import pytest
from django.utils import timezone

from apps.clinical.outcome_labels import ARM_HEADINGS
from apps.dashboards import metrics
from apps.dashboards.report import Filters, build_report
from apps.dashboards.selectors import criteria_values
from apps.dashboards.snapshots import compute_snapshot_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(small_pilot):
    return compute_snapshot_data()


def _report(data, small_pilot, **kwargs):
    sites = kwargs.pop("sites", [small_pilot.site_a.id, small_pilot.site_b.id])
    return build_report(data, Filters(site_ids=frozenset(sites), **kwargs), criteria_values())


def _row(table, label):
    return next(row for row in table.rows if row[0] == label)


def _p(value):
    return (value.numerator, value.denominator)


def test_screening_counts_and_rates(data, small_pilot):
    report = _report(data, small_pilot)
    h = report.headline
    assert (h["screened"], h["eligible"], h["consented"], h["randomised"]) == (10, 8, 6, 6)
    assert _p(h["eligibility_rate"]) == (8, 10)
    assert h["consent_rate"].percent == pytest.approx(75.0)
    reasons = {(row[0], row[1]): row[2] for row in report.tables["screening_reasons"].rows}
    assert reasons[("Not eligible", "Under 18")] == 1
    assert reasons[("Not eligible", "Does not smoke daily")] == 1
    assert reasons[("Eligible, declined", "Not interested in research")] == 1
    assert reasons[("Eligible, did not consent", "Consent not yet recorded")] == 1


def test_retention_counts_only_participants_who_reached_the_timepoint(data, small_pilot):
    table = _report(data, small_pilot).tables["retention"]
    _week4, month3, month6 = table.rows
    # columns: timepoint, intervention, control, all
    assert [_p(c) for c in month3[1:]] == [(2, 3), (1, 2), (3, 5)]
    assert [_p(c) for c in month6[1:]] == [(1, 3), (0, 2), (1, 5)]


def test_week4_retention_excludes_participants_without_a_quit_date(data, small_pilot):
    week4 = _report(data, small_pilot).tables["retention"].rows[0]
    assert [_p(c) for c in week4[1:]] == [(2, 2), (1, 1), (3, 3)]


def test_consort_flow_counts(data, small_pilot):
    flow = _report(data, small_pilot).consort
    assert (flow["assessed"], flow["excluded"], flow["randomised"]) == (10, 4, 6)
    assert (flow["not_eligible"], flow["declined"], flow["other_not_randomised"]) == (2, 1, 1)
    intervention, control = flow["arms"]
    assert (intervention["allocated"], intervention["received"]) == (4, 2)
    assert intervention["not_received"] == 2
    assert (control["allocated"], control["received"]) == (2, 2)
    m3 = intervention["timepoints"][1]
    assert (m3["followed_up"], m3["lost"], m3["withdrew"], m3["pending"]) == (2, 1, 0, 1)
    assert m3["lost_reasons"] == [("Could not be contacted", 1)]
    control_m3 = control["timepoints"][1]
    assert (control_m3["withdrew"], control_m3["withdrew_reasons"]) == (
        1,
        [("Participant's choice", 1)],
    )
    w4 = intervention["timepoints"][0]
    assert (w4["followed_up"], w4["no_quit_date"], w4["pending"]) == (2, 2, 0)
    assert (intervention["analysed"], control["analysed"]) == (2, 1)


def test_smoking_outcomes_follow_the_russell_standard(data, small_pilot):
    outcomes = _report(data, small_pilot).tables["outcomes"]

    def arms(label):
        return [_p(c) for c in _row(outcomes, label)[1:]]

    service = _report(data, small_pilot).tables["treatment_service"]
    assert service.columns[1:] == [ARM_HEADINGS["intervention"]]
    assert [_p(c) for c in _row(service, "4-week quit, self-reported (Russell Standard)")[1:]] == [
        (1, 2)
    ]
    assert [_p(c) for c in _row(service, "4-week quit, CO-verified (Russell Standard)")[1:]] == [
        (1, 2)
    ]
    assert arms("7-day point prevalence at 3 months, self-report") == [(1, 3), (1, 2)]
    assert arms("7-day point prevalence at 3 months, CO-verified") == [(1, 3), (0, 2)]
    assert arms("7-day point prevalence at 6 months, CO-verified") == [(1, 3), (0, 2)]
    assert arms("Sustained abstinence at 6 months (RS6, CO-verified)") == [(1, 3), (0, 2)]
    assert arms("Made a quit attempt (24 hours or more)") == [(1, 4), (1, 2)]


def test_mood_outcomes_use_first_and_last_pairs(data, small_pilot):
    outcomes = _report(data, small_pilot).tables["service_view"]
    phq_i, phq_c = _row(outcomes, "PHQ-9 mean change, first to last")[1:]
    assert (phq_i.n, phq_i.mean, phq_c.n, phq_c.mean) == (1, -8, 1, 7)
    gad_i, gad_c = _row(outcomes, "GAD-7 mean change, first to last")[1:]
    assert (gad_i.mean, gad_c.mean) == (-4, 5)
    assert [_p(c) for c in _row(outcomes, "Talking Therapies recovery")[1:]] == [(1, 1), (0, 0)]
    assert [_p(c) for c in _row(outcomes, "Reliable improvement")[1:]] == [(1, 1), (0, 1)]
    assert [_p(c) for c in _row(outcomes, "Reliable deterioration")[1:]] == [(0, 1), (1, 1)]
    assert [_p(c) for c in _row(outcomes, "Reliable recovery")[1:]] == [(1, 1), (0, 0)]


def test_adherence_and_fidelity(data, small_pilot):
    report = _report(data, small_pilot)
    intervention = report.tables["attendance"].rows[0]
    assert intervention[:5] == ["Intervention", 4, 3, 3, 2]
    assert intervention[5:7] == [0.75, 0.5]
    assert _p(intervention[7]) == (3, 5) and intervention[7].ci_low is None
    fidelity = {row[0]: row for row in report.tables["fidelity_types"].rows}
    assert fidelity["Pre-quit"][1] == 2 and _p(fidelity["Pre-quit"][2]) == (12, 16)
    assert fidelity["Quit day"][1] == 1 and _p(fidelity["Quit day"][2]) == (5, 7)
    assert fidelity["Follow-up"][1] == 0 and not fidelity["Follow-up"][2].known
    pwp = report.tables["fidelity_pwps"].rows[0]
    assert pwp[1:5] == ["BRS", 5, 3, 2] and _p(pwp[6]) == (17, 23)


def test_data_completeness_per_timepoint(data, small_pilot):
    rows = {row[0]: row for row in _report(data, small_pilot).tables["completeness"].rows}
    baseline = rows["Baseline"]
    assert baseline[1] == 6 and [_p(c) for c in baseline[2:]] == [(3, 6), (3, 6), (6, 6), (2, 6)]
    week4 = rows["4 weeks"]
    assert week4[1] == 3 and week4[2] is None and [_p(c) for c in week4[4:]] == [(3, 3), (2, 3)]
    month3 = rows["3 months"]
    assert month3[1] == 4 and [_p(c) for c in month3[2:]] == [(2, 4), (2, 4), (3, 4), (2, 4)]


def test_progression_lights_show_value_thresholds_and_counts(data, small_pilot):
    lights = {c.key: c for c in _report(data, small_pilot).criteria}
    assert (lights["enrolment"].light, _p(lights["enrolment"].value)) == ("green", (6, 8))
    assert (lights["completeness"].light, _p(lights["completeness"].value)) == ("amber", (9, 16))
    # (2nd ed.) Interim: of 4 intervention participants, the 3 who have reached 3 months count.
    assert (lights["quit_attempt"].light, _p(lights["quit_attempt"].value)) == ("green", (1, 3))
    assert "3 of 4 intervention-arm participants" in lights["quit_attempt"].interim_note
    assert (lights["retention_3m"].light, _p(lights["retention_3m"].value)) == ("amber", (3, 5))
    today = timezone.localdate()
    site = small_pilot.site_a
    expected = 2 * metrics.expected_recruitment(
        30, site.recruitment_opens_on, site.recruitment_closes_on, today
    )
    recruitment = lights["recruitment"]
    assert _p(recruitment.value) == (6, math.ceil(expected))
    assert recruitment.light == "red"
    assert (recruitment.green_from, recruitment.amber_from) == (80, 60)


def test_site_filter_keeps_only_that_sites_figures(data, small_pilot):
    report = _report(data, small_pilot, sites=[small_pilot.site_b.id])
    assert report.headline["randomised"] == 1
    assert report.headline["screened"] == 1
    month3 = report.tables["retention"].rows[1]
    assert _p(month3[-1]) == (0, 0) and not month3[-1].known


def test_arm_filter_keeps_one_arm(data, small_pilot):
    report = _report(data, small_pilot, arm="control")
    assert report.arms == ["control"]
    assert report.headline["randomised"] == 2
    assert [a["label"] for a in report.consort["arms"]] == ["Control"]


def test_month_range_filters_by_randomisation_month(data, small_pilot):
    # B1's own month: 10 days ago is last month on the first ten days of a month.
    recent = small_pilot.people["B1"].randomised_on.isoformat()[:7]
    report = _report(data, small_pilot, month_from=recent, month_to=recent)
    assert report.headline["randomised"] == 1
    cumulative = report.tables["recruitment_months"].rows[-1]
    assert cumulative[2] == 6  # the cumulative line still counts from the start


def _expected(site, first, last):
    return metrics.expected_recruitment_between(
        site.recruitment_target, site.recruitment_opens_on, site.recruitment_closes_on, first, last
    )


def test_recruitment_under_a_month_filter_compares_like_with_like(data, small_pilot):
    a, b = small_pilot.site_a, small_pilot.site_b
    february = _report(data, small_pilot, month_from="2025-02", month_to="2025-02")
    recruitment = february.headline["recruitment"]
    first, last = dt.date(2025, 2, 1), dt.date(2025, 2, 28)
    expected = _expected(a, first, last) + _expected(b, first, last)  # 2 x 30 x 28/1095
    assert _p(recruitment) == (5, math.ceil(expected)) == (5, 2)
    lights = {c.key: c for c in february.criteria}
    assert lights["recruitment"].light == "green" and lights["recruitment"].value == recruitment
    site_a_row = february.tables["recruitment_sites"].rows[0]
    assert february.tables["recruitment_sites"].columns[2] == "Expected in the months shown"
    assert site_a_row[2] == round(_expected(a, first, last), 1)
    assert _p(site_a_row[4]) == (5, math.ceil(_expected(a, first, last)))


def test_recruitment_period_stops_at_today_when_the_range_runs_ahead(data, small_pilot):
    today = timezone.localdate()
    start = (today - dt.timedelta(days=10)).isoformat()[:7]  # B1's month of randomisation
    ahead = (today + dt.timedelta(days=400)).isoformat()[:7]
    report = _report(data, small_pilot, month_from=start, month_to=ahead)
    first = dt.date.fromisoformat(start + "-01")
    expected = sum(_expected(s, first, today) for s in (small_pilot.site_a, small_pilot.site_b))
    assert _p(report.headline["recruitment"]) == (1, math.ceil(expected))


def test_withdrawal_and_loss_reasons_by_arm(data, small_pilot):
    rows = {row[0]: row for row in _report(data, small_pilot).tables["withdrawals"].rows}
    # columns: reason, intervention withdrawn, control withdrawn, intervention lost, control lost
    assert rows["Participant's choice"][1:] == [0, 1, 0, 0]
    assert rows["Could not be contacted"][1:] == [0, 0, 1, 0]


def test_empty_pilot_has_no_denominators_and_unknown_lights(db, criteria):
    data = compute_snapshot_data()
    report = build_report(data, Filters(site_ids=frozenset()), criteria_values())
    assert report.headline["screened"] == 0
    assert not report.headline["eligibility_rate"].known
    assert {c.light for c in report.criteria} == {"unknown"}
    assert report.consort["assessed"] == 0


def test_report_serialises_to_plain_json_for_the_api(data, small_pilot):
    import json

    from apps.dashboards.report import report_to_dict

    plain = json.loads(json.dumps(report_to_dict(_report(data, small_pilot))))
    retention = plain["tables"]["retention"]["rows"][1]
    assert retention[0] == "3 months"
    assert retention[-1]["numerator"] == 3 and retention[-1]["denominator"] == 5
    lights = {c["key"]: c for c in plain["criteria"]}
    assert lights["retention_3m"]["light"] == "amber"
    assert plain["consort"]["assessed"] == 10


def test_single_arm_pilot_shows_enrolled_participants_in_one_column(db, site_a, pwp_a, criteria):
    from apps.dashboards.consort import consort_svg
    from apps.sites.selectors import get_pilot
    from tests.factories import make_participant

    pilot = get_pilot()
    pilot.is_randomised = False
    pilot.save()
    make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    data = compute_snapshot_data()
    report = build_report(data, Filters(site_ids=frozenset({site_a.id})), criteria_values())
    assert report.arms == ["single"] and report.headline["enrolled_word"] == "Enrolled"
    assert [row[0] for row in report.tables["adherence"].rows] == ["Enrolled"]
    assert report.consort["arms"][0]["allocated"] == 1
    svg = consort_svg(report.consort)
    assert "Enrolled (n=1)" in svg and "Allocated to" not in svg


def test_a_snapshot_without_minutes_per_site_shows_no_workload_until_rebuilt(data, small_pilot):
    old = {**data, "schema": 1}
    old["workload"] = {
        "weeks": data["workload"]["weeks"],
        "practitioners": [
            {**{k: v for k, v in p.items() if k != "minutes_by_site"}, "minutes": [60] * 12}
            for p in data["workload"]["practitioners"]
        ],
    }
    workload = _report(old, small_pilot, sites=[small_pilot.site_a.id]).tables["workload"]
    assert workload.rows == [] and "next build" in workload.note
    assert _report(data, small_pilot).tables["workload"].rows
