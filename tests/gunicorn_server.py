"""A real gunicorn (config/gunicorn.conf.py, production settings) for tests that need one."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"
PRODUCTION_KEY = "a-long-random-production-key-for-this-test-only-0123456789"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, headers: dict | None = None) -> http.client.HTTPResponse:
    """GET `path` from the server; the body is read and kept on `.body`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


@dataclass
class Gunicorn:
    """One gunicorn process; `start()` returns once /healthz answers."""

    database_url: str
    extra_env: dict = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    stdout: str = ""
    stderr: str = ""

    def start(self) -> "Gunicorn":
        """Start it and wait (with a deadline) until it answers."""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DJANGO_SECRET_KEY": PRODUCTION_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "False",
            "DATABASE_URL": self.database_url,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "1",
            "LOG_FORMAT": "json",
            # The test settings' key: rows the test wrote are read by the server.
            "QUITPILOT_FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
            **self.extra_env,
        }
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", "config/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        pause = threading.Event()
        while True:  # poll until it answers, with a deadline
            try:
                if get(self.port, "/healthz").status == 200:
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise
                pause.wait(0.1)

    def stop(self) -> None:
        """SIGTERM and collect what it wrote."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        out, err = self.process.communicate(timeout=60)
        self.stdout += out
        self.stderr += err
