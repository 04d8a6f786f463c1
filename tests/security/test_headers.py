"""Every URL pattern, signed in as a superuser and anonymously: a strict Content-Security-Policy
and Cache-Control: no-store on every answer (issue 14)."""

import pytest
from django.test import Client

from tests.security.routes import every_route, url_for

pytestmark = pytest.mark.django_db

# Views that choose their own caching rule, and why it is safe: the dashboard shows aggregate
# figures only and revalidates its ETag on every view (private, no-cache).
OWN_CACHE_RULE = {"dashboard": ("private", "no-cache")}
# /readyz answers 503 here by design: no Celery worker or beat runs beside this test.
MAY_ANSWER_503 = {"readyz"}
UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*")


def header_problems(response, name: str) -> list[str]:
    """What is wrong with a response's CSP and caching headers (empty when nothing)."""
    problems = []
    policy = response.get("Content-Security-Policy", "")
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in filter(None, map(str.strip, policy.split(";")))
    )
    if directives.get("default-src") != "'self'":
        problems.append(f"default-src is {directives.get('default-src')!r}")
    for directive in ("script-src", "style-src"):
        if directives.get(directive) != "'self'":
            problems.append(f"{directive} is {directives.get(directive)!r}")
    if directives.get("frame-ancestors") != "'none'" or directives.get("object-src") != "'none'":
        problems.append("frame-ancestors or object-src is not 'none'")
    problems += [f"CSP allows {word}" for word in UNSAFE if word in policy.split()]
    cache = response.get("Cache-Control", "")
    # A refusal or error page is no-store even where the page itself has a rule of its own.
    own_rule = OWN_CACHE_RULE.get(name) if response.status_code == 200 else None
    wanted = own_rule or ("no-store",)
    if not all(word in cache for word in wanted):
        problems.append(f"Cache-Control is {cache!r}")
    if response.status_code >= 500 and not (response.status_code == 503 and name in MAY_ANSWER_503):
        problems.append(f"answered {response.status_code}")
    return problems


def _walk(client: Client, world) -> dict[str, list[str]]:
    failures = {}
    for route in every_route():
        url = url_for(route, world)
        response = client.get(url)
        problems = header_problems(response, route.name)
        if problems:
            failures[f"{url} ({response.status_code})"] = problems
    return failures


@pytest.mark.parametrize("who", ["superuser", "pwp_a", "trial_manager", "anonymous"])
def test_every_page_has_a_strict_csp_and_is_not_stored(who, world, pwp_a, trial_manager):
    """The superuser reaches the admin, the PWP the clinical forms, the trial manager the
    exports; anonymous visitors the sign-in pages and the patient questionnaire."""
    users = {"superuser": world.superuser, "pwp_a": pwp_a, "trial_manager": trial_manager}
    client = Client()
    if who in users:
        client.force_login(users[who])
    assert _walk(client, world) == {}


def test_the_walk_covers_staff_patient_admin_and_api_pages():
    routes = {route.name for route in every_route()}
    assert {"caseload", "questionnaire:check", "admin:index", "api:docs", "login"} <= routes
    assert sum(route.is_admin for route in every_route()) > 50


def test_error_pages_have_the_policy_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert header_problems(response, "") == []


def test_a_page_with_personal_data_is_no_store_and_private(world):
    client = Client()
    client.force_login(world.superuser)
    response = client.get(f"/participants/{world.a.participant.public_id}/")
    assert response.status_code == 200
    assert world.a.participant.trial_id in response.content.decode()
    cache = response["Cache-Control"]
    assert "no-store" in cache and "private" in cache
