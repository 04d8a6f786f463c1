"""A real PostgreSQL stopped under a running gunicorn: 503 with Retry-After for patients, staff
and the API while it is down, and every page back by itself the moment it returns.

The cluster is the test's own (initdb in a temp dir, tests/reminders/faults.py) holding a copy
of the test database, so stopping it disturbs nothing else. Nothing is mocked.
"""

import json

import pytest
from django.db import connection
from django.test import Client, override_settings

from apps.accounts.tokens import issue_token
from apps.reminders.questionnaire_links import create_questionnaire_link
from tests.gunicorn_server import PRODUCTION_KEY, Gunicorn, get
from tests.reminders.faults import PostgresServer
from tests.reminders.helpers import participant_with_open_month3

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
STUDY_PHONE = "0117 496 0999"


@pytest.fixture
def stopped_and_started(site_a, pwp_a):
    """gunicorn on its own cluster; yields (server, link token, API token, cluster)."""
    _, follow_up = participant_with_open_month3(site_a, pwp_a)
    _, link_token = create_questionnaire_link(follow_up=follow_up, created_by=pwp_a)
    api_token = issue_token(user=pwp_a, client_name="Tablet").key
    staff = Client()
    with override_settings(SECRET_KEY=PRODUCTION_KEY):  # the server's key signs the session
        staff.force_login(pwp_a)  # the session row is copied with the database
    session = staff.cookies["sessionid"].value
    postgres = PostgresServer()
    server = None
    try:
        postgres.init()
        postgres.copy_database(connection.settings_dict, "qp_outage")
        server = Gunicorn(
            database_url=postgres.url("qp_outage"),
            extra_env={"QUESTIONNAIRE_STUDY_TEAM_PHONE": STUDY_PHONE},
        ).start()
        yield server, link_token, api_token, session, postgres
    finally:
        if server is not None:
            server.stop()
        postgres.stop()


def test_pages_answer_503_while_postgres_is_down_and_recover_by_themselves(stopped_and_started):
    server, link, api_token, session, postgres = stopped_and_started
    port, api = server.port, {"Authorization": f"Token {api_token}"}
    signed_in = {"Cookie": f"sessionid={session}"}
    assert get(port, f"/q/{link}/").status == 200
    assert get(port, "/caseload/", signed_in).status == 200
    assert get(port, "/api/v1/participants/", api).status == 200

    postgres.halt()
    patient = get(port, f"/q/{link}/")
    assert patient.status == 503 and patient.getheader("Retry-After")
    html = patient.body.decode()
    assert "answers so far are saved" in html and STUDY_PHONE in html
    staff = get(port, "/caseload/", signed_in)
    assert staff.status == 503 and staff.getheader("Retry-After")
    answer = get(port, "/api/v1/participants/", api)
    assert answer.status == 503 and answer.getheader("Retry-After")
    assert json.loads(answer.body)["errors"][0]["code"]
    assert get(port, "/healthz").status == 200  # the process itself is fine
    ready = get(port, "/readyz")
    assert ready.status == 503 and "database" in ready.body.decode()

    postgres.start()  # no restart of gunicorn, no manual step
    assert get(port, f"/q/{link}/").status == 200
    assert get(port, "/api/v1/participants/", api).status == 200
    assert get(port, "/caseload/", signed_in).status == 200
    assert link not in server.stdout + server.stderr
