"""(2nd ed.) The stop date through the API: required like on the staff form, every gap in one
answer, and the control arm's RS6 counted from it."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.journey.services import set_quit_date
from apps.outcomes import services
from apps.outcomes.models import SmokingStatusReport
from apps.outcomes.selectors import known_reference_quit_date
from tests.outcomes.test_stop_date import _open_at

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _api_report(**overrides) -> dict:
    return {
        "completed_on": str(TODAY()),
        "smoked_last_7_days": False,
        "quit_attempt_since_last_contact": True,
        "uses_e_cigarette": False,
        "uses_stop_smoking_medication": False,
    } | overrides


def _post_api(client_for, pwp, participant, follow_up, body):
    url = f"/api/v1/participants/{participant.trial_id}/smoking-status/"
    return client_for(pwp).post(url, body | {"follow_up": str(follow_up.public_id)}, format="json")


def test_the_api_requires_the_stop_date_and_since_day_14_together_in_one_answer(
    site_a, pwp_a, client_for
):
    participant, follow_up = _open_at(site_a, pwp_a, "month3")
    set_quit_date(participant=participant, quit_date=participant.screened_on + dt.timedelta(7))
    response = _post_api(client_for, pwp_a, participant, follow_up, _api_report())
    assert response.status_code == 400
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["smoke_free_since_day_14", "stopped_on"]
    assert not SmokingStatusReport.objects.filter(participant=participant).exists()


def test_a_stop_date_after_the_follow_up_or_with_smoking_is_refused(site_a, pwp_a, client_for):
    participant, follow_up = _open_at(site_a, pwp_a, "month3")
    later = _post_api(
        client_for,
        pwp_a,
        participant,
        follow_up,
        _api_report(stopped_on=str(TODAY() + dt.timedelta(days=1))),
    )
    assert later.json()["errors"][0]["field"] == "stopped_on"
    smoking = _post_api(
        client_for,
        pwp_a,
        participant,
        follow_up,
        _api_report(smoked_last_7_days=True, cigarettes_last_7_days=20, stopped_on=str(TODAY())),
    )
    assert "Leave the stop date blank" in smoking.json()["errors"][0]["message"]


def test_worked_example_through_the_api_control_rs6_from_the_reported_stop_date(
    site_a, pwp_a, client_for
):
    participant, follow_up = _open_at(site_a, pwp_a, "month6")
    stopped = participant.screened_on + dt.timedelta(days=19)
    missing = _post_api(
        client_for, pwp_a, participant, follow_up, _api_report(stopped_on=str(stopped))
    )
    assert [e["field"] for e in missing.json()["errors"]] == ["cigarettes_since_day_14"]
    ok = _post_api(
        client_for,
        pwp_a,
        participant,
        follow_up,
        _api_report(stopped_on=str(stopped), cigarettes_since_day_14=2),
    )
    assert ok.status_code == 201, ok.content
    services.record_co_reading(
        participant=participant,
        ppm=6,
        taken_at=timezone.now(),
        timepoint="month6",
        follow_up=follow_up,
    )
    assert known_reference_quit_date(participant) == stopped
    outcomes = client_for(pwp_a).get(f"/api/v1/participants/{participant.trial_id}/outcomes/")
    body = outcomes.json()
    assert body["rs6"] is True
    assert body["reference_quit_date"] == str(stopped)
