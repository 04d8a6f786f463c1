"""Run the suite as if it were another day: QP_TEST_CLOCK=2028-02-29T23:59:50 (Europe/London).

Loaded by tests/conftest.py. With the variable set, the clock (time.time, datetime.now,
date.today and Django's timezone.now) starts at that London wall-clock time before the first
test and then ticks on, so a run started just before midnight crosses it as a real one would.
time-machine moves only this process's clock: PostgreSQL's now(), Redis expiry and child
processes keep the real time, which is why the calendar run (scripts/calendar_check.py) leaves
out the tests that use a separate process or a browser.
"""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

CLOCK_VARIABLE = "QP_TEST_CLOCK"
LONDON = ZoneInfo("Europe/London")
_traveller: time_machine.travel | None = None


def clock_start() -> datetime | None:
    """The London instant the run starts at, or None to use the real clock."""
    value = os.environ.get(CLOCK_VARIABLE, "").strip()
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def pytest_configure(config) -> None:
    """Move the clock before anything reads it (fixtures, collection, Django setup)."""
    global _traveller
    start = clock_start()
    if start is None:
        return
    _traveller = time_machine.travel(start, tick=True)
    _traveller.start()


def pytest_report_header(config) -> str | None:
    """Say in the run's header which day the clock was set to."""
    start = clock_start()
    return None if start is None else f"clock moved to {start.isoformat()} ({CLOCK_VARIABLE})"


def pytest_unconfigure(config) -> None:
    """Put the real clock back."""
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None
