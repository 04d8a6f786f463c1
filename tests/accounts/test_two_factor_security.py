"""Account security: factors listed, removed (never the last for a required role), new recovery
codes only after a fresh code, passkeys added only in a verified session; the API's code check."""

import datetime as dt

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from apps.accounts import otp_services
from apps.accounts.otp_services import second_factor_error
from tests.accounts.two_factor_helpers import (
    NOW,
    VERIFY,
    code_for,
    give_app,
    give_passkey,
    sign_in_with_password,
)

pytestmark = pytest.mark.usefixtures("second_factor_enforced")
SECURITY = "/accounts/security/"


def _signed_in_with_app(client, user, clock) -> str:
    key = give_app(user)
    sign_in_with_password(client, user)
    client.post(VERIFY, {"code": code_for(key)})
    clock.shift(dt.timedelta(seconds=30))  # the next code is a new one
    return key


def _passkey(user, name="Passkey added 2 March 2026") -> WebAuthnCredential:
    return give_passkey(user, name)


def test_security_page_lists_the_factors_and_links_from_the_menu(client, trial_manager, clock):
    _signed_in_with_app(client, trial_manager, clock)
    otp_services.replace_recovery_codes(user=trial_manager)
    _passkey(trial_manager)
    page = client.get(SECURITY)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="{SECURITY}"' in html
    assert "Set up on 2 March 2026" in html
    assert "Passkey added 2 March 2026" in html
    assert "You have 10 unused recovery codes." in html
    # The passkey scripts are files with their data in a JSON block: nothing inline to run.
    assert 'id="otp_webauthn_config" type="application/json"' in html
    assert "/static/django_otp_webauthn/otp_webauthn_register.js" in html
    assert "/static/js/passkeys.js" in html


def test_required_role_cannot_remove_its_last_factor(client, trial_manager, clock):
    _signed_in_with_app(client, trial_manager, clock)
    response = client.post(reverse("otp-remove-app"), follow=True)
    assert "must keep a second factor" in response.content.decode()
    assert TOTPDevice.objects.filter(user=trial_manager, confirmed=True).exists()


def test_required_role_can_remove_the_app_while_a_passkey_remains_and_stays_verified(
    client, trial_manager, clock
):
    _signed_in_with_app(client, trial_manager, clock)
    _passkey(trial_manager)
    client.post(reverse("otp-remove-app"))
    assert not TOTPDevice.objects.filter(user=trial_manager).exists()
    assert client.get(reverse("dashboard")).status_code == 200


def test_pwp_removing_the_only_factor_goes_back_to_password_only(client, pwp_a, clock):
    _signed_in_with_app(client, pwp_a, clock)
    otp_services.replace_recovery_codes(user=pwp_a)
    client.post(reverse("otp-remove-app"))
    assert not TOTPDevice.objects.filter(user=pwp_a).exists()
    assert not StaticDevice.objects.filter(user=pwp_a).exists()
    client.post(reverse("logout"))
    sign_in_with_password(client, pwp_a)
    assert client.get(reverse("caseload")).status_code == 200


def test_someone_elses_passkey_cannot_be_removed(client, pwp_a, pwp_b, clock):
    _signed_in_with_app(client, pwp_a, clock)
    theirs = _passkey(pwp_b)
    url = reverse("otp-remove-passkey", args=[theirs.credential_id_sha256])
    assert client.post(url).status_code == 404
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()


def test_own_passkey_is_removed(client, pwp_a, clock):
    _signed_in_with_app(client, pwp_a, clock)
    mine = _passkey(pwp_a)
    client.post(reverse("otp-remove-passkey", args=[mine.credential_id_sha256]))
    assert not WebAuthnCredential.objects.filter(pk=mine.pk).exists()


def test_new_recovery_codes_need_a_fresh_code(client, trial_manager, clock):
    key = _signed_in_with_app(client, trial_manager, clock)
    old = otp_services.replace_recovery_codes(user=trial_manager)

    refused = client.post(SECURITY, {"code": "12345"})
    assert refused.status_code == 200
    assert 'id="error-summary"' in refused.content.decode()
    assert otp_services.recovery_codes_left(trial_manager) == 10

    response = client.post(SECURITY, {"code": code_for(key)})
    assert response.url == reverse("otp-recovery-codes")
    assert "Save your recovery codes" in client.get(response.url).content.decode()
    assert otp_services.recovery_codes_left(trial_manager) == 10
    assert second_factor_error(trial_manager, old[0]) is not None  # the old set is gone


def test_unverified_session_cannot_open_account_security(client, pwp_a, clock):
    give_app(pwp_a)
    sign_in_with_password(client, pwp_a)
    assert client.get(SECURITY).url.startswith(VERIFY)
    assert client.post(reverse("otp-remove-app")).url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=pwp_a).exists()


def test_passkeys_cannot_be_added_without_a_verified_session(client, pwp_a, settings):
    """A stolen password alone never adds a passkey (checked server-side, not by hiding the
    button)."""
    client.force_login(pwp_a)
    response = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_first"


def test_passkey_registration_starts_in_a_verified_session(client, pwp_a, clock):
    _signed_in_with_app(client, pwp_a, clock)
    response = client.post(
        reverse("otp_webauthn:credential-registration-begin"), HTTP_HOST="localhost"
    )
    assert response.status_code == 200
    options = response.json()
    assert options["rp"]["id"] == "localhost"
    assert options["user"]["name"] == pwp_a.email


def test_passkey_sign_in_is_never_passwordless(client, db):
    response = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert response.status_code >= 400
    assert "_auth_user_id" not in client.session


# The API token endpoint's check --------------------------------------------------------------


def test_token_check_lets_a_pwp_without_a_factor_through(pwp_a):
    assert second_factor_error(pwp_a, None) is None


def test_token_check_asks_a_required_role_without_a_factor_to_set_one_up(trial_manager):
    assert "set it up on the website" in second_factor_error(trial_manager, "123456")


def test_token_check_needs_the_current_code_when_a_factor_exists(pwp_a, clock):
    key = give_app(pwp_a)
    assert second_factor_error(pwp_a, "") == otp_services.MISSING
    wrong = code_for(key, at=NOW.timestamp() + 3600)
    assert "not right" in second_factor_error(pwp_a, wrong)
    clock.shift(dt.timedelta(seconds=2))
    assert second_factor_error(pwp_a, code_for(key)) is None
    assert TOTPDevice.objects.get(user=pwp_a).throttling_failure_count == 0


def test_token_check_is_throttled_like_the_web(trial_manager, clock):
    key = give_app(trial_manager)
    second_factor_error(trial_manager, code_for(key, at=NOW.timestamp() + 3600))
    assert "Too many wrong codes" in second_factor_error(trial_manager, code_for(key))


def test_token_check_accepts_a_recovery_code_once(trial_manager):
    give_app(trial_manager)
    code = otp_services.replace_recovery_codes(user=trial_manager)[0]
    assert second_factor_error(trial_manager, code) is None
    assert "used already" in second_factor_error(trial_manager, code)


def test_the_second_step_can_run_the_passkey_ceremony_before_verification(client, pwp_a):
    _passkey(pwp_a)
    sign_in_with_password(client, pwp_a)
    assert client.get(reverse("caseload")).url.startswith(VERIFY)
    assert client.get(reverse("otp_webauthn:js-i18n-catalog")).status_code == 200
    begin = client.post(
        reverse("otp_webauthn:credential-authentication-begin"), HTTP_HOST="localhost"
    )
    assert begin.status_code == 200
    assert begin.json()["rpId"] == "localhost"
    assert client.post(reverse("otp_webauthn:credential-registration-begin")).status_code == 302


def test_passkey_scripts_are_found_by_collectstatic():
    assert finders.find("django_otp_webauthn/otp_webauthn_auth.js")
    assert finders.find("django_otp_webauthn/otp_webauthn_register.js")
    assert finders.find("js/passkeys.js")


def test_admin_never_shows_device_secrets(admin_client, trial_manager, settings):
    settings.QUITPILOT_SECOND_FACTOR_REQUIRED = False  # admin_client has no factor of its own
    give_app(trial_manager)
    device = TOTPDevice.objects.get(user=trial_manager)
    page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
