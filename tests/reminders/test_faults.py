"""Faults during dispatch, on real services: zero reminders lost, zero sent twice.

A real `celery -A config worker` process sends email through an SMTP-like backend that pauses
around accepting each message and records each one durably (tests/reminders/slow_smtp.py).
Meanwhile the worker is SIGKILLed, its PostgreSQL restarted, its Redis restarted or frozen.
Every reminder must end sent (recorded by the backend exactly once) or flagged "delivery
uncertain" for staff (recorded at most once, never resent); uncertain ones are counted on the
caseload.

The services stopped here are the test's own (tests/reminders/faults.py): the worker's broker is
a redis-server the test started; for the PostgreSQL restart the rows are copied into a throwaway
cluster the test made with initdb. The test never sleeps: it waits on the backend's records and
the database with a deadline.
"""

import json
import re
from collections import Counter

import pytest
from django.db import connection
from django.template import Context, Template

from apps.reminders.models import Reminder, ReminderStatus
from apps.reminders.selectors import open_tasks_for
from tests.reminders.faults import (
    Beat,
    MailLog,
    PostgresServer,
    RedisServer,
    Worker,
    seed_email_reminders,
    wait_for,
)

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

TERMINAL = {ReminderStatus.SENT, ReminderStatus.UNCERTAIN}
DEADLINE = 90


def _database_url(settings_dict: dict, name: str | None = None) -> str:
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    name = name or settings_dict["NAME"]
    return f"postgres://{settings_dict['USER']}{password}@{host}:{port}/{name}"


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(directory=tmp_path)
    server.start()
    yield server
    if server.process is not None and server.process.poll() is None:
        server.thaw()  # a frozen server ignores every signal but SIGKILL and SIGCONT
    server.stop()


@pytest.fixture
def mail(tmp_path):
    return MailLog(path=tmp_path / "mail.log", hold_path=tmp_path / "hold")


def _statuses_in_test_db(ids) -> Counter:
    return Counter(Reminder.objects.filter(pk__in=ids).values_list("status", flat=True))


def _assert_each_sent_once(mail: MailLog, statuses: dict[int, str], held: list[int]) -> None:
    """Zero lost, zero sent twice, and exactly the held (interrupted) rows are uncertain."""
    begun, accepted = mail.count("begin"), mail.count("accepted")
    assert set(statuses.values()) <= TERMINAL, Counter(statuses.values())
    twice = {rid: n for rid, n in begun.items() if n > 1}
    assert twice == {}, f"handed to SMTP more than once: {twice}"
    sent = {rid for rid, status in statuses.items() if status == ReminderStatus.SENT}
    assert all(accepted[rid] == 1 for rid in sent)  # "sent" means the server has it, once
    uncertain = {rid for rid, status in statuses.items() if status == ReminderStatus.UNCERTAIN}
    assert uncertain == set(held)


def test_worker_sigkilled_three_times_mid_send_loses_none_and_sends_none_twice(
    tmp_path, redis_server, mail, site_a, pwp_a
):
    ids = seed_email_reminders(site_a, pwp_a, participants=30)
    assert len(ids) == 180
    worker = Worker(
        database_url=_database_url(connection.settings_dict),
        redis_url=redis_server.url,
        mail=mail,
        logs=tmp_path,
    )
    beat = Beat(redis_server)
    held = []
    try:
        # Killed after the server accepted the message, before it; then after again.
        for threshold, point in ((25, "after"), (75, "before"), (125, "after")):
            worker.start()
            wait_for(
                lambda n=threshold: sum(mail.count("accepted").values()) >= n,
                timeout=DEADLINE,
                what=f"{threshold} messages accepted",
                tick=beat.tick,
            )
            holding = len(held)
            mail.hold(point)
            wait_for(
                lambda h=holding: len(mail.count("holding")) > h,
                timeout=DEADLINE,
                what="a message held",
                tick=beat.tick,
            )
            worker.kill()
            (new,) = set(mail.count("holding")) - set(held)
            held.append(new)
            mail.release()
        worker.start()
        wait_for(
            lambda: set(_statuses_in_test_db(ids)) <= TERMINAL,
            timeout=DEADLINE,
            what="every reminder sent or flagged",
            tick=beat.tick,
        )
        records_before = len(mail.lines())
        # Another beat tick, long after: nothing is left to send and nothing is resent.
        beat.tick()
        wait_for(lambda: redis_server.client().llen("qp-faults") == 0, timeout=30, what="idle")
    finally:
        worker.stop()
        mail.release()

    statuses = dict(Reminder.objects.filter(pk__in=ids).values_list("id", "status"))
    _assert_each_sent_once(mail, statuses, held)
    accepted = mail.count("accepted")
    assert [accepted[rid] for rid in held] == [1, 0, 1]  # killed after, before, after the accept
    assert Counter(statuses.values()) == {"sent": 177, "uncertain": 3}
    # Flagged and counted: a task for the participant's PWP, with the number on the caseload.
    flagged = list(open_tasks_for(pwp_a))
    assert sorted(r.pk for r in flagged) == sorted(held)
    html = Template("{% load reminders_tags %}{% my_tasks %}").render(
        Context({"user": pwp_a, "csrf_token": "t"})
    )
    assert '<span class="badge text-bg-warning">3</span>' in html
    assert len(mail.lines()) == records_before  # none resent
    print(
        json.dumps(
            {
                "fault": "sigkill",
                "reminders": len(ids),
                "kills": 3,
                "sent_once": 177,
                "uncertain": 3,
            }
        )
    )


def test_postgres_restart_mid_dispatch_loses_none_and_sends_none_twice(
    tmp_path, redis_server, mail, site_a, pwp_a
):
    ids = seed_email_reminders(site_a, pwp_a, participants=15)
    postgres = PostgresServer()
    try:
        postgres.init()
        postgres.copy_database(connection.settings_dict, "qp_fault")
        worker = Worker(
            database_url=postgres.url("qp_fault"),
            redis_url=redis_server.url,
            mail=mail,
            logs=tmp_path,
        )
        beat = Beat(redis_server)
        id_list = ",".join(map(str, ids))

        def statuses() -> dict[int, str]:
            try:
                rows = postgres.query(
                    "qp_fault", f"SELECT id, status FROM reminders_reminder WHERE id IN ({id_list})"
                )
            except Exception:  # noqa: BLE001 - the server is restarting: ask again
                return {}
            return dict(rows)

        try:
            worker.start()
            wait_for(
                lambda: sum(mail.count("accepted").values()) >= 20,
                timeout=DEADLINE,
                what="20 messages accepted",
                tick=beat.tick,
            )
            mail.hold("after")
            wait_for(
                lambda: mail.count("holding"),
                timeout=DEADLINE,
                what="a message held",
                tick=beat.tick,
            )
            # The server has the message; the database goes away before the outcome is written.
            postgres.restart()
            (held,) = mail.count("holding")
            mail.release()
            wait_for(
                lambda: sum(mail.count("accepted").values()) >= 50,
                timeout=DEADLINE,
                what="sending to go on after the restart",
                tick=beat.tick,
            )
            postgres.restart()  # and once more wherever the worker happens to be
            wait_for(
                lambda: (s := statuses()) and set(s.values()) <= TERMINAL,
                timeout=DEADLINE,
                what="every reminder sent or flagged",
                tick=beat.tick,
            )
        finally:
            worker.stop()
            mail.release()
        final = statuses()
        log = worker.log_text()
    finally:
        postgres.stop()
    assert re.search(r"OperationalError|InterfaceError|terminating connection", log), log[-3000:]
    uncertain = [rid for rid, status in final.items() if status == ReminderStatus.UNCERTAIN]
    assert held in uncertain
    # The unheld restart may also catch one send between the server's accept and the record.
    _assert_each_sent_once(mail, final, uncertain)
    assert len(uncertain) <= 2
    print(
        json.dumps(
            {
                "fault": "postgres-restart",
                "reminders": len(ids),
                "restarts": 2,
                "sent_once": len(ids) - len(uncertain),
                "uncertain": len(uncertain),
            }
        )
    )


def test_redis_restart_and_hang_mid_dispatch_lose_none_and_send_none_twice(
    tmp_path, redis_server, mail, site_a, pwp_a
):
    """The database is the outbox: a broker that vanishes or hangs delays nothing in flight."""
    ids = seed_email_reminders(site_a, pwp_a, participants=15)
    worker = Worker(
        database_url=_database_url(connection.settings_dict),
        redis_url=redis_server.url,
        mail=mail,
        logs=tmp_path,
    )
    beat = Beat(redis_server)
    try:
        worker.start()
        wait_for(
            lambda: sum(mail.count("accepted").values()) >= 15,
            timeout=DEADLINE,
            what="15 messages accepted",
            tick=beat.tick,
        )
        # Restart: Redis dies (losing every queued and unacknowledged task) and comes back.
        mail.hold("after")
        wait_for(lambda: mail.count("holding"), timeout=DEADLINE, what="a message held")
        redis_server.stop()
        mail.release()
        redis_server.start()
        wait_for(
            lambda: sum(mail.count("accepted").values()) >= 45,
            timeout=DEADLINE,
            what="sending to go on after the Redis restart",
            tick=beat.tick,
        )
        # Hang: Redis stops answering while a send is in flight; the run goes on to the end.
        mail.hold("before")
        wait_for(
            lambda: len(mail.count("holding")) == 2,
            timeout=DEADLINE,
            what="a second message held",
            tick=beat.tick,
        )
        redis_server.freeze()
        mail.release()
        progress = sum(mail.count("accepted").values())
        wait_for(
            lambda: sum(mail.count("accepted").values()) > progress + 5,
            timeout=DEADLINE,
            what="sending to go on while Redis hangs",
        )
        redis_server.thaw()
        wait_for(
            lambda: set(_statuses_in_test_db(ids)) <= TERMINAL,
            timeout=DEADLINE,
            what="every reminder sent",
            tick=beat.tick,
        )
    finally:
        worker.stop()
        mail.release()
    statuses = dict(Reminder.objects.filter(pk__in=ids).values_list("id", "status"))
    _assert_each_sent_once(mail, statuses, held=[])
    assert Counter(statuses.values()) == {"sent": len(ids)}
    print(
        json.dumps(
            {
                "fault": "redis-restart-and-hang",
                "reminders": len(ids),
                "sent_once": len(ids),
                "uncertain": 0,
            }
        )
    )
