"""Each state of a reminder's attempt: claimed, attempt started (committed before the provider
call, no lock held across it), sent, interrupted and settled by the provider or flagged as
uncertain for staff, the lease and its heartbeat, and staff's decision on an uncertain row."""

import threading
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from apps.reminders import attempts, dispatch, services
from apps.reminders.channels import Channel, OutgoingMessage
from apps.reminders.models import (
    DeliveryResolution,
    FollowUp,
    Reminder,
    ReminderKind,
    ReminderStatus,
)
from apps.reminders.selectors import open_tasks_for
from tests.reminders.helpers import only_due_invitation, participant_with_open_month3

pytestmark = pytest.mark.django_db

TASKS = Template("{% load reminders_tags %}{% my_tasks %}")
ALLOWED = {"pwp_same_site": 302, "site_lead": 302}
REFUSED = {"pwp_other_site": 404, "advisor": 403, "trial_manager": 403, "data_manager": 403}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver"


def _interrupted(follow_up, *, when=None) -> Reminder:
    """A due invitation whose dispatcher committed its attempt mark and then died."""
    reminder = only_due_invitation(follow_up)
    claim = dispatch.claim_due_reminders(now=when)
    row = Reminder.objects.select_related("follow_up").get(pk=reminder.pk)
    attempt = attempts.start_attempt(
        row, claim.token, "http://testserver/q/x/", now=when or timezone.now()
    )
    assert isinstance(attempt, attempts.Attempt)
    return Reminder.objects.get(pk=reminder.pk)


def _after_lease(reminder: Reminder):
    return reminder.lease_expires_at + timedelta(seconds=1)


def _tasks(user) -> str:
    return TASKS.render(Context({"user": user, "csrf_token": "t"}))


# -- the attempt mark -------------------------------------------------------------------------


class _PeekingChannel(Channel):
    """During the provider call, looks at the row from another connection, as a second
    dispatcher (or the completion of a questionnaire) would."""

    name = "peeking"
    confirms_delivery = True
    seen: dict = {}

    def send(self, message: OutgoingMessage) -> str:
        def peek():
            try:
                with transaction.atomic():
                    # NOWAIT raises if the dispatcher still held a lock on either row.
                    row = Reminder.objects.select_for_update(nowait=True).get(
                        pk=message.reminder_id
                    )
                    FollowUp.objects.select_for_update(nowait=True).get(pk=row.follow_up_id)
                    self.seen.update(status=row.status, started=row.attempt_started_at)
            except Exception as exc:  # noqa: BLE001 - the test asserts on what was seen
                self.seen.update(error=repr(exc))
            finally:
                connection.close()

        thread = threading.Thread(target=peek)
        thread.start()
        thread.join(30)
        return "peeked"


@pytest.mark.django_db(transaction=True)
def test_attempt_mark_is_committed_before_the_provider_call_and_no_lock_is_held(
    site_a, pwp_a, settings
):
    settings.REMINDER_CHANNEL_BACKENDS = {"email": f"{__name__}._PeekingChannel"}
    _PeekingChannel.seen.clear()
    _, follow_up = participant_with_open_month3(site_a, pwp_a)
    reminder = only_due_invitation(follow_up)

    assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "sent": 1}

    assert "error" not in _PeekingChannel.seen, _PeekingChannel.seen
    assert _PeekingChannel.seen["status"] == ReminderStatus.ATTEMPTING
    assert _PeekingChannel.seen["started"] is not None
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.provider_reference == "peeked"
    assert reminder.attempt_started_at == _PeekingChannel.seen["started"]


def test_a_claim_is_a_small_batch_with_a_short_lease(site_a, pwp_a, settings):
    settings.REMINDER_BATCH_SIZE = 2
    for _ in range(3):
        only_due_invitation(participant_with_open_month3(site_a, pwp_a)[1])
    now = timezone.now()
    claim = dispatch.claim_due_reminders(now=now)
    assert len(claim.reminder_ids) == 2
    rows = Reminder.objects.filter(pk__in=claim.reminder_ids)
    assert {r.status for r in rows} == {ReminderStatus.SENDING}
    lease = timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)
    assert {r.lease_expires_at for r in rows} == {now + lease}
    assert {r.attempt_started_at for r in rows} == {None}
    assert {r.attempts for r in rows} == {0}  # claimed, not tried


def test_interrupted_email_send_is_flagged_uncertain_and_never_resent(open_month3, pwp_a, settings):
    """SMTP cannot be asked whether it sent a message: a person must check."""
    _, follow_up = open_month3
    reminder = _interrupted(follow_up)
    assert reminder.status == ReminderStatus.ATTEMPTING and reminder.attempts == 1
    assert mail.outbox == []

    with time_machine.travel(reminder.lease_expires_at - timedelta(seconds=1), tick=False):
        assert dispatch.dispatch_due_reminders().claimed == 0  # its lease still runs
    with time_machine.travel(_after_lease(reminder), tick=False):
        report = dispatch.dispatch_due_reminders()
    assert report.as_dict() == {"claimed": 1, "uncertain": 1}
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.UNCERTAIN
    assert reminder.assigned_to == pwp_a
    assert "cannot say whether it went out" in reminder.last_error
    assert list(open_tasks_for(pwp_a)) == [reminder]
    # Never sent again, however long it waits.
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        assert dispatch.dispatch_due_reminders().claimed == 0
    assert mail.outbox == []


def _fake_notify(monkeypatch, settings, *, found=None, error=None):
    settings.NOTIFY_API_KEY = "test-key"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "template-email"
    settings.REMINDER_CHANNEL_BACKENDS = {}
    calls = []

    class FakeNotify:
        def send_email_notification(self, **kwargs):
            calls.append(("send", kwargs["reference"]))
            return {"id": "notify-new"}

        def get_all_notifications(self, **kwargs):
            calls.append(("find", kwargs["reference"]))
            if error is not None:
                raise error
            return {"notifications": [{"id": found}] if found else []}

    monkeypatch.setattr("apps.reminders.channels.notify_client", lambda: FakeNotify())
    return calls


def test_interrupted_notify_send_found_by_reference_is_recorded_sent(
    open_month3, settings, monkeypatch
):
    calls = _fake_notify(monkeypatch, settings, found="notify-earlier")
    _, follow_up = open_month3
    reminder = _interrupted(follow_up)

    with time_machine.travel(_after_lease(reminder), tick=False):
        assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "already_sent": 1}

    key = dispatch.idempotency_key(reminder)
    assert calls == [("find", key)]
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.provider_reference == "notify-earlier"


def test_interrupted_notify_send_not_found_goes_out_once(open_month3, settings, monkeypatch):
    calls = _fake_notify(monkeypatch, settings, found=None)
    _, follow_up = open_month3
    reminder = _interrupted(follow_up)

    with time_machine.travel(_after_lease(reminder), tick=False):
        assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "sent": 1}

    key = dispatch.idempotency_key(reminder)
    # Asked once to settle the interrupted attempt, once more before the second provider call.
    assert calls == [("find", key), ("find", key), ("send", key)]
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.attempts == 2
    assert reminder.provider_reference == "notify-new"


def test_interrupted_notify_send_waits_while_notify_cannot_be_asked(
    open_month3, settings, monkeypatch
):
    from notifications_python_client.errors import HTTPError

    class Response:
        status_code = 503

        def json(self):
            return {"errors": [{"message": "busy"}]}

    busy = HTTPError(Response())
    calls = _fake_notify(monkeypatch, settings, error=busy)
    _, follow_up = open_month3
    reminder = _interrupted(follow_up)

    with time_machine.travel(_after_lease(reminder), tick=False):
        assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "retry": 1}

    assert [name for name, _ in calls] == ["find"]
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.ATTEMPTING  # asked again after the lease


def test_interrupted_staff_task_is_issued_not_flagged(open_month3, settings):
    """A phone task goes nowhere outside QuitPilot: finishing it is always safe."""
    _, follow_up = open_month3
    escalation = Reminder.objects.get(follow_up=follow_up, kind=ReminderKind.ESCALATION)
    Reminder.objects.exclude(pk=escalation.pk).filter(follow_up=follow_up).delete()
    Reminder.objects.filter(pk=escalation.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    claim = dispatch.claim_due_reminders()
    row = Reminder.objects.select_related("follow_up").get(pk=escalation.pk)
    assert isinstance(
        attempts.start_attempt(row, claim.token, None, now=timezone.now()), attempts.Attempt
    )

    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "sent": 1}
    escalation.refresh_from_db()
    assert escalation.status == ReminderStatus.SENT


def test_outcome_is_not_recorded_by_a_dispatcher_that_lost_its_claim(open_month3, settings):
    _, follow_up = open_month3
    reminder = _interrupted(follow_up)
    stale_token = reminder.claim_token
    Reminder.objects.filter(pk=reminder.pk).update(claim_token=uuid.uuid4())  # another owner

    assert (
        attempts._record(
            reminder.pk, stale_token, status=ReminderStatus.SENT, sent_at=timezone.now()
        )
        is False
    )
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.ATTEMPTING


# -- lease and heartbeat ------------------------------------------------------------------------


class _SlowChannel(Channel):
    """A provider taking most of a lease per message; a rival dispatcher tries to claim."""

    name = "slow"
    traveller = None
    rival_claims: list = []

    def send(self, message: OutgoingMessage) -> str:
        from django.conf import settings

        self.traveller.shift(timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS * 0.75))
        self.rival_claims.append(dispatch.claim_due_reminders().reminder_ids)
        return f"slow-{message.reminder_id}"


def test_heartbeat_keeps_a_slow_live_dispatchers_rows(site_a, pwp_a, settings):
    settings.REMINDER_CHANNEL_BACKENDS = {"email": f"{__name__}._SlowChannel"}
    settings.REMINDER_BATCH_SIZE = 3
    for _ in range(3):
        only_due_invitation(participant_with_open_month3(site_a, pwp_a)[1])
    _SlowChannel.rival_claims = []
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _SlowChannel.traveller = traveller
        report = dispatch.dispatch_due_reminders()
    # 3 sends of 3/4 of a lease each: without the heartbeat the rival takes the last row.
    assert report.as_dict() == {"claimed": 3, "sent": 3}
    assert _SlowChannel.rival_claims == [[], [], []]


def test_a_dead_dispatchers_rows_are_claimed_again_after_one_lease(site_a, pwp_a, settings):
    for _ in range(2):
        only_due_invitation(participant_with_open_month3(site_a, pwp_a)[1])
    start = timezone.now()
    dead = dispatch.claim_due_reminders(now=start)
    lease = timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS)
    # A heartbeat halfway through moves the end of the lease on.
    assert dispatch.extend_lease(dead, dead.reminder_ids, now=start + lease / 2) == 2
    assert dispatch.claim_due_reminders(now=start + lease + timedelta(seconds=1)).reminder_ids == []
    again = dispatch.claim_due_reminders(now=start + lease * 1.5 + timedelta(seconds=1))
    assert sorted(again.reminder_ids) == sorted(dead.reminder_ids)
    # The dead claim's heartbeat no longer holds anything.
    assert dispatch.extend_lease(dead, dead.reminder_ids) == 0


# -- staff settle an uncertain message -------------------------------------------------------


@pytest.fixture
def uncertain(open_month3, settings):
    _, follow_up = open_month3
    reminder = _interrupted(follow_up)
    with time_machine.travel(_after_lease(reminder), tick=False):
        assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "uncertain": 1}
    reminder.refresh_from_db()
    return reminder


def test_uncertain_messages_are_counted_on_the_caseload_in_one_query(
    uncertain, pwp_a, django_assert_num_queries
):
    with django_assert_num_queries(1):
        html = _tasks(pwp_a)
    assert "Messages that may not have arrived" in html
    assert '<span class="badge text-bg-warning">1</span>' in html
    assert uncertain.participant.trial_id in html
    assert f'It arrived<span class="visually-hidden"> for {uncertain.participant.trial_id}' in html


def test_staff_record_that_an_uncertain_message_arrived(client, uncertain, pwp_a):
    client.force_login(pwp_a)
    url = reverse("reminders:uncertain-resolve", args=[uncertain.follow_up.public_id])
    response = client.post(url, {"reminder": uncertain.pk, "resolution": "arrived"}, follow=True)

    assert "recorded as arrived" in response.content.decode()
    uncertain.refresh_from_db()
    assert uncertain.status == ReminderStatus.SENT
    assert uncertain.sent_at == uncertain.attempt_started_at
    assert uncertain.resolution == DeliveryResolution.ARRIVED
    assert uncertain.done_by == pwp_a and uncertain.done_at is not None
    assert list(open_tasks_for(pwp_a)) == []
    assert mail.outbox == []
    page = client.get(reverse("participant-detail", args=[uncertain.participant.public_id]))
    assert "delivery confirmed by staff" in page.content.decode()


def test_staff_choose_to_send_an_uncertain_message_again_and_it_goes_once(client, uncertain, pwp_a):
    client.force_login(pwp_a)
    url = reverse("reminders:uncertain-resolve", args=[uncertain.follow_up.public_id])
    client.post(url, {"reminder": uncertain.pk, "resolution": "sent_again"})

    uncertain.refresh_from_db()
    assert uncertain.status == ReminderStatus.UNCERTAIN  # the record of what happened stays
    assert uncertain.resolution == DeliveryResolution.SENT_AGAIN and uncertain.done_by == pwp_a
    again = Reminder.objects.get(follow_up=uncertain.follow_up, kind=ReminderKind.MANUAL)
    assert again.requested_by == pwp_a and again.channel == uncertain.channel
    assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "sent": 1}
    assert len(mail.outbox) == 1
    # A second click finds nothing left to decide, and sends nothing.
    client.post(url, {"reminder": uncertain.pk, "resolution": "sent_again"})
    assert Reminder.objects.filter(kind=ReminderKind.MANUAL).count() == 1
    page = client.get(reverse("participant-detail", args=[uncertain.participant.public_id]))
    assert "delivery uncertain" in page.content.decode()
    assert "sent again by staff" in page.content.decode()


def test_a_resolution_must_be_one_of_the_two_and_nothing_is_stored(client, uncertain, pwp_a):
    client.force_login(pwp_a)
    url = reverse("reminders:uncertain-resolve", args=[uncertain.follow_up.public_id])
    response = client.post(url, {"reminder": uncertain.pk, "resolution": "maybe"}, follow=True)
    assert "Choose whether the message arrived or should be sent again" in (
        response.content.decode()
    )
    uncertain.refresh_from_db()
    assert uncertain.resolution == "" and uncertain.done_at is None


def test_send_again_is_refused_once_the_window_closed_and_nothing_is_stored(uncertain, pwp_a):
    from apps.core.errors import DomainError

    follow_up = uncertain.follow_up
    closed = follow_up.closes_on + timedelta(days=2)
    with time_machine.travel(closed, tick=False), pytest.raises(DomainError) as refused:
        services.resolve_uncertain(
            follow_up=follow_up,
            reminder_id=uncertain.pk,
            resolution=DeliveryResolution.SENT_AGAIN,
            by=pwp_a,
        )
    assert refused.value.field == "follow_up"
    uncertain.refresh_from_db()
    assert uncertain.resolution == "" and uncertain.done_at is None
    assert not Reminder.objects.filter(kind=ReminderKind.MANUAL).exists()


@pytest.mark.parametrize("role", [*ALLOWED, *REFUSED])
def test_resolve_uncertain_access_matrix(client, cast, uncertain, role):
    client.force_login(cast[role])
    url = reverse("reminders:uncertain-resolve", args=[uncertain.follow_up.public_id])
    response = client.post(url, {"reminder": uncertain.pk, "resolution": "arrived"})
    assert response.status_code == {**ALLOWED, **REFUSED}[role]
    uncertain.refresh_from_db()
    if role in ALLOWED:
        assert uncertain.done_by == cast[role] and uncertain.status == ReminderStatus.SENT
    else:
        assert uncertain.done_at is None and uncertain.status == ReminderStatus.UNCERTAIN


def test_a_staff_link_being_attempted_still_counts_as_in_flight(open_month3, pwp_a):
    _, follow_up = open_month3
    first = services.request_link_send(follow_up=follow_up, channel="email", requested_by=pwp_a)
    claim = dispatch.claim_due_reminders()
    row = Reminder.objects.select_related("follow_up").get(pk=first.pk)
    attempts.start_attempt(row, claim.token, "http://testserver/q/x/", now=timezone.now())

    second = services.request_link_send(follow_up=follow_up, channel="email", requested_by=pwp_a)
    assert second.pk == first.pk
