"""CSRF on every form: a signed-in browser's POST without the token is refused on every URL
pattern that takes a POST (the others answer 405), and changes nothing (issue 14)."""

import pytest
from django.http import HttpResponseForbidden
from django.test import Client

from tests.factories import PASSWORD
from tests.security.routes import every_route, url_for

pytestmark = pytest.mark.django_db

REFUSED = b"csrf-refused"
# Needs no token, and why: the API's token endpoint takes an email and password, sets no
# cookie and answers a token in the body, which a cross-site page cannot read.
NO_TOKEN_NEEDED = {"api:token"}


def csrf_refused(request, reason: str = ""):
    """Stands in for Django's CSRF failure page so the tests can tell it from other 403s."""
    return HttpResponseForbidden(REFUSED)


@pytest.fixture(autouse=True)
def _marked_failure_view(settings):
    settings.CSRF_FAILURE_VIEW = "tests.security.test_csrf.csrf_refused"


def was_refused_for_csrf(response) -> bool:
    """Django's CSRF check (pages) or DRF's (the API's session authentication) said no."""
    return response.status_code == 403 and (
        response.content == REFUSED or b"CSRF Failed" in response.content
    )


def _browser(user) -> Client:
    """A browser signed in as the user, holding a CSRF cookie but posting without the token,
    as a form on another site would."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/accounts/password_change/")  # a form page: sets the CSRF cookie
    return client


def _post(client: Client, route, url: str, **headers):
    """A form post to a page; a JSON post to the API (a form post there is refused as 415,
    before any CSRF check, which would prove nothing)."""
    if route.is_api:
        return client.post(url, {"anything": 1}, content_type="application/json", **headers)
    return client.post(url, {"anything": "1"}, **headers)


def _takes_posts(client: Client, route, url: str) -> bool:
    """Whether the URL takes a POST at all: with the token it answers something but 405."""
    token = client.cookies["csrftoken"].value
    return _post(client, route, url, headers={"X-CSRFToken": token}).status_code != 405


@pytest.mark.parametrize("who", ["pwp_a", "superuser", "trial_manager"])
def test_every_post_without_the_csrf_token_is_refused_and_changes_nothing(
    who, world, pwp_a, trial_manager, changes
):
    user = {"pwp_a": pwp_a, "superuser": world.superuser, "trial_manager": trial_manager}[who]
    client = _browser(user)
    accepted, changed = [], {}
    for route in every_route():
        if route.name in NO_TOKEN_NEEDED:
            continue
        url = url_for(route, world)
        changes.start()
        response = _post(client, route, url)
        if writes := changes.since():
            changed[url] = writes
        if not was_refused_for_csrf(response) and _takes_posts(client, route, url):
            accepted.append(f"{url} ({response.status_code}) {response.content[:80]!r}")
    assert accepted == [], accepted
    assert changed == {}


def test_the_patient_questionnaire_refuses_a_post_without_the_token(world, changes):
    token = world.a.link_token
    client = Client(enforce_csrf_checks=True)
    client.get(f"/q/{token}/")
    changes.start()
    response = client.post(f"/q/{token}/phq9/", {f"item{i}": "1" for i in range(1, 10)})
    assert was_refused_for_csrf(response)
    assert changes.since() == {}


def test_the_same_post_with_the_token_gets_through(world, pwp_a, changes):
    """The control: the refusals above are the token's absence, not some other refusal, and
    the change counter sees a write when one happens."""
    client = _browser(pwp_a)
    token = client.cookies["csrftoken"].value
    url = f"/follow-ups/{world.a.follow_up.public_id}/send-link/"
    changes.start()
    response = client.post(url, {"csrfmiddlewaretoken": token, "channel": "email"})
    assert not was_refused_for_csrf(response)
    assert response.status_code == 302
    assert changes.since()


def test_sign_in_needs_the_token_too(pwp_a):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": pwp_a.email, "password": PASSWORD})
    assert was_refused_for_csrf(response)
    assert "_auth_user_id" not in client.session
