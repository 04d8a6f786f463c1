"""The safety alert email goes out through a real Celery worker, once, to the PWP and site lead."""

import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.outcomes import services
from apps.outcomes.models import SafetyAlert
from apps.outcomes.tasks import notify_safety_alert
from tests.factories import UserFactory


def _wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_positive_item_9_emails_pwp_and_site_lead_exactly_once(
    celery_worker_real, participant_a, pwp_a, site_lead_a, pwp_b, site_b
):
    UserFactory(email="lead.b@nhs.test", role="site_lead", site=site_b)
    mail.outbox = []
    services.record_phq9(
        participant=participant_a,
        items=[0, 0, 0, 0, 0, 0, 0, 0, 3],
        completed_on=timezone.localdate(),
    )
    alert = SafetyAlert.objects.get()
    assert _wait_for(lambda: SafetyAlert.objects.get(pk=alert.pk).notified_at is not None)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([pwp_a.email, site_lead_a.email])
    assert participant_a.trial_id in message.subject
    assert reverse("participant-detail", args=[participant_a.public_id]) in message.body
    assert "item" not in message.body.lower()  # no clinical detail in the email

    # A redelivered or repeated task sends nothing more.
    notify_safety_alert.delay(alert.pk).get(timeout=20)
    assert len(mail.outbox) == 1
