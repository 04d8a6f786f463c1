"""The API token endpoint asks for the same second factor as the sign-in page."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from apps.accounts import otp_services
from apps.accounts.models import ApiToken
from tests.accounts.two_factor_helpers import code_for, give_app
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("second_factor_enforced")
TOKEN = "/api/v1/auth/token/"


def _ask(user, **extra):
    return APIClient().post(TOKEN, {"email": user.email, "password": PASSWORD, **extra})


def _otp_error(response) -> str:
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == ["otp"]
    return errors[0]["message"]


def test_a_required_role_without_a_factor_gets_no_token(trial_manager):
    assert "set it up" in _otp_error(_ask(trial_manager))
    assert not ApiToken.objects.filter(user=trial_manager).exists()


def test_a_user_with_an_app_must_send_a_right_code(trial_manager):
    key = give_app(trial_manager)
    assert _otp_error(_ask(trial_manager))
    wrong = "000000" if code_for(key) != "000000" else "111111"
    with time_machine.travel(dt.datetime.now(dt.UTC), tick=False) as clock:
        assert _otp_error(_ask(trial_manager, otp=wrong))
        assert not ApiToken.objects.filter(user=trial_manager).exists()
        clock.shift(dt.timedelta(seconds=2))  # past the wrong code's one-second throttle
        response = _ask(trial_manager, otp=code_for(key))
    assert response.status_code == 200, response.content
    assert response.json()["token"].startswith("qpt_")
    assert ApiToken.objects.filter(user=trial_manager).count() == 1


def test_a_recovery_code_works_once(trial_manager):
    codes = otp_services.replace_recovery_codes(user=trial_manager)
    assert _ask(trial_manager, otp=codes[0]).status_code == 200
    assert _otp_error(_ask(trial_manager, otp=codes[0], client_name="Second"))


def test_a_pwp_without_a_factor_needs_no_code(pwp_a):
    assert _ask(pwp_a).status_code == 200


def test_a_pwp_who_set_up_an_app_is_asked_for_it(pwp_a):
    give_app(pwp_a)
    assert _otp_error(_ask(pwp_a))


def test_a_wrong_password_is_refused_before_the_code_is_asked_for(trial_manager):
    give_app(trial_manager)
    response = APIClient().post(TOKEN, {"email": trial_manager.email, "password": "wrong"})
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == [None]
    assert response.json()["errors"][0]["code"] == "invalid_credentials"
