"""Exactly-once delivery with a real Celery worker on the real Redis and the real PostgreSQL."""

import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from apps.reminders import dispatch
from apps.reminders import questionnaire_links as links
from apps.reminders.models import Reminder, ReminderKind, ReminderStatus
from apps.reminders.tasks import dispatch_due_reminders
from tests.reminders.helpers import only_due_invitation, participant_with_open_month3

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


def _run_task() -> dict:
    return dispatch_due_reminders.delay().get(timeout=TIMEOUT)


def test_due_reminder_is_sent_once_even_when_the_task_is_delivered_twice(
    celery_worker_real, recorder, site_a, pwp_a
):
    _, follow_up = participant_with_open_month3(site_a, pwp_a)
    reminder = only_due_invitation(follow_up)

    first = _run_task()
    second = _run_task()  # a redelivered or overlapping beat tick

    assert first == {"claimed": 1, "sent": 1}
    assert second == {"claimed": 0}
    assert recorder.sends_per_reminder() == {reminder.pk: 1}
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.provider_reference == "rec-1"


def _many_due_reminders(site, pwp, participants: int) -> list[int]:
    ids = []
    for _ in range(participants):
        _, follow_up = participant_with_open_month3(site, pwp)
        Reminder.objects.filter(follow_up=follow_up).update(
            due_at=timezone.now() - timedelta(minutes=1)
        )
        ids += list(Reminder.objects.filter(follow_up=follow_up).values_list("id", flat=True))
    return ids


def test_two_dispatchers_at_once_send_each_reminder_once(
    celery_worker_real, recorder, site_a, pwp_a, settings
):
    settings.REMINDER_BATCH_SIZE = 5  # many small claims
    recorder.meet_before_first_send(2)  # neither sends until both hold a claim
    ids = _many_due_reminders(site_a, pwp_a, participants=15)
    patient_ids = set(
        Reminder.objects.filter(id__in=ids)
        .exclude(kind=ReminderKind.ESCALATION)
        .values_list("id", flat=True)
    )
    start = threading.Barrier(2)
    reports = []

    def thread_dispatcher():
        try:
            start.wait()
            reports.append(dispatch.dispatch_due_reminders().as_dict())
        finally:
            connection.close()

    thread = threading.Thread(target=thread_dispatcher)
    thread.start()
    result = dispatch_due_reminders.delay()  # the real worker is the other dispatcher
    start.wait()
    worker_report = result.get(timeout=TIMEOUT)
    thread.join(TIMEOUT)

    claimed = worker_report["claimed"] + reports[0]["claimed"]
    assert claimed == len(ids)
    assert worker_report["claimed"] > 0 and reports[0]["claimed"] > 0, (worker_report, reports)
    assert recorder.sends_per_reminder() == dict.fromkeys(patient_ids, 1)
    assert set(Reminder.objects.filter(id__in=ids).values_list("status", flat=True)) == {"sent"}


def test_two_dispatcher_threads_send_each_reminder_once(recorder, site_a, pwp_a, settings):
    settings.REMINDER_BATCH_SIZE = 3
    recorder.meet_before_first_send(2)  # neither sends until both hold a claim
    ids = _many_due_reminders(site_a, pwp_a, participants=15)
    start = threading.Barrier(2)
    reports = []

    def run():
        try:
            start.wait()
            reports.append(dispatch.dispatch_due_reminders().as_dict())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)

    assert sum(report["claimed"] for report in reports) == len(ids)
    assert all(report["claimed"] > 0 for report in reports), reports
    counts = recorder.sends_per_reminder()
    assert set(counts.values()) == {1}
    assert len(counts) == len(ids) - 15  # every patient message once; 15 staff tasks


def _kill_a_worker_in_the_middle_of_sending(reminder_id: int) -> None:
    """Run a dispatcher in another process, and SIGKILL it while its provider call hangs."""
    database = {key: connection.settings_dict[key] for key in ("NAME", "USER", "HOST", "PORT")}
    database["PASSWORD"] = connection.settings_dict.get("PASSWORD", "")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "QP_TEST_DATABASE": json.dumps(database),
    }
    script = (
        "import json, os, django; django.setup()\n"
        "from django.db import connection\n"
        "connection.settings_dict.update(json.loads(os.environ['QP_TEST_DATABASE']))\n"
        "from django.conf import settings\n"
        "settings.REMINDER_CHANNEL_BACKENDS = "
        "{'email': 'tests.reminders.recording.BlockingChannel'}\n"
        "from apps.reminders.dispatch import dispatch_due_reminders\n"
        "dispatch_due_reminders()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = ""
        deadline = time.monotonic() + TIMEOUT
        while not line.startswith("SENDING") and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
        assert line.strip() == f"SENDING {reminder_id}", line
    finally:
        process.kill()  # SIGKILL: no cleanup, its transaction dies with the connection
        process.wait(TIMEOUT)


def test_worker_killed_between_claim_and_send_leads_to_exactly_one_send(
    celery_worker_real, recorder, site_a, pwp_a, settings
):
    _, follow_up = participant_with_open_month3(site_a, pwp_a)
    reminder = only_due_invitation(follow_up)

    _kill_a_worker_in_the_middle_of_sending(reminder.pk)

    reminder.refresh_from_db()
    # The attempt mark was committed before the provider call; the outcome never was.
    assert reminder.status == ReminderStatus.ATTEMPTING
    assert reminder.attempts == 1
    assert _run_task() == {"claimed": 0}  # still inside the lease: nobody steals it
    Reminder.objects.filter(pk=reminder.pk).update(lease_expires_at=timezone.now())
    # The provider (which, like Notify, can be asked) never got it: sent now, once.
    assert _run_task() == {"claimed": 1, "sent": 1}
    assert _run_task() == {"claimed": 0}
    assert recorder.sends_per_reminder() == {reminder.pk: 1}
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.attempts == 2


def test_claimed_then_abandoned_row_is_sent_once_after_recovery(
    celery_worker_real, recorder, site_a, pwp_a, settings
):
    _, follow_up = participant_with_open_month3(site_a, pwp_a)
    reminder = only_due_invitation(follow_up)
    abandoned = dispatch.claim_due_reminders()  # committed 'sending'; this caller never sends
    assert abandoned.reminder_ids == [reminder.pk]
    Reminder.objects.filter(pk=reminder.pk).update(lease_expires_at=timezone.now())

    assert _run_task() == {"claimed": 1, "sent": 1}
    assert dispatch.send_claimed(reminder.pk, abandoned.token) == dispatch.SKIPPED
    assert recorder.sends_per_reminder() == {reminder.pk: 1}


def test_questionnaire_completed_before_the_reminder_is_due_means_it_is_never_sent(
    celery_worker_real, recorder, client, site_a, pwp_a, settings
):
    settings.PATIENT_LINK_RATE_LIMIT = "1000/m"
    _, follow_up = participant_with_open_month3(site_a, pwp_a)
    Reminder.objects.filter(follow_up=follow_up).update(due_at=timezone.now() + timedelta(hours=1))
    _, token = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    answers = {
        "phq9": {f"item{i}": "0" for i in range(1, 10)},
        "gad7": {f"item{i}": "0" for i in range(1, 8)},
        "smoking": {
            "smoked_last_7_days": "no",
            "stopped_on": timezone.localdate().isoformat(),
            "quit_attempt": "yes",
            "uses_e_cigarette": "no",
            "uses_medication": "no",
        },
    }
    for page, data in answers.items():
        assert client.post(f"/q/{token}/{page}/", data).status_code == 302
    assert client.post(f"/q/{token}/check/").status_code == 302

    # The time comes: every row's send time is now past.
    Reminder.objects.filter(follow_up=follow_up).update(due_at=timezone.now() - timedelta(hours=1))
    assert _run_task() == {"claimed": 0}
    assert recorder.SENT == []
    assert set(follow_up.reminders.values_list("status", flat=True)) == {"cancelled"}
