"""Dashboard benchmark: snapshot build time and peak memory, then page latency under gunicorn.

The snapshot is built by `build_snapshot()` in a fresh Python process (as a Celery worker would),
which reports its wall time and peak resident memory (ru_maxrss: the whole process). Then one
gunicorn serves the app and every page is fetched over HTTP from this machine: the dashboard with
an empty figures cache (the cache is cleared before each request, outside the timing) and from
the cache, the participant page (/participants/<public_id>/) across many participants, and a
minimal Django JSON view (/health/: one `SELECT 1`) for the throughput comparison.
Needs a database seeded by `seed_demo --scale N` (bench/run.py prepares one).

    python bench/dashboard_bench.py        (DATABASE_URL must name the seeded database)

`run()` returns a dict for bench/run.py.
"""

import http.client
import json
import os
import random
import secrets
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
# The dashboard with an empty figures cache: the cache is cleared before each of these requests.
EMPTY_CACHE_REQUESTS = 100
# The participant page: one GET per participant, each a different participant.
PARTICIPANT_REQUESTS = 200
PARTICIPANT_WARMUP = 20

SNAPSHOT_CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, os.environ["BENCH_ROOT"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django
django.setup()
from apps.dashboards.snapshots import build_snapshot
started = time.perf_counter()
snapshot = build_snapshot()
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": round(seconds, 2),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    "document_bytes": len(json.dumps(snapshot.data)),
    "participant_cells": len(snapshot.data["participants"]["rows"]),
}))
"""


def _setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from django.conf import settings

    from config.settings.secret_key import KNOWN_SECRET_KEYS

    # The server runs the production settings, which refuse the test settings' published key:
    # sign this process's session cookies with a fresh key the server is then given.
    if settings.SECRET_KEY in KNOWN_SECRET_KEYS:
        settings.SECRET_KEY = secrets.token_urlsafe(50)


def build_snapshot_timed() -> dict:
    """Build one snapshot in a fresh process as the Celery task does: its time and peak memory."""
    completed = subprocess.run(
        [sys.executable, "-c", SNAPSHOT_CHILD],
        cwd=ROOT,
        env={**os.environ, "BENCH_ROOT": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"snapshot build failed:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


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
    """A signed-in trial manager's session, created directly (no login form, no lockout), past
    its second factor."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    from apps.accounts.models import User
    from apps.core.roles import Role

    user = User.objects.filter(role=Role.TRIAL_MANAGER, is_active=True).order_by("id").first()
    if user is None:
        user = User.objects.create_user("bench.manager@nhs.test", None, role=Role.TRIAL_MANAGER)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # Managers must pass a second factor: the session carries one, as django-otp's login does.
    device, _ = StaticDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
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
        # The contact details the seed stored are readable only under the same key.
        "QUITPILOT_FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
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


def empty_cache_sequential(port: int, path: str, cookie: str, count: int) -> dict:
    """Like sequential(), but with the figures cache cleared (untimed) before each request."""
    from apps.dashboards.figures_cache import clear_cached_figures

    latencies = []
    for _ in range(count):
        clear_cached_figures()
        latencies.append(_timed(port, path, cookie))
    return _summary(latencies)


def participant_public_ids(count: int) -> list[str]:
    """`count` different participants' public ids, a fixed pseudo-random sample of the pilot."""
    from apps.patients.models import Participant

    ids = list(Participant.objects.order_by("id").values_list("public_id", flat=True))
    return [str(public_id) for public_id in random.Random(2026).sample(ids, min(count, len(ids)))]


def participant_pages(port: int, cookie: str, public_ids: list[str]) -> dict:
    """One GET of each participant's page, one after another."""
    return _summary([_timed(port, f"/participants/{pid}/", cookie) for pid in public_ids])


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


def targets(result: dict, scale: int) -> dict:
    """The issue's targets for this scale, met or not (the throughput ratio is not one)."""
    snapshot = result["snapshot"]
    if scale > 150:
        return {"snapshot_under_60s": snapshot["seconds"] < 60}
    return {
        "snapshot_under_10s": snapshot["seconds"] < 10,
        "snapshot_peak_memory_under_1gb": snapshot["peak_rss_mb"] < 1024,
        "page_p95_empty_cache_under_150ms": result["dashboard_empty_cache"]["p95_ms"] < 150,
        "page_p95_cached_under_30ms": result["dashboard_sequential"]["p95_ms"] < 30,
        "participant_page_p95_under_100ms": result["participant_page"]["p95_ms"] < 100,
    }


def run(scale: int = 150) -> dict:
    """Build a snapshot, serve the app with gunicorn and measure the pages and /health/."""
    # A cache of its own, so no figures rendered by an earlier run are reused.
    os.environ["CACHE_KEY_PREFIX"] = f"bench-dashboards-{int(time.time())}"
    _setup_django()
    from django.db import connection

    from apps.sites.models import Site

    result: dict = {"pilot": pilot_size(), "snapshot": build_snapshot_timed()}
    cookie = _session_cookie()
    codes = list(Site.objects.order_by("code").values_list("code", flat=True)[:COLD_SITES])
    public_ids = participant_public_ids(PARTICIPANT_WARMUP + PARTICIPANT_REQUESTS)
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
        result["dashboard_empty_cache"] = empty_cache_sequential(
            port, "/dashboard/", cookie, EMPTY_CACHE_REQUESTS
        )
        participant_pages(port, cookie, public_ids[:PARTICIPANT_WARMUP])
        result["participant_page"] = participant_pages(
            port, cookie, public_ids[PARTICIPANT_WARMUP:]
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
        f"{SEQUENTIAL_REQUESTS} sequential requests per view; {EMPTY_CACHE_REQUESTS} sequential "
        f"dashboard requests with the figures cache cleared before each; {PARTICIPANT_REQUESTS} "
        f"participant pages, each a different participant (after {PARTICIPANT_WARMUP} others "
        f"to warm up); then {ROUNDS} interleaved rounds of {CONCURRENT_REQUESTS} requests per "
        f"view from {CONCURRENCY} client threads (new connection each, same machine), median "
        "round reported"
    )
    # The throughput ratios are reported, not targets: the page is plain Django on purpose
    # (docs/decisions.md, "Dashboard caching").
    result["scale"] = scale
    result["targets"] = targets(result, scale)
    return result


if __name__ == "__main__":
    print(json.dumps(run(int(os.environ.get("BENCH_SCALE", "150"))), indent=2))
