"""/healthz (the process is up), /readyz (every dependency answers) and beat's heartbeat."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from apps.core import health
from apps.core.heartbeat import BEAT, heartbeat_age, record_heartbeat
from apps.core.models import Heartbeat
from apps.core.tasks import beat_heartbeat
from tests.core.outage_fixtures import celery_broker


def test_healthz_touches_no_dependency(client):
    # No database fixture: pytest-django raises on any query, so a 200 means none was made.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_beat_schedules_the_heartbeat_every_minute_and_the_task_writes_it():
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == beat_heartbeat.name
    )
    assert entry["schedule"] == 60.0
    assert heartbeat_age() is None
    beat_heartbeat()
    assert Heartbeat.objects.get(name=BEAT).beat_at > timezone.now() - timedelta(seconds=5)


@pytest.mark.django_db(transaction=True)
def test_readyz_answers_200_when_every_part_answers(client, celery_worker_real):
    record_heartbeat()
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "redis", "worker", "beat"}


@pytest.mark.django_db(transaction=True)
def test_readyz_names_a_stale_beat(client, monkeypatch):
    monkeypatch.setitem(health.READINESS_CHECKS, "worker", lambda: health.CheckResult(True))
    record_heartbeat(now=timezone.now() - timedelta(minutes=2))
    assert client.get("/readyz").status_code == 200  # two minutes old is fresh enough
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["beat"]
    assert "s ago" in response.json()["checks"]["beat"]["detail"]


@pytest.mark.django_db(transaction=True)
def test_readyz_names_a_missing_worker(client):
    record_heartbeat()
    response = client.get("/readyz")  # no worker runs in this test
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


@pytest.mark.django_db(transaction=True)
def test_readyz_with_redis_hung_answers_503_within_its_deadline(client, hung_server):
    record_heartbeat()
    hung = f"redis://127.0.0.1:{hung_server.port}/0"
    started = time.monotonic()
    with override_settings(REDIS_URL=hung), celery_broker(hung):
        response = client.get("/readyz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["failing"] == ["redis", "worker"]
    assert elapsed < health.CHECK_TIMEOUT_SECONDS + 0.5


def test_a_hung_check_fails_at_the_deadline_instead_of_hanging():
    import threading

    released = threading.Event()

    def hangs() -> health.CheckResult:
        released.wait(10)
        return health.CheckResult(True)

    started = time.monotonic()
    results = health.run_checks({"stuck": hangs, "fine": lambda: health.CheckResult(True)}, 0.2)
    released.set()
    assert time.monotonic() - started < 1
    assert results["stuck"] == health.CheckResult(False, "no answer within 0.2 s")
    assert results["fine"].ok
