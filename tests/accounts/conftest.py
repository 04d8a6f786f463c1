"""Account test helpers: reset emails sent by the Celery task in-process; two-factor fixtures."""

import pytest
import time_machine

from tests.accounts.two_factor_helpers import NOW


@pytest.fixture
def celery_eager():
    """Run Celery tasks in-process when they are queued (the reset email's task)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def ask_for_reset(client, celery_eager, django_capture_on_commit_callbacks):
    """POST the reset form, running the queued email task as the request's transaction ends."""

    def post(email: str, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/accounts/password_reset/", {"email": email}, **extra)

    return post


@pytest.fixture(autouse=True)
def fresh_reset_counts():
    """Reset-request counters live in Redis (and, in an outage, in the process): start at zero."""
    from apps.accounts.reset_limits import forget_local_counts
    from tests.cache import clear_cache_keys

    clear_cache_keys()
    forget_local_counts()
    yield
    clear_cache_keys()
    forget_local_counts()


@pytest.fixture
def second_factor_enforced(settings):
    """Two-factor enforcement on, as in production (the test settings turn it off)."""
    settings.QUITPILOT_SECOND_FACTOR_REQUIRED = True


@pytest.fixture
def clock():
    """The clock stopped at 2 March 2026, 10:00 UTC, to be shifted past code windows."""
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock
