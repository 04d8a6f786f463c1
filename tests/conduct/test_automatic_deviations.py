"""Deviations the platform raises itself: consent on a superseded form version and follow-up
measures dated outside their window, each raised once, on save (through the real worker) and
by the nightly run."""

import datetime as dt

import pytest

from apps.clinical.schedule import month_window
from apps.conduct import rules
from apps.conduct.checks import check_participants
from apps.conduct.models import DataQuery, ProtocolDeviation
from apps.conduct.tasks import check_all_participants
from apps.outcomes import services as outcomes
from apps.patients import services as patients
from apps.sites.selectors import get_pilot
from tests.factories import make_participant
from tests.reminders.faults import wait_for

D = dt.date


@pytest.mark.parametrize(
    ("version", "consented_on", "current_from", "superseded"),
    [
        ("v2.0", D(2026, 3, 1), D(2026, 2, 1), False),  # the current version
        ("v1.0", D(2026, 3, 1), D(2026, 2, 1), True),  # after v2.0 took effect
        ("v1.0", D(2026, 2, 1), D(2026, 2, 1), True),  # on the day it took effect
        ("v1.0", D(2026, 1, 31), D(2026, 2, 1), False),  # v1.0 was still current then
        ("v1.0", D(2026, 1, 31), None, True),  # no date: the current version always applies
        ("", D(2026, 1, 31), None, False),  # no consent form recorded
    ],
)
def test_a_superseded_consent_form(version, consented_on, current_from, superseded):
    assert (
        rules.consent_superseded(
            version=version,
            consented_on=consented_on,
            current_version="v2.0",
            current_from=current_from,
        )
        is superseded
    )


def test_only_the_dates_outside_the_window_are_found():
    found = rules.TimepointDates(
        "month3", "3 months", (D(2026, 5, 31), D(2026, 6, 1), D(2026, 7, 1), D(2026, 5, 31)),
        opens_on=D(2026, 6, 1), closes_on=D(2026, 6, 29),
    )  # fmt: skip
    assert rules.dates_out_of_window(found) == (D(2026, 5, 31), D(2026, 7, 1))


@pytest.fixture
def pilot_on_v2(db):
    pilot = get_pilot()
    pilot.consent_form_versions = ["v1.0", "v2.0"]
    pilot.current_consent_form_version = "v2.0"
    pilot.current_consent_form_from = dt.date(2020, 1, 1)
    pilot.data_quality_rules = {"missing_baseline": False}
    pilot.save()
    return pilot


def test_consent_on_a_superseded_version_is_a_major_deviation_raised_once(
    pilot_on_v2, site_a, pwp_a
):
    on_v1 = make_participant(site=site_a, pwp=pwp_a, stage="consented")  # factory: v1.0
    on_v2 = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    patients.record_consent(
        participant=on_v2, consented_on=on_v2.screened_on, consent_form_version="v2.0",
        taken_by=pwp_a,
    )  # fmt: skip
    assert check_participants() == 1
    deviation = ProtocolDeviation.objects.get()
    assert (deviation.participant, deviation.category, deviation.seriousness) == (
        on_v1,
        "consent",
        "major",
    )
    assert deviation.rule == "consent_superseded" and deviation.reported_by is None
    assert deviation.occurred_on == on_v1.consented_on
    assert "form v1.0, superseded by v2.0" in deviation.description
    assert deviation.corrective_action == "Re-consent the participant on form v2.0."
    assert deviation.reporter == "QuitPilot check: consent on a superseded form version"
    # A rule never raises the same finding twice.
    assert check_participants() == 0
    assert ProtocolDeviation.objects.count() == 1


def test_a_follow_up_measure_dated_outside_its_window_is_a_minor_deviation(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    window = month_window(participant.randomised_on, 3)
    inside, outside = window.due_on, window.closes_on + dt.timedelta(days=1)
    today = outside + dt.timedelta(days=1)
    common = {"participant": participant, "timepoint": "month3", "today": today}
    outcomes.record_gad7(items=[0] * 7, completed_on=inside, **common)
    assert check_participants() == 0
    outcomes.record_phq9(items=[0] * 9, completed_on=outside, **common)
    outcomes.record_gad7(items=[0] * 7, completed_on=outside, **common)
    assert check_participants() == 1
    deviation = ProtocolDeviation.objects.get()
    assert (deviation.category, deviation.seriousness, deviation.rule_key) == (
        "follow_up_window",
        "minor",
        "month3",
    )
    assert deviation.occurred_on == outside
    assert "3 months follow-up GAD-7, PHQ-9 dated" in deviation.description
    assert "not counted as the 3 months outcome" in deviation.description
    outcomes.record_phq9(items=[1] * 9, completed_on=outside, **common)
    assert check_participants() == 0


def test_a_deviation_the_platform_raised_shows_its_check_on_the_pages(
    client, pilot_on_v2, site_a, pwp_a
):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    check_participants()
    client.force_login(pwp_a)
    page = client.get(f"/participants/{participant.public_id}/").content.decode()
    assert "QuitPilot check: consent on a superseded form version" in page
    log = client.get("/deviations/").content.decode()
    assert "QuitPilot check: consent on a superseded form version" in log


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_raises_it_when_consent_is_saved_and_the_nightly_run_catches_the_rest(
    celery_worker_real, pilot_on_v2, site_a, pwp_a
):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    found = wait_for(
        lambda: ProtocolDeviation.objects.filter(participant=participant).first(),
        timeout=30,
        what="the worker to raise the consent deviation",
    )
    assert found.rule == "consent_superseded"
    # A finding whose task was lost (written straight to the table here) waits for the night.
    missed = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    type(missed).objects.filter(pk=missed.pk).update(
        status="consented", consented_on=missed.screened_on, consent_form_version="v1.0",
        consent_taken_by=pwp_a,
    )  # fmt: skip
    # Its deviation and its data query; the first participant's were raised on save already.
    assert check_all_participants.delay().get(timeout=30) == 2
    assert ProtocolDeviation.objects.filter(participant=missed).count() == 1
    assert DataQuery.objects.get(participant=missed).rule == "consent_superseded"
