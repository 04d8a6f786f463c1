"""Every URL pattern and API operation, as every site-bound role, against the other site's
objects: 404 (or the same role refusal the user gets on their own site's object), and nothing
written (issue 14). tests/api/test_authorization_matrix.py pins each API answer per role; this
walks the URL patterns, so a new one is covered the day it is added."""

import pytest
from rest_framework.test import APIClient

from tests.security.routes import Route, every_route, url_for

pytestmark = pytest.mark.django_db

SITE_BOUND_ROLES = ("pwp_a", "advisor_a", "site_lead_a")
# Parameters that name no site's object: the patient's link token, the reset link, export jobs
# (owned by their requester), dashboard tables and thresholds (no patient).
NOT_SITE_OBJECTS = {
    "questionnaire:start",
    "questionnaire:check",
    "questionnaire:done",
    "questionnaire:section",
    "password_reset_confirm",
    "api:export-detail",
    "api:export-download",
    "export-status",
    "export-download",
    "dashboard-csv",
    "dashboard-criterion",
}


def site_object_routes() -> list[Route]:
    """The routes whose parameters name an object that belongs to one site."""
    return [
        r for r in every_route() if r.params and not r.is_admin and r.name not in NOT_SITE_OBJECTS
    ]


def _call(client: APIClient, route: Route, method: str, url: str):
    body = {"anything": "1"}
    if route.is_api:
        return getattr(client, method)(url, body, format="json")
    return getattr(client, method)(url, body if method == "post" else None)


@pytest.mark.parametrize("role", SITE_BOUND_ROLES)
def test_the_other_sites_objects_answer_404_and_nothing_changes(role, request, world, changes):
    user = request.getfixturevalue(role)
    client = APIClient()
    client.force_login(user)
    wrong, changed = {}, {}
    for route in site_object_routes():
        other, own = url_for(route, world, "b"), url_for(route, world, "a")
        for method in route.methods:
            changes.start()
            answer = _call(client, route, method, other).status_code
            if writes := changes.since():
                changed[f"{method} {other}"] = writes
            if answer == 404:
                continue
            # A refusal for the role (not the object) is the same on the user's own site.
            if answer in (403, 405) and _call(client, route, method, own).status_code == answer:
                continue
            wrong[f"{method.upper()} {other}"] = answer
    assert wrong == {}
    assert changed == {}


@pytest.mark.parametrize("role", SITE_BOUND_ROLES)
def test_lists_and_pages_never_show_the_other_sites_participants(role, request, world):
    user = request.getfixturevalue(role)
    client = APIClient()
    client.force_login(user)
    b = world.b.participant
    leaks = []
    for route in every_route():
        if route.is_admin or (route.params and route.name not in NOT_SITE_OBJECTS):
            continue
        response = client.get(url_for(route, world, "a"))
        body = response.content.decode(errors="replace")
        if b.trial_id in body or str(b.public_id) in body:
            leaks.append(route.name or route.route)
    assert leaks == []


def test_every_site_object_route_is_walked():
    names = {r.name for r in site_object_routes()}
    assert {"participant-detail", "api:participant-detail", "reminders:open-on-tablet"} <= names
    assert {"api:safety-alert-acknowledge", "sae-report", "follow-up-record"} <= names
    assert len(names) > 40


def test_the_walk_would_notice_an_answer_about_the_other_site(world, pwp_b):
    """The control: site B's own PWP opens the very URLs the test above expects 404 from."""
    client = APIClient()
    client.force_login(pwp_b)
    for name in ("participant-detail", "api:participant-detail", "api:session-detail"):
        route = next(r for r in every_route() if r.name == name)
        assert client.get(url_for(route, world, "b")).status_code == 200, name
