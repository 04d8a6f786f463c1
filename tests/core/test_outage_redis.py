"""With Redis refused or hung, staff and patients keep working from the database, fast.

Each page is timed with the circuit breakers closed (the worst case: the first request after the
breaker's few seconds are up pays every socket timeout it meets) and must answer within
REQUEST_BUDGET_SECONDS. Tasks queued from a request are skipped with a warning; the database row
is the outbox that a beat sweep queues again.
"""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.tokens import issue_token
from apps.core import circuit
from apps.dashboards import tasks as dashboard_tasks
from apps.dashboards.models import ExportJob, ExportStatus
from apps.outcomes.models import PHQ9Response, SafetyAlert
from apps.reminders import questionnaire_links as links
from tests.cessation.test_session_views import items, session_post
from tests.core.outage_fixtures import REQUEST_BUDGET_SECONDS, Timed
from tests.factories import PASSWORD
from tests.outcomes.test_questionnaire_pages import GAD7_OK, SMOKING_OK
from tests.reminders.helpers import participant_with_open_month3

pytestmark = pytest.mark.django_db

RISKY_PHQ9 = [1, 1, 1, 1, 1, 0, 0, 0, 2]


def client_for(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=user).key}")
    return api


def timed_get(timed: Timed, client, url, **kwargs):
    circuit.reset_all()  # the worst case: nothing known about the outage yet
    return timed(client.get, url, **kwargs)


def timed_post(timed: Timed, client, url, data=None, **kwargs):
    circuit.reset_all()
    return timed(client.post, url, data, **kwargs)


def test_sign_in_caseload_and_participant_page(client, pwp_a, participant_a, redis_outage):
    timed = Timed()
    response = timed_post(
        timed, client, reverse("login"), {"username": pwp_a.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert timed_get(timed, client, reverse("caseload")).status_code == 200
    detail = reverse("participant-detail", args=[participant_a.public_id])
    assert timed_get(timed, client, detail).status_code == 200
    assert timed.slowest < REQUEST_BUDGET_SECONDS


def test_recording_a_session_with_a_risk_answer_keeps_the_alert_for_the_sweep(
    client, pwp_a, participant_a, redis_outage, django_capture_on_commit_callbacks, caplog
):
    client.force_login(pwp_a)
    timed = Timed()
    url = reverse("session-create", args=[participant_a.public_id])
    data = session_post(**items("phq9", RISKY_PHQ9))
    caplog.set_level(logging.WARNING, logger="apps.core.queue")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = timed_post(timed, client, url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    assert callbacks, "the alert email is queued on commit"
    alert = SafetyAlert.objects.get(participant=participant_a)
    assert alert.notified_at is None  # requeue_unnotified_alerts sends it once Redis is back
    assert "Broker unreachable: apps.outcomes.tasks.notify_safety_alert not queued" in caplog.text
    assert timed.slowest < REQUEST_BUDGET_SECONDS


def test_the_api_reads_and_records(pwp_a, participant_a, redis_outage):
    api = client_for(pwp_a)
    timed = Timed()
    assert timed_get(timed, api, "/api/v1/participants/").status_code == 200
    response = timed_post(
        timed,
        api,
        f"/api/v1/participants/{participant_a.trial_id}/phq9/",
        {"items": [1] * 9, "completed_on": str(timezone.localdate())},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert PHQ9Response.objects.filter(participant=participant_a).count() == 1
    assert timed.slowest < REQUEST_BUDGET_SECONDS


def test_patient_pages_and_submit(
    client, site_a, pwp_a, redis_outage, settings, django_capture_on_commit_callbacks
):
    settings.PATIENT_LINK_RATE_LIMIT = "1000/m"
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    _, token = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    timed = Timed()
    assert timed_get(timed, client, f"/q/{token}/").status_code == 200
    phq9 = {f"item{i}": str(v) for i, v in enumerate(RISKY_PHQ9, start=1)}
    for page, data in (("phq9", phq9), ("gad7", GAD7_OK), ("smoking", SMOKING_OK)):
        response = timed_post(timed, client, f"/q/{token}/{page}/", data)
        assert response.status_code == 302, response.content.decode()[:1500]
    assert timed_get(timed, client, f"/q/{token}/check/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = timed_post(timed, client, f"/q/{token}/check/")
    assert response.status_code == 302
    assert PHQ9Response.objects.filter(participant=participant).count() == 1
    assert SafetyAlert.objects.get(participant=participant).notified_at is None
    assert timed.slowest < REQUEST_BUDGET_SECONDS


def test_health_answers_from_the_database(client, redis_outage):
    timed = Timed()
    assert timed_get(timed, client, "/health/").status_code == 200
    assert timed.slowest < REQUEST_BUDGET_SECONDS


def test_an_export_requested_in_the_outage_is_queued_again_by_the_sweep(
    trial_manager, redis_outage, django_capture_on_commit_callbacks, monkeypatch
):
    api = client_for(trial_manager)
    timed = Timed()
    with django_capture_on_commit_callbacks(execute=True):
        response = timed_post(
            timed, api, "/api/v1/exports/", {"dataset": "long", "file_format": "csv"}, format="json"
        )
    assert response.status_code in (201, 202), response.content
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.QUEUED
    assert timed.slowest < REQUEST_BUDGET_SECONDS
    queued: list[int] = []
    monkeypatch.setattr(dashboard_tasks.build_export, "delay", queued.append)
    assert dashboard_tasks.requeue_unqueued_exports() == 0  # too fresh: its task may be on its way
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert dashboard_tasks.requeue_unqueued_exports() == 1
    assert queued == [job.id]


def test_a_hung_broker_costs_one_timeout_then_the_breaker_skips_it(
    hung_server, django_capture_on_commit_callbacks
):
    from apps.core.queue import send_task
    from tests.core.outage_fixtures import celery_broker

    with celery_broker(f"redis://127.0.0.1:{hung_server.port}/0"):
        first, again = Timed(), Timed()
        assert first(send_task, "apps.dashboards.tasks.build_export", 1) is False
        assert again(send_task, "apps.dashboards.tasks.build_export", 1) is False
    assert first.slowest < 1.0  # connect and read timeouts are under a second each
    assert again.slowest < 0.05  # the breaker is open: no second wait
