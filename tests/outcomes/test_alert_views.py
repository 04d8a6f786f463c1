"""Safety alerts in the workspace: acknowledged with the action taken, audited, timed."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from apps.outcomes import services
from apps.outcomes.models import SafetyAlert


@pytest.fixture
def alert(participant_a):
    services.record_phq9(
        participant=participant_a,
        items=[0, 0, 0, 0, 0, 0, 0, 0, 1],
        completed_on=timezone.localdate(),
        source="online",
    )
    return SafetyAlert.objects.get()


def ack_url(alert):
    return reverse("alert-acknowledge", args=[alert.public_id])


def test_any_source_raises_an_alert_shown_on_the_alert_list(client, pwp_a, alert, participant_a):
    client.force_login(pwp_a)
    html = client.get(reverse("alert-list")).content.decode()
    assert participant_a.trial_id in html
    assert "online questionnaire" in html


def test_acknowledging_stores_who_what_and_time_to_acknowledge_in_the_audit_trail(
    client, pwp_a, alert
):
    client.force_login(pwp_a)
    with time_machine.travel(alert.raised_at + dt.timedelta(minutes=42), tick=False):
        client.force_login(pwp_a)
        response = client.post(ack_url(alert), {"action_taken": "Phoned; risk assessed; GP told"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == pwp_a
    assert alert.action_taken == "Phoned; risk assessed; GP told"
    assert alert.time_to_acknowledge == dt.timedelta(minutes=42)
    event = alert.events.filter(pgh_label="update").latest("pgh_id")
    assert event.action_taken == "Phoned; risk assessed; GP told"
    assert event.pgh_context.metadata["user"] == pwp_a.pk


def test_acknowledgement_needs_a_note_of_the_action(client, pwp_a, alert):
    client.force_login(pwp_a)
    response = client.post(ack_url(alert), {"action_taken": "ok"})
    assert response.status_code == 200
    assert "at least 5 characters" in response.content.decode()
    alert.refresh_from_db()
    assert alert.is_open


def test_second_acknowledgement_changes_nothing(client, pwp_a, site_lead_a, alert):
    client.force_login(pwp_a)
    client.post(ack_url(alert), {"action_taken": "Phoned and agreed a safety plan"})
    client.force_login(site_lead_a)
    client.post(ack_url(alert), {"action_taken": "Second note that must not land"})
    alert.refresh_from_db()
    assert alert.acknowledged_by == pwp_a
    assert alert.action_taken == "Phoned and agreed a safety plan"


def test_next_url_must_be_on_this_site(client, pwp_a, alert, participant_a):
    client.force_login(pwp_a)
    response = client.post(
        ack_url(alert),
        {"action_taken": "Phoned and agreed a safety plan", "next": "https://evil.test/"},
    )
    assert response.url == reverse("participant-detail", args=[participant_a.public_id])


@pytest.mark.parametrize(
    ("who", "status"),
    [("advisor_a", 403), ("trial_manager", 403), ("pwp_b", 404), ("site_lead_a", 302)],
)
def test_only_clinicians_in_scope_can_acknowledge(client, request, alert, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.post(ack_url(alert), {"action_taken": "Phoned and agreed a plan"})
    assert response.status_code == status
    alert.refresh_from_db()
    assert alert.is_open == (status != 302)


def test_other_site_never_sees_the_alert(client, pwp_b, alert, participant_a):
    client.force_login(pwp_b)
    assert participant_a.trial_id not in client.get(reverse("alert-list")).content.decode()
    assert participant_a.trial_id not in client.get(reverse("caseload")).content.decode()
