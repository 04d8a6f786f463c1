"""The API takes and returns the optional, unscored PHQ-9 difficulty answer (0-3 or null)."""

import pytest
from django.utils import timezone

from apps.cessation.models import CessationSession
from apps.outcomes.models import PHQ9Response

pytestmark = pytest.mark.django_db

TODAY = str(timezone.localdate())
ITEMS = [1, 1, 1, 1, 1, 1, 1, 1, 2]  # total 10, moderate, item 9 above 0


def phq9_url(participant) -> str:
    return f"/api/v1/participants/{participant.trial_id}/phq9/"


def sessions_url(participant) -> str:
    return f"/api/v1/participants/{participant.trial_id}/sessions/"


def test_phq9_difficulty_round_trips_and_leaves_the_score_alone(client_for, pwp_a, participant_a):
    client = client_for(pwp_a)
    response = client.post(
        phq9_url(participant_a), {"items": ITEMS, "difficulty": 3, "completed_on": TODAY}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["difficulty"], body["total"], body["severity"], body["risk"]) == (
        3,
        10,
        "moderate",
        True,
    )
    assert PHQ9Response.objects.get().difficulty == 3
    listed = client.get(phq9_url(participant_a)).json()["results"]
    assert [r["difficulty"] for r in listed] == [3]


@pytest.mark.parametrize("body", [{}, {"difficulty": None}])
def test_phq9_without_difficulty_is_stored_and_returned_as_null(
    client_for, pwp_a, participant_a, body
):
    response = client_for(pwp_a).post(
        phq9_url(participant_a), {"items": ITEMS, "completed_on": TODAY, **body}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["difficulty"] is None
    assert PHQ9Response.objects.get().difficulty is None


@pytest.mark.parametrize("bad", [5, -1, "very", 1.5])
def test_phq9_difficulty_outside_0_to_3_is_a_400_naming_difficulty(
    client_for, pwp_a, participant_a, bad
):
    response = client_for(pwp_a).post(
        phq9_url(participant_a), {"items": ITEMS, "difficulty": bad, "completed_on": TODAY}
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "difficulty"
    assert "difficulty must be an integer from 0 to 3" in error["message"]
    assert not PHQ9Response.objects.exists()


def test_session_api_stores_the_phq9_difficulty(client_for, pwp_a, participant_a):
    response = client_for(pwp_a).post(
        sessions_url(participant_a),
        {
            "session_date": TODAY,
            "attendance": "attended",
            "mode": "telephone",
            "duration_minutes": 15,
            "phq9_items": [1] * 8 + [0],
            "phq9_difficulty": 1,
        },
    )
    assert response.status_code == 201, response.json()
    stored = PHQ9Response.objects.get(session=CessationSession.objects.get())
    assert (stored.difficulty, stored.total) == (1, 8)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"phq9_items": [1] * 9, "phq9_difficulty": 5}, "difficulty must be an integer from 0"),
        ({"phq9_difficulty": 2}, "difficulty is asked only with the PHQ-9"),
    ],
)
def test_session_api_refuses_a_bad_phq9_difficulty_naming_it(
    client_for, pwp_a, participant_a, extra, message
):
    response = client_for(pwp_a).post(
        sessions_url(participant_a),
        {
            "session_date": TODAY,
            "attendance": "attended",
            "mode": "telephone",
            "duration_minutes": 15,
            **extra,
        },
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "phq9_difficulty" and message in error["message"]
    assert not CessationSession.objects.exists() and not PHQ9Response.objects.exists()
