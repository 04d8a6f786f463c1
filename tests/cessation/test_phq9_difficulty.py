"""The PHQ-9 difficulty question in a session: after item 9, optional, stored with the PHQ-9."""

import pytest

from apps.cessation.models import CessationSession
from apps.cessation.services import record_session
from apps.clinical import scoring
from apps.core.errors import DomainError
from apps.outcomes.models import COReading, PHQ9Response
from tests.cessation.test_record_session import _quit_day
from tests.cessation.test_session_views import items, session_post, url_for


@pytest.fixture
def logged_in(client, pwp_a):
    client.force_login(pwp_a)
    return client


def test_session_form_asks_the_difficulty_question_after_item_9(logged_in, participant_a):
    html = logged_in.get(url_for(participant_a)).content.decode()
    question = html.index(scoring.PHQ9_DIFFICULTY_QUESTION)
    assert html.index('name="phq9_9"') < question < html.index('name="gad7_1"')
    fieldset = html[html.rindex("<fieldset", 0, question) : html.index("</fieldset>", question)]
    assert '<legend class="form-label fs-6 mb-1">' in fieldset
    assert "not part of the PHQ-9 score" in fieldset
    for value, label in scoring.PHQ9_DIFFICULTY_CHOICES:
        assert f'type="radio" name="phq9_difficulty" id="id_phq9_difficulty_{value}"' in fieldset
        assert f">{value} {label}</label>" in fieldset


def test_session_form_stores_the_difficulty_with_the_phq9(logged_in, participant_a):
    response = logged_in.post(url_for(participant_a), session_post(phq9_difficulty="2"))
    assert response.status_code == 302
    stored = PHQ9Response.objects.get(session=CessationSession.objects.get())
    assert (stored.difficulty, stored.total, stored.severity) == (2, 5, "mild")


def test_session_form_left_blank_stores_null(logged_in, participant_a):
    logged_in.post(url_for(participant_a), session_post())
    assert PHQ9Response.objects.get().difficulty is None


def test_session_form_refuses_a_difficulty_without_the_phq9(logged_in, participant_a):
    post = session_post(phq9_difficulty="1")
    for name in items("phq9", [0] * 9):
        del post[name]
    response = logged_in.post(url_for(participant_a), post)
    assert response.status_code == 200
    assert response.context["form"].errors["phq9_difficulty"] == [
        scoring.PHQ9_DIFFICULTY_WITHOUT_ITEMS
    ]
    assert not CessationSession.objects.exists()


def test_session_form_refuses_an_answer_that_is_not_offered(logged_in, participant_a):
    response = logged_in.post(url_for(participant_a), session_post(phq9_difficulty="4"))
    assert response.status_code == 200
    assert "PHQ-9 difficulty: choose one of the 4 answers" in response.content.decode()
    assert not CessationSession.objects.exists() and not PHQ9Response.objects.exists()


def test_a_dna_with_a_difficulty_answer_is_refused(logged_in, participant_a):
    post = {
        "submission_key": session_post()["submission_key"],
        "session_date": session_post()["session_date"],
        "attendance": "dna",
        "phq9_difficulty": "1",
    }
    response = logged_in.post(url_for(participant_a), post)
    assert "did not attend records no measures" in response.content.decode()
    assert not CessationSession.objects.exists()


@pytest.mark.parametrize("bad", [4, -1])
def test_record_session_refuses_a_bad_difficulty_and_leaves_no_half_record(
    participant_a, pwp_a, bad
):
    with pytest.raises(DomainError) as error:
        record_session(
            participant=participant_a,
            practitioner=pwp_a,
            data=_quit_day(participant_a, phq9_difficulty=bad),
        )
    assert error.value.field == "phq9_difficulty" and "difficulty" in error.value.message
    assert not CessationSession.objects.exists()
    assert not PHQ9Response.objects.exists() and not COReading.objects.exists()


def test_record_session_refuses_a_difficulty_without_the_phq9(participant_a, pwp_a):
    with pytest.raises(DomainError) as error:
        record_session(
            participant=participant_a,
            practitioner=pwp_a,
            data=_quit_day(participant_a, phq9_items=None, phq9_difficulty=0),
        )
    assert error.value.field == "phq9_difficulty"
    assert not CessationSession.objects.exists()
