"""Reminder dispatch benchmark: 10,000 due reminders, one real Celery worker, count duplicates.

Runs in a throwaway database (created and dropped here), so it never touches real data.
The email channel is the real Django one with the in-memory backend, so every message is built,
carries a fresh questionnaire link and is counted by its X-QuitPilot-Reminder header.

    python bench/reminders_bench.py [--count 10000]      (needs DATABASE_URL and REDIS_URL)

`run()` returns a dict for bench/run.py.
"""

import argparse
import json
import os
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_COUNT = 10_000
KINDS = ("invitation", "reminder_1")  # two due rows per follow-up
TIMEPOINTS = ("month3", "month6")  # two follow-ups per participant


def _setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _seed(count: int) -> int:
    """Insert `count` due email reminders for participants whose follow-up windows are open."""
    from django.db import transaction
    from django.utils import timezone

    from apps.reminders.models import Reminder
    from bench.seeding import seed_open_follow_ups

    per_participant = len(KINDS) * len(TIMEPOINTS)
    participants = -(-count // per_participant)
    now = timezone.now()
    with transaction.atomic():
        follow_ups = seed_open_follow_ups(code="BEN", count=participants, timepoints=TIMEPOINTS)
        rows = [
            Reminder(
                participant_id=fu.participant_id,
                follow_up=fu,
                channel="email",
                kind=kind,
                due_at=now - timedelta(minutes=5),
            )
            for fu in follow_ups
            for kind in KINDS
        ][:count]
        Reminder.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _dispatch_with_one_worker(count: int, timeout: float) -> float:
    from celery.contrib.testing.worker import start_worker

    from apps.reminders.models import Reminder
    from apps.reminders.tasks import dispatch_due_reminders
    from config.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        started = time.perf_counter()
        dispatch_due_reminders.delay()
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if not Reminder.objects.filter(status__in=["pending", "sending"]).exists():
                break
            time.sleep(0.25)
        elapsed = time.perf_counter() - started
    app.control.purge()
    return elapsed


def run(count: int = DEFAULT_COUNT, timeout: float = 1800.0) -> dict:
    """Seed `count` due reminders, dispatch them with one real worker; time and duplicates."""
    _setup_django()
    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.test.utils import override_settings

    from apps.reminders.models import Reminder

    original_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_reminders_{original_name}"
    connection.settings_dict["CONN_MAX_AGE"] = 0
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            NOTIFY_API_KEY="",
            REMINDER_CHANNEL_BACKENDS={},
            SITE_URL=getattr(settings, "SITE_URL", "http://127.0.0.1:8000"),
        ):
            mail.outbox = []
            seeded = _seed(count)
            elapsed = _dispatch_with_one_worker(seeded, timeout)
            statuses = Counter(Reminder.objects.values_list("status", flat=True))
            per_reminder = Counter(m.extra_headers["X-QuitPilot-Reminder"] for m in mail.outbox)
            duplicates = sum(n - 1 for n in per_reminder.values() if n > 1)
            references = Reminder.objects.filter(status="sent").values("provider_reference")
            distinct_references = references.distinct().count()
            result = {
                "reminders": seeded,
                "workers": 1,
                "seconds": round(elapsed, 2),
                "per_second": round(seeded / elapsed, 1) if elapsed else None,
                "sent": statuses.get("sent", 0),
                "not_sent": seeded - statuses.get("sent", 0),
                "emails": len(mail.outbox),
                "duplicates": duplicates,
                "distinct_provider_references": distinct_references,
            }
            mail.outbox = []
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [connection.settings_dict["NAME"]],
            )
        connection.creation.destroy_test_db(original_name, verbosity=0)
    return result


def main() -> None:
    """Command line: print the result as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    args = parser.parse_args()
    print(json.dumps(run(count=args.count), indent=2))


if __name__ == "__main__":
    main()
