"""The baseline form asks the optional PHQ-9 difficulty question and stores it with the PHQ-9."""

import pytest
from django.urls import reverse

from apps.clinical import scoring
from apps.core.errors import DomainError
from apps.journey.services import record_baseline_assessment
from apps.outcomes.models import PHQ9Response
from apps.patients.models import Baseline
from tests.factories import make_participant
from tests.patients.test_workspace_views import TODAY, baseline_post


@pytest.fixture
def consented(client, pwp_a, site_a):
    client.force_login(pwp_a)
    return make_participant(site=site_a, pwp=pwp_a, stage="consented")


def _url(participant) -> str:
    return reverse("participant-baseline", args=[participant.public_id])


def test_baseline_form_asks_the_difficulty_question_after_item_9(client, consented):
    html = client.get(_url(consented)).content.decode()
    question = html.index(scoring.PHQ9_DIFFICULTY_QUESTION)
    assert html.index('name="phq9_9"') < question < html.index('name="gad7_1"')
    fieldset = html[html.rindex("<fieldset", 0, question) : html.index("</fieldset>", question)]
    assert '<legend class="form-label fs-6 mb-1">' in fieldset
    for value, label in scoring.PHQ9_DIFFICULTY_CHOICES:
        assert f">{value} {label}</label>" in fieldset


def test_baseline_form_stores_the_difficulty(client, consented):
    response = client.post(_url(consented), baseline_post(phq9_difficulty="0"))
    assert response.status_code == 302
    stored = PHQ9Response.objects.get(participant=consented)
    assert (stored.difficulty, stored.total, stored.timepoint) == (0, 10, "baseline")


def test_baseline_form_left_blank_stores_null(client, consented):
    client.post(_url(consented), baseline_post())
    assert PHQ9Response.objects.get(participant=consented).difficulty is None


def test_baseline_form_refuses_an_answer_that_is_not_offered(client, consented):
    response = client.post(_url(consented), baseline_post(phq9_difficulty="9"))
    assert response.status_code == 200
    assert "PHQ-9 difficulty: choose one of the 4 answers" in response.content.decode()
    assert not Baseline.objects.exists() and not PHQ9Response.objects.exists()


@pytest.mark.parametrize("bad", [4, -1])
def test_baseline_service_refuses_a_bad_difficulty_and_stores_nothing(consented, pwp_a, bad):
    with pytest.raises(DomainError) as error:
        record_baseline_assessment(
            participant=consented,
            recorded_by=pwp_a,
            recorded_on=TODAY(),
            cigarettes_per_day=20,
            minutes_to_first_cigarette=10,
            sex="female",
            year_of_birth=1980,
            email="person@example.test",
            phq9_items=[1] * 9,
            phq9_difficulty=bad,
            gad7_items=[1] * 7,
        )
    assert error.value.field == "phq9_difficulty" and "difficulty" in error.value.message
    assert not Baseline.objects.exists() and not PHQ9Response.objects.exists()
