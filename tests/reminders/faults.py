"""Support for the fault tests: throwaway Redis and PostgreSQL servers of the test's own, real
Celery worker processes, the slow SMTP-like backend's mail log, and polling with a deadline.

Nothing here touches the machine's shared PostgreSQL or Redis servers: a service the test
stops, restarts or freezes is always one it started itself, on a free port, in a temp dir.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from apps.reminders.models import FollowUp, FollowUpStatus, Reminder, ReminderChannel, ReminderKind
from tests.reminders.helpers import participant_with_open_month3

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "qp-faults"
EMAIL_KINDS = (ReminderKind.INVITATION, ReminderKind.REMINDER_1, ReminderKind.REMINDER_2)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable, *, timeout: float, what: str, tick: Callable | None = None):
    """Poll `condition` until it returns something true, calling `tick` between polls."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}")
        if tick is not None:
            tick()
        pause.wait(0.02)


def seed_email_reminders(site, pwp, *, participants: int) -> list[int]:
    """Participants with their follow-up windows open (two each: no quit date yet, so no 4-week
    check) and three emails due in each."""
    due = timezone.now() - timedelta(minutes=1)
    rows = []
    for _ in range(participants):
        participant, month3 = participant_with_open_month3(site, pwp)
        FollowUp.objects.filter(participant=participant).update(
            opens_on=month3.opens_on,
            due_on=month3.due_on,
            closes_on=month3.closes_on,
            status=FollowUpStatus.OPEN,
        )
        Reminder.objects.filter(participant=participant).delete()
        rows += [
            Reminder(
                participant=participant,
                follow_up=follow_up,
                kind=kind,
                channel=ReminderChannel.EMAIL,
                due_at=due,
            )
            for follow_up in participant.follow_ups.all()
            for kind in EMAIL_KINDS
        ]
    return [row.pk for row in Reminder.objects.bulk_create(rows)]


@dataclass
class MailLog:
    """What the slow SMTP-like backend recorded: `begin`, `accepted` and `holding` lines."""

    path: Path
    hold_path: Path

    def lines(self) -> list[tuple[str, int]]:
        """(event, reminder id) for every record so far."""
        if not self.path.exists():
            return []
        records = []
        for line in self.path.read_text().splitlines():
            event, reminder_id, _pid = line.split()
            records.append((event, int(reminder_id)))
        return records

    def count(self, event: str) -> Counter:
        """Records of one event, per reminder id."""
        return Counter(rid for name, rid in self.lines() if name == event)

    def hold(self, point: str) -> None:
        """Make the next message wait at `point` ('before' or 'after' it is accepted)."""
        self.hold_path.write_text(point)

    def release(self) -> None:
        """Let a held message go on."""
        self.hold_path.unlink(missing_ok=True)


@dataclass
class RedisServer:
    """A redis-server of the test's own, which it may restart or freeze."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The URL workers use for broker and results."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start (or start again on the same port) and wait until it answers."""
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=10, what="redis-server to answer")

    def answers(self) -> bool:
        """Whether it answers PING."""
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def client(self):
        """A client that gives up quickly (the server may be frozen)."""
        import redis

        return redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)

    def stop(self) -> None:
        """Kill it (no persistence: what it held is gone, as after a crash)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def freeze(self) -> None:
        """SIGSTOP: it keeps its sockets open and answers nothing (a hung Redis)."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT: it answers again."""
        self.process.send_signal(signal.SIGCONT)


@dataclass
class PostgresServer:
    """A throwaway PostgreSQL cluster (initdb + pg_ctl) in a temp dir on a free port.

    PostgreSQL refuses to run as root; there the cluster belongs to the `postgres` OS user.
    """

    directory: Path | None = None
    port: int = field(default_factory=free_port)

    @staticmethod
    def binaries() -> Path:
        """The directory of initdb and pg_ctl."""
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        assert found, "the fault tests need PostgreSQL's initdb and pg_ctl"
        return found[-1].parent

    def url(self, database: str) -> str:
        """A DATABASE_URL for one of its databases."""
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, as_owner: bool = False) -> None:
        if as_owner and os.geteuid() == 0:
            args = ("runuser", "-u", "postgres", "--", *args)
        subprocess.run(args, check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        """initdb (trust auth, no fsync: it is thrown away) and start."""
        self.directory = Path(tempfile.mkdtemp(prefix="qp-fault-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            str(self.binaries() / "initdb"),
            "-D",
            str(self.directory / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            as_owner=True,
        )
        self.start()

    def _pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off -k {self.directory}"
        self._run(
            str(self.binaries() / "pg_ctl"),
            "-D",
            str(self.directory / "data"),
            "-w",
            "-t",
            "30",
            "-l",
            str(self.directory / "server.log"),
            "-o",
            options,
            *args,
            as_owner=True,
        )

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        self._pg_ctl("start")

    def restart(self) -> None:
        """Stop at once (every connection dropped, as in a crash) and start again."""
        self._pg_ctl("-m", "immediate", "restart")

    def halt(self) -> None:
        """Stop at once, as in a crash, keeping the cluster to start again."""
        self._pg_ctl("-m", "immediate", "stop")

    def stop(self) -> None:
        """Stop at once (if it runs) and remove the cluster."""
        if self.directory is None:
            return
        try:
            self._pg_ctl("-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass  # already stopped (halted by the test)
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def copy_database(self, source: dict, name: str) -> None:
        """Create `name` here as a copy (schema and rows) of the source database."""
        bin_dir = self.binaries()
        env = {**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""}
        self._run(
            str(bin_dir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            name,
        )
        dump = subprocess.run(
            [
                str(bin_dir / "pg_dump"),
                "-Fc",
                "-h",
                source["HOST"] or "127.0.0.1",
                "-p",
                str(source["PORT"] or 5432),
                "-U",
                source["USER"],
                source["NAME"],
            ],
            check=True,
            capture_output=True,
            env=env,
            timeout=60,
        )
        subprocess.run(
            [
                str(bin_dir / "pg_restore"),
                "--no-owner",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                name,
            ],
            input=dump.stdout,
            check=True,
            capture_output=True,
            timeout=60,
        )

    def query(self, database: str, sql: str) -> list[tuple]:
        """Rows of one query against one of its databases."""
        import psycopg

        with psycopg.connect(self.url(database)) as conn:
            return conn.execute(sql).fetchall()


class Worker:
    """A real `celery -A config worker` process (solo pool) on the test's own broker."""

    def __init__(self, *, database_url: str, redis_url: str, mail: MailLog, logs: Path) -> None:
        self.env = {key: value for key, value in os.environ.items() if key != "PYTEST_XDIST_WORKER"}
        self.env.update(
            DJANGO_SETTINGS_MODULE="tests.reminders.fault_settings",
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            QP_FAULT_REDIS_URL=redis_url,
            QP_FAULT_MAIL_LOG=str(mail.path),
            QP_FAULT_HOLD=str(mail.hold_path),
        )
        self.logs = logs
        self.redis_url = redis_url
        self.process: subprocess.Popen | None = None
        self.started = 0

    def start(self) -> None:
        """Start one worker process (in its own process group, so a kill takes all of it)."""
        self.started += 1
        log = open(self.logs / f"worker-{self.started}.log", "w")  # noqa: SIM115 - child owns it
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-Q",
                QUEUE,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
                "-n",
                f"faults-{self.started}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def kill(self) -> None:
        """SIGKILL: no cleanup, no goodbye to the broker or the database."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        """Kill it if it still runs (end of test)."""
        if self.process is not None and self.process.poll() is None:
            self.kill()

    def log_text(self) -> str:
        """Everything the workers printed (for a failing assertion's message)."""
        return "\n".join(p.read_text() for p in sorted(self.logs.glob("worker-*.log")))


class Beat:
    """Stands in for celery beat: queues a dispatch whenever none is waiting."""

    def __init__(self, redis: RedisServer) -> None:
        from celery import Celery

        self.redis = redis
        self.app = Celery("qp-faults", broker=redis.url)
        self.app.conf.broker_transport_options = {"socket_timeout": 1}
        self.app.conf.broker_connection_timeout = 1

    def tick(self) -> None:
        """Queue one dispatch run unless one is already waiting in the queue."""
        import redis

        try:
            if self.redis.client().llen(QUEUE) == 0:
                self.app.send_task(
                    "apps.reminders.tasks.dispatch_due_reminders", queue=QUEUE, retry=False
                )
        except (redis.RedisError, OSError):
            pass  # the broker is down: the next tick tries again, as beat would
