"""Two-factor sign-in: who must enrol, the second step, wrong codes, recovery codes, the admin."""

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import otp_services
from apps.core.roles import Role
from tests.accounts.two_factor_helpers import (
    NOW,
    SETUP,
    VERIFY,
    code_for,
    give_app,
    sign_in_with_password,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.usefixtures("second_factor_enforced")
API = "/api/v1/participants/"


def _verify(client, code, next_url=""):
    return client.post(VERIFY, {"code": code, "next": next_url})


@pytest.mark.parametrize("who", ["trial_manager", "data_manager", "site_lead_a"])
def test_required_role_without_a_factor_is_sent_to_set_one_up(client, request, who):
    user = request.getfixturevalue(who)
    response = sign_in_with_password(client, user)
    assert response.status_code == 302
    assert response.url.startswith(SETUP)

    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 302
    assert dashboard.url.startswith(SETUP)
    assert client.get(reverse("caseload")).url.startswith(SETUP)
    assert client.get(reverse("account-security")).url.startswith(SETUP)
    api = client.get(API)
    assert api.status_code == 403
    assert api.json()["errors"][0]["code"] == "second_factor_required"


def test_superuser_is_a_required_role_whatever_its_role_field(client, db):
    boss = UserFactory(email="boss@nhs.test", role=Role.PWP, is_staff=True, is_superuser=True)
    assert sign_in_with_password(client, boss).url.startswith(SETUP)


def test_setup_shows_an_inline_qr_code_and_the_key_then_ten_recovery_codes_once(
    client, trial_manager, clock
):
    sign_in_with_password(client, trial_manager)
    page = client.get(f"{SETUP}?next=/dashboard/")
    html = page.content.decode()
    assert "<svg" in html and "<img" not in html
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    key = client.session["quitpilot_otp_setup_key"]
    assert otp_services.secret_for_typing(key) == secret

    wrong = client.post(SETUP, {"code": "000000" if code_for(key) != "000000" else "111111"})
    assert "That code does not match" in wrong.content.decode()
    assert 'id="error-summary"' in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=trial_manager).exists()

    done = client.post(SETUP, {"code": code_for(key), "next": "/dashboard/"})
    assert done.url == reverse("otp-recovery-codes")
    assert TOTPDevice.objects.get(user=trial_manager).confirmed
    codes_page = client.get(done.url).content.decode()
    shown = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", codes_page)
    assert len(shown) == 10
    stored = set(
        StaticToken.objects.filter(device__user=trial_manager).values_list("token", flat=True)
    )
    assert {c.replace("-", "") for c in shown} == stored
    # Shown once: going back does not show them again.
    assert client.get(reverse("otp-recovery-codes")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_pwp_without_a_factor_signs_in_with_the_password_alone(client, pwp_a):
    response = sign_in_with_password(client, pwp_a)
    assert not response.url.startswith(VERIFY)
    assert client.get(reverse("caseload")).status_code == 200


def test_pwp_with_a_factor_must_give_the_code(client, pwp_a, clock):
    key = give_app(pwp_a)
    response = sign_in_with_password(client, pwp_a)
    assert response.url.startswith(VERIFY)
    assert client.get(reverse("caseload")).url.startswith(VERIFY)

    verified = _verify(client, code_for(key), "/caseload/")
    assert verified.url == "/caseload/"
    assert client.get(reverse("caseload")).status_code == 200


def test_verified_trial_manager_reaches_the_dashboard_and_the_api(client, trial_manager, clock):
    key = give_app(trial_manager)
    sign_in_with_password(client, trial_manager)
    _verify(client, code_for(key))
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(API).status_code == 200


def test_wrong_code_is_refused_with_a_clear_message_counted_and_slowed(
    client, trial_manager, clock
):
    key = give_app(trial_manager)
    sign_in_with_password(client, trial_manager)
    wrong = code_for(key, at=NOW.timestamp() + 3600)
    response = _verify(client, wrong)
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    device = TOTPDevice.objects.get(user=trial_manager)
    assert device.throttling_failure_count == 1

    # The right code straight after a wrong one must wait: a guesser cannot go fast.
    too_soon = _verify(client, code_for(key))
    assert "Too many wrong codes. Wait 1 second" in too_soon.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302

    clock.shift(dt.timedelta(seconds=2))
    assert _verify(client, code_for(key)).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_the_same_app_code_cannot_be_used_twice(client, trial_manager, clock):
    key = give_app(trial_manager)
    sign_in_with_password(client, trial_manager)
    code = code_for(key)
    _verify(client, code)
    client.post(reverse("logout"))
    sign_in_with_password(client, trial_manager)
    assert "That code is not right" in _verify(client, code).content.decode()


def test_recovery_code_works_once_only(client, trial_manager, clock):
    give_app(trial_manager)
    codes = otp_services.replace_recovery_codes(user=trial_manager)
    sign_in_with_password(client, trial_manager)
    typed = f"{codes[0][:4]}-{codes[0][4:]}".upper()
    response = client.post(VERIFY, {"recovery_code": typed})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    assert otp_services.recovery_codes_left(trial_manager) == 9

    client.post(reverse("logout"))
    sign_in_with_password(client, trial_manager)
    again = client.post(VERIFY, {"recovery_code": codes[0]})
    assert "used already" in again.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_second_step_never_redirects_off_the_site(client, pwp_a, clock):
    key = give_app(pwp_a)
    sign_in_with_password(client, pwp_a)
    response = _verify(client, code_for(key), "https://evil.example/steal")
    assert response.url == reverse("home")


def test_admin_sends_the_signed_out_to_quitpilot_sign_in(client, db):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('login')}?next=/admin/"
    assert "Sign in" in response.content.decode()


def test_admin_refuses_a_superuser_who_has_not_used_the_second_factor(client, db, clock):
    boss = UserFactory(email="boss@nhs.test", role=Role.ADMIN, is_staff=True, is_superuser=True)
    key = give_app(boss)
    sign_in_with_password(client, boss)
    assert client.get("/admin/").url.startswith(VERIFY)

    request = RequestFactory().get("/admin/")
    request.user = boss
    boss.is_verified = lambda: False
    assert not admin.site.has_permission(request)

    _verify(client, code_for(key))
    assert client.get("/admin/").status_code == 200
