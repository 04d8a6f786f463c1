"""The optional, unscored PHQ-9 difficulty question: stored 0-3 or NULL, never part of the score."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.clinical import questionnaire_content as content
from apps.clinical import scoring
from apps.core.errors import DomainError
from apps.outcomes import services
from apps.outcomes.follow_up_assessment import record_follow_up_assessment
from apps.outcomes.models import PHQ9Response, SafetyAlert
from apps.reminders import questionnaire_links as links
from apps.reminders.models import QuestionnaireLink
from tests.outcomes.test_follow_up_assessment import _post as follow_up_post
from tests.outcomes.test_follow_up_assessment import _smoke_free, _stored, _with_week4_open
from tests.outcomes.test_follow_up_assessment import _url as follow_up_url
from tests.outcomes.test_questionnaire_pages import PHQ9_OK, _answer_all, _url
from tests.reminders.helpers import participant_with_open_month3

pytestmark = pytest.mark.django_db

ITEMS = [2, 2, 2, 1, 1, 1, 1, 0, 1]  # total 11, moderate, item 9 above 0


@pytest.fixture
def week4(site_a, pwp_a):
    return _with_week4_open(site_a, pwp_a)


@pytest.fixture
def opened(site_a, pwp_a, settings):
    """(participant, follow-up, raw token) for an open 3-month questionnaire link."""
    settings.PATIENT_LINK_RATE_LIMIT = "10000/m"
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    _, token = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    return participant, follow_up, token


def _record(participant, **kwargs) -> PHQ9Response:
    return services.record_phq9(
        participant=participant, items=ITEMS, completed_on=participant.screened_on, **kwargs
    )


# --- the database and the service -------------------------------------------------------------


@pytest.mark.parametrize("bad", [4, -1])
def test_database_refuses_a_difficulty_outside_0_to_3_by_any_path(participant_a, bad):
    response = _record(participant_a, difficulty=1)
    with (
        pytest.raises(IntegrityError, match="phq9_difficulty_null_or_0_to_3"),
        transaction.atomic(),
    ):
        PHQ9Response.objects.filter(pk=response.pk).update(difficulty=bad)
    response.refresh_from_db()
    assert response.difficulty == 1


@pytest.mark.parametrize("bad", [4, -1, 7, True, "2", 1.5])
def test_service_refuses_a_bad_difficulty_naming_the_field_and_stores_nothing(participant_a, bad):
    with pytest.raises(DomainError, match="PHQ-9 difficulty must be an integer from 0 to 3") as e:
        _record(participant_a, difficulty=bad)
    assert e.value.field == "phq9_difficulty"
    assert not PHQ9Response.objects.exists()
    assert not SafetyAlert.objects.exists()


def test_no_difficulty_is_stored_as_null(participant_a):
    response = _record(participant_a)
    response.refresh_from_db()
    assert response.difficulty is None
    assert PHQ9Response.objects.filter(difficulty__isnull=True).count() == 1


@pytest.mark.parametrize("difficulty", [None, 0, 1, 2, 3])
def test_difficulty_never_changes_total_severity_or_risk(participant_a, difficulty):
    response = _record(participant_a, difficulty=difficulty)
    response.refresh_from_db()
    assert (response.difficulty, response.total, response.severity, response.risk) == (
        difficulty,
        11,
        "moderate",
        True,
    )
    assert SafetyAlert.objects.filter(phq9=response).count() == 1
    assert response.get_difficulty_display() == dict(scoring.PHQ9_DIFFICULTY_CHOICES).get(
        difficulty, None
    )


def test_follow_up_assessment_refuses_a_difficulty_without_the_items(week4, pwp_a):
    _, follow_up = week4
    with pytest.raises(DomainError) as error:
        record_follow_up_assessment(
            follow_up=follow_up, recorded_by=pwp_a, **_smoke_free(phq9_difficulty=2)
        )
    assert error.value.field == "phq9_difficulty"
    assert _stored() == (0, 0, 0, 0)


# --- the staff follow-up page -------------------------------------------------------------------


def _phq9_post(values) -> dict:
    return {f"phq9_{i}": str(v) for i, v in enumerate(values, start=1)}


def test_follow_up_page_asks_the_difficulty_question_after_item_9(client, pwp_a, week4):
    participant, follow_up = week4
    client.force_login(pwp_a)
    html = client.get(follow_up_url(participant, follow_up)).content.decode()
    assert scoring.PHQ9_DIFFICULTY_QUESTION in html
    assert html.index('name="phq9_9"') < html.index('name="phq9_difficulty"')
    assert html.index('name="phq9_difficulty"') < html.index('name="gad7_1"')
    for value, label in scoring.PHQ9_DIFFICULTY_CHOICES:
        assert f">{value} {label}</label>" in html


def test_follow_up_page_stores_the_difficulty(client, pwp_a, week4):
    participant, follow_up = week4
    client.force_login(pwp_a)
    response = client.post(
        follow_up_url(participant, follow_up),
        follow_up_post(**_phq9_post([1] * 8 + [0]), phq9_difficulty="3"),
    )
    assert response.status_code == 302
    stored = PHQ9Response.objects.get(follow_up=follow_up)
    assert (stored.difficulty, stored.total) == (3, 8)


def test_follow_up_page_refuses_a_difficulty_without_the_items(client, pwp_a, week4):
    participant, follow_up = week4
    client.force_login(pwp_a)
    response = client.post(
        follow_up_url(participant, follow_up), follow_up_post(phq9_difficulty="1")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["phq9_difficulty"] == [
        scoring.PHQ9_DIFFICULTY_WITHOUT_ITEMS
    ]
    assert _stored() == (0, 0, 0, 0)


# --- the patient's questionnaire ---------------------------------------------------------------


def test_questionnaire_asks_the_difficulty_question_last_with_its_answers(client, opened):
    _, _, token = opened
    html = client.get(_url(token, "phq9")).content.decode()
    question = html.index(scoring.PHQ9_DIFFICULTY_QUESTION)
    assert html.index('name="item9"') < question
    assert '<legend class="nhsuk-fieldset__legend' in html[html.rindex("<fieldset", 0, question) :]
    assert "You do not have to answer this question." in html
    for value, label in scoring.PHQ9_DIFFICULTY_CHOICES:
        assert f'name="difficulty" type="radio" value="{value}"' in html
        assert f">{label}</label>" in html


def test_questionnaire_stores_the_difficulty_answer(client, opened):
    participant, follow_up, token = opened
    _answer_all(client, token, phq9={**PHQ9_OK, "difficulty": "2"})
    check = client.get(_url(token, "check")).content.decode()
    assert "Very difficult" in check
    assert client.post(_url(token, "check")).status_code == 302
    stored = PHQ9Response.objects.get(participant=participant)
    assert (stored.difficulty, stored.total, stored.follow_up) == (2, 8, follow_up)


def test_questionnaire_left_blank_stores_null(client, opened):
    participant, _, token = opened
    _answer_all(client, token)
    assert "Not answered" in client.get(_url(token, "check")).content.decode()
    client.post(_url(token, "check"))
    assert PHQ9Response.objects.get(participant=participant).difficulty is None


def test_questionnaire_prefer_not_to_say_stores_null(client, opened):
    participant, _, token = opened
    _answer_all(client, token, phq9={**PHQ9_OK, "difficulty": "skip"})
    assert "Not answered" in client.get(_url(token, "check")).content.decode()
    client.post(_url(token, "check"))
    assert PHQ9Response.objects.get(participant=participant).difficulty is None


def test_follow_up_page_not_asked_stores_null(client, pwp_a, week4):
    participant, follow_up = week4
    client.force_login(pwp_a)
    page = client.get(follow_up_url(participant, follow_up)).content.decode()
    assert 'name="phq9_difficulty"' in page and 'value="" checked' in page  # "Not asked"
    client.post(
        follow_up_url(participant, follow_up),
        follow_up_post(**_phq9_post([1] * 8 + [0]), phq9_difficulty=""),
    )
    assert PHQ9Response.objects.get(follow_up=follow_up).difficulty is None


def test_questionnaire_refuses_an_answer_that_is_not_offered(client, opened):
    _, follow_up, token = opened
    response = client.post(_url(token, "phq9"), {**PHQ9_OK, "difficulty": "4"})
    assert response.status_code == 200
    assert "Select one of the 4 answers to the last question" in response.content.decode()
    assert not QuestionnaireLink.objects.get(follow_up=follow_up).draft_answers


@pytest.mark.parametrize("bad", [4, -1, "2", True])
def test_a_tampered_draft_difficulty_sends_the_patient_back_to_the_phq9_page(bad):
    draft = {
        content.PHQ9: {**{f"item{i}": 1 for i in range(1, 10)}, "difficulty": bad},
        content.GAD7: {f"item{i}": 1 for i in range(1, 8)},
        content.SMOKING: {
            "smoked_last_7_days": "no",
            "quit_attempt": "no",
            "uses_e_cigarette": "no",
            "uses_medication": "no",
        },
    }
    today = dt.date(2025, 6, 1)
    with pytest.raises(content.DraftError) as error:
        content.complete_answers(draft, quit_date=None, today=today)
    assert error.value.section == content.PHQ9
    draft[content.PHQ9]["difficulty"] = 3
    assert content.complete_answers(draft, quit_date=None, today=today).phq9_difficulty == 3
    del draft[content.PHQ9]["difficulty"]  # drafts saved before the question existed
    assert content.complete_answers(draft, quit_date=None, today=today).phq9_difficulty is None


def test_participant_page_shows_the_difficulty_answer_to_staff(client, pwp_a, participant_a):
    _record(participant_a, difficulty=1)
    client.force_login(pwp_a)
    html = client.get(reverse("participant-detail", args=[participant_a.public_id])).content
    html = html.decode()
    assert "Difficulty (not scored): Somewhat difficult" in html
    assert "difficulty: somewhat difficult" in html
