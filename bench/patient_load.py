"""Patient load benchmark: concurrent patients answer their questionnaires against gunicorn.

A throwaway database (`<your database>_patients`, dropped and recreated each run) is migrated
and seeded with one open 3-month follow-up and one fresh questionnaire link per journey the run
can need. gunicorn serves it with `config/gunicorn.conf.py` under config.settings.prod
(WEB_CONCURRENCY = 2 x cores + 1 sync workers), on this machine's PostgreSQL and Redis.

Phase 1: each virtual patient (one thread) opens a link, reads the start page, answers PHQ-9,
GAD-7 and the smoking questions a page at a time, checks and submits, with THINK seconds
between pages, then starts again with the next unused link, until the time is up (a journey
still in progress then is abandoned, unsubmitted). A paced probe reads /health/ alongside.
Phase 2, same server: closed-loop capacity of a questionnaire page (GETs of the start and
section pages) and of /health/, in interleaved rounds, for the throughput comparison.
Afterwards: exactly one stored response per successful submission, none for any other link,
and none of the run's tokens in the server's log.

    python bench/patient_load.py [--patients 200] [--seconds 60]   (needs DATABASE_URL, REDIS_URL)

`run()` returns a dict for bench/run.py (`--only patients`).
"""

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
SERVER_LOG = ROOT / "var" / "bench-patients-server.log"
THINK_SECONDS = 2.0
PAGES_PER_JOURNEY = 6  # start, PHQ-9, GAD-7, smoking, check, done: five think times between
CAPACITY_ROUNDS = 3
CAPACITY_SECONDS = 5.0
CAPACITY_THREADS = 8
HEALTH_PROBE_EVERY = 0.1
PHQ9 = {f"item{i}": "1" for i in range(1, 10)} | {"item9": "0"}
GAD7 = {f"item{i}": "2" for i in range(1, 8)}
SMOKING = {
    "smoked_last_7_days": "yes",
    "cigarettes_last_7_days": "20",
    "quit_attempt": "yes",
    "uses_e_cigarette": "no",
    "uses_medication": "yes",
}
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --------------------------------------------------------------------------------------------
# Database: create, migrate, seed
# --------------------------------------------------------------------------------------------


def patients_database_url(url: str) -> str:
    """The throwaway database beside the configured one: name + '_patients'."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "quitpilot"
    return urlunsplit(parts._replace(path=f"/{name}_patients"))


def _fresh_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def _drop_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(journeys: int) -> list[str]:
    """One randomised participant with an open 3-month follow-up and a fresh link per journey."""
    from django.db import transaction

    from apps.reminders.questionnaire_links import create_questionnaire_links
    from bench.seeding import seed_open_follow_ups

    with transaction.atomic():
        follow_ups = seed_open_follow_ups(code="PAT", count=journeys, timepoints=("month3",))
    return create_questionnaire_links(follow_ups=follow_ups)


# --------------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def workers_for_this_machine() -> int:
    """gunicorn's usual sync worker count: 2 x cores + 1."""
    return 2 * (os.cpu_count() or 1) + 1


def start_gunicorn(port: int, url: str, workers: int) -> subprocess.Popen:
    """gunicorn -c config/gunicorn.conf.py under prod settings, logging to SERVER_LOG."""
    from django.conf import settings

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": "bench-only-" + os.urandom(24).hex(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "False",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "CACHE_KEY_PREFIX": f"bench-patients-{int(time.time())}",
        # Every virtual patient comes from 127.0.0.1: the per-client link limit (30/min) would
        # refuse them all, so it is raised; every request is still counted in Redis.
        "PATIENT_LINK_RATE_LIMIT": "10000000/m",
        "LOG_FORMAT": "json",
        # The seeding settings' key: the server reads the contact details seeded here.
        "QUITPILOT_FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
    }
    SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
    log = SERVER_LOG.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if _request(port, "GET", "/health/")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"gunicorn did not answer /health/ within 90 s (see {SERVER_LOG})")


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn and its workers (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --------------------------------------------------------------------------------------------
# Client
# --------------------------------------------------------------------------------------------


def _request(port, method, path, body=None, cookies=None) -> tuple[int, str, dict, float]:
    """One request on a new connection: (status, body, cookies set, seconds)."""
    headers = {"Host": f"127.0.0.1:{port}"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    data = None
    if body is not None:
        data = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        set_cookies = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            set_cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text, set_cookies, time.perf_counter() - started
    finally:
        conn.close()


class Tally:
    """Latencies and outcomes from every thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.page_gets: list[float] = []
        self.answer_posts: list[float] = []
        self.submits: list[float] = []
        self.health: list[float] = []
        self.errors: list[str] = []
        self.submitted: list[int] = []  # link indexes whose submit answered 302 to done/
        self.failed_submits: list[int] = []
        self.started: list[int] = []

    def add(self, kind: str, seconds: float) -> None:
        """Record one latency."""
        with self.lock:
            getattr(self, kind).append(seconds)

    def error(self, text: str) -> None:
        """Record one error (kept short)."""
        with self.lock:
            self.errors.append(text[:300])


class Patient:
    """One virtual patient: journeys one after another, with think time between pages."""

    def __init__(self, port, tokens, next_link, tally, deadline, think, rng) -> None:
        self.port, self.tokens, self.next_link = port, tokens, next_link
        self.tally, self.deadline, self.think, self.rng = tally, deadline, think, rng

    def _pause(self) -> bool:
        time.sleep(self._think_time())
        return time.monotonic() < self.deadline

    def _think_time(self) -> float:
        # People read at different speeds: a mean of `think` seconds, half to one and a half
        # times it. A constant pause would march every patient through the same page together
        # and measure waves of 200 simultaneous submits, not 200 patients.
        return self.rng.uniform(0.5 * self.think, 1.5 * self.think)

    def _get(self, path: str, cookies: dict) -> str | None:
        status, body, set_cookies, seconds = _request(self.port, "GET", path, cookies=cookies)
        cookies.update(set_cookies)
        if status != 200:
            self.tally.error(f"GET {path.split('/')[3] or 'start'} answered {status}")
            return None
        self.tally.add("page_gets", seconds)
        return body

    def _post(self, path: str, page: str, data: dict, cookies: dict, kind: str) -> bool:
        token = _CSRF.search(page)
        if token is None:
            self.tally.error(f"no CSRF token on {path.split('/')[3]}")
            return False
        status, _, set_cookies, seconds = _request(
            self.port, "POST", path, {**data, "csrfmiddlewaretoken": token.group(1)}, cookies
        )
        cookies.update(set_cookies)
        if status != 302:
            self.tally.error(f"POST {path.split('/')[3]} answered {status}")
            return False
        self.tally.add(kind, seconds)
        return True

    def journey(self, index: int) -> None:
        """Open the link, answer every section, check and submit, as a browser would: each
        answer's redirect is followed at once, then the patient reads and thinks."""
        base = f"/q/{self.tokens[index]}/"
        cookies: dict[str, str] = {}
        if self._get(base, cookies) is None or not self._pause():
            return
        page = self._get(f"{base}phq9/", cookies)
        for section, answers, following in (
            ("phq9", PHQ9, "gad7/"),
            ("gad7", GAD7, "smoking/"),
            ("smoking", SMOKING, "check/"),
        ):
            if page is None or not self._pause():
                return
            if not self._post(f"{base}{section}/", page, answers, cookies, "answer_posts"):
                return
            page = self._get(f"{base}{following}", cookies)
        if page is None or not self._pause():
            return
        try:
            submitted = self._post(f"{base}check/", page, {}, cookies, "submits")
        except OSError:
            self.tally.failed_submits.append(index)
            raise
        if not submitted:
            self.tally.failed_submits.append(index)
            return
        self.tally.submitted.append(index)
        self._get(f"{base}done/", cookies)

    def run(self) -> None:
        """Journeys until the deadline."""
        # Patients do not all arrive at once: spread over one journey's length (six pauses).
        time.sleep(self.rng.uniform(0, 6 * self.think))
        while time.monotonic() < self.deadline:
            index = self.next_link()
            if index is None:
                self.tally.error("ran out of seeded links")
                return
            self.tally.started.append(index)
            try:
                self.journey(index)
            except OSError as exc:
                self.tally.error(f"{type(exc).__name__}: {exc}")
            if time.monotonic() < self.deadline:
                time.sleep(self._think_time())


def _health_probe(port: int, tally: Tally, stop_event: threading.Event) -> None:
    while not stop_event.wait(HEALTH_PROBE_EVERY):
        try:
            status, _, _, seconds = _request(port, "GET", "/health/")
        except OSError as exc:
            tally.error(f"/health/: {exc}")
            continue
        if status == 200:
            tally.add("health", seconds)
        else:
            tally.error(f"/health/ answered {status}")


def _summary(latencies: list[float]) -> dict:
    if not latencies:
        return {"requests": 0}
    ms = sorted(1000 * v for v in latencies)

    def pct(q: float) -> float:
        return round(ms[min(len(ms) - 1, max(0, round(q / 100 * len(ms)) - 1))], 1)

    return {
        "requests": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "max_ms": round(ms[-1], 1),
    }


def patients_phase(port: int, tokens: list[str], patients: int, seconds: float) -> dict:
    """Run the virtual patients for `seconds`; latencies, outcomes, throughput."""
    tally = Tally()
    counter = iter(range(len(tokens)))
    counter_lock = threading.Lock()

    def next_link() -> int | None:
        with counter_lock:
            return next(counter, None)

    started = time.monotonic()
    deadline = started + seconds
    stop_event = threading.Event()
    probe = threading.Thread(target=_health_probe, args=(port, tally, stop_event))
    threads = [
        threading.Thread(
            target=Patient(
                port, tokens, next_link, tally, deadline, THINK_SECONDS, random.Random(n)
            ).run
        )
        for n in range(patients)
    ]
    load_before = os.getloadavg()
    probe.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    stop_event.set()
    probe.join()
    requests = len(tally.page_gets) + len(tally.answer_posts) + len(tally.submits)
    return {
        "tally": tally,
        "wall_seconds": round(wall, 1),
        "requests_per_second": round(requests / wall, 1),
        "submits_per_second": round(len(tally.submits) / wall, 2),
        "load_average": [round(x, 2) for x in (*load_before, *os.getloadavg())],
    }


def _closed_loop(port: int, paths: list[str], seconds: float, threads: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(offset: int) -> None:
        n = offset
        while time.monotonic() < deadline:
            path = paths[n % len(paths)]
            n += threads
            try:
                status, _, _, elapsed = _request(port, "GET", path)
            except OSError as exc:
                with lock:
                    errors.append(str(exc))
                continue
            with lock:
                (latencies if status == 200 else errors).append(
                    elapsed if status == 200 else f"{path}: {status}"
                )

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    started = time.monotonic()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    wall = time.monotonic() - started
    return {**_summary(latencies), "per_second": round(len(latencies) / wall, 1), "errors": errors}


def capacity_phase(port: int, spare_tokens: list[str]) -> dict:
    """Interleaved closed-loop rounds of questionnaire page GETs and of /health/."""
    pages = [
        f"/q/{token}/{section}"
        for token in spare_tokens
        for section in ("", "phq9/", "gad7/", "smoking/")
    ]
    rounds: dict[str, list[dict]] = {"health": [], "pages": []}
    for _ in range(CAPACITY_ROUNDS):
        rounds["health"].append(
            _closed_loop(port, ["/health/"], CAPACITY_SECONDS, CAPACITY_THREADS)
        )
        rounds["pages"].append(_closed_loop(port, pages, CAPACITY_SECONDS, CAPACITY_THREADS))
    median = {k: statistics.median(r["per_second"] for r in v) for k, v in rounds.items()}
    errors = [e for runs in rounds.values() for r in runs for e in r.pop("errors")]
    return {"rounds": rounds, "per_second": median, "errors": errors}


# --------------------------------------------------------------------------------------------
# Checks and the result
# --------------------------------------------------------------------------------------------


def stored_responses(tokens: list[str]) -> dict[int, int]:
    """For each link index, how many PHQ-9 + GAD-7 + smoking responses its follow-up has."""
    from django.db.models import Count

    from apps.outcomes.models import GAD7Response, PHQ9Response, SmokingStatusReport
    from apps.reminders.models import QuestionnaireLink
    from apps.reminders.questionnaire_links import hash_token

    by_hash = {hash_token(t): i for i, t in enumerate(tokens)}
    follow_up_of = dict(
        QuestionnaireLink.objects.filter(token_hash__in=by_hash).values_list(
            "follow_up_id", "token_hash"
        )
    )
    counts: dict[int, int] = {}
    for model in (PHQ9Response, GAD7Response, SmokingStatusReport):
        rows = model.objects.filter(follow_up_id__in=follow_up_of).values("follow_up_id")
        for row in rows.annotate(n=Count("id")):
            index = by_hash[follow_up_of[row["follow_up_id"]]]
            counts[index] = counts.get(index, 0) + row["n"]
    return counts


def check_stored(tokens: list[str], submitted: list[int]) -> dict:
    """Exactly one PHQ-9, GAD-7 and smoking response per successful submit, none elsewhere."""
    counts = stored_responses(tokens)
    wanted = set(submitted)
    wrong_submitted = [i for i in wanted if counts.get(i, 0) != 3]
    stored_without_submit = [i for i in counts if i not in wanted]
    return {
        "successful_submissions": len(wanted),
        "with_exactly_one_of_each_response": len(wanted) - len(wrong_submitted),
        "links_with_responses_but_no_successful_submit": len(stored_without_submit),
        "ok": not wrong_submitted and not stored_without_submit,
    }


def tokens_in_server_log(tokens: list[str]) -> int:
    """How many of the run's tokens appear anywhere in the server's log (must be 0)."""
    text = SERVER_LOG.read_text(encoding="utf-8", errors="replace")
    return sum(1 for token in tokens if token in text)


def targets(result: dict) -> dict:
    """The issue's targets: page capacity >= 1/3 of /health/'s, submit p95 < 500 ms, no error."""
    return {
        "pages_at_least_a_third_of_health_throughput": result["throughput_ratio"] >= 1 / 3,
        "submit_p95_under_500ms": result["submit"].get("p95_ms", 1e9) < 500,
        "zero_errors": result["errors"] == 0,
        "one_stored_response_per_submission": result["stored"]["ok"],
    }


def run(patients: int = 200, seconds: float = 60.0, workers: int | None = None) -> dict:
    """Seed, serve with gunicorn, run the patients and the capacity rounds, check the store."""
    base_url = os.environ["DATABASE_URL"]
    url = patients_database_url(base_url)
    journeys = patients * (int(seconds / (THINK_SECONDS * (PAGES_PER_JOURNEY - 1))) + 2)
    spare = 50
    started = time.perf_counter()
    _fresh_database(url)
    _setup_django(url)
    tokens = seed(journeys + spare)
    prepared = round(time.perf_counter() - started, 1)
    from django.db import connection

    connection.close()
    workers = workers or workers_for_this_machine()
    port = _free_port()
    server = start_gunicorn(port, url, workers)
    try:
        for _ in range(4 * workers):  # warm every worker (imports, connections)
            _request(port, "GET", "/health/")
        phase = patients_phase(port, tokens[:journeys], patients, seconds)
        capacity = capacity_phase(port, tokens[journeys:])
    finally:
        stop(server)
    tally = phase.pop("tally")
    result = {
        "patients": patients,
        "seconds": seconds,
        "think_seconds": THINK_SECONDS,
        "workers": workers,
        "server": f"gunicorn -c config/gunicorn.conf.py, {workers} sync workers, "
        "config.settings.prod, 127.0.0.1",
        "prepared_seconds": prepared,
        **phase,
        "journeys_started": len(tally.started),
        "page_get": _summary(tally.page_gets),
        "answer_post": _summary(tally.answer_posts),
        "submit": _summary(tally.submits),
        "health_during_load": {
            **_summary(tally.health),
            "per_second": round(len(tally.health) / phase["wall_seconds"], 1),
        },
        "capacity": capacity,
        "throughput_ratio": round(
            capacity["per_second"]["pages"] / capacity["per_second"]["health"], 2
        ),
        "errors": len(tally.errors) + len(capacity["errors"]),
        "error_examples": sorted(set(tally.errors + capacity["errors"]))[:10],
        "failed_submits": len(tally.failed_submits),
        "stored": check_stored(tokens, tally.submitted),
        "tokens_in_server_log": tokens_in_server_log(tokens),
    }
    result["targets"] = targets(result)
    connection.close()
    _drop_database(url)
    return result


def main() -> None:
    """Command line: print the result as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    print(json.dumps(run(args.patients, args.seconds, args.workers), indent=2, default=str))


if __name__ == "__main__":
    main()


def _latency(x: dict) -> str:
    if not x.get("requests"):
        return "none"
    return f"p50 {x['p50_ms']} ms, p95 {x['p95_ms']} ms, p99 {x['p99_ms']} ms ({x['requests']:,})"


def markdown(r: dict, when: str) -> str:
    """The figures for docs/benchmarks.md (bench/run.py writes them between the markers)."""
    cap, health = r["capacity"], r["health_during_load"]
    pages_rounds = ", ".join(f"{x['per_second']:.0f}" for x in cap["rounds"]["pages"])
    health_rounds = ", ".join(f"{x['per_second']:.0f}" for x in cap["rounds"]["health"])
    stored = r["stored"]
    load = r["load_average"]
    rows = [
        ("virtual patients, duration, think time",
         f"{r['patients']}, {r['wall_seconds']} s, {r['think_seconds']} s mean between pages"),
        ("journeys started / submitted", f"{r['journeys_started']:,} / "
         f"{stored['successful_submissions']:,} ({r['submits_per_second']} submits/s)"),
        ("throughput under patient load (all patient requests)",
         f"{r['requests_per_second']} requests/s"),
        ("page GETs (start, sections, check, done)", _latency(r["page_get"])),
        ("answer POSTs (a section's draft saved)", _latency(r["answer_post"])),
        ("submit (POST check: every answer stored)", _latency(r["submit"])),
        ("/health/ alongside the patients (paced probe)",
         f"{_latency(health)}, {health['per_second']} requests/s"),
        ("errors", f"{r['errors']} (failed submits: {r['failed_submits']})"),
        ("stored responses", f"{stored['with_exactly_one_of_each_response']:,} of "
         f"{stored['successful_submissions']:,} submissions with exactly one PHQ-9, GAD-7 and "
         f"smoking response; {stored['links_with_responses_but_no_successful_submit']} links "
         "with responses but no successful submit"),
        ("questionnaire page capacity, closed loop",
         f"{cap['per_second']['pages']:.0f} requests/s (rounds: {pages_rounds})"),
        ("/health/ capacity, closed loop",
         f"{cap['per_second']['health']:.0f} requests/s (rounds: {health_rounds})"),
        ("questionnaire pages / /health/ throughput", f"{r['throughput_ratio']}"),
        ("run's tokens found in the server's log", f"{r['tokens_in_server_log']}"),
    ]  # fmt: skip
    table = "\n".join(f"| {a} | {b} |" for a, b in rows)
    labels = {
        "pages_at_least_a_third_of_health_throughput": "questionnaire pages at >= 1/3 of "
        "/health/'s throughput",
        "submit_p95_under_500ms": "submit p95 under 500 ms",
        "zero_errors": "zero errors",
        "one_stored_response_per_submission": "exactly one stored response per submission",
    }
    met = "; ".join(
        f"{labels[k]}: {'met' if ok else '**not met**'}" for k, ok in r["targets"].items()
    )
    return f"""Run {when}. Server: {r["server"]}; the client (one thread per patient, a new
connection per request, Python's `http.client`) runs on the same 2-core machine, with this
machine's PostgreSQL and Redis. Load average (1, 5, 15 min) before the run
{load[0]}, {load[1]}, {load[2]}; after it {load[3]}, {load[4]}, {load[5]} (the machine is
shared with other people's work: compare figures within one run). The per-client link limit
is raised for the run (every virtual patient comes from 127.0.0.1); each request is still
counted in Redis.

| measure | figure |
| --- | --- |
{table}

Targets: {met}.

Method: each patient opens a fresh link (one seeded participant with an open 3-month follow-up
per journey), reads the start page, answers PHQ-9, GAD-7 and the smoking questions one page at
a time (each answer's redirect followed at once, as a browser does), checks and submits, with
{r["think_seconds"]} s of thinking on average before each next action (drawn from half to one and
a half times that, so patients drift apart as real ones do; arrivals spread over the first
journey's length); a journey still going when the time
is up is abandoned unsubmitted. The throughput comparison is of capacity, not of the think-time
load: after the patients, on the same server, {CAPACITY_ROUNDS} interleaved rounds of
{CAPACITY_SECONDS:.0f} s each of questionnaire page GETs (start, PHQ-9, GAD-7 and smoking pages
of unused links) and of /health/ from {CAPACITY_THREADS} client threads, median round reported.
The store check counts each follow-up's PHQ-9, GAD-7 and smoking rows in the database after the
run."""
