"""(2nd ed.) Adherence, clustered fidelity and PHQ-9/GAD-7 between arms, from the hand-built
pilot through the snapshot to the report, the page and /api/v1/metrics/."""

import datetime as dt
import math

import pytest
from django.urls import reverse

from apps.dashboards.report import Filters, build_report
from apps.dashboards.selectors import criteria_values
from apps.dashboards.snapshots import build_snapshot, compute_snapshot_data
from apps.outcomes import services as outcomes
from apps.sites.selectors import get_pilot

pytestmark = pytest.mark.django_db


def _report(small_pilot, data=None, **kwargs):
    data = data or compute_snapshot_data()
    sites = frozenset({small_pilot.site_a.id, small_pilot.site_b.id})
    return build_report(data, Filters(site_ids=sites, **kwargs), criteria_values())


def _p(value):
    return (value.numerator, value.denominator)


def test_adherence_counts_intervention_participants_with_the_protocol_minimum(small_pilot):
    # Intervention: A1 attended 2 (and missed 1), A3 none (missed 1), A5 1, B1 none.
    table = _report(small_pilot).tables["adherence"]
    assert table.title == "Adherence: participants who attended at least 4 sessions"
    [row] = table.rows  # the control arm has no sessions to adhere to
    assert row[:2] == ["Intervention", 4] and _p(row[2]) == (0, 4)
    assert row[2].ci_low == 0 and round(row[2].ci_high, 2) == 48.99  # Wilson 0/4
    spread = row[3]
    assert (spread.n, spread.median, spread.q1, spread.q3) == (4, 0.5, 0, 1.25)
    assert row[4] == 2  # DNAs
    pilot = get_pilot()
    pilot.minimum_sessions = 2
    pilot.save()
    row = _report(small_pilot).tables["adherence"].rows[0]
    assert _p(row[2]) == (1, 4)


def test_a_minimum_outside_1_to_12_sessions_is_refused_by_the_database(small_pilot):
    from django.db import IntegrityError, transaction

    pilot = get_pilot()
    pilot.minimum_sessions = 13
    with pytest.raises(IntegrityError), transaction.atomic():
        pilot.save()


def test_fidelity_interval_is_clustered_by_participant(small_pilot):
    # Pre-quit: A1 delivered 8 of 8, A5 4 of 8: R = 0.75, residuals +2 and -2, so
    # var = 2/1 * 8 / 16^2 and the interval is 0.75 +/- t(1) * 0.25, clamped to 0-100%.
    rows = {row[0]: row for row in _report(small_pilot).tables["fidelity_types"].rows}
    pre_quit = rows["Pre-quit"][2]
    assert _p(pre_quit) == (12, 16) and (pre_quit.ci_low, pre_quit.ci_high) == (0.0, 100.0)
    # Quit day: one participant (A1, 5 of 7) is one cluster: no interval.
    quit_day = rows["Quit day"][2]
    assert _p(quit_day) == (5, 7) and quit_day.ci_low is None
    assert rows["All session types"][1] == 3 and _p(rows["All session types"][2]) == (17, 23)
    site_a = _report(small_pilot).tables["fidelity_sites"].rows[0]
    assert _p(site_a[5]) == (17, 23) and site_a[4].ci_low is None  # attendance share
    pwp = _report(small_pilot).tables["fidelity_pwps"].rows[0]
    assert _p(pwp[6]) == (17, 23) and pwp[6].ci_low is None  # no interval per PWP


def test_mood_at_fixed_timepoints_counts_only_scores_inside_the_window(small_pilot):
    # A4 (control) also has a 6-month PHQ-9 dated in the 3-month window: it does not count.
    items = [2, 2, 2, 2, 1, 1, 0, 0, 0]
    outcomes.record_phq9(
        participant=small_pilot.people["A4"],
        items=items,
        completed_on=dt.date(2025, 5, 13),
        timepoint="month6",
    )
    report = _report(small_pilot)
    rows = {(r[0], r[1]): r[2:] for r in report.tables["mood_timepoints"].rows}
    baseline_i, baseline_c = rows[("PHQ-9", "Baseline")]
    assert (baseline_i.n, baseline_i.mean) == (2, 13)  # A1 14, A3 12
    assert baseline_i.sd == pytest.approx(math.sqrt(2))
    assert (baseline_c.n, baseline_c.mean, baseline_c.sd) == (1, 5, None)  # A4
    month3_i, month3_c = rows[("PHQ-9", "3 months")]
    assert (month3_i.n, month3_i.mean, month3_c.n, month3_c.mean) == (1, 8, 1, 12)
    month6_i, month6_c = rows[("PHQ-9", "6 months")]
    assert (month6_i.n, month6_i.mean, month6_c.n) == (1, 6, 0)
    differences = {(r[0], r[1]): r[2:] for r in report.tables["mood_differences"].rows}
    unadjusted, adjusted = differences[("PHQ-9", "3 months")]
    # One participant per arm: no degrees of freedom, so nothing is estimated.
    assert (unadjusted.n_intervention, unadjusted.n_control, unadjusted.estimate) == (1, 1, None)
    assert (adjusted.n_intervention, adjusted.n_control, adjusted.estimate) == (1, 1, None)
    assert _report(small_pilot, arm="control").tables["mood_differences"].rows == []


def test_the_page_and_the_api_show_the_new_figures(client, trial_manager, small_pilot):
    build_snapshot()
    client.force_login(trial_manager)
    page = client.get(reverse("dashboard")).content.decode()
    for key in ("adherence", "attendance", "mood_timepoints", "mood_differences", "service_view"):
        assert f'id="table-{key}"' in page
    assert "Attended at least 4 sessions" in page
    assert "0.5 (IQR 0–1.25; n=4)" in page
    assert "13.0 (SD 1.4); n=2" in page
    assert "not estimable (n=1 vs 1)" in page
    assert "The service&#x27;s view" in page or "The service's view" in page
    body = client.get("/api/v1/metrics/").json()
    tables = {t["key"]: t for t in body["tables"]}
    assert tables["adherence"]["rows"][0][3] == {"n": 4, "median": 0.5, "q1": 0, "q3": 1.25}
    phq_baseline = tables["mood_timepoints"]["rows"][0]
    assert phq_baseline[:2] == ["PHQ-9", "Baseline"]
    assert phq_baseline[2]["n"] == 2 and phq_baseline[2]["mean"] == 13
    difference = tables["mood_differences"]["rows"][0][2]
    assert difference == {
        "n_intervention": 1,
        "n_control": 1,
        "estimate": None,
        "ci_low": None,
        "ci_high": None,
        "df": None,
    }


def test_the_csv_downloads_give_each_estimate_field_a_column(client, trial_manager, small_pilot):
    import csv
    import io

    build_snapshot()
    client.force_login(trial_manager)
    response = client.get(reverse("dashboard-csv", args=["mood_timepoints"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    arms = [
        f"{arm}: {field}" for arm in ("Intervention", "Control") for field in ("n", "mean", "sd")
    ]
    assert rows[0] == ["Measure", "Timepoint", *arms]
    assert rows[1] == ["PHQ-9", "Baseline", "2", "13.0", "1.414", "1", "5.0", ""]
    response = client.get(reverse("dashboard-csv", args=["adherence"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][-5:] == [
        "Sessions attended per participant: median (IQR): n",
        "Sessions attended per participant: median (IQR): median",
        "Sessions attended per participant: median (IQR): q1",
        "Sessions attended per participant: median (IQR): q3",
        "Did not attend (sessions)",
    ]
    assert rows[1][-5:] == ["4", "0.5", "0.0", "1.25", "2"]
