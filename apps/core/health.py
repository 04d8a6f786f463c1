"""Readiness checks for /readyz and /health/: each dependency answers within a deadline or fails.

Each check runs in a thread of its own and is given CHECK_TIMEOUT_SECONDS: a hung dependency
makes its check fail, never the whole probe hang. A check that overruns keeps its thread until
its own socket timeout ends it (the database's connect_timeout, Redis's socket timeouts).
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from celery import current_app
from django.conf import settings
from django.db import connection, connections

from apps.core.heartbeat import BEAT_FRESH_FOR, heartbeat_age

logger = logging.getLogger(__name__)
CHECK_TIMEOUT_SECONDS = 1.0


@dataclass(frozen=True)
class CheckResult:
    """One dependency's answer: ok, or the reason it is not."""

    ok: bool
    detail: str = ""

    def as_dict(self) -> dict:
        """The result as JSON for the probe's body."""
        return {"ok": self.ok, **({"detail": self.detail} if self.detail else {})}


def check_database() -> CheckResult:
    """PostgreSQL answers SELECT 1."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return CheckResult(True)


def check_redis() -> CheckResult:
    """Redis answers PING, each socket wait under a second."""
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.REDIS_SOCKET_CONNECT_TIMEOUT,
        socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        retry=None,
    )
    try:
        client.ping()
    finally:
        client.close()
    return CheckResult(True)


def check_worker() -> CheckResult:
    """At least one Celery worker answers a ping through the broker."""
    replies = current_app.control.ping(timeout=CHECK_TIMEOUT_SECONDS * 0.8, limit=1)
    if not replies:
        return CheckResult(False, "no Celery worker answered a ping")
    return CheckResult(True)


def check_beat() -> CheckResult:
    """Celery beat wrote its heartbeat less than BEAT_FRESH_FOR ago."""
    age = heartbeat_age()
    if age is None:
        return CheckResult(False, "beat has never written a heartbeat")
    if age > BEAT_FRESH_FOR:
        return CheckResult(False, f"beat's last heartbeat was {int(age.total_seconds())} s ago")
    return CheckResult(True)


READINESS_CHECKS: dict[str, Callable[[], CheckResult]] = {
    "database": check_database,
    "redis": check_redis,
    "worker": check_worker,
    "beat": check_beat,
}


def _run(check: Callable[[], CheckResult], out: dict, name: str) -> None:
    try:
        out[name] = check()
    except Exception as exc:  # a probe reports any failure; it must not raise
        # The body names the error's type only: the probe is public, the message names hosts.
        logger.warning("Readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
        out[name] = CheckResult(False, type(exc).__name__)
    finally:
        connections.close_all()  # this thread's own connections, not the request's


def run_checks(
    checks: dict[str, Callable[[], CheckResult]], timeout: float = CHECK_TIMEOUT_SECONDS
) -> dict[str, CheckResult]:
    """Run the checks side by side; a check still running after `timeout` seconds has failed."""
    out: dict[str, CheckResult] = {}
    threads = {
        name: threading.Thread(target=_run, args=(check, out, name), daemon=True)
        for name, check in checks.items()
    }
    for thread in threads.values():
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads.values():
        thread.join(max(deadline - time.monotonic(), 0))
    return {
        name: out.get(name, CheckResult(False, f"no answer within {timeout:g} s"))
        for name in checks
    }
