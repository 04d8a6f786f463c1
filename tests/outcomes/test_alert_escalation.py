"""An alert nobody acknowledges is escalated by email: the site lead after 4 working hours, the
trial manager after 4 more; each email once, shown on the alert and in the audit trail."""

import uuid
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from apps.outcomes import escalation, services
from apps.outcomes.models import AlertEscalation, EscalationStatus, SafetyAlert
from apps.outcomes.tasks import escalate_unacknowledged_alerts
from apps.outcomes.working_hours import LONDON
from tests.factories import UserFactory
from tests.outcomes.test_alert_email import _wait_for

FRIDAY = date(2027, 6, 11)
MONDAY = date(2027, 6, 14)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _raise(participant, when: datetime) -> SafetyAlert:
    with time_machine.travel(when, tick=False):
        services.record_phq9(participant=participant, items=[0] * 8 + [2], completed_on=when.date())
    return SafetyAlert.objects.get(participant=participant)


def _escalate(when: datetime) -> dict:
    with time_machine.travel(when, tick=False):
        return escalation.escalate_due_alerts().as_dict()


def _escalation_emails() -> list:
    return [m for m in mail.outbox if "is not acknowledged" in m.subject]


@pytest.fixture
def people(participant_a, site_lead_a, trial_manager):
    UserFactory(email="lead.b@nhs.test", role="site_lead")  # a lead of no site of this alert
    mail.outbox = []
    return participant_a, site_lead_a, trial_manager


@pytest.mark.django_db
def test_escalates_to_the_site_lead_then_the_trial_manager_once_each_in_working_hours(
    people, client
):
    participant, lead, manager = people
    alert = _raise(participant, at(FRIDAY, 15))
    due = dict(alert.escalations.values_list("level", "due_at"))
    assert due == {"site_lead": at(MONDAY, 11), "trial_manager": at(MONDAY, 15)}

    assert _escalate(at(MONDAY, 10, 59))["sent"] == 0  # the weekend did not count
    assert _escalate(at(MONDAY, 11, 0)) == {"claimed": 1, "sent": 1, "flagged": 0}
    assert _escalate(at(MONDAY, 11, 1))["claimed"] == 0  # never twice
    [to_lead] = _escalation_emails()
    assert to_lead.to == [lead.email] and participant.trial_id in to_lead.subject
    assert "item" not in to_lead.body.lower()  # no clinical detail in the email

    assert _escalate(at(MONDAY, 15, 0))["sent"] == 1
    assert _escalate(at(MONDAY, 16, 0))["claimed"] == 0
    assert [m.to for m in _escalation_emails()] == [[lead.email], [manager.email]]

    sent = AlertEscalation.objects.filter(alert=alert, status=EscalationStatus.SENT)
    assert sent.count() == 2
    history = AlertEscalation.pgh_event_model.objects.filter(pgh_obj__alert=alert)
    assert set(history.values_list("status", flat=True)) >= {"pending", "sending", "sent"}

    client.force_login(lead)
    page = client.get(reverse("participant-detail", args=[participant.public_id]))
    text = page.content.decode()
    assert "escalated to the site lead 14 Jun 2027 11:00" in text
    assert f"escalated to the trial manager 14 Jun 2027 15:00 ({manager.email})" in text


@pytest.mark.django_db
def test_a_bank_holiday_weekend_is_skipped(people):
    participant, _, _ = people
    alert = _raise(participant, at(date(2027, 8, 27), 16))  # Friday before the August holiday
    due = dict(alert.escalations.values_list("level", "due_at"))
    assert due == {
        "site_lead": at(date(2027, 8, 31), 12),
        "trial_manager": at(date(2027, 8, 31), 16),
    }
    assert _escalate(at(date(2027, 8, 30), 16))["sent"] == 0  # the bank holiday Monday


@pytest.mark.django_db
def test_acknowledging_first_cancels_what_is_still_to_come(people, pwp_a):
    participant, _, _ = people
    alert = _raise(participant, at(FRIDAY, 15))
    assert _escalate(at(MONDAY, 11))["sent"] == 1
    with time_machine.travel(at(MONDAY, 12), tick=False):
        services.acknowledge_alert(alert=alert, by=pwp_a, action_taken="Phoned; safety plan made.")
    assert _escalate(at(MONDAY, 16))["claimed"] == 0
    statuses = dict(alert.escalations.values_list("level", "status"))
    assert statuses == {"site_lead": "sent", "trial_manager": "cancelled"}
    assert len(_escalation_emails()) == 1


@pytest.mark.django_db
def test_a_site_without_a_lead_escalates_to_the_trial_managers(participant_a, trial_manager):
    mail.outbox = []
    _raise(participant_a, at(FRIDAY, 15))
    _escalate(at(MONDAY, 11))
    assert [m.to for m in _escalation_emails()] == [[trial_manager.email]]


@pytest.mark.django_db
def test_a_send_that_never_finished_is_flagged_not_resent(people, client):
    participant, lead, _ = people
    alert = _raise(participant, at(FRIDAY, 15))
    row = alert.escalations.get(level="site_lead")
    AlertEscalation.objects.filter(pk=row.pk).update(  # a worker claimed it and died
        status=EscalationStatus.SENDING, claimed_at=at(MONDAY, 11)
    )
    assert _escalate(at(MONDAY, 11, 5))["flagged"] == 0  # still inside the lease
    assert _escalate(at(MONDAY, 11, 11))["flagged"] == 1
    row.refresh_from_db()
    assert row.status == EscalationStatus.UNCONFIRMED
    assert _escalate(at(MONDAY, 12))["claimed"] == 0 and _escalation_emails() == []
    client.force_login(lead)
    text = client.get(reverse("participant-detail", args=[participant.public_id])).content
    assert b"may not have been sent" in text


@pytest.mark.django_db
def test_an_smtp_refusal_leaves_it_due_for_the_next_run(people, monkeypatch):
    participant, _, _ = people
    _raise(participant, at(FRIDAY, 15))

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(escalation, "send_mail", refuse)
    assert _escalate(at(MONDAY, 11))["sent"] == 0
    monkeypatch.undo()
    assert _escalate(at(MONDAY, 11, 1))["sent"] == 1
    assert len(_escalation_emails()) == 1


@pytest.mark.django_db
def test_the_intervals_are_settings(people, settings):
    settings.ALERT_ESCALATION_WORKING_HOURS = 1
    settings.ALERT_SECOND_ESCALATION_WORKING_HOURS = 2.5
    alert = _raise(people[0], at(MONDAY, 10))
    due = dict(alert.escalations.values_list("level", "due_at"))
    assert due == {"site_lead": at(MONDAY, 11), "trial_manager": at(MONDAY, 13, 30)}


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_beat_task_escalates_once_through_the_real_worker(
    celery_worker_real, participant_a, site_lead_a
):
    mail.outbox = []
    services.record_phq9(
        participant=participant_a, items=[0] * 8 + [1], completed_on=participant_a.screened_on
    )
    alert = SafetyAlert.objects.get()
    assert _wait_for(lambda: SafetyAlert.objects.get(pk=alert.pk).notified_at is not None)
    alert.escalations.filter(level="site_lead").update(due_at=alert.raised_at - timedelta(hours=1))
    first = escalate_unacknowledged_alerts.delay().get(timeout=30)
    again = escalate_unacknowledged_alerts.delay().get(timeout=30)
    assert (first["sent"], again["claimed"]) == (1, 0)
    assert [m.to for m in _escalation_emails()] == [[site_lead_a.email]]


@pytest.mark.django_db
def test_an_alert_acknowledged_after_its_escalation_was_claimed_is_not_emailed(people, pwp_a):
    participant, _, _ = people
    alert = _raise(participant, at(FRIDAY, 15))
    row = alert.escalations.get(level="site_lead")
    token = uuid.uuid4()
    AlertEscalation.objects.filter(pk=row.pk).update(  # claimed by a dispatcher, not yet sent
        status=EscalationStatus.SENDING, claimed_at=at(MONDAY, 11), claim_token=token
    )
    with time_machine.travel(at(MONDAY, 11, 1), tick=False):
        services.acknowledge_alert(alert=alert, by=pwp_a, action_taken="Phoned; safety plan.")
        assert escalation._send_claimed(row.pk, token) == 0
    row.refresh_from_db()
    assert row.status == EscalationStatus.CANCELLED and _escalation_emails() == []
