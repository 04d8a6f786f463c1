"""Smoking at follow-up on the dashboard and in the wide export: counted from the database."""

import csv
import datetime as dt

import pytest
from django.utils import timezone

from apps.clinical import schedule
from apps.dashboards import export_jobs
from apps.dashboards.metrics_estimates import Summary
from apps.dashboards.report import Filters, build_report
from apps.dashboards.snapshots import compute_snapshot_data
from apps.outcomes import services
from tests.factories import make_participant

pytestmark = pytest.mark.django_db


def _month3_smoker(site, pwp, arm, *, per_day, minutes):
    """Randomised with baseline 20 a day, first after 10 minutes (HSI 2 + 1 = 3); smoking now."""
    today = timezone.localdate()
    day = today
    while not schedule.month_window(day, 3).opens_on <= today - dt.timedelta(days=3):
        day -= dt.timedelta(days=1)
    participant = make_participant(site=site, pwp=pwp, stage="randomised", screened_on=day, arm=arm)
    services.record_smoking_status(
        participant=participant, completed_on=today - dt.timedelta(days=1), timepoint="month3",
        follow_up=participant.follow_ups.get(timepoint="month3"), smoked_last_7_days=True,
        cigarettes_last_7_days=7 * per_day, cigarettes_per_day=per_day,
        minutes_to_first_cigarette=minutes, quit_attempt_since_last_contact=False,
        uses_e_cigarette=False, uses_stop_smoking_medication=False,
    )  # fmt: skip
    return participant


@pytest.fixture
def smokers(site_a, pwp_a, settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path
    return {
        "intervention": _month3_smoker(site_a, pwp_a, "intervention", per_day=10, minutes=45),
        "control": _month3_smoker(site_a, pwp_a, "control", per_day=25, minutes=5),
    }


def _rows(table) -> dict:
    return {(row[0], row[1]): row[2:] for row in table.rows}


def test_the_dashboard_shows_each_arm_s_smokers_and_their_change(smokers, site_a):
    doc = compute_snapshot_data()
    report = build_report(doc, Filters(frozenset({site_a.id})), [])
    levels = _rows(report.tables["smoking_heaviness"])
    assert levels[("Cigarettes per day", "Baseline")] == [Summary(1, 20.0, None)] * 2
    assert levels[("Cigarettes per day", "3 months")] == [Summary(1, 10.0, None),
                                                          Summary(1, 25.0, None)]  # fmt: skip
    # HSI at 3 months: 45 minutes and 10 a day -> 1 + 0; 5 minutes and 25 a day -> 3 + 2.
    assert levels[("Heaviness of Smoking Index (0-6)", "3 months")] == [
        Summary(1, 1.0, None),
        Summary(1, 5.0, None),
    ]
    assert levels[("Cigarettes per day", "6 months")] == [Summary(0, None, None)] * 2
    change = _rows(report.tables["smoking_heaviness_change"])
    treated, control, adjusted = change[("Cigarettes per day", "3 months")]
    assert (treated.mean, control.mean) == (-10.0, 5.0)
    assert adjusted.estimate is None  # two participants: not estimable
    assert change[("Heaviness of Smoking Index (0-6)", "3 months")][:2] == [
        Summary(1, -2.0, None),
        Summary(1, 2.0, None),
    ]


def test_the_wide_export_carries_both_at_each_follow_up(smokers, trial_manager):
    job = export_jobs.request_export(by=trial_manager, dataset="wide", file_format="csv")
    job = export_jobs.build_export(job.id)
    with open(job.file_path, encoding="utf-8") as handle:
        rows = {row["trial_id"]: row for row in csv.DictReader(handle)}
    treated = rows[smokers["intervention"].trial_id]
    assert (treated["cpd_month3"], treated["hsi_month3"], treated["cpd_month6"]) == ("10", "1", "")
    assert rows[smokers["control"].trial_id]["hsi_month3"] == "5"
