"""A double click on "Send answers": the second request shows the same confirmation as the first,
urgent-support card included, however the browser lost the first answer (issue 14)."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from apps.outcomes.models import PHQ9Response
from apps.outcomes.questionnaire_submission import (
    CONFIRMATION_WINDOW,
    recently_submitted,
    submitted_with_urgent_support,
)
from apps.reminders import questionnaire_links as links
from apps.reminders.models import QuestionnaireLink
from tests.reminders.helpers import participant_with_open_month3

pytestmark = pytest.mark.django_db

PHQ9_RISK = {f"item{i}": "1" for i in range(1, 10)}
PHQ9_NO_RISK = {**PHQ9_RISK, "item9": "0"}
GAD7 = {f"item{i}": "2" for i in range(1, 8)}
SMOKING = {
    "smoked_last_7_days": "yes",
    "cigarettes_last_7_days": "20",
    "quit_attempt": "yes",
    "uses_e_cigarette": "no",
    "uses_medication": "yes",
}
CARD = 'id="urgent-support"'


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.PATIENT_LINK_RATE_LIMIT = "10000/m"


@pytest.fixture
def answered(site_a, pwp_a):
    """A link whose three pages are answered, PHQ-9 item 9 above 0; returns (participant,
    token, a client standing for the patient's browser)."""
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    _, token = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    browser = Client()
    for page, data in (("phq9", PHQ9_RISK), ("gad7", GAD7), ("smoking", SMOKING)):
        assert browser.post(f"/q/{token}/{page}/", data).status_code == 302
    return participant, token, browser


def test_second_click_shows_the_confirmation_with_the_urgent_support_card(answered):
    participant, token, browser = answered
    browser.post(f"/q/{token}/check/")
    second = Client().post(f"/q/{token}/check/", follow=True)
    body = second.content.decode()
    assert second.status_code == 200
    assert "Answers sent" in body and "already been sent" not in body
    assert CARD in body and "NHS 111" in body.split("<footer")[0]
    assert PHQ9Response.objects.filter(participant=participant).count() == 1


def test_confirmation_without_a_risk_answer_has_no_card(site_a, pwp_a):
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    _, token = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    client = Client()
    for page, data in (("phq9", PHQ9_NO_RISK), ("gad7", GAD7), ("smoking", SMOKING)):
        client.post(f"/q/{token}/{page}/", data)
    client.post(f"/q/{token}/check/")
    body = Client().post(f"/q/{token}/check/", follow=True).content.decode()
    assert "Answers sent" in body and CARD not in body


def test_a_reload_of_check_your_answers_minutes_later_shows_the_confirmation(answered):
    _, token, browser = answered
    browser.post(f"/q/{token}/check/")
    with time_machine.travel(timezone.now() + timedelta(minutes=14)):
        response = Client().get(f"/q/{token}/check/", follow=True)
    assert "Answers sent" in response.content.decode()
    assert CARD in response.content.decode()


def test_after_the_window_the_used_page_still_shows_the_urgent_support_card(answered):
    _, token, browser = answered
    browser.post(f"/q/{token}/check/")
    with time_machine.travel(timezone.now() + CONFIRMATION_WINDOW + timedelta(minutes=1)):
        response = Client().post(f"/q/{token}/check/")
    body = response.content.decode()
    assert response.status_code == 410
    assert "already been sent" in body
    assert CARD in body and "116 123" in body.split("<footer")[0]


def test_a_used_link_without_risk_shows_no_card_after_the_window(site_a, pwp_a):
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    _, token = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    client = Client()
    for page, data in (("phq9", PHQ9_NO_RISK), ("gad7", GAD7), ("smoking", SMOKING)):
        client.post(f"/q/{token}/{page}/", data)
    client.post(f"/q/{token}/check/")
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        body = Client().get(f"/q/{token}/done/").content.decode()
    assert "already been sent" in body and CARD not in body


def test_a_risk_answer_changed_on_the_draft_still_shows_the_card(answered):
    """The alert the draft raised stands (it is never withdrawn), so the card shows again."""
    _, token, browser = answered
    browser.post(f"/q/{token}/phq9/?change=1", PHQ9_NO_RISK)
    browser.post(f"/q/{token}/check/")
    link = QuestionnaireLink.objects.get(used_at__isnull=False)
    assert submitted_with_urgent_support(link)
    assert CARD in Client().get(f"/q/{token}/done/").content.decode()


def test_the_send_button_is_marked_to_send_once(answered):
    _, token, browser = answered
    body = browser.get(f"/q/{token}/check/").content.decode()
    assert "<form" in body and "data-submit-once" in body


def test_recently_submitted_is_a_window_after_the_submit():
    sent = timezone.now()
    assert recently_submitted(sent, sent + CONFIRMATION_WINDOW)
    assert not recently_submitted(sent, sent + CONFIRMATION_WINDOW + timedelta(seconds=1))
    assert not recently_submitted(None, sent)
    assert not recently_submitted(sent, sent - timedelta(minutes=1))
