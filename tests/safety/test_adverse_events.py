"""Adverse events through the services and the pages: validated, audited, SAEs told at once."""

from dataclasses import replace
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.reminders.models import Reminder, ReminderStatus
from apps.safety import services
from apps.safety.models import AdverseEvent
from apps.safety.notifications import send_sae_email
from apps.safety.rules import AdverseEventValues
from tests.outcomes.test_alert_email import _wait_for
from tests.reminders.helpers import participant_with_open_month3

pytestmark = pytest.mark.django_db


def _values(participant, **changes) -> AdverseEventValues:
    onset = participant.consented_on + timedelta(days=1)
    base = AdverseEventValues(
        onset_on=onset,
        description="Skin irritation under the nicotine patch.",
        severity="mild",
        serious=False,
        relatedness="definitely",
        outcome="recovering",
    )
    return replace(base, **changes)


def _serious(participant, **changes) -> AdverseEventValues:
    serious = {
        "serious": True,
        "seriousness_criteria": ("hospitalisation",),
        "expected": False,
        "severity": "severe",
    }
    return _values(participant, **(serious | changes))


def _post(participant) -> dict:
    onset = participant.consented_on + timedelta(days=1)
    return {
        "onset_on": onset.isoformat(),
        "description": "Admitted with chest pain.",
        "severity": "severe",
        "serious": "yes",
        "seriousness_criteria": ["hospitalisation"],
        "relatedness": "possibly",
        "expected": "no",
        "action_taken": "Varenicline stopped.",
        "outcome": "recovering",
    }


def test_a_bad_record_is_refused_with_every_error_and_nothing_is_stored(participant_a, pwp_a):
    bad = _values(participant_a, seriousness_criteria=("death",), resolved_on=timezone.localdate())
    with pytest.raises(services.AdverseEventInvalid) as refused:
        services.record_adverse_event(participant=participant_a, by=pwp_a, values=bad)
    assert set(refused.value.errors) == {"seriousness_criteria", "resolved_on"}
    assert not AdverseEvent.objects.exists()


def test_a_serious_event_starts_the_clock_and_emails_the_team_once(
    participant_a, pwp_a, trial_manager, settings
):
    settings.CHIEF_INVESTIGATOR_EMAIL = "ci@nhs.test"
    event = services.record_adverse_event(
        participant=participant_a, by=pwp_a, values=_serious(participant_a)
    )
    assert event.serious_since is not None and event.aware_at == event.serious_since
    mail.outbox = []
    assert send_sae_email(event_id=event.pk) == 2
    assert send_sae_email(event_id=event.pk) == 0
    [message] = mail.outbox
    assert sorted(message.to) == ["ci@nhs.test", trial_manager.email]
    assert participant_a.trial_id in message.subject and "24 hours" in message.subject
    assert "chest" not in message.body and "hospital" not in message.body.lower()


def test_an_update_keeps_the_history_and_a_later_seriousness_starts_the_clock_then(
    participant_a, pwp_a
):
    event = services.record_adverse_event(
        participant=participant_a, by=pwp_a, values=_values(participant_a)
    )
    assert event.serious_since is None
    later = timezone.now() + timedelta(hours=3)
    with time_machine.travel(later, tick=False):
        event = services.update_adverse_event(event=event, values=_serious(participant_a))
    assert event.serious_since == later
    versions = AdverseEvent.pgh_event_model.objects.filter(pgh_obj=event).order_by("pgh_id")
    assert [v.serious for v in versions] == [False, True]
    with pytest.raises(services.AdverseEventInvalid, match="stays serious"):
        services.update_adverse_event(event=event, values=_values(participant_a))


def test_a_fatal_event_records_the_death_and_stops_every_reminder(site_a, pwp_a):
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    assert Reminder.objects.filter(follow_up=follow_up, status=ReminderStatus.PENDING).exists()
    died = timezone.localdate() - timedelta(days=1)
    fatal = _serious(
        participant, seriousness_criteria=("death",), outcome="fatal", date_of_death=died
    )
    services.record_adverse_event(participant=participant, by=pwp_a, values=fatal)
    participant.refresh_from_db()
    assert (participant.status, participant.exit_reason, participant.exit_on) == (
        "withdrawn",
        "died",
        died,
    )
    assert not Reminder.objects.filter(
        participant=participant, status=ReminderStatus.PENDING
    ).exists()


def test_only_a_trial_manager_records_the_sponsor_report_and_only_once(
    participant_a, pwp_a, site_lead_a, trial_manager
):
    event = services.record_adverse_event(
        participant=participant_a, by=pwp_a, values=_serious(participant_a)
    )
    with pytest.raises(services.DomainError, match="trial manager"):
        services.record_sponsor_report(event=event, by=site_lead_a)
    services.record_sponsor_report(event=event, by=trial_manager)
    with pytest.raises(services.DomainError, match="already"):
        services.record_sponsor_report(event=event, by=trial_manager)
    event.refresh_from_db()
    assert event.reported_to_sponsor_by == trial_manager


def test_the_form_names_each_problem_and_stores_nothing(client, participant_a, pwp_a):
    client.force_login(pwp_a)
    url = reverse("adverse-event-new", args=[participant_a.public_id])
    data = _post(participant_a) | {"serious": "no", "outcome": "fatal"}
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "non-serious" in form.errors["seriousness_criteria"][0]
    assert form.errors["date_of_death"] == ["A fatal outcome needs the date of death."]
    assert not AdverseEvent.objects.exists()


def test_recording_through_the_page_shows_it_on_the_participant_and_sae_pages(
    client, participant_a, pwp_a, trial_manager
):
    client.force_login(pwp_a)
    response = client.post(
        reverse("adverse-event-new", args=[participant_a.public_id]), _post(participant_a)
    )
    assert response.status_code == 302
    detail = client.get(reverse("participant-detail", args=[participant_a.public_id]))
    assert "Admitted with chest pain." in detail.content.decode()
    client.force_login(trial_manager)
    page = client.get(reverse("sae-list")).content.decode()
    assert participant_a.trial_id in page and "due by" in page
    event = AdverseEvent.objects.get()
    assert client.post(reverse("sae-report", args=[event.public_id])).status_code == 302
    assert "Reported " in client.get(reverse("sae-list")).content.decode()


def test_another_sites_staff_never_see_the_events(
    client, participant_a, pwp_a, pwp_b, site_b, trial_manager
):
    from tests.factories import UserFactory

    event = services.record_adverse_event(
        participant=participant_a, by=pwp_a, values=_serious(participant_a)
    )
    client.force_login(pwp_b)
    edit = reverse("adverse-event-edit", args=[participant_a.public_id, event.public_id])
    assert client.get(edit).status_code == 404
    assert (
        client.get(reverse("adverse-event-new", args=[participant_a.public_id])).status_code == 404
    )
    assert client.get(reverse("sae-list")).status_code == 403  # a PWP: not for them
    other_lead = UserFactory(email="lead.other@nhs.test", role="site_lead", site=site_b)
    client.force_login(other_lead)
    assert participant_a.trial_id not in client.get(reverse("sae-list")).content.decode()
    assert client.post(reverse("sae-report", args=[event.public_id])).status_code == 404


def test_an_overdue_report_is_flagged(client, participant_a, pwp_a, trial_manager):
    services.record_adverse_event(
        participant=participant_a, by=pwp_a, values=_serious(participant_a)
    )
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        # Signed in a day later: a session from before would have expired (12-hour cap).
        client.force_login(trial_manager)
        page = client.get(reverse("sae-list")).content.decode()
    assert "Overdue" in page


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_sae_email_goes_once_through_the_real_worker(
    celery_worker_real, participant_a, pwp_a, trial_manager
):
    mail.outbox = []
    event = services.record_adverse_event(
        participant=participant_a, by=pwp_a, values=_serious(participant_a)
    )
    assert _wait_for(lambda: AdverseEvent.objects.get(pk=event.pk).sae_notified_at is not None)
    services.update_adverse_event(event=event, values=_serious(participant_a, action_taken="Seen"))
    assert send_sae_email(event_id=event.pk) == 0
    assert len(mail.outbox) == 1


def test_unreported_serious_events_come_first_oldest_clock_first(
    client, participant_a, pwp_a, trial_manager
):
    from apps.safety.selectors import serious_events_visible_to

    reported, waiting_long, waiting = (
        services.record_adverse_event(
            participant=participant_a, by=pwp_a, values=_serious(participant_a)
        )
        for _ in range(3)
    )
    services.record_sponsor_report(event=reported, by=trial_manager)
    AdverseEvent.objects.filter(pk=waiting_long.pk).update(
        serious_since=timezone.now() - timedelta(hours=20)
    )
    order = list(serious_events_visible_to(trial_manager).values_list("pk", flat=True))
    assert order == [waiting_long.pk, waiting.pk, reported.pk]
