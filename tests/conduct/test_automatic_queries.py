"""Data-quality rules raise data queries by themselves, once per finding, configurable per pilot."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.conduct import data_quality, queries
from apps.conduct.models import DataQuery
from apps.conduct.query_checks import raise_automatic_queries
from apps.outcomes import services as outcomes
from apps.sites.selectors import get_pilot

D = dt.date


def test_a_smokers_co_on_a_day_no_smoking_was_reported():
    reports = [(D(2026, 3, 2), False), (D(2026, 3, 9), True)]
    readings = [("a", D(2026, 3, 2), 45), ("b", D(2026, 3, 2), 9), ("c", D(2026, 3, 9), 30)]
    found = list(data_quality.co_contradictions(reports, readings))
    assert [f.key for f in found] == ["co:a"]
    assert "CO 45 ppm on 2 Mar 2026 with a report of no smoking" in found[0].text


def test_a_phq9_jump_of_the_threshold_or_more_between_consecutive_totals():
    totals = [("late", D(2026, 4, 1), 20), ("first", D(2026, 3, 1), 5), ("mid", D(2026, 3, 15), 6)]
    found = list(data_quality.phq9_jumps(totals, 14))
    assert [f.key for f in found] == ["phq9:late"]  # 6 -> 20; 5 -> 6 is no jump
    assert "went from 6 (15 Mar 2026) to 20 (1 Apr 2026), a change of 14" in found[0].text
    assert list(data_quality.phq9_jumps(totals, 15)) == []


def test_each_missing_baseline_measure_and_the_pilots_switches():
    assert [f.key for f in data_quality.missing_baseline({"phq9", "co"})] == [
        "baseline:gad7",
        "baseline:smoking",
    ]
    rules = data_quality.active_rules({"phq9_jump": 20, "missing_baseline": False, "x": True})
    assert (rules["phq9_jump"], rules["missing_baseline"], "x" in rules) == (20, False, False)


@pytest.fixture
def contradicted(participant_a):
    """A CO of 45 ppm on a day the participant reported no smoking."""
    day = participant_a.randomised_on
    outcomes.record_smoking_status(
        participant=participant_a, completed_on=day, timepoint="session",
        smoked_last_7_days=False, quit_attempt_since_last_contact=True, uses_e_cigarette=False,
        uses_stop_smoking_medication=False,
    )  # fmt: skip
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(11)))
    outcomes.record_co_reading(participant=participant_a, ppm=45, taken_at=at)
    return participant_a


def _rules_raised(participant) -> list[str]:
    return sorted(DataQuery.objects.filter(participant=participant).values_list("rule", flat=True))


def test_the_rules_raise_each_finding_once_even_after_its_query_is_closed(
    contradicted, data_manager
):
    pilot = get_pilot()
    pilot.data_quality_rules = {"missing_baseline": False}
    pilot.save()
    assert raise_automatic_queries([contradicted.pk]) == 1
    query = DataQuery.objects.get()
    assert (query.rule, query.raised_by, query.status) == ("co_contradicts_report", None, "open")
    assert query.steps.get().action == "raise"
    assert raise_automatic_queries([contradicted.pk]) == 0
    queries.close_query(query=query, by=data_manager, text="The monitor was faulty; both right.")
    assert raise_automatic_queries() == 0
    assert DataQuery.objects.count() == 1


def test_a_rule_the_pilot_switches_off_raises_nothing(contradicted):
    pilot = get_pilot()
    pilot.data_quality_rules = {"co_contradicts_report": False, "missing_baseline": False}
    pilot.save()
    assert raise_automatic_queries([contradicted.pk]) == 0
    pilot.data_quality_rules = {"co_contradicts_report": False}
    pilot.save()
    raise_automatic_queries([contradicted.pk])
    assert set(_rules_raised(contradicted)) == {"missing_baseline"}


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_raises_the_query_when_the_reading_is_saved(celery_worker_real, participant_a):
    from tests.reminders.faults import wait_for

    pilot = get_pilot()
    pilot.data_quality_rules = {"missing_baseline": False}
    pilot.save()
    day = participant_a.randomised_on
    outcomes.record_smoking_status(
        participant=participant_a, completed_on=day, timepoint="session",
        smoked_last_7_days=False, quit_attempt_since_last_contact=True, uses_e_cigarette=False,
        uses_stop_smoking_medication=False,
    )  # fmt: skip
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(11)))
    outcomes.record_co_reading(participant=participant_a, ppm=45, taken_at=at)
    found = wait_for(
        lambda: DataQuery.objects.filter(rule="co_contradicts_report").first(),
        timeout=30,
        what="the worker to raise the CO query",
    )
    assert found.participant == participant_a
