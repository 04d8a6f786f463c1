#!/usr/bin/env python
"""The calendar check: the date-sensitive tests again, with the clock set to awkward days.

    scripts/calendar_check.py [--jobs 2] [--only LABEL]

A trial runs for years, so a test (or the demo pilot) that passes only on some days is a defect.
For each instant below, pytest runs the date-sensitive test modules with QP_TEST_CLOCK set
(tests/calendar_clock.py: time-machine moves the clock to that Europe/London wall-clock time,
then lets it tick). Two runs go at once, each in its own test database and Redis database; a
slot's first run builds its test database afresh and its later runs reuse it (pytest-django's
--reuse-db), so the migrations run twice rather than once per instant.
Called by `scripts/run.py test` after the whole suite (so by `make test` and CI), beside the
same PostgreSQL and Redis; needs DATABASE_URL and REDIS_URL in the environment.

Left out: browser tests (Chromium keeps its own clock) and tests with a real Celery worker or a
child process (neither sees this process's moved clock); the whole suite runs them on the real
date.
"""

from __future__ import annotations

import argparse
import os
import queue
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

# (label, London wall-clock time the run starts at, whether the demo seed is loaded too); each
# instant covers several awkward things, so four cover them all. Loading the demo costs about a
# minute and a half here (the module seeds it twice), so it is loaded at one of them, the clock
# change, where its timestamps are likeliest to go wrong; a pure test moves the demo's plan to
# every day of four years, 29 February included. The demo's instant runs first, so the other
# slot takes two of the short ones meanwhile.
INSTANTS: tuple[tuple[str, str, bool], ...] = (
    (
        "clocks go back (last Sunday of October, the 31st), across 02:00 BST",
        "2027-10-31T01:59:50",
        True,
    ),
    (
        "just before midnight on 31 December: the last day of a month and a year, across midnight"
        " into 1 January (a bank holiday)",
        "2026-12-31T23:59:50",
        False,
    ),
    ("29 February of a leap year", "2028-02-29T09:30:00", False),
    ("clocks go forward (last Sunday of March), across 01:00 GMT", "2027-03-28T00:59:50", False),
)

# Dashboard figures and exports, the reminder schedule and cadence, follow-up windows and the
# questionnaires they open, the participant's timeline.
TESTS: tuple[str, ...] = (
    "tests/dashboards/test_export_retention.py",
    "tests/dashboards/test_exports.py",
    "tests/dashboards/test_metrics.py",
    "tests/dashboards/test_outcome_inputs.py",
    "tests/dashboards/test_snapshot_builds.py",
    "tests/dashboards/test_snapshot_figures.py",
    "tests/reminders/test_cadence.py",
    "tests/reminders/test_dispatch.py",
    "tests/reminders/test_refresh_statuses.py",
    "tests/reminders/test_schedule.py",
    "tests/reminders/test_undelivered.py",
    "tests/outcomes/test_follow_up_assessment.py",
    "tests/outcomes/test_questionnaire_links.py",
    "tests/outcomes/test_scoring.py",
    "tests/patients/test_participant_journey.py",
    "tests/patients/test_overview_page.py",
)
# The demo seed: its shape and plan; not the synthetic pilot, the refusals, or the four-year plan
# test, which no date changes.
DEMO_TESTS = "tests/test_seed_demo.py"
NOT_DATE_SENSITIVE = (
    "not (scale or synthetic or refused or negative or without_figures or four_years)"
)
MARKERS = "not browser and not celery_worker"


def _database_url(url: str, slot: int) -> str:
    """The same server, a database of this slot's own (pytest-django prefixes it with test_)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "quitpilot"
    return urlunsplit(parts._replace(path=f"/{name}_calendar{slot}"))


def _redis_url(url: str, slot: int) -> str:
    """The same server, a Redis database of this slot's own (broker, results and cache)."""
    parts = urlsplit(url)
    db = str(10 + slot)
    if parts.scheme == "unix":
        query = dict(parse_qsl(parts.query))
        query["db"] = db
        return urlunsplit(parts._replace(query=urlencode(query)))
    return urlunsplit(parts._replace(path=f"/{db}"))


def _run(
    label: str, instant: str, with_demo: bool, slots: queue.Queue[tuple[int, bool]], log_dir: Path
) -> tuple[str, str, int, float, Path]:
    # A database and Redis database no other run is using now, and whether this check has built
    # that slot's test database yet.
    slot, built = slots.get()
    try:
        return _run_in_slot(label, instant, with_demo, slot, built, log_dir)
    finally:
        slots.put((slot, True))


def _run_in_slot(
    label: str, instant: str, with_demo: bool, slot: int, built: bool, log_dir: Path
) -> tuple[str, str, int, float, Path]:
    env = dict(os.environ)
    env.update(
        QP_TEST_CLOCK=instant,
        DATABASE_URL=_database_url(os.environ["DATABASE_URL"], slot),
        REDIS_URL=_redis_url(os.environ["REDIS_URL"], slot),
        CACHE_KEY_PREFIX=f"quitpilot-calendar{slot}",
        PYTHONUNBUFFERED="1",
    )
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        env.pop(name, None)  # follow this slot's REDIS_URL
    log = log_dir / f"{instant.replace(':', '')}.log"
    # A slot's test database is built afresh by its first instant (about 25 s of migrations) and
    # kept for its later instants; each test still runs in its own rolled-back transaction.
    database = ["--reuse-db"] if built else ["--reuse-db", "--create-db"]
    command = [sys.executable, "-m", "pytest", "-q", *database, "-p", "no:xdist"]
    command += ["-m", MARKERS, "-k", NOT_DATE_SENSITIVE]
    command += [*TESTS, DEMO_TESTS] if with_demo else TESTS
    started = time.monotonic()
    with log.open("w") as out:
        code = subprocess.call(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return label, instant, code, time.monotonic() - started, log


def main(argv: list[str] | None = None) -> int:
    """Run the date-sensitive tests at every instant; 0 when every run passed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="runs at once (default 2)")
    parser.add_argument("--only", help="run only the instants whose label contains this")
    args = parser.parse_args(argv)
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            print(f"calendar: {name} is not set (run me through scripts/run.py)", flush=True)
            return 2
    chosen = [i for i in INSTANTS if not args.only or args.only.lower() in i[0].lower()]
    log_dir = ROOT / ".calendar-logs"
    log_dir.mkdir(exist_ok=True)
    print(f"calendar: {len(chosen)} instants, {args.jobs} at a time", flush=True)
    failed = 0
    slots: queue.Queue[tuple[int, bool]] = queue.Queue()
    for slot in range(args.jobs):
        slots.put((slot, False))
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        runs = [pool.submit(_run, *instant, slots, log_dir) for instant in chosen]
        for run in runs:
            label, instant, code, seconds, log = run.result()
            last = (log.read_text().strip().splitlines() or [""])[-1]
            print(f"calendar: {instant} {label}: {last} ({seconds:.0f} s)", flush=True)
            if code != 0:
                failed += 1
                print(log.read_text()[-6000:], flush=True)
    print(f"calendar: {len(chosen) - failed} of {len(chosen)} instants passed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
