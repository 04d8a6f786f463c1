"""No URL sends a browser to another site, whatever `next` says (issue 14): sign-in, sign-out,
the admin's sign-in, and every page that reads a return address, plus a walk of every URL
pattern with a hostile `next` in the query string and the form."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.factories import PASSWORD
from tests.security.routes import every_route, url_for

pytestmark = pytest.mark.django_db

HOSTILE = (
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "http://testserver.evil.example/",
)
# Hand the browser to someone else or end the session: walked one at a time below.
SESSION_ENDING = {"logout", "reminders:open-on-tablet", "admin:logout"}


def stays_here(response) -> bool:
    """Whether a response keeps the browser on this site (no redirect, or a local one)."""
    location = response.get("Location")
    if location is None:
        return True
    parts = urlsplit(location.strip())
    starts_oddly = location.lstrip().startswith(("//", "\\", "/\\"))
    return parts.scheme in ("", "http") and parts.netloc in ("", "testserver") and not starts_oddly


def _signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["pwp_a", "trial_manager", "anonymous"])
def test_no_page_redirects_off_site_with_a_hostile_next(who, request, world):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = _signed_in(user)
    away = []
    for route in every_route():
        if route.is_admin or route.name in SESSION_ENDING:
            continue
        url = url_for(route, world)
        for response in (
            client.get(url, {"next": "https://evil.example/"}),
            client.post(f"{url}?next=//evil.example/", {"next": "//evil.example/"}),
        ):
            if not stays_here(response):
                away.append(f"{url} -> {response['Location']}")
    assert away == []


def test_sign_in_never_redirects_off_site(pwp_a):
    for target in HOSTILE:
        client = Client()
        response = client.post(
            f"/accounts/login/?next={target}",
            {"username": pwp_a.email, "password": PASSWORD, "next": target},
        )
        assert response.status_code == 302  # signed in
        assert stays_here(response), (target, response["Location"])


def test_sign_out_never_redirects_off_site(pwp_a):
    for target in HOSTILE:
        client = _signed_in(pwp_a)
        response = client.post(f"/accounts/logout/?next={target}", {"next": target})
        assert response.status_code in (200, 302)
        assert stays_here(response), (target, response.get("Location"))
        assert "_auth_user_id" not in client.session


def test_the_admin_sign_in_and_sign_out_never_redirect_off_site(world):
    for target in HOSTILE:
        client = Client()
        response = client.post(
            f"/admin/login/?next={target}",
            {"username": world.superuser.email, "password": PASSWORD, "next": target},
        )
        assert response.status_code == 302
        assert stays_here(response), (target, response["Location"])
        response = client.post(f"/admin/logout/?next={target}", {"next": target})
        assert stays_here(response), (target, response.get("Location"))


def test_pages_that_read_a_return_address_return_only_to_this_site(world, pwp_a, trial_manager):
    pwp, manager = _signed_in(pwp_a), _signed_in(trial_manager)
    follow_up = f"/follow-ups/{world.a.follow_up.public_id}"
    for target in HOSTILE:
        for client, url, data in (
            (pwp, f"{follow_up}/task-done/", {}),
            (pwp, f"{follow_up}/undelivered-seen/", {}),
            (pwp, f"{follow_up}/send-link/", {"channel": "email"}),
            (pwp, f"/alerts/{world.a.alert.public_id}/acknowledge/", {"action_taken": "Phoned."}),
            (manager, "/dashboard/refresh/", {}),
        ):
            response = client.post(f"{url}?next={target}", {**data, "next": target})
            assert response.status_code == 302, url
            assert stays_here(response), (url, target, response["Location"])


def test_a_local_next_is_still_followed(world, pwp_a):
    """The control: the checks above refuse foreign addresses, not every address."""
    client = _signed_in(pwp_a)
    url = f"/follow-ups/{world.a.follow_up.public_id}/task-done/"
    response = client.post(url, {"next": "/caseload/"})
    assert response["Location"] == "/caseload/"


def test_the_tablet_handover_opens_only_the_questionnaire(world, pwp_a):
    url = f"/follow-ups/{world.a.follow_up.public_id}/tablet/"
    for target in HOSTILE[:2]:
        client = _signed_in(pwp_a)
        response = client.post(f"{url}?next={target}", {"next": target})
        assert response.status_code == 302
        assert response["Location"].startswith("/q/")
