"""Measures are scored by the pure scorers, refused whole when bad, and guarded by the database."""

import datetime as dt

import kombu.exceptions
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.errors import DomainError
from apps.journey.services import set_quit_date, withdraw_participant
from apps.outcomes import services
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
    Timepoint,
)
from tests.factories import make_participant


def test_phq9_is_scored_and_stored_with_version(participant_a):
    response = services.record_phq9(
        participant=participant_a,
        items=[2, 2, 2, 1, 1, 1, 1, 0, 0],
        completed_on=participant_a.screened_on,
    )
    assert (response.total, response.severity, response.risk) == (10, "moderate", False)
    assert response.scoring_version
    assert not SafetyAlert.objects.exists()


def test_phq9_item_9_above_zero_raises_one_open_alert(participant_a):
    response = services.record_phq9(
        participant=participant_a,
        items=[0, 0, 0, 0, 0, 0, 0, 0, 1],
        completed_on=participant_a.screened_on,
    )
    alert = SafetyAlert.objects.get()
    assert alert.phq9 == response and alert.is_open


@pytest.mark.parametrize(
    "items, message",
    [
        ([0] * 8, "expected 9 items"),
        ([0] * 8 + [None], "item 9 is required"),
        ([7] + [0] * 8, "item 1 must be an integer from 0 to 3"),
    ],
)
def test_bad_phq9_is_refused_naming_the_item_and_stores_nothing(participant_a, items, message):
    with pytest.raises(DomainError, match=message) as error:
        services.record_phq9(
            participant=participant_a, items=items, completed_on=participant_a.screened_on
        )
    assert error.value.field == "phq9_items"
    assert not PHQ9Response.objects.exists()


def test_gad7_in_the_future_is_refused(participant_a):
    with pytest.raises(DomainError) as error:
        services.record_gad7(
            participant=participant_a,
            items=[1] * 7,
            completed_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert error.value.field == "completed_on"
    assert not GAD7Response.objects.exists()


@pytest.mark.parametrize("ppm", [-1, 101, 150])
def test_co_outside_0_to_100_is_refused(participant_a, ppm):
    with pytest.raises(DomainError, match="0 to 100") as error:
        services.record_co_reading(participant=participant_a, ppm=ppm, taken_at=timezone.now())
    assert error.value.field == "co_ppm"
    assert not COReading.objects.exists()


def test_database_refuses_item_out_of_range_and_wrong_total(participant_a):
    good = services.record_phq9(
        participant=participant_a, items=[1] * 9, completed_on=participant_a.screened_on
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PHQ9Response.objects.filter(pk=good.pk).update(item1=4, total=12)
    with pytest.raises(IntegrityError), transaction.atomic():
        PHQ9Response.objects.filter(pk=good.pk).update(total=3)


def test_database_refuses_co_150_by_any_path(participant_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        COReading.objects.create(
            participant=participant_a, ppm=150, taken_at=timezone.now(), timepoint="session"
        )


def test_database_refuses_measure_dated_before_screening(participant_a):
    good = services.record_gad7(
        participant=participant_a, items=[1] * 7, completed_on=participant_a.screened_on
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        GAD7Response.objects.filter(pk=good.pk).update(
            completed_on=participant_a.screened_on - dt.timedelta(days=1)
        )


def test_acknowledging_an_alert_needs_a_note_and_stores_time_to_acknowledge(participant_a, pwp_a):
    services.record_phq9(
        participant=participant_a, items=[0] * 8 + [2], completed_on=participant_a.screened_on
    )
    alert = SafetyAlert.objects.get()
    with pytest.raises(DomainError) as error:
        services.acknowledge_alert(alert=alert, by=pwp_a, action_taken="")
    assert error.value.field == "action_taken"
    alert = services.acknowledge_alert(
        alert=alert, by=pwp_a, action_taken="Phoned, safety plan made"
    )
    assert alert.time_to_acknowledge is not None and not alert.is_open
    with pytest.raises(DomainError):
        services.acknowledge_alert(alert=alert, by=pwp_a, action_taken="again and again")


def _record_each_measure(participant) -> None:
    """Try every measure service once; each must refuse before storing anything."""
    on = participant.screened_on
    calls = {
        "phq9": lambda: services.record_phq9(
            participant=participant, items=[1] * 9, completed_on=on
        ),
        "gad7": lambda: services.record_gad7(
            participant=participant, items=[1] * 7, completed_on=on
        ),
        "smoking": lambda: services.record_smoking_status(
            participant=participant,
            completed_on=on,
            timepoint=Timepoint.SESSION,
            smoked_last_7_days=True,
            cigarettes_last_7_days=20,
            quit_attempt_since_last_contact=False,
            uses_e_cigarette=False,
            uses_stop_smoking_medication=False,
        ),
        "co": lambda: services.record_co_reading(
            participant=participant, ppm=12, taken_at=timezone.now()
        ),
    }
    for name, call in calls.items():
        with pytest.raises(DomainError) as error:
            call()
        assert error.value.field == "status", name
        yield name, error.value.message


@pytest.mark.parametrize("stage", ["screened", "withdrawn"])
def test_measures_are_refused_before_consent_and_after_withdrawal(site_a, pwp_a, stage):
    participant = make_participant(
        site=site_a, pwp=pwp_a, stage="screened" if stage == "screened" else "randomised"
    )
    if stage == "withdrawn":
        withdraw_participant(
            participant=participant, on=participant.screened_on, reason="participant_choice"
        )
        participant.refresh_from_db()
    messages = dict(_record_each_measure(participant))
    expected = "only after consent" if stage == "screened" else "withdrawn"
    assert set(messages) == {"phq9", "gad7", "smoking", "co"}
    assert all(expected in message for message in messages.values())
    for model in (PHQ9Response, GAD7Response, SmokingStatusReport, COReading, SafetyAlert):
        assert not model.objects.exists(), model


def test_baseline_measures_are_accepted_once_consented(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    services.record_phq9(
        participant=participant,
        items=[1] * 9,
        completed_on=participant.consented_on,
        timepoint=Timepoint.BASELINE,
    )
    services.record_co_reading(
        participant=participant, ppm=12, taken_at=timezone.now(), timepoint=Timepoint.BASELINE
    )
    assert PHQ9Response.objects.filter(participant=participant).count() == 1
    assert COReading.objects.filter(participant=participant).count() == 1


@pytest.fixture
def quitter(site_a, pwp_a):
    """A participant screened 40 days ago, randomised, with a quit date set per test."""
    today = timezone.localdate()
    return make_participant(
        site=site_a, pwp=pwp_a, stage="randomised", screened_on=today - dt.timedelta(days=40)
    )


def _report(participant, **answers) -> SmokingStatusReport:
    values = {
        "completed_on": timezone.localdate(),
        "timepoint": Timepoint.WEEK4,
        "smoked_last_7_days": False,
        "quit_attempt_since_last_contact": True,
        "uses_e_cigarette": False,
        "uses_stop_smoking_medication": True,
    }
    return services.record_smoking_status(participant=participant, **(values | answers))


def _quit_days_ago(participant, days: int):
    return set_quit_date(
        participant=participant, quit_date=timezone.localdate() - dt.timedelta(days=days)
    )


def test_smoke_free_since_day_14_with_cigarettes_since_day_14_is_refused(quitter):
    quitter = _quit_days_ago(quitter, 30)
    with pytest.raises(DomainError, match="not a puff") as error:
        _report(quitter, smoke_free_since_day_14=True, cigarettes_since_day_14=3)
    assert error.value.field == "cigarettes_since_day_14"
    assert not SmokingStatusReport.objects.exists()


def test_a_few_cigarettes_since_day_14_are_stored_as_not_smoke_free(quitter):
    # Up to 5 cigarettes still count towards sustained abstinence (RS6), but not smoke free.
    quitter = _quit_days_ago(quitter, 30)
    report = _report(quitter, smoke_free_since_day_14=False, cigarettes_since_day_14=3)
    assert (report.smoke_free_since_day_14, report.cigarettes_since_day_14) == (False, 3)
    zero = _report(quitter, smoke_free_since_day_14=True, cigarettes_since_day_14=0)
    assert zero.smoke_free_since_day_14 is True


def test_smoke_free_since_day_14_and_smoking_in_the_last_7_days_after_it_is_refused(quitter):
    quitter = _quit_days_ago(quitter, 30)  # day 14 was 16 days ago: the last 7 days follow it
    with pytest.raises(DomainError, match="contradicts") as error:
        _report(
            quitter,
            smoke_free_since_day_14=True,
            smoked_last_7_days=True,
            cigarettes_last_7_days=2,
        )
    assert error.value.field == "smoked_last_7_days"
    assert not SmokingStatusReport.objects.exists()


def test_smoking_in_the_last_7_days_before_day_14_fits_smoke_free_since_day_14(quitter):
    quitter = _quit_days_ago(quitter, 18)  # day 14 was 4 days ago: the last 7 days straddle it
    report = _report(
        quitter,
        timepoint=Timepoint.SESSION,
        smoke_free_since_day_14=True,
        smoked_last_7_days=True,
        cigarettes_last_7_days=2,
    )
    assert report.smoke_free_since_day_14 is True


def test_database_refuses_smoke_free_with_cigarettes_since_day_14(quitter):
    quitter = _quit_days_ago(quitter, 30)
    report = _report(quitter, smoke_free_since_day_14=True, cigarettes_since_day_14=0)
    refused = pytest.raises(IntegrityError, match="smoking_smoke_free_means_no_cigarettes")
    with refused, transaction.atomic():
        SmokingStatusReport.objects.filter(pk=report.pk).update(cigarettes_since_day_14=1)


@pytest.mark.parametrize(
    "record, items, name",
    [(services.record_phq9, [1] * 9, "PHQ-9"), (services.record_gad7, [1] * 7, "GAD-7")],
)
def test_a_second_baseline_questionnaire_is_refused(participant_a, record, items, name):
    on = participant_a.screened_on
    first = record(participant=participant_a, items=items, completed_on=on, timepoint="baseline")
    with pytest.raises(DomainError, match=f"baseline {name} is already recorded") as error:
        record(participant=participant_a, items=items, completed_on=on, timepoint="baseline")
    assert error.value.field == "timepoint"
    assert type(first).objects.filter(participant=participant_a).count() == 1
    # Later timepoints are not limited to one.
    record(participant=participant_a, items=items, completed_on=on, timepoint="session")
    record(participant=participant_a, items=items, completed_on=on, timepoint="session")
    assert type(first).objects.filter(participant=participant_a).count() == 3


def test_broker_outage_keeps_the_phq9_and_leaves_the_alert_for_the_sweep(
    participant_a, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.outcomes import tasks

    def broker_down(*args, **kwargs):
        raise kombu.exceptions.OperationalError("broker unreachable")

    monkeypatch.setattr(tasks.notify_safety_alert, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.record_phq9(
            participant=participant_a, items=[0] * 8 + [1], completed_on=participant_a.screened_on
        )
    assert len(callbacks) == 1
    alert = SafetyAlert.objects.get()
    assert alert.notified_at is None  # the beat sweep will queue it again
