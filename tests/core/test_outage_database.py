"""With PostgreSQL unreachable every page answers 503 with Retry-After, in its audience's style.

The requests run in a subprocess whose DATABASE_URL points at a closed port (psycopg's own
"connection refused", nothing mocked); rendering the pages must not need the database at all.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.core.test_outage_error_pages import assert_no_inline_script_or_style

TOKEN = "a" * 43
SESSION = "abcdefghijklmnopqrstuvwxyz012345"
STUDY_PHONE = "0117 496 0999"


def run_with_database_at(database_url: str, requests: list) -> dict[str, dict]:
    """The answers to `requests` from a process whose database is at `database_url`."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "QUESTIONNAIRE_STUDY_TEAM_PHONE": STUDY_PHONE,
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.core.outage_client", json.dumps(requests)],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return {(answer["method"], answer["path"]): answer for answer in json.loads(done.stdout)}


@pytest.fixture(scope="module")
def answers() -> dict:
    return run_with_database_at(
        "postgres://postgres@127.0.0.1:1/quitpilot_gone",
        [
            ["GET", f"/q/{TOKEN}/", {}],
            ["POST", f"/q/{TOKEN}/check/", {}],
            ["GET", "/caseload/", {"Cookie": f"sessionid={SESSION}"}],
            ["GET", "/api/v1/participants/", {"Authorization": "Token abc"}],
            ["GET", "/health/", {}],
            ["GET", "/healthz", {}],
            ["GET", "/readyz", {}],
        ],
    )


def test_patient_pages_answer_the_nhs_styled_503(answers):
    for key in (("GET", f"/q/{TOKEN}/"), ("POST", f"/q/{TOKEN}/check/")):
        page = answers[key]
        assert page["status"] == 503, key
        assert page["headers"]["Retry-After"] == str(settings.OUTAGE_RETRY_AFTER_SECONDS)
        assert page["headers"]["Referrer-Policy"] == "no-referrer"
        assert "no-store" in page["headers"]["Cache-Control"]
        body = page["body"]
        assert "nhsuk-frontend.min.css" in body
        assert "Your answers so far are saved" in body
        assert "Try again later" in body
        assert STUDY_PHONE in body and 'href="tel:01174960999"' in body
        assert TOKEN not in body
        assert_no_inline_script_or_style(body)


def test_a_staff_page_answers_the_staff_503_with_a_way_back(answers):
    page = answers[("GET", "/caseload/")]
    assert page["status"] == 503
    assert page["headers"]["Retry-After"] == str(settings.OUTAGE_RETRY_AFTER_SECONDS)
    assert "QuitPilot is briefly unavailable" in page["body"]
    assert 'href="/"' in page["body"]
    assert_no_inline_script_or_style(page["body"])


def test_the_api_answers_503_in_its_error_shape(answers):
    page = answers[("GET", "/api/v1/participants/")]
    assert page["status"] == 503
    assert page["headers"]["Retry-After"] == str(settings.OUTAGE_RETRY_AFTER_SECONDS)
    errors = json.loads(page["body"])["errors"]
    assert errors == [
        {
            "field": None,
            "code": "service_unavailable",
            "message": "The service is briefly unavailable. Try again in 30 seconds.",
        }
    ]


def test_health_answers_503_healthz_200_and_readyz_names_the_database(answers):
    health = answers[("GET", "/health/")]
    assert health["status"] == 503
    assert json.loads(health["body"])["failing"] == ["database"]
    assert answers[("GET", "/healthz")]["status"] == 200
    ready = answers[("GET", "/readyz")]
    assert ready["status"] == 503
    body = json.loads(ready["body"])
    assert "database" in body["failing"]
    assert "127.0.0.1" not in ready["body"]  # the public probe names no hosts
    assert ready["seconds"] < 2
