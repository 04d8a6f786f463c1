"""The demo logins share a published password: production refuses them at sign-in and token
issue, with the answer a wrong password gets."""

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.backends import DEMO_EMAIL_DOMAIN, demo_accounts_refused, is_demo_account
from apps.accounts.models import ApiToken
from tests.factories import PASSWORD, UserFactory

PRODUCTION_LIKE = override_settings(DEBUG=False, ALLOW_DEMO_SEED=False)


@pytest.fixture
def demo_pwp(site_a):
    return UserFactory(email=f"pwp1.brs@{DEMO_EMAIL_DOMAIN}", site=site_a)


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


@PRODUCTION_LIKE
def test_production_refuses_a_demo_account_at_sign_in(client, demo_pwp):
    response = sign_in(client, demo_pwp.email)
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


@PRODUCTION_LIKE
def test_production_refuses_a_demo_account_a_token(demo_pwp):
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": demo_pwp.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


def test_a_demo_session_ends_once_production_settings_apply(client, demo_pwp):
    client.force_login(demo_pwp)
    assert client.get(reverse("caseload")).status_code == 200
    with PRODUCTION_LIKE:
        assert client.get(reverse("caseload")).status_code == 302


@PRODUCTION_LIKE
def test_production_still_lets_real_staff_in(client, pwp_a):
    assert sign_in(client, pwp_a.email).status_code == 302


@override_settings(DEBUG=True, ALLOW_DEMO_SEED=True)
def test_a_development_machine_lets_the_demo_accounts_in(client, demo_pwp):
    assert sign_in(client, demo_pwp.email).status_code == 302


@pytest.mark.parametrize(
    ("debug", "allow_seed", "refused"),
    [(False, False, True), (False, True, False), (True, False, False), (True, True, False)],
)
def test_demo_accounts_are_refused_whenever_debug_is_off_and_seeding_is_not_allowed(
    settings, debug, allow_seed, refused
):
    settings.DEBUG, settings.ALLOW_DEMO_SEED = debug, allow_seed
    assert demo_accounts_refused() is refused


def test_a_demo_account_is_recognised_by_its_domain_whatever_its_case():
    assert is_demo_account(f"Manager@{DEMO_EMAIL_DOMAIN.upper()}")
    assert not is_demo_account("manager@nhs.test")
    assert not is_demo_account(f"someone@not{DEMO_EMAIL_DOMAIN}")
