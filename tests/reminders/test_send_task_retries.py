"""Every task that sends (reminders, safety alerts and their escalations, serious adverse events)
retries on database errors, so a PostgreSQL restart delays a message but never loses it."""

import pytest
from django.db import InterfaceError, OperationalError

from apps.outcomes import tasks as outcome_tasks
from apps.reminders import tasks as reminder_tasks
from apps.safety import tasks as safety_tasks


def _fails_once(error: Exception, result):
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args or kwargs)
        if len(calls) == 1:
            raise error
        return result

    return flaky, calls


class _Report:
    outcomes: dict = {}

    def as_dict(self):
        return {"claimed": 0}


CASES = [
    (
        reminder_tasks.dispatch_due_reminders,
        (),
        "apps.reminders.dispatch.dispatch_due_reminders",
        _Report(),
    ),
    (
        reminder_tasks.refresh_follow_up_statuses,
        (),
        "apps.reminders.services.refresh_follow_up_statuses",
        0,
    ),
    (outcome_tasks.notify_safety_alert, (7,), "apps.outcomes.tasks.send_safety_alert_email", 2),
    (outcome_tasks.requeue_unnotified_alerts, (), "apps.outcomes.tasks.unnotified_alert_ids", []),
    (
        outcome_tasks.escalate_unacknowledged_alerts,
        (),
        "apps.outcomes.tasks.escalate_due_alerts",
        _Report(),
    ),
    (safety_tasks.notify_serious_adverse_event, (7,), "apps.safety.tasks.send_sae_email", 3),
    (
        safety_tasks.requeue_unnotified_serious_events,
        (),
        "apps.safety.tasks.unnotified_serious_event_ids",
        [],
    ),
]


@pytest.mark.parametrize(
    "error",
    [OperationalError("server closed the connection"), InterfaceError("connection already closed")],
)
@pytest.mark.parametrize(
    ("task", "args", "target", "result"),
    CASES,
    ids=[case[0].name.rsplit(".", 1)[-1] for case in CASES],
)
def test_a_send_task_retries_after_a_database_error(monkeypatch, task, args, target, result, error):
    flaky, calls = _fails_once(error, result)
    monkeypatch.setattr(target, flaky)

    outcome = task.apply(args=args)

    assert outcome.successful(), outcome.traceback
    assert len(calls) == 2  # the first call failed on the database, the retry ran it again


def test_send_tasks_back_off_between_database_retries():
    for task, *_ in CASES:
        assert set(task.autoretry_for) == {OperationalError, InterfaceError}, task.name
        assert task.retry_backoff and task.max_retries >= 5, task.name
