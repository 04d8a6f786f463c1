"""The API refuses writes the participant's status or dates forbid: 400 naming the field, nothing
stored."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.cessation.models import CessationSession
from apps.journey.services import withdraw_participant
from tests.api.test_authorization_matrix import snapshot
from tests.factories import make_participant

TODAY = timezone.localdate  # called each time: a run may pass midnight

WRITES = {
    "baseline": (
        "post",
        "baseline/",
        {
            "recorded_on": str(TODAY()),
            "cigarettes_per_day": 10,
            "minutes_to_first_cigarette": 45,
            "sex": "female",
            "year_of_birth": 1970,
            "email": "x@example.test",
        },
    ),
    "contact details": (
        "put",
        "contact-details/",
        {"email": "new@example.test", "preferred_channel": "email", "consent_to_contact": True},
    ),
    "phq9": ("post", "phq9/", {"items": [1] * 9, "completed_on": str(TODAY())}),
    "gad7": ("post", "gad7/", {"items": [1] * 7, "completed_on": str(TODAY())}),
    "smoking status": (
        "post",
        "smoking-status/",
        {
            "completed_on": str(TODAY()),
            "smoked_last_7_days": True,
            "cigarettes_last_7_days": 30,
            "quit_attempt_since_last_contact": False,
            "uses_e_cigarette": False,
            "uses_stop_smoking_medication": False,
        },
    ),
    "co reading": ("post", "co-readings/", {"ppm": 4, "taken_at": timezone.now().isoformat()}),
}


@pytest.fixture
def screened(site_a, pwp_a):
    return make_participant(site=site_a, pwp=pwp_a, stage="screened")


@pytest.fixture
def withdrawn(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    withdraw_participant(
        participant=participant, on=participant.screened_on, reason="participant_choice"
    )
    return participant


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("stage", ["screened", "withdrawn"])
def test_writes_for_a_participant_not_consented_or_withdrawn_are_refused(
    request, client_for, pwp_a, stage, write
):
    participant = request.getfixturevalue(stage)
    method, tail, body = WRITES[write]
    before = snapshot()
    response = getattr(client_for(pwp_a), method)(
        f"/api/v1/participants/{participant.trial_id}/{tail}", body, format="json"
    )
    assert response.status_code == 400, response.json()
    [error] = response.json()["errors"]
    assert error["field"] == "status"
    assert ("consent" if stage == "screened" else "withdrawn") in error["message"]
    assert snapshot() == before


def test_smoke_free_with_cigarettes_since_day_14_is_a_400_naming_the_field(
    client_for, pwp_a, participant_a
):
    before = snapshot()
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/smoking-status/",
        {
            **WRITES["smoking status"][2],
            "smoked_last_7_days": False,
            "cigarettes_last_7_days": 0,
            "smoke_free_since_day_14": True,
            "cigarettes_since_day_14": 4,
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert [e["field"] for e in response.json()["errors"]] == ["cigarettes_since_day_14"]
    assert snapshot() == before


def test_correcting_a_session_to_before_screening_is_a_400_naming_the_date(
    client_for, pwp_a, participant_a
):
    session = CessationSession.objects.create(
        participant=participant_a,
        practitioner=pwp_a,
        number=1,
        session_date=participant_a.screened_on,
        session_type="pre_quit",
        attendance="dna",
    )
    before = snapshot()
    response = client_for(pwp_a).patch(
        f"/api/v1/sessions/{session.public_id}/",
        {
            "session_date": str(participant_a.screened_on - dt.timedelta(days=1)),
            "reason": "entry_error",
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert [e["field"] for e in response.json()["errors"]] == ["session_date"]
    assert snapshot() == before


def test_withdrawal_dated_in_the_future_is_a_400_naming_the_date(client_for, pwp_a, participant_a):
    before = snapshot()
    response = client_for(pwp_a).post(
        f"/api/v1/participants/{participant_a.trial_id}/withdraw/",
        {"on": str(TODAY() + dt.timedelta(days=1)), "reason": "participant_choice"},
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert [e["field"] for e in response.json()["errors"]] == ["on"]
    assert snapshot() == before


@pytest.mark.parametrize("measure, items", [("phq9", [1] * 9), ("gad7", [1] * 7)])
def test_a_second_baseline_questionnaire_is_a_400_naming_the_timepoint(
    client_for, pwp_a, participant_a, measure, items
):
    client = client_for(pwp_a)
    url = f"/api/v1/participants/{participant_a.trial_id}/{measure}/"
    body = {"items": items, "completed_on": str(TODAY()), "timepoint": "baseline"}
    assert client.post(url, body, format="json").status_code == 201
    before = snapshot()
    response = client.post(url, body, format="json")
    assert response.status_code == 400, response.json()
    assert [e["field"] for e in response.json()["errors"]] == ["timepoint"]
    assert snapshot() == before
