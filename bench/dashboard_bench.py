"""Dashboard benchmark: snapshot build time, then page latency and throughput under gunicorn.

The page is compared with a minimal Django JSON view (/health/: one `SELECT 1`) served by the
same gunicorn, measured in the same run, with the same bounded load loop from this machine.
Needs a database seeded by `seed_demo --scale N` (bench/run.py prepares one).

    python bench/dashboard_bench.py        (DATABASE_URL must name the seeded database)

`run()` returns a dict for bench/run.py.
"""

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
SEQUENTIAL_REQUESTS = 300
CONCURRENT_REQUESTS = 500
CONCURRENCY = 4
ROUNDS = 3
# A minimal signed-in JSON view: the same middleware (session read and idle-timeout save) as the
# dashboard, two one-row queries.
STATUS_PATH = "/dashboard/refresh/status/"
WORKERS = 2
COLD_SITES = 5


def _setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def build_snapshot_timed() -> dict:
    """Build one snapshot in this process as the Celery task does, timing the build."""
    from apps.dashboards.snapshots import build_snapshot

    started = time.perf_counter()
    snapshot = build_snapshot()
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "document_bytes": len(json.dumps(snapshot.data)),
        "participant_cells": len(snapshot.data["participants"]["rows"]),
    }


def pilot_size() -> dict:
    """How big the seeded pilot is."""
    from apps.cessation.models import CessationSession
    from apps.outcomes.models import COReading, GAD7Response, PHQ9Response, SmokingStatusReport
    from apps.patients.models import Participant
    from apps.sites.models import Site

    measures = sum(
        m.objects.count() for m in (PHQ9Response, GAD7Response, SmokingStatusReport, COReading)
    )
    return {
        "sites": Site.objects.count(),
        "participants": Participant.objects.count(),
        "sessions": CessationSession.objects.count(),
        "measures": measures,
    }


def _session_cookie() -> str:
    """A signed-in trial manager's session, created directly (no login form, no lockout)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from apps.accounts.models import User
    from apps.core.roles import Role

    user = User.objects.filter(role=Role.TRIAL_MANAGER, is_active=True).order_by("id").first()
    if user is None:
        user = User.objects.create_user("bench.manager@nhs.test", None, role=Role.TRIAL_MANAGER)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["quitpilot_session_started"] = time.time()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(port: int) -> subprocess.Popen:
    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        # The session cookie below is signed in this process: the server must share the key.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CACHE_KEY_PREFIX": os.environ["CACHE_KEY_PREFIX"],
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(port, "/health/", "")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    _stop(process)
    raise RuntimeError("gunicorn did not answer /health/ within 60 s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _get(port: int, path: str, cookie: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        conn.close()


def _timed(port: int, path: str, cookie: str) -> float:
    started = time.perf_counter()
    status, size = _get(port, path, cookie)
    elapsed = time.perf_counter() - started
    if status != 200 or size == 0:
        raise RuntimeError(f"GET {path} answered {status} ({size} bytes)")
    return elapsed


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def _summary(latencies: list[float]) -> dict:
    ms = [1000 * v for v in latencies]
    return {
        "requests": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(_percentile(ms, 95), 1),
        "p99_ms": round(_percentile(ms, 99), 1),
        "max_ms": round(max(ms), 1),
    }


def sequential(port: int, path: str, cookie: str, count: int) -> dict:
    """One request after another: the latency one user sees."""
    return _summary([_timed(port, path, cookie) for _ in range(count)])


def concurrent(port: int, path: str, cookie: str, count: int, concurrency: int) -> dict:
    """`count` requests from `concurrency` threads: throughput (requests per second)."""
    latencies: list[float] = []
    errors: list[Exception] = []
    remaining = [count]
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            try:
                elapsed = _timed(port, path, cookie)
            except Exception as exc:  # noqa: BLE001 - reported below, the run is stopped
                errors.append(exc)
                return
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{path}: {errors[0]}")
    return {**_summary(latencies), "per_second": round(len(latencies) / wall, 1)}


def run() -> dict:
    """Build a snapshot, serve the app with gunicorn and measure the dashboard and /health/."""
    # A cache of its own, so no figures rendered by an earlier run are reused.
    os.environ["CACHE_KEY_PREFIX"] = f"bench-dashboards-{int(time.time())}"
    _setup_django()
    from django.db import connection

    from apps.sites.models import Site

    result: dict = {"pilot": pilot_size(), "snapshot": build_snapshot_timed()}
    cookie = _session_cookie()
    codes = list(Site.objects.order_by("code").values_list("code", flat=True)[:COLD_SITES])
    connection.close()
    port = _free_port()
    server = _start_gunicorn(port)
    try:
        # The first view of a new snapshot in a fresh server: it renders the figures.
        result["cold_first_view_ms"] = round(1000 * _timed(port, "/dashboard/", cookie), 1)
        result["cold_site_filter_ms"] = [
            round(1000 * _timed(port, f"/dashboard/?site={code}", cookie), 1) for code in codes
        ]
        for _ in range(2 * WORKERS * 5):  # warm up every worker (imports, connections)
            _timed(port, "/dashboard/", cookie)
            _timed(port, "/health/", "")
        result["dashboard_sequential"] = sequential(
            port, "/dashboard/", cookie, SEQUENTIAL_REQUESTS
        )
        result["health_sequential"] = sequential(port, "/health/", "", SEQUENTIAL_REQUESTS)
        result["status_sequential"] = sequential(port, STATUS_PATH, cookie, SEQUENTIAL_REQUESTS)
        # Interleaved rounds, so a burst of load from elsewhere hits every target alike.
        rounds: dict[str, list[dict]] = {"health": [], "status": [], "dashboard": []}
        for _ in range(ROUNDS):
            for name, path, session in (
                ("health", "/health/", ""),
                ("status", STATUS_PATH, cookie),
                ("dashboard", "/dashboard/", cookie),
            ):
                rounds[name].append(
                    concurrent(port, path, session, CONCURRENT_REQUESTS, CONCURRENCY)
                )
        result["rounds"] = rounds
        median = {
            name: statistics.median(r["per_second"] for r in runs) for name, runs in rounds.items()
        }
        result["per_second"] = median
        result["dashboard_concurrent"] = min(
            rounds["dashboard"], key=lambda r: abs(r["per_second"] - median["dashboard"])
        )
        result["throughput_ratio"] = round(median["dashboard"] / median["health"], 2)
        result["throughput_ratio_signed_in"] = round(median["dashboard"] / median["status"], 2)
        result["page_bytes"] = _get(port, "/dashboard/", cookie)[1]
        result["consort_png_ms"] = round(1000 * _timed(port, "/dashboard/consort.png", cookie), 1)
        result["table_csv_ms"] = round(
            1000 * _timed(port, "/dashboard/data/fidelity_pwps.csv", cookie), 1
        )
    finally:
        _stop(server)
    result["server"] = f"gunicorn, {WORKERS} sync workers, config.settings.prod, 127.0.0.1"
    result["load"] = (
        f"{SEQUENTIAL_REQUESTS} sequential requests per view; then {ROUNDS} interleaved rounds "
        f"of {CONCURRENT_REQUESTS} requests per view from {CONCURRENCY} client threads (new "
        "connection each, same machine), median round reported"
    )
    # The throughput ratios are reported, not targets: the page is plain Django on purpose
    # (docs/decisions.md, "Dashboard caching").
    result["targets"] = {
        "page_p95_under_150ms": result["dashboard_sequential"]["p95_ms"] < 150,
        "snapshot_under_30s": result["snapshot"]["seconds"] < 30,
    }
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
