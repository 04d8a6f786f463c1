"""Sign-in, password reset and token issue answer alike for an unknown address, a wrong
password, an inactive, a locked or a demo account: nobody learns which accounts exist."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.backends import DEMO_EMAIL_DOMAIN
from tests.factories import PASSWORD, UserFactory

UNKNOWN = "nobody.here@nhs.test"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def accounts(site_a, pwp_a):
    inactive = UserFactory(email="left.the.service@nhs.test", site=site_a, is_active=False)
    demo = UserFactory(email=f"pwp1.brs@{DEMO_EMAIL_DOMAIN}", site=site_a)
    return {
        "unknown": (UNKNOWN, PASSWORD),
        "wrong password": (pwp_a.email, "not-the-password-1"),
        "inactive": (inactive.email, PASSWORD),
        "demo account": (demo.email, PASSWORD),
    }


def page_text(response, email: str) -> str:
    """The page with what legitimately differs (the typed address, the CSRF mask) blanked."""
    return CSRF.sub("", response.content.decode()).replace(email, "EMAIL")


@override_settings(DEBUG=False, ALLOW_DEMO_SEED=False)
def test_sign_in_answers_every_refusal_alike(client, accounts):
    answers = {}
    for case, (email, password) in accounts.items():
        response = client.post(reverse("login"), {"username": email, "password": password})
        answers[case] = (response.status_code, page_text(response, email))
    assert len(set(answers.values())) == 1, list(answers)
    status, text = answers["unknown"]
    assert status == 200 and "did not match" in text


def test_a_locked_account_and_a_locked_unknown_address_answer_alike(client, pwp_a):
    answers = []
    for email in (pwp_a.email, UNKNOWN):
        for _ in range(5):
            client.post(reverse("login"), {"username": email, "password": "wrong-password-1"})
        response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
        answers.append((response.status_code, page_text(response, email)))
    assert answers[0] == answers[1]
    assert answers[0][0] == 429


@override_settings(DEBUG=False, ALLOW_DEMO_SEED=False)
def test_token_issue_answers_every_refusal_alike(db, accounts):
    answers = {}
    for case, (email, password) in accounts.items():
        response = APIClient().post("/api/v1/auth/token/", {"email": email, "password": password})
        answers[case] = (response.status_code, response.content)
    assert len(set(answers.values())) == 1, answers
    assert answers["unknown"][0] == 400


def test_token_lockout_answers_alike_for_a_real_and_an_unknown_address(db, pwp_a, settings):
    # Twelve requests from one address: lift the per-address limit to reach the lockout.
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": None}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    answers = []
    for email in (pwp_a.email, UNKNOWN):
        client = APIClient()
        for _ in range(5):
            client.post("/api/v1/auth/token/", {"email": email, "password": "wrong"})
        response = client.post("/api/v1/auth/token/", {"email": email, "password": PASSWORD})
        answers.append((response.status_code, response.content))
    assert answers[0] == answers[1]
    assert answers[0][0] == 429


def test_password_reset_answers_alike_for_a_real_an_unknown_and_a_throttled_address(
    client, pwp_a, pwp_b, ask_for_reset
):
    for _ in range(3):
        ask_for_reset(pwp_a.email)
    sent = len(mail.outbox)
    throttled = ask_for_reset(pwp_a.email)
    assert len(mail.outbox) == sent
    client.logout()
    real = ask_for_reset(pwp_b.email)
    unknown = ask_for_reset(UNKNOWN)
    assert {(r.status_code, r.url) for r in (throttled, real, unknown)} == {
        (302, reverse("password_reset_done"))
    }
    assert [m.to for m in mail.outbox[sent:]] == [[pwp_b.email]]
    form_page = client.get(reverse("password_reset"))
    done_page = client.get(reverse("password_reset_done"))
    assert form_page.status_code == done_page.status_code == 200
