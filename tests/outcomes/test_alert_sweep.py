"""A safety alert whose email was lost is sent by the beat sweep; nobody to tell is not 'sent'."""

import datetime as dt
import logging
import time

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from apps.outcomes import services, tasks
from apps.outcomes.models import SafetyAlert
from apps.outcomes.notifications import send_safety_alert_email
from apps.outcomes.tasks import requeue_unnotified_alerts
from config.celery import app
from tests.factories import UserFactory

RISKY = [0, 0, 0, 0, 0, 0, 0, 0, 2]


def _wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _lost_alert(participant, monkeypatch, minutes_ago: int = 3) -> SafetyAlert:
    """An alert whose queued email never reached a worker (Redis was down at commit)."""
    with monkeypatch.context() as patch:
        patch.setattr(tasks.notify_safety_alert, "apply_async", lambda *args, **kwargs: None)
        services.record_phq9(
            participant=participant, items=RISKY, completed_on=timezone.localdate()
        )
    alert = SafetyAlert.objects.get(participant=participant)
    SafetyAlert.objects.filter(pk=alert.pk).update(
        raised_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    return alert


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_beat_sweep_sends_a_lost_alert_email_once_through_the_real_worker(
    celery_worker_real, participant_a, pwp_a, site_lead_a, monkeypatch
):
    alert = _lost_alert(participant_a, monkeypatch)
    mail.outbox = []
    assert requeue_unnotified_alerts.delay().get(timeout=20) == 1
    assert _wait_for(lambda: SafetyAlert.objects.get(pk=alert.pk).notified_at is not None)
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([pwp_a.email, site_lead_a.email])
    # The next sweep finds nothing to do and sends nothing more.
    assert requeue_unnotified_alerts.delay().get(timeout=20) == 0
    assert len(mail.outbox) == 1


def test_sweep_requeues_only_unnotified_open_alerts_older_than_two_minutes(
    participant_a, pwp_a, site_a, monkeypatch
):
    from tests.factories import make_participant

    old = _lost_alert(participant_a, monkeypatch, minutes_ago=3)
    fresh = _lost_alert(
        make_participant(site=site_a, pwp=pwp_a, stage="randomised"), monkeypatch, 1
    )
    notified = _lost_alert(
        make_participant(site=site_a, pwp=pwp_a, stage="randomised"), monkeypatch
    )
    SafetyAlert.objects.filter(pk=notified.pk).update(notified_at=timezone.now())
    acknowledged = _lost_alert(
        make_participant(site=site_a, pwp=pwp_a, stage="randomised"), monkeypatch
    )
    services.acknowledge_alert(alert=acknowledged, by=pwp_a, action_taken="Phoned, safe plan")
    calls: list[int] = []
    monkeypatch.setattr(tasks.notify_safety_alert, "delay", calls.append)
    assert requeue_unnotified_alerts() == 1
    assert calls == [old.pk]
    assert fresh.pk not in calls


def test_alert_with_no_active_pwp_or_site_lead_goes_to_active_trial_managers(
    participant_a, pwp_a, site_lead_a, trial_manager, monkeypatch
):
    UserFactory(email="former.manager@nhs.test", role="trial_manager", is_active=False)
    for user in (pwp_a, site_lead_a):
        user.is_active = False
        user.save()
    alert = _lost_alert(participant_a, monkeypatch)
    mail.outbox = []
    assert send_safety_alert_email(alert_id=alert.pk) == 1
    assert mail.outbox[0].to == [trial_manager.email]
    alert.refresh_from_db()
    assert alert.notified_at is not None


def test_trial_managers_are_not_emailed_when_the_pwp_or_site_lead_can_be(
    participant_a, pwp_a, trial_manager, monkeypatch
):
    alert = _lost_alert(participant_a, monkeypatch)
    mail.outbox = []
    send_safety_alert_email(alert_id=alert.pk)
    assert mail.outbox[0].to == [pwp_a.email]


def test_alert_with_nobody_to_tell_stays_unnotified_and_logs_an_error(
    participant_a, pwp_a, monkeypatch, caplog
):
    pwp_a.is_active = False
    pwp_a.save()
    alert = _lost_alert(participant_a, monkeypatch)
    mail.outbox = []
    with caplog.at_level(logging.ERROR, logger="apps.outcomes.notifications"):
        assert send_safety_alert_email(alert_id=alert.pk) == 0
    assert mail.outbox == []
    alert.refresh_from_db()
    assert alert.notified_at is None
    assert participant_a.trial_id in caplog.text
    # It is still swept, and once a trial manager exists the next attempt reaches them.
    calls: list[int] = []
    monkeypatch.setattr(tasks.notify_safety_alert, "delay", calls.append)
    assert requeue_unnotified_alerts() == 1
    manager = UserFactory(email="manager@nhs.test", role="trial_manager")
    assert send_safety_alert_email(alert_id=calls[0]) == 1
    assert mail.outbox[0].to == [manager.email]


def test_beat_runs_the_sweep_every_five_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-unnotified-safety-alerts"]
    assert entry["task"] == "apps.outcomes.tasks.requeue_unnotified_alerts"
    assert entry["schedule"] == 300.0
    assert entry["task"] in app.tasks
