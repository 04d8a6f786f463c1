"""Shared fixtures: a named cast of users at two sites, and a real Celery worker."""

import os

import pytest

from apps.core import circuit, local_limiter
from apps.core.roles import Role
from tests.cache import clear_cache_keys
from tests.factories import SiteFactory, UserFactory, make_participant

# QP_TEST_CLOCK moves the clock for a calendar run; outage_fixtures: a hung Redis, a dead broker.
pytest_plugins = ["tests.calendar_clock", "tests.core.outage_fixtures"]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache_keys():
    """Start each test with none of this run's cache keys (rate limits, cached figures), every
    circuit breaker closed and no per-process rate-limit counts (apps/core/circuit.py)."""
    circuit.reset_all()
    local_limiter.clear()
    clear_cache_keys()


@pytest.fixture
def site_a(db):
    return SiteFactory(code="BRS", name="Bristol Talking Therapies", ods_code="RBR01")


@pytest.fixture
def site_b(db):
    return SiteFactory(code="LDS", name="Leeds Talking Therapies", ods_code="RLD01")


@pytest.fixture
def pwp_a(site_a):
    return UserFactory(email="pwp.a@nhs.test", role=Role.PWP, site=site_a)


@pytest.fixture
def pwp_b(site_b):
    return UserFactory(email="pwp.b@nhs.test", role=Role.PWP, site=site_b)


@pytest.fixture
def advisor_a(site_a):
    return UserFactory(email="advisor.a@nhs.test", role=Role.ADVISOR, site=site_a)


@pytest.fixture
def site_lead_a(site_a):
    return UserFactory(email="lead.a@nhs.test", role=Role.SITE_LEAD, site=site_a)


@pytest.fixture
def monitor_a(site_a):
    """The sponsor's monitor, assigned to site A."""
    return UserFactory(email="monitor.a@nhs.test", role=Role.MONITOR, site=site_a)


@pytest.fixture
def trial_manager(db):
    return UserFactory(email="manager@nhs.test", role=Role.TRIAL_MANAGER)


@pytest.fixture
def data_manager(db):
    return UserFactory(email="data@nhs.test", role=Role.DATA_MANAGER)


@pytest.fixture
def participant_a(site_a, pwp_a):
    """A randomised participant at site A, cared for by pwp_a."""
    return make_participant(site=site_a, pwp=pwp_a, stage="randomised")


@pytest.fixture
def participant_b(site_b, pwp_b):
    """A randomised participant at site B, cared for by pwp_b."""
    return make_participant(site=site_b, pwp=pwp_b, stage="randomised")


@pytest.fixture
def cast(db, pwp_a, pwp_b, advisor_a, site_lead_a, trial_manager, data_manager):
    """Every role by name, for access matrices (anonymous is None)."""
    return {
        "anonymous": None,
        "pwp_same_site": pwp_a,
        "pwp_other_site": pwp_b,
        "advisor": advisor_a,
        "site_lead": site_lead_a,
        "trial_manager": trial_manager,
        "data_manager": data_manager,
    }


@pytest.fixture
def celery_worker_real(transactional_db):
    """A real Celery worker thread consuming from the real Redis broker.

    Tests using it must be `django_db(transaction=True)` so the worker sees committed rows.
    """
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
    app.control.purge()


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections_at_teardown(django_db_setup, django_db_blocker):
    """Close connections left open to the test database before it is dropped.

    A connection opened in another context (a worker or live-server thread, Playwright's
    greenlets) can outlive its test; PostgreSQL then refuses to drop the test database.
    """
    yield
    from django.db import connection
    from django.db.backends.base.creation import TEST_DATABASE_PREFIX

    if not connection.settings_dict["NAME"].startswith(TEST_DATABASE_PREFIX):
        return  # no test here used the database, so none was created
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session")
def base_url() -> None:
    """No base URL for Playwright pages (tests use the live server's).

    Replaces pytest-playwright's fallback fixture, a method on a class that pytest 9 warns about.
    """
    return None
