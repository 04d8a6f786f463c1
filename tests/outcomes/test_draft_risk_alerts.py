"""A PHQ-9 item 9 answer above 0 reaches a clinician as soon as a questionnaire page is saved:
the patient may close the page and never submit."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from apps.outcomes.models import PHQ9Response, SafetyAlert
from apps.outcomes.notifications import send_safety_alert_email
from apps.reminders import questionnaire_links as links
from tests.outcomes.test_alert_email import _wait_for
from tests.outcomes.test_questionnaire_pages import GAD7_OK, PHQ9_OK, SMOKING_OK, _url
from tests.reminders.helpers import participant_with_open_month3

RISKY = {**PHQ9_OK, "item9": "3"}


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    settings.PATIENT_LINK_RATE_LIMIT = "10000/m"
    settings.QUESTIONNAIRE_SERVICE_PHONES = {"BRS": "0117 496 0123"}


@pytest.fixture
def opened(site_a, pwp_a):
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    _, token = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    return participant, token


def _card(response) -> str:
    body = response.content.decode().split("<footer")[0]
    return body if 'id="urgent-support"' in body else ""


@pytest.mark.django_db
def test_saving_the_phq9_page_with_item_9_raises_the_alert_before_any_submit(client, opened):
    participant, token = opened
    response = client.post(_url(token, "phq9"), RISKY)
    assert response.status_code == 302
    alert = SafetyAlert.objects.get(participant=participant)
    assert (alert.item9, alert.phq9, alert.submitted, alert.is_open) == (3, None, False, True)
    assert alert.source_note == "answered on the questionnaire, not submitted"
    assert not PHQ9Response.objects.filter(participant=participant).exists()


@pytest.mark.django_db
def test_the_very_next_page_shows_the_urgent_support_card_with_the_service_number(client, opened):
    _, token = opened
    next_page = client.get(client.post(_url(token, "phq9"), RISKY)["Location"])
    card = _card(next_page)
    assert "NHS 111" in card and "option 2" in card and "116 123" in card and "999" in card
    assert "0117 496 0123" in card
    after_gad7 = client.get(client.post(_url(token, "gad7"), GAD7_OK)["Location"])
    assert _card(after_gad7)  # and on to the end, while item 9 is above 0


@pytest.mark.django_db
def test_no_card_and_no_alert_for_item_9_of_0(client, opened):
    participant, token = opened
    next_page = client.get(client.post(_url(token, "phq9"), PHQ9_OK)["Location"])
    assert not _card(next_page)
    assert not SafetyAlert.objects.filter(participant=participant).exists()


@pytest.mark.django_db
def test_changing_the_draft_to_0_keeps_the_alert_and_notes_the_change(client, opened):
    participant, token = opened
    client.post(_url(token, "phq9"), {**PHQ9_OK, "item9": "2"})
    client.post(_url(token, "phq9") + "?change=1", PHQ9_OK)
    alert = SafetyAlert.objects.get(participant=participant)
    assert (alert.item9, alert.item9_now, alert.is_open) == (2, 0, True)
    assert alert.item9_changed_at is not None
    client.post(_url(token, "phq9") + "?change=1", PHQ9_OK)  # the same answer again: no new note
    assert SafetyAlert.objects.get(pk=alert.pk).item9_changed_at == alert.item9_changed_at


@pytest.mark.django_db
def test_submitting_later_attaches_the_phq9_to_the_same_alert(client, opened):
    participant, token = opened
    for page, data in (("phq9", RISKY), ("gad7", GAD7_OK), ("smoking", SMOKING_OK)):
        client.post(_url(token, page), data)
    assert client.post(_url(token, "check")).status_code == 302
    alert = SafetyAlert.objects.get(participant=participant)
    phq9 = PHQ9Response.objects.get(participant=participant)
    assert alert.phq9 == phq9 and alert.submitted and phq9.item9 == 3
    assert alert.source_note == "answered on the questionnaire, then submitted"
    assert _card(client.get(_url(token, "done")))


@pytest.mark.django_db
def test_a_draft_changed_to_0_and_submitted_still_shows_the_card_and_keeps_one_alert(
    client, opened
):
    participant, token = opened
    client.post(_url(token, "phq9"), RISKY)
    for page, data in (("phq9", PHQ9_OK), ("gad7", GAD7_OK), ("smoking", SMOKING_OK)):
        client.post(_url(token, page), data)
    client.post(_url(token, "check"))
    alert = SafetyAlert.objects.get(participant=participant)
    assert alert.phq9.item9 == 0 and (alert.item9, alert.item9_now) == (3, 0)
    assert _card(client.get(_url(token, "done")))


@pytest.mark.django_db
def test_the_abandoned_draft_alert_is_on_the_caseload_and_participant_page(
    client, opened, pwp_a, pwp_b
):
    participant, token = opened
    Client().post(_url(token, "phq9"), RISKY)
    client.force_login(pwp_a)
    for page in (reverse("caseload"), reverse("participant-detail", args=[participant.public_id])):
        body = client.get(page).content.decode()
        assert "answered on the questionnaire, not submitted" in body, page
    client.force_login(pwp_b)  # another site's PWP
    detail = client.get(reverse("participant-detail", args=[participant.public_id]))
    assert detail.status_code == 404
    assert "not submitted" not in client.get(reverse("caseload")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_tabs_saving_item_9_at_once_raise_one_alert_and_one_email(opened, pwp_a):
    participant, token = opened
    start = threading.Barrier(2)
    codes = []

    def save():
        try:
            start.wait()
            codes.append(Client().post(_url(token, "phq9"), RISKY).status_code)
        finally:
            connection.close()

    tabs = [threading.Thread(target=save) for _ in range(2)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join(30)
    assert codes == [302, 302]
    alert = SafetyAlert.objects.get(participant=participant)
    mail.outbox = []
    assert send_safety_alert_email(alert_id=alert.pk) >= 1
    assert send_safety_alert_email(alert_id=alert.pk) == 0
    assert len(mail.outbox) == 1


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_draft_answer_is_emailed_once_by_the_worker_and_not_again_on_submit(
    celery_worker_real, opened, pwp_a
):
    participant, token = opened
    mail.outbox = []
    client = Client()
    client.post(_url(token, "phq9"), RISKY)
    alert = SafetyAlert.objects.get(participant=participant)
    assert _wait_for(lambda: SafetyAlert.objects.get(pk=alert.pk).notified_at is not None)
    for page, data in (("gad7", GAD7_OK), ("smoking", SMOKING_OK)):
        client.post(_url(token, page), data)
    assert client.post(_url(token, "check")).status_code == 302
    assert SafetyAlert.objects.filter(participant=participant).count() == 1
    assert len(mail.outbox) == 1
    assert participant.trial_id in mail.outbox[0].subject


@pytest.mark.django_db
def test_open_alerts_are_listed_oldest_first_on_the_participant_page(client, opened, pwp_a):
    from datetime import timedelta

    from django.utils import timezone

    from apps.outcomes.services import record_phq9

    participant, token = opened
    client.post(_url(token, "phq9"), RISKY)
    older = record_phq9(
        participant=participant, items=[0] * 8 + [1], completed_on=participant.screened_on
    ).safety_alert
    SafetyAlert.objects.filter(pk=older.pk).update(raised_at=timezone.now() - timedelta(days=2))
    client.force_login(pwp_a)
    page = client.get(reverse("participant-detail", args=[participant.public_id]))
    assert [a.pk for a in page.context["open_alerts"]][0] == older.pk
