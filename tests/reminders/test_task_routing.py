"""Who sees a phone task or an undelivered message: the participant's PWP while they can act on
it, otherwise the clinical staff of the participant's site, so no task drops off every list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import SiteMembership
from apps.core.roles import Role
from apps.reminders import dispatch
from apps.reminders.models import Reminder, ReminderChannel, ReminderKind, ReminderStatus
from apps.reminders.selectors import open_tasks_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(site_a):
    return UserFactory(email="colleague@nhs.test", role=Role.PWP, site=site_a)


@pytest.fixture
def new_pwp(site_a):
    return UserFactory(email="new.pwp@nhs.test", role=Role.PWP, site=site_a)


@pytest.fixture
def call(open_month3, pwp_a) -> Reminder:
    """The month-3 'phone the participant' task, issued to pwp_a and not yet done."""
    _, follow_up = open_month3
    task = Reminder.objects.get(follow_up=follow_up, kind=ReminderKind.ESCALATION)
    Reminder.objects.filter(pk=task.pk).update(
        status=ReminderStatus.SENT, sent_at=timezone.now(), assigned_to=pwp_a
    )
    task.refresh_from_db()
    return task


@pytest.fixture
def undelivered(open_month3, pwp_a) -> Reminder:
    """A month-3 text message the provider refused, noted for pwp_a."""
    participant, follow_up = open_month3
    return Reminder.objects.create(
        participant=participant,
        follow_up=follow_up,
        kind=ReminderKind.MANUAL,
        channel=ReminderChannel.SMS,
        due_at=timezone.now(),
        status=ReminderStatus.FAILED,
        last_error="number barred",
        assigned_to=pwp_a,
    )


def _sees(user, task: Reminder) -> bool:
    return task.pk in {t.pk for t in open_tasks_for(user)}


def _who_sees(task: Reminder, **users) -> set[str]:
    return {name for name, user in users.items() if _sees(user, task)}


@pytest.mark.parametrize("task", ["call", "undelivered"])
def test_the_participants_pwp_alone_sees_the_task_while_they_can_act(
    request, task, pwp_a, colleague, site_lead_a, pwp_b
):
    task = request.getfixturevalue(task)
    seen = _who_sees(task, pwp_a=pwp_a, colleague=colleague, lead=site_lead_a, pwp_b=pwp_b)
    assert seen == {"pwp_a"}


@pytest.mark.parametrize("task", ["call", "undelivered"])
def test_a_deactivated_pwps_tasks_go_to_the_sites_clinical_staff(
    request, task, pwp_a, colleague, site_lead_a, pwp_b, advisor_a
):
    task = request.getfixturevalue(task)
    pwp_a.is_active = False
    pwp_a.save()
    seen = _who_sees(task, colleague=colleague, lead=site_lead_a, pwp_b=pwp_b, advisor=advisor_a)
    assert seen == {"colleague", "lead"}


@pytest.mark.parametrize("task", ["call", "undelivered"])
def test_tasks_follow_the_participant_to_their_new_pwp(
    request, task, pwp_a, new_pwp, colleague, site_lead_a
):
    task = request.getfixturevalue(task)
    task.participant.assigned_pwp = new_pwp
    task.participant.save()
    seen = _who_sees(task, pwp_a=pwp_a, new_pwp=new_pwp, colleague=colleague, lead=site_lead_a)
    assert seen == {"new_pwp"}


@pytest.mark.parametrize("task", ["call", "undelivered"])
def test_a_pwp_who_left_the_site_keeps_no_task_and_the_site_picks_them_up(
    request, task, pwp_a, site_a, site_b, colleague, site_lead_a, pwp_b
):
    task = request.getfixturevalue(task)
    SiteMembership.objects.filter(user=pwp_a, site=site_a).delete()
    SiteMembership.objects.create(user=pwp_a, site=site_b)  # still active, still assigned
    seen = _who_sees(task, pwp_a=pwp_a, colleague=colleague, lead=site_lead_a, pwp_b=pwp_b)
    assert seen == {"colleague", "lead"}


@pytest.mark.parametrize("task", ["call", "undelivered"])
def test_a_new_pwp_who_cannot_act_hands_the_task_to_the_site(
    request, task, new_pwp, colleague, site_lead_a
):
    task = request.getfixturevalue(task)
    task.participant.assigned_pwp = new_pwp
    task.participant.save()
    new_pwp.role = Role.ADVISOR  # may not record the follow-up or close the task
    new_pwp.save()
    seen = _who_sees(task, new_pwp=new_pwp, colleague=colleague, lead=site_lead_a)
    assert seen == {"colleague", "lead"}


@pytest.mark.parametrize("task", ["call", "undelivered"])
def test_a_participant_without_a_pwp_has_their_tasks_seen_by_the_site(
    request, task, colleague, site_lead_a, pwp_b
):
    task = request.getfixturevalue(task)
    task.participant.assigned_pwp = None
    task.participant.save()
    seen = _who_sees(task, colleague=colleague, lead=site_lead_a, pwp_b=pwp_b)
    assert seen == {"colleague", "lead"}


def test_an_unassigned_call_goes_to_the_participants_pwp_not_the_whole_site(
    call, pwp_a, colleague, site_lead_a
):
    Reminder.objects.filter(pk=call.pk).update(assigned_to=None)
    assert _who_sees(call, pwp_a=pwp_a, colleague=colleague, lead=site_lead_a) == {"pwp_a"}


def test_a_call_routed_to_the_site_costs_one_query(
    call, pwp_a, site_lead_a, django_assert_num_queries
):
    pwp_a.is_active = False
    pwp_a.save()
    trial_id = call.participant.trial_id
    with django_assert_num_queries(1):
        tasks = list(open_tasks_for(site_lead_a))
        assert [(t.participant.trial_id, t.follow_up.timepoint) for t in tasks] == [
            (trial_id, "month3")
        ]


def test_a_dispatched_call_reaches_the_new_pwp_who_can_close_it(
    client, open_month3, pwp_a, new_pwp
):
    participant, follow_up = open_month3
    Reminder.objects.filter(follow_up=follow_up).exclude(kind=ReminderKind.ESCALATION).delete()
    Reminder.objects.filter(follow_up=follow_up).update(
        due_at=timezone.now() - timedelta(minutes=1)
    )
    assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "sent": 1}
    task = Reminder.objects.get(follow_up=follow_up, kind=ReminderKind.ESCALATION)
    assert task.assigned_to == pwp_a and _sees(pwp_a, task)

    participant.assigned_pwp = new_pwp
    participant.save()
    assert _sees(new_pwp, task) and not _sees(pwp_a, task)
    client.force_login(new_pwp)
    response = client.post(reverse("reminders:task-done", args=[follow_up.public_id]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_by == new_pwp
    assert not _sees(new_pwp, task)
