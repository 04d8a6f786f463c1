"""The outbox dispatcher: claims, sends once, records, retries, recovers and cancels."""

import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.journey.services import update_contact_details
from apps.reminders import attempts, dispatch, services
from apps.reminders import questionnaire_links as links
from apps.reminders.channels import NotifyChannel, channel_for
from apps.reminders.models import (
    FollowUpStatus,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
)
from apps.reminders.selectors import open_tasks_for
from tests.reminders.helpers import only_due_invitation, participant_with_open_month3

pytestmark = pytest.mark.django_db

URL = re.compile(r"http://testserver/q/([A-Za-z0-9_-]{43})/")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver"


def test_due_invitation_is_emailed_once_with_a_fresh_working_link(open_month3):
    participant, follow_up = open_month3
    reminder = only_due_invitation(follow_up)

    first = dispatch.dispatch_due_reminders()
    second = dispatch.dispatch_due_reminders()

    assert first.as_dict() == {"claimed": 1, "sent": 1}
    assert second.as_dict() == {"claimed": 0}
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["patient@example.test"]
    token = URL.search(email.body).group(1)
    assert links.find_link(token).usable
    assert links.find_link(token).link.follow_up_id == follow_up.pk
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.sent_at is not None
    assert reminder.attempts == 1
    assert reminder.provider_reference == email.extra_headers["Message-ID"]
    assert reminder.provider_reference == f"<{dispatch.idempotency_key(reminder)}@quitpilot.test>"


def test_reminder_not_yet_due_is_not_claimed(open_month3):
    _, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    reminder.due_at = timezone.now() + timedelta(minutes=1)
    reminder.save()
    assert dispatch.dispatch_due_reminders().claimed == 0
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert mail.outbox == []


def test_each_message_carries_a_new_link(open_month3, recorder):
    _, follow_up = open_month3
    only_due_invitation(follow_up)
    services.request_link_send(follow_up=follow_up, channel="email", requested_by=None)
    dispatch.dispatch_due_reminders()
    urls = {message.personalisation["link"] for message in recorder.SENT}
    assert len(recorder.SENT) == 2
    assert len(urls) == 2


def test_completed_follow_up_cancels_pending_reminders_and_nothing_is_sent(open_month3):
    _, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    services.complete_follow_up(follow_up=follow_up)
    assert dispatch.dispatch_due_reminders().claimed == 0
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.CANCELLED
    assert mail.outbox == []


def test_row_claimed_before_completion_is_cancelled_not_sent(open_month3):
    """Completion cancels only pending rows; the send step re-checks under the row lock."""
    _, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    claim = dispatch.claim_due_reminders()
    services.complete_follow_up(follow_up=follow_up)

    outcome = dispatch.send_claimed(reminder.pk, claim.token)

    assert outcome == dispatch.CANCELLED
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.CANCELLED
    assert "completed" in reminder.last_error.lower()
    assert mail.outbox == []


def test_withdrawn_contact_consent_cancels_pending_reminders(open_month3):
    participant, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    update_contact_details(
        participant=participant,
        email="patient@example.test",
        mobile="",
        preferred_channel="email",
        consent_to_contact=False,
    )
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.CANCELLED
    assert dispatch.dispatch_due_reminders().claimed == 0


def test_transient_failure_retries_with_backoff_then_gives_up_at_the_cap(
    open_month3, recorder, settings
):
    settings.REMINDER_MAX_ATTEMPTS = 3
    _, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    recorder.BEHAVIOUR["fail"] = "transient"
    now = timezone.now()

    assert dispatch.dispatch_due_reminders(now=now).as_dict() == {"claimed": 1, "retry": 1}
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert reminder.next_attempt_at == now + timedelta(minutes=1)
    assert "busy" in reminder.last_error
    # Not retried before its backoff has passed.
    assert dispatch.dispatch_due_reminders(now=now + timedelta(seconds=59)).claimed == 0

    later = now + timedelta(minutes=1)
    assert dispatch.dispatch_due_reminders(now=later).as_dict() == {"claimed": 1, "retry": 1}
    reminder.refresh_from_db()
    assert reminder.next_attempt_at == later + timedelta(minutes=2)

    last = later + timedelta(minutes=2)
    assert dispatch.dispatch_due_reminders(now=last).as_dict() == {"claimed": 1, "failed": 1}
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.attempts == 3
    assert "Gave up after 3 attempts" in reminder.last_error
    assert recorder.SENT == []


def test_backoff_doubles_and_is_capped_at_an_hour():
    assert [dispatch.backoff(n).total_seconds() / 60 for n in range(1, 9)] == [
        1,
        2,
        4,
        8,
        16,
        32,
        60,
        60,
    ]


def test_permanent_failure_is_not_retried(open_month3, recorder):
    _, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    recorder.BEHAVIOUR["fail"] = "permanent"
    assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "failed": 1}
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.attempts == 1
    assert reminder.last_error == "address refused"


def test_row_abandoned_in_sending_is_recovered_after_the_lease_and_sent_once(
    open_month3, recorder, settings
):
    _, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    dead = dispatch.claim_due_reminders()  # the worker dies here, before its attempt mark
    assert dead.reminder_ids == [reminder.pk]

    # Inside the lease nobody touches it.
    assert dispatch.dispatch_due_reminders().claimed == 0
    after_lease = timezone.now() + timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS + 1)
    report = dispatch.dispatch_due_reminders(now=after_lease)

    assert report.as_dict() == {"claimed": 1, "sent": 1}
    assert recorder.sends_per_reminder() == {reminder.pk: 1}
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.attempts == 1  # the provider was called once: the dead claim never called it
    # The dead worker's claim is void: it cannot send the row again if it wakes up.
    assert dispatch.send_claimed(reminder.pk, dead.token) == dispatch.SKIPPED
    assert recorder.sends_per_reminder() == {reminder.pk: 1}


def test_recovered_row_already_accepted_by_the_provider_is_not_sent_again(
    open_month3, recorder, settings
):
    """Died after the provider accepted the message but before recording it."""
    _, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    claim = dispatch.claim_due_reminders()
    row = Reminder.objects.select_related("follow_up").get(pk=reminder.pk)
    attempt = attempts.start_attempt(row, claim.token, "http://testserver/q/x/", now=timezone.now())
    # The provider call happened (with this reminder's key), then the worker died.
    recorder.RecordingChannel().send(attempt.message)
    assert Reminder.objects.get(pk=reminder.pk).status == ReminderStatus.ATTEMPTING

    after_lease = timezone.now() + timedelta(seconds=settings.REMINDER_CLAIM_LEASE_SECONDS + 1)
    report = dispatch.dispatch_due_reminders(now=after_lease)

    assert report.as_dict() == {"claimed": 1, "already_sent": 1}
    assert recorder.sends_per_reminder() == {reminder.pk: 1}
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.provider_reference == "rec-1"
    assert reminder.attempts == 1


def test_scheduled_reminder_follows_the_participants_current_channel(open_month3, recorder):
    participant, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    update_contact_details(
        participant=participant,
        email="patient@example.test",
        mobile="07700900123",
        preferred_channel="sms",
        consent_to_contact=True,
    )
    dispatch.dispatch_due_reminders()
    # Giving consent again arms one catch-up step (here the PWP's phone task) beside the invitation.
    (message,) = [m for m in recorder.SENT if m.reminder_id == reminder.pk]
    assert message.channel == "sms"
    assert message.to == "07700900123"
    reminder.refresh_from_db()
    assert reminder.channel == ReminderChannel.SMS


def test_sms_without_notify_fails_visibly_outside_development(settings):
    settings.DEBUG = False
    settings.NOTIFY_API_KEY = ""
    settings.REMINDER_CHANNEL_BACKENDS = {}
    assert channel_for("sms").name == "unavailable"
    settings.DEBUG = True
    assert channel_for("sms").name == "log"
    assert channel_for("email").name == "django-email"
    assert channel_for("staff_task").name == "staff-task"


def test_notify_is_used_when_configured_and_carries_the_reminder_key(
    open_month3, settings, monkeypatch
):
    settings.NOTIFY_API_KEY = "test-key"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "template-email"
    settings.REMINDER_CHANNEL_BACKENDS = {}
    calls = []

    class FakeNotify:
        def send_email_notification(self, **kwargs):
            calls.append(("send", kwargs))
            return {"id": "notify-123"}

        def get_all_notifications(self, **kwargs):
            calls.append(("find", kwargs))
            return {"notifications": []}

    monkeypatch.setattr("apps.reminders.channels.notify_client", lambda: FakeNotify())
    assert isinstance(channel_for("email"), NotifyChannel)
    _, follow_up = open_month3
    reminder = only_due_invitation(follow_up)

    dispatch.dispatch_due_reminders()

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.provider_reference == "notify-123"
    ((name, kwargs),) = calls  # first attempt: no lookup needed
    assert name == "send"
    assert kwargs["template_id"] == "template-email"
    assert kwargs["reference"] == dispatch.idempotency_key(reminder)
    assert kwargs["personalisation"]["link"].startswith("http://testserver/q/")


def test_notify_lookup_finds_an_earlier_send_on_a_retry(open_month3, settings, monkeypatch):
    settings.NOTIFY_API_KEY = "test-key"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "template-email"
    settings.REMINDER_CHANNEL_BACKENDS = {}
    sent = []

    class FakeNotify:
        def send_email_notification(self, **kwargs):
            sent.append(kwargs)
            return {"id": "never"}

        def get_all_notifications(self, **kwargs):
            return {"notifications": [{"id": "notify-earlier", "reference": kwargs["reference"]}]}

    monkeypatch.setattr("apps.reminders.channels.notify_client", lambda: FakeNotify())
    _, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    Reminder.objects.filter(pk=reminder.pk).update(attempts=1)  # tried once before

    assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "already_sent": 1}
    reminder.refresh_from_db()
    assert reminder.provider_reference == "notify-earlier"
    assert sent == []


def test_notify_client_errors_split_into_retry_and_permanent(open_month3, settings, monkeypatch):
    from notifications_python_client.errors import HTTPError

    class Response:
        def __init__(self, code):
            self.status_code = code

        def json(self):
            return {"errors": [{"message": "nope"}]}

    settings.NOTIFY_API_KEY = "test-key"
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "template-email"
    settings.REMINDER_CHANNEL_BACKENDS = {}
    codes = iter([503, 400])

    class FakeNotify:
        def send_email_notification(self, **kwargs):
            raise HTTPError(Response(next(codes)))

        def get_all_notifications(self, **kwargs):
            return {"notifications": []}

    monkeypatch.setattr("apps.reminders.channels.notify_client", lambda: FakeNotify())
    _, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    now = timezone.now()
    assert dispatch.dispatch_due_reminders(now=now).as_dict() == {"claimed": 1, "retry": 1}
    later = now + timedelta(minutes=2)
    assert dispatch.dispatch_due_reminders(now=later).as_dict() == {"claimed": 1, "failed": 1}
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED
    assert "refused" in reminder.last_error


def test_escalation_becomes_an_open_task_for_the_current_pwp(open_month3, pwp_a, pwp_b):
    participant, follow_up = open_month3
    Reminder.objects.filter(follow_up=follow_up).exclude(kind=ReminderKind.ESCALATION).delete()
    task = Reminder.objects.get(follow_up=follow_up, kind=ReminderKind.ESCALATION)
    Reminder.objects.filter(pk=task.pk).update(
        due_at=timezone.now() - timedelta(minutes=1), assigned_to=None
    )

    assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "sent": 1}

    task.refresh_from_db()
    assert task.status == ReminderStatus.SENT
    assert task.assigned_to == pwp_a
    assert task.provider_reference == f"task:{task.pk}"
    assert mail.outbox == []
    assert list(open_tasks_for(pwp_a)) == [task]
    assert list(open_tasks_for(pwp_b)) == []
    services.complete_follow_up(follow_up=follow_up)
    assert list(open_tasks_for(pwp_a)) == []


def test_open_tasks_for_a_pwp_cost_one_query(open_month3, pwp_a, django_assert_num_queries):
    _, follow_up = open_month3
    Reminder.objects.filter(follow_up=follow_up, kind=ReminderKind.ESCALATION).update(
        status=ReminderStatus.SENT, sent_at=timezone.now(), assigned_to=pwp_a
    )
    with django_assert_num_queries(1):
        tasks = list(open_tasks_for(pwp_a))
        assert [t.participant.trial_id for t in tasks] == [follow_up.participant.trial_id]
        assert tasks[0].follow_up.timepoint == "month3"


def test_staff_link_send_goes_through_the_outbox_once_per_click(open_month3, pwp_a, recorder):
    _, follow_up = open_month3
    Reminder.objects.filter(follow_up=follow_up).delete()
    first = services.request_link_send(follow_up=follow_up, channel="email", requested_by=pwp_a)
    again = services.request_link_send(follow_up=follow_up, channel="email", requested_by=pwp_a)
    assert first.pk == again.pk
    assert first.kind == ReminderKind.MANUAL
    assert first.requested_by == pwp_a

    dispatch.dispatch_due_reminders()
    assert recorder.sends_per_reminder() == {first.pk: 1}
    # Once sent, staff can send another.
    second = services.request_link_send(follow_up=follow_up, channel="email", requested_by=pwp_a)
    assert second.pk != first.pk


@pytest.mark.parametrize(
    ("contact", "channel", "message"),
    [
        ({"consent_to_contact": False}, "email", "not agreed to be contacted"),
        ({"email": "", "mobile": "07700900123", "preferred_channel": "sms"}, "email", "email"),
        ({}, "sms", "mobile number"),
        ({}, "post", "email or text"),
    ],
)
def test_staff_link_send_is_refused_with_a_reason(open_month3, pwp_a, contact, channel, message):
    from apps.core.errors import DomainError

    participant, follow_up = open_month3
    details = {
        "email": "patient@example.test",
        "mobile": "",
        "preferred_channel": "email",
        "consent_to_contact": True,
        **contact,
    }
    update_contact_details(participant=participant, **details)
    before = Reminder.objects.count()
    with pytest.raises(DomainError, match=message):
        services.request_link_send(follow_up=follow_up, channel=channel, requested_by=pwp_a)
    assert Reminder.objects.count() == before


def test_staff_link_send_is_refused_outside_the_window(participant_a, pwp_a):
    from apps.core.errors import DomainError

    follow_up = participant_a.follow_ups.get(timepoint="month6")
    with pytest.raises(DomainError, match="window is open"):
        services.request_link_send(follow_up=follow_up, channel="email", requested_by=pwp_a)


def test_reminder_for_a_closed_window_is_cancelled_not_sent(open_month3):
    _, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    follow_up.status = FollowUpStatus.MISSED
    follow_up.save()
    claim = dispatch.claim_due_reminders()
    assert dispatch.send_claimed(reminder.pk, claim.token) == dispatch.CANCELLED
    assert mail.outbox == []


def test_idempotency_key_changes_when_a_row_is_armed_again_for_a_moved_window(open_month3):
    _, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    key = dispatch.idempotency_key(reminder)
    reminder.due_at += timedelta(days=3)
    assert dispatch.idempotency_key(reminder) != key


def test_sending_a_claim_costs_a_fixed_number_of_queries_per_row(
    site_a, pwp_a, django_assert_num_queries
):
    for _ in range(3):
        _, follow_up = participant_with_open_month3(site_a, pwp_a)
        only_due_invitation(follow_up)
    claim = dispatch.claim_due_reminders()
    assert len(claim.reminder_ids) == 3
    # Once per claim: read the rows; insert every link in one transaction. Then per row: the
    # heartbeat (not before the first), one transaction that locks the follow-up (with
    # participant and contact) and the row and commits the attempt mark, then one UPDATE for
    # the outcome. Inside the test's own transaction, each transaction shows as SAVEPOINT +
    # RELEASE.
    with django_assert_num_queries(1 + (1 + 2) + 2 + 3 * ((3 + 2) + 1)):
        assert dispatch.send_claim(claim) == [dispatch.SENT] * 3
    assert len(mail.outbox) == 3


def test_claiming_takes_abandoned_rows_first_then_due_ones_up_to_the_batch(site_a, pwp_a, settings):
    rows = []
    for _ in range(3):
        _, follow_up = participant_with_open_month3(site_a, pwp_a)
        rows.append(only_due_invitation(follow_up))
    stale, fresh = timezone.now() - timedelta(seconds=5), timezone.now() + timedelta(seconds=5)
    held = {"status": ReminderStatus.SENDING, "claim_token": uuid.uuid4()}
    Reminder.objects.filter(pk=rows[2].pk).update(**held, lease_expires_at=stale)
    Reminder.objects.filter(pk=rows[1].pk).update(**held, lease_expires_at=fresh)

    claim = dispatch.claim_due_reminders(limit=2)

    assert claim.reminder_ids == [rows[2].pk, rows[0].pk]
    claimed = Reminder.objects.filter(pk__in=claim.reminder_ids)
    assert set(claimed.values_list("claim_token", flat=True)) == {claim.token}
    assert Reminder.objects.get(pk=rows[1].pk).claim_token == held["claim_token"]  # leased


def test_row_claimed_as_its_window_moves_later_waits_for_the_new_window(site_a, pwp_a):
    """A new quit date moves the 4-week window while the dispatcher holds its invitation: the
    row is neither sent for the old window nor lost, it waits for the new one."""
    from apps.journey.services import set_quit_date
    from tests.factories import make_participant

    today = timezone.localdate()
    participant = make_participant(
        site=site_a, pwp=pwp_a, stage="randomised", screened_on=today - timedelta(days=40)
    )
    set_quit_date(participant=participant, quit_date=today - timedelta(days=28))
    week4 = participant.follow_ups.get(timepoint="week4")
    invitation = Reminder.objects.get(follow_up=week4, kind=ReminderKind.INVITATION)
    assert invitation.due_at <= timezone.now()
    claim = dispatch.claim_due_reminders()
    assert invitation.pk in claim.reminder_ids

    set_quit_date(participant=participant, quit_date=today + timedelta(days=5))
    week4.refresh_from_db()
    assert week4.opens_on > today

    assert dispatch.send_claimed(invitation.pk, claim.token) == dispatch.SKIPPED
    invitation.refresh_from_db()
    assert invitation.status == ReminderStatus.PENDING and invitation.claim_token is None
    assert invitation.due_at == services.reminder_due_at(week4.opens_on)
    assert mail.outbox == []
    assert dispatch.claim_due_reminders().reminder_ids == []  # not before the new window
