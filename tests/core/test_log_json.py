"""Structured logs: one JSON object a line with the request id the response sends back."""

import json
import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from apps.reminders.tasks import dispatch_due_reminders
from tests.core.log_capture import handler_output
from tests.reminders.helpers import only_due_invitation, participant_with_open_month3

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_a_request_log_line_is_json_with_the_request_id_of_the_response(client):
    with handler_output(logging.INFO) as written:
        response = client.get("/q/not-a-real-token/")
    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    lines = _lines(written.getvalue())  # every line parses, or this raises
    (line,) = [x for x in lines if x["logger"] == "django.request"]
    assert line["request_id"] == request_id
    assert line["level"] == "WARNING"
    assert line["message"] == "Not Found: /q/<redacted>/"
    assert line["status_code"] == 404
    assert line["time"].endswith("Z")
    assert set(line) >= {"time", "level", "logger", "message", "request_id"}


def test_each_request_gets_its_own_id_and_a_callers_uuid_is_kept(client):
    first = client.get("/health/")["X-Request-ID"]
    second = client.get("/health/")["X-Request-ID"]
    assert first != second
    given = uuid.uuid4().hex
    assert client.get("/health/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given


def test_a_request_id_that_is_not_a_uuid_is_replaced_not_logged(client):
    with handler_output(logging.DEBUG) as written:
        answered = client.get("/health/", HTTP_X_REQUEST_ID="jo@example.test")["X-Request-ID"]
    assert answered != "jo@example.test" and len(answered) == 32
    assert "jo@example.test" not in written.getvalue()


def test_a_task_log_line_carries_the_task_id(site_a, pwp_a, settings):
    settings.REMINDER_CHANNEL_BACKENDS = {"email": "apps.reminders.channels.LogChannel"}
    _, follow_up = participant_with_open_month3(site_a, pwp_a)
    only_due_invitation(follow_up)
    with handler_output(logging.INFO) as written:
        result = dispatch_due_reminders.apply()
    (line,) = [x for x in _lines(written.getvalue()) if x["logger"] == "apps.reminders.channels"]
    assert line["task_id"] == result.id
    assert line["task_name"] == "apps.reminders.tasks.dispatch_due_reminders"
    assert line["request_id"]  # django-guid gives every task run an id


def test_an_exception_is_one_json_line_with_its_traceback():
    with handler_output(logging.INFO) as written:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logging.getLogger("apps.core").exception("it failed")
    (line,) = _lines(written.getvalue())
    assert line["message"] == "it failed"
    assert "Traceback" in line["exception"] and "RuntimeError: boom" in line["exception"]


def _logging_of(module: str, **env: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.LOGGING['handlers']['console']))"
    )
    environment = {
        **{k: v for k, v in os.environ.items() if k != "LOG_FORMAT"},
        "DJANGO_SETTINGS_MODULE": module,
        "DJANGO_SECRET_KEY": "a-long-random-production-key-for-this-test-only-0123456789",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "QUITPILOT_FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        **env,
    }
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_production_logs_json_and_development_a_readable_line():
    assert _logging_of("config.settings.prod")["formatter"] == "json"
    assert _logging_of("config.settings.dev")["formatter"] == "console"
    assert _logging_of("config.settings.dev", LOG_FORMAT="json")["formatter"] == "json"


def test_loading_the_dev_settings_leaves_the_running_settings_logging_alone(settings):
    import importlib

    dev = importlib.import_module("config.settings.dev")
    importlib.reload(dev)  # run its module body now, whatever was imported before
    assert dev.LOGGING["handlers"]["console"]["formatter"] in ("console", "json")
    assert dev.LOGGING is not settings.LOGGING
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"
