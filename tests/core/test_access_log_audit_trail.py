"""Reminders, questionnaire links and export jobs are in the audit trail; "task done" and
"undelivered message seen" say who and when; none of it keeps a token or a message's text."""

import datetime as dt

import pghistory
import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.dashboards.models import ExportJob
from apps.reminders.models import (
    FollowUp,
    QuestionnaireLink,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
)
from apps.reminders.questionnaire_links import create_questionnaire_link
from apps.reminders.services import mark_task_done, mark_undelivered_seen

pytestmark = pytest.mark.django_db


def _link(follow_up, by):
    noon = timezone.make_aware(dt.datetime.combine(follow_up.due_on, dt.time(12)))
    with time_machine.travel(noon, tick=False):
        return create_questionnaire_link(follow_up=follow_up, created_by=by)


def _events(model, obj):
    return model.pgh_event_model.objects.filter(pgh_obj_id=obj.pk).order_by("pgh_id")


def _triggers_on(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        return {row[0].removeprefix("pgtrigger_").rsplit("_", 1)[0] for row in cursor.fetchall()}


@pytest.mark.parametrize(
    "model", [Reminder, QuestionnaireLink, ExportJob], ids=lambda m: m.__name__
)
def test_the_outbox_links_and_exports_have_append_only_audit_tables(model):
    assert {"insert_insert", "update_update", "delete_delete"} <= _triggers_on(model._meta.db_table)
    assert "append_only" in _triggers_on(model.pgh_event_model._meta.db_table)


def test_no_secret_or_message_text_is_copied_into_the_audit_tables():
    reminder_columns = {f.name for f in Reminder.pgh_event_model._meta.fields}
    assert not {"claim_token", "last_error", "provider_reference", "claimed_at"} & reminder_columns
    link_columns = {f.name for f in QuestionnaireLink.pgh_event_model._meta.fields}
    assert not {"token_hash", "draft_answers"} & link_columns


def test_task_done_is_recorded_with_who_and_when(participant_a, pwp_a):
    follow_up = FollowUp.objects.get(participant=participant_a, timepoint="month3")
    task = Reminder.objects.get(follow_up=follow_up, kind=ReminderKind.ESCALATION)
    Reminder.objects.filter(pk=task.pk).update(status=ReminderStatus.SENT, sent_at=timezone.now())
    with pghistory.context(user=pwp_a.pk, url="/follow-ups/x/task-done/"):
        mark_task_done(follow_up=follow_up, by=pwp_a)
    done = _events(Reminder, task).last()
    assert done.pgh_label == "update"
    assert done.done_by_id == pwp_a.pk and done.done_at is not None
    assert done.pgh_context.metadata == {"user": pwp_a.pk, "url": "/follow-ups/x/task-done/"}


def test_undelivered_message_seen_is_recorded(participant_a, pwp_a):
    follow_up = FollowUp.objects.get(participant=participant_a, timepoint="month3")
    failed = Reminder.objects.create(
        participant=participant_a,
        follow_up=follow_up,
        kind=ReminderKind.MANUAL,
        channel=ReminderChannel.SMS,
        due_at=timezone.now(),
        status=ReminderStatus.FAILED,
        last_error="number barred",
    )
    with pghistory.context(user=pwp_a.pk, url="/follow-ups/x/undelivered-seen/"):
        assert mark_undelivered_seen(follow_up=follow_up, reminder_ids=[failed.pk], by=pwp_a) == 1
    seen = _events(Reminder, failed).last()
    assert (seen.pgh_label, seen.done_by_id) == ("update", pwp_a.pk)
    assert seen.pgh_context.metadata["user"] == pwp_a.pk


def test_a_questionnaire_link_is_recorded_without_its_token(participant_a, pwp_a):
    follow_up = FollowUp.objects.get(participant=participant_a, timepoint="month3")
    link, raw_token = _link(follow_up, pwp_a)
    created = _events(QuestionnaireLink, link).get()
    assert created.pgh_label == "insert" and created.created_by_id == pwp_a.pk
    assert raw_token not in str(created.__dict__) and link.token_hash not in str(created.__dict__)


def test_reminders_and_links_appear_on_the_participant_history(
    client, trial_manager, participant_a, pwp_a
):
    _link(FollowUp.objects.get(participant=participant_a, timepoint="month3"), pwp_a)
    client.force_login(trial_manager)
    response = client.get(reverse("participant-history", args=[participant_a.public_id]))
    records = {e.record for e in response.context["entries"]}
    assert {"Reminder", "Questionnaire link"} <= records
