"""Fixtures for dependency-outage tests: a hung TCP server and Redis pointed at a dead place.

A *refused* Redis is a closed port (connect fails at once); a *hung* Redis is a TCP server that
accepts every connection and never answers, the worst case: only socket timeouts end a call.
"""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from celery import current_app
from django.conf import settings
from django.test import override_settings

from apps.core import circuit

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"
# What one page may take with Redis down: a socket timeout or two, never a hang.
REQUEST_BUDGET_SECONDS = 1.5


class HungServer:
    """Accepts TCP connections on 127.0.0.1 and never sends a byte back."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        """Stop accepting and drop every held connection."""
        self._stopped.set()
        self._thread.join(2)
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.fixture
def hung_server() -> Iterator[HungServer]:
    server = HungServer()
    yield server
    server.close()


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point the Celery app's broker at `url` for the block (its pools rebuilt either side)."""
    app = current_app._get_current_object()
    old = app.conf.broker_url

    def repoint(to: str) -> None:
        app.conf.broker_url = to
        app._pool = None
        app.amqp._producer_pool = None

    repoint(url)
    try:
        yield
    finally:
        repoint(old)
        circuit.reset_all()


@contextmanager
def redis_at(url: str) -> Iterator[None]:
    """The cache and the broker both at `url` (Redis is both in QuitPilot)."""
    caches = {
        "default": {
            "BACKEND": "apps.core.cache.FailSoftRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "outage",
            "OPTIONS": settings.CACHES["default"]["OPTIONS"],
        }
    }
    with override_settings(CACHES=caches, REDIS_URL=url), celery_broker(url):
        yield


@pytest.fixture(params=["refused", "hung"])
def redis_outage(request, hung_server) -> Iterator[str]:
    """Redis refused, then hung: every test using this runs under both."""
    current_app.loader.import_default_modules()  # task registration is not part of the outage
    url = (
        CLOSED_PORT_URL if request.param == "refused" else f"redis://127.0.0.1:{hung_server.port}/0"
    )
    circuit.reset_all()
    with redis_at(url):
        yield request.param
    circuit.reset_all()


class Timed:
    """Times each call and keeps the slowest."""

    def __init__(self) -> None:
        self.slowest = 0.0

    def __call__(self, call, *args, **kwargs):
        started = time.monotonic()
        try:
            return call(*args, **kwargs)
        finally:
            self.slowest = max(self.slowest, time.monotonic() - started)
