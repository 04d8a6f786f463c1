"""Messages that could not reach the participant are shown to their PWP until someone has seen
them, and on the participant's follow-up table with the reason."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from apps.core.roles import Role
from apps.reminders import dispatch
from apps.reminders.models import (
    FollowUpStatus,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
)
from tests.factories import UserFactory
from tests.reminders.helpers import only_due_invitation, participant_with_open_month3

pytestmark = pytest.mark.django_db

TASKS = Template("{% load reminders_tags %}{% my_tasks %}")
ALLOWED = {"pwp_same_site": 302, "site_lead": 302}
REFUSED = {"pwp_other_site": 404, "advisor": 403, "trial_manager": 403, "data_manager": 403}


@pytest.fixture
def refused(open_month3, recorder):
    """The month-3 invitation, refused for good by the provider."""
    _, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    recorder.BEHAVIOUR["fail"] = "permanent"
    assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "failed": 1}
    reminder.refresh_from_db()
    return reminder


def _tasks(user) -> str:
    return TASKS.render(Context({"user": user, "csrf_token": "t"}))


def test_a_refused_message_is_a_task_for_the_participants_pwp_only(refused, pwp_a, site_a):
    colleague = UserFactory(email="colleague@nhs.test", role=Role.PWP, site=site_a)
    assert refused.assigned_to == pwp_a
    html = _tasks(pwp_a)
    assert "Messages that did not reach the participant" in html
    assert refused.participant.trial_id in html and "address refused" in html
    assert "Invitation by email" in html
    button = f'Mark seen<span class="visually-hidden"> for {refused.participant.trial_id}, 3-month'
    assert button in html
    assert refused.participant.trial_id not in _tasks(colleague)


def test_a_missing_address_is_reported_with_the_reason(open_month3, recorder, pwp_a):
    participant, follow_up = open_month3
    # a link by text asked for before the mobile number was taken off the record (email only)
    reminder = only_due_invitation(follow_up)
    Reminder.objects.filter(pk=reminder.pk).update(
        kind=ReminderKind.MANUAL, channel=ReminderChannel.SMS
    )
    dispatch.dispatch_due_reminders()
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.channel == ReminderChannel.SMS  # the channel tried, not the one before
    assert "Link sent by staff by text message" in _tasks(pwp_a)
    assert "No text message address on file" in _tasks(pwp_a)
    assert recorder.SENT == []


def test_tasks_and_undelivered_messages_cost_one_query(refused, pwp_a, django_assert_num_queries):
    with django_assert_num_queries(1):
        html = _tasks(pwp_a)
    assert "No follow-up calls to make." in html and "address refused" in html


def test_nothing_is_listed_once_the_follow_up_is_closed(refused, pwp_a):
    refused.follow_up.status = FollowUpStatus.COMPLETED
    refused.follow_up.completed_at = timezone.now()
    refused.follow_up.save()
    assert "Messages that did not reach the participant" not in _tasks(pwp_a)


@pytest.mark.parametrize("role", [*ALLOWED, *REFUSED])
def test_mark_seen_access_matrix(client, cast, refused, role):
    client.force_login(cast[role])
    url = reverse("reminders:undelivered-seen", args=[refused.follow_up.public_id])
    response = client.post(url, {"reminder": [refused.id]})
    assert response.status_code == {**ALLOWED, **REFUSED}[role]
    refused.refresh_from_db()
    if role in ALLOWED:
        assert refused.done_by == cast[role] and refused.done_at is not None
    else:
        assert refused.done_at is None and refused.done_by is None


def test_a_seen_message_leaves_the_list_but_stays_on_the_participant_page(client, refused, pwp_a):
    client.force_login(pwp_a)
    caseload = client.get(reverse("caseload")).content.decode()
    assert "address refused" in caseload
    shown = re.findall(r'name="reminder" value="(\d+)"', caseload)
    assert shown == [str(refused.id)]
    client.post(
        reverse("reminders:undelivered-seen", args=[refused.follow_up.public_id]),
        {"next": reverse("caseload"), "reminder": shown},
    )
    after = client.get(reverse("caseload")).content.decode()
    assert "Undelivered messages for" in after and "marked as seen" in after
    assert "Messages that did not reach the participant" not in after
    page = client.get(reverse("participant-detail", args=[refused.participant.public_id]))
    html = page.content.decode()
    assert "not delivered" in html and "address refused" in html and ", seen " in html


def test_participant_page_lists_each_message_and_its_outcome(client, open_month3, recorder, pwp_a):
    participant, follow_up = open_month3
    reminder = only_due_invitation(follow_up)
    dispatch.dispatch_due_reminders()
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    client.force_login(pwp_a)
    html = client.get(reverse("participant-detail", args=[participant.public_id])).content.decode()
    assert "Messages to the participant" in html
    sent = timezone.localtime(reminder.sent_at).strftime("%-d %b %Y %H:%M")
    assert f"sent {sent}" in " ".join(html.split())
    assert "not delivered" not in html


def _fail(follow_up, kind, reason: str) -> Reminder:
    return Reminder.objects.create(
        participant=follow_up.participant,
        follow_up=follow_up,
        kind=kind,
        channel=ReminderChannel.SMS,
        due_at=timezone.now(),
        status=ReminderStatus.FAILED,
        last_error=reason,
    )


def test_a_follow_ups_failures_share_one_row_and_one_button(refused, pwp_a):
    second = _fail(refused.follow_up, ReminderKind.MANUAL, "number barred")
    html = _tasks(pwp_a)
    assert html.count("Mark seen<span") == 1
    assert "address refused" in html and "number barred" in html
    assert re.findall(r'name="reminder" value="(\d+)"', html) == [str(refused.id), str(second.id)]


def test_mark_seen_marks_only_the_messages_shown(client, refused, pwp_a):
    client.force_login(pwp_a)
    shown = re.findall(r'name="reminder" value="(\d+)"', _tasks(pwp_a))
    later = _fail(refused.follow_up, ReminderKind.MANUAL, "failed after the page was drawn")
    other_participant, other_follow_up = participant_with_open_month3(
        refused.participant.site, pwp_a
    )
    elsewhere = _fail(other_follow_up, ReminderKind.MANUAL, "another follow-up")
    client.post(
        reverse("reminders:undelivered-seen", args=[refused.follow_up.public_id]),
        {"reminder": [*shown, str(elsewhere.id), "not-a-number"]},
    )
    refused.refresh_from_db()
    later.refresh_from_db()
    elsewhere.refresh_from_db()
    assert refused.done_by == pwp_a
    assert later.done_at is None and elsewhere.done_at is None
    assert "failed after the page was drawn" in _tasks(pwp_a)


def test_undelivered_messages_follow_the_participants_current_pwp(refused, pwp_a, site_a):
    new_pwp = UserFactory(email="new.pwp@nhs.test", role=Role.PWP, site=site_a)
    refused.participant.assigned_pwp = new_pwp
    refused.participant.save()
    assert refused.participant.trial_id in _tasks(new_pwp)
    assert "Messages that did not reach the participant" not in _tasks(pwp_a)


def test_without_an_active_pwp_the_site_sees_them(refused, pwp_a, site_a, site_lead_a):
    colleague = UserFactory(email="colleague@nhs.test", role=Role.PWP, site=site_a)
    assert refused.participant.trial_id not in _tasks(colleague)
    pwp_a.is_active = False
    pwp_a.save()
    assert refused.participant.trial_id in _tasks(colleague)
    assert refused.participant.trial_id in _tasks(site_lead_a)


def test_a_failure_recorded_before_pwps_were_noted_reaches_the_participants_pwp(
    refused, pwp_a, site_a
):
    Reminder.objects.filter(pk=refused.pk).update(assigned_to=None)  # rows from before the change
    colleague = UserFactory(email="colleague@nhs.test", role=Role.PWP, site=site_a)
    assert refused.participant.trial_id in _tasks(pwp_a)
    assert refused.participant.trial_id not in _tasks(colleague)


def test_an_address_in_the_providers_error_is_never_shown(client, refused, pwp_a, trial_manager):
    Reminder.objects.filter(pk=refused.pk).update(
        last_error="550 <typo.address@example.org>: mailbox unavailable"
    )
    assert "typo.address@example.org" not in _tasks(pwp_a)
    assert "[email address]" in _tasks(pwp_a)
    for user in (pwp_a, trial_manager):  # the manager may not see contact details at all
        client.force_login(user)
        page = client.get(reverse("participant-detail", args=[refused.participant.public_id]))
        html = page.content.decode()
        assert page.status_code == 200 and "mailbox unavailable" in html
        assert "typo.address@example.org" not in html and "[email address]" in html


@pytest.mark.parametrize("odd", ["²", "١٢", "-1", "", " 1", "9" * 30])
def test_mark_seen_ignores_ids_that_are_not_plain_numbers(client, refused, pwp_a, odd):
    client.force_login(pwp_a)
    response = client.post(
        reverse("reminders:undelivered-seen", args=[refused.follow_up.public_id]),
        {"reminder": [odd]},
    )
    assert response.status_code == 302
    refused.refresh_from_db()
    assert refused.done_at is None and refused.done_by is None
