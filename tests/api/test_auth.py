"""Token and session authentication, token expiry and revocation, rate limits."""

import datetime as dt

from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


def test_token_for_email_and_password_then_list_participants(api_client, pwp_a, participant_a):
    response = api_client.post(TOKEN_URL, {"email": "PWP.A@nhs.test", "password": PASSWORD})
    assert response.status_code == 200, response.json()
    token = response.json()["token"]
    assert response.json()["expires_at"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = api_client.get("/api/v1/participants/")
    assert listed.status_code == 200
    assert [p["trial_id"] for p in listed.json()["results"]] == [participant_a.trial_id]


def test_wrong_password_gets_no_token(api_client, pwp_a):
    response = api_client.post(TOKEN_URL, {"email": "pwp.a@nhs.test", "password": "wrong"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_credentials"
    assert not Token.objects.exists()


def test_inactive_user_gets_no_token(api_client, pwp_a):
    pwp_a.is_active = False
    pwp_a.save()
    response = api_client.post(TOKEN_URL, {"email": "pwp.a@nhs.test", "password": PASSWORD})
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_repeated_failures_lock_the_account_even_with_the_right_password(api_client, pwp_a):
    for _ in range(5):
        api_client.post(TOKEN_URL, {"email": "pwp.a@nhs.test", "password": "wrong"})
    response = api_client.post(TOKEN_URL, {"email": "pwp.a@nhs.test", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "account_locked"
    assert not Token.objects.exists()


def test_revoked_token_no_longer_works(client_for, pwp_a):
    client = client_for(pwp_a)
    assert client.delete(TOKEN_URL).status_code == 204
    response = client.get("/api/v1/participants/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_expired_token_is_refused_and_deleted(client_for, pwp_a, settings):
    client = client_for(pwp_a)
    Token.objects.filter(user=pwp_a).update(
        created=timezone.now() - settings.API_TOKEN_TTL - dt.timedelta(seconds=1)
    )
    response = client.get("/api/v1/participants/")
    assert response.status_code == 401
    assert "expired" in response.json()["errors"][0]["message"]
    assert not Token.objects.filter(user=pwp_a).exists()


def test_a_new_token_is_issued_once_the_old_one_expired(api_client, pwp_a, settings):
    first = api_client.post(TOKEN_URL, {"email": "pwp.a@nhs.test", "password": PASSWORD})
    again = api_client.post(TOKEN_URL, {"email": "pwp.a@nhs.test", "password": PASSWORD})
    assert again.json()["token"] == first.json()["token"]
    Token.objects.update(created=timezone.now() - settings.API_TOKEN_TTL)
    renewed = api_client.post(TOKEN_URL, {"email": "pwp.a@nhs.test", "password": PASSWORD})
    assert renewed.json()["token"] != first.json()["token"]


def test_session_sign_in_works_for_the_api(pwp_a, participant_a):
    client = Client()
    client.force_login(pwp_a)
    response = client.get("/api/v1/participants/")
    assert response.status_code == 200
    assert response.json()["results"][0]["trial_id"] == participant_a.trial_id


def test_session_writes_need_the_csrf_token(pwp_a, participant_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pwp_a)
    response = client.post(
        f"/api/v1/participants/{participant_a.trial_id}/gad7/",
        {"items": [0] * 7, "completed_on": str(timezone.localdate())},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"][0]["message"]


def test_anonymous_requests_get_401_with_a_token_challenge(api_client):
    response = api_client.get("/api/v1/participants/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_too_many_requests_get_429_with_retry_after(client_for, pwp_a, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "3/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client = client_for(pwp_a)
    statuses = [client.get("/api/v1/sites/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/sites/")
    assert refused.json()["errors"][0]["code"] == "throttled"
    assert int(refused.headers["Retry-After"]) >= 1


def test_token_requests_are_limited_per_client_address(api_client, pwp_a, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth": "2/minute",
        },
    }
    body = {"email": "nobody@nhs.test", "password": "x"}
    statuses = [api_client.post(TOKEN_URL, body).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


def test_a_forged_forwarded_for_header_does_not_dodge_the_token_limit(db, api_client, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "auth": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    body = {"email": "nobody@nhs.test", "password": "x"}
    statuses = [
        api_client.post(TOKEN_URL, body, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [400, 400, 429]
