"""Token and session authentication: hashed per-client tokens, expiry, revocation, rate limits."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.crypto import hash_token

from apps.accounts.models import ApiToken
from apps.accounts.tokens import issue_token
from tests.factories import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"


def obtain(api_client, email="pwp.a@nhs.test", password=PASSWORD, **extra):
    return api_client.post(TOKEN_URL, {"email": email, "password": password, **extra})


def with_token(api_client, token: str):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api_client


def test_token_for_email_and_password_then_list_participants(api_client, pwp_a, participant_a):
    response = obtain(api_client, email="PWP.A@nhs.test", client_name="Clinic tablet 3")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["expires_at"] and body["client_name"] == "Clinic tablet 3"
    listed = with_token(api_client, body["token"]).get("/api/v1/participants/")
    assert listed.status_code == 200
    assert [p["trial_id"] for p in listed.json()["results"]] == [participant_a.trial_id]


def test_only_a_digest_of_the_token_is_stored(api_client, pwp_a):
    secret = obtain(api_client).json()["token"]
    stored = ApiToken.objects.get(user=pwp_a)
    assert stored.digest == hash_token(secret)
    row = ApiToken.objects.filter(pk=stored.pk).values().get()
    assert not [name for name, value in row.items() if value == secret]
    assert secret not in str(row)
    assert secret.startswith("qpt_")


def test_each_client_gets_its_own_token_and_asking_again_replaces_only_that_one(api_client, pwp_a):
    tablet = obtain(api_client, client_name="Tablet").json()["token"]
    script = obtain(api_client, client_name="Import script").json()["token"]
    assert tablet != script
    assert set(ApiToken.objects.values_list("client_name", flat=True)) == {
        "Tablet",
        "Import script",
    }
    renewed = obtain(api_client, client_name="Tablet").json()["token"]
    assert renewed not in (tablet, script)
    assert with_token(api_client, tablet).get("/api/v1/sites/").status_code == 401
    assert with_token(api_client, script).get("/api/v1/sites/").status_code == 200
    assert with_token(api_client, renewed).get("/api/v1/sites/").status_code == 200


def test_a_token_without_a_client_name_gets_the_default_name(api_client, pwp_a):
    assert obtain(api_client).json()["client_name"] == "API client"


def test_an_overlong_client_name_is_refused_naming_the_field(api_client, pwp_a):
    response = obtain(api_client, client_name="x" * 101)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "client_name"
    assert not ApiToken.objects.exists()


def test_wrong_password_gets_no_token(api_client, pwp_a):
    response = obtain(api_client, password="wrong")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


def test_inactive_user_gets_no_token(api_client, pwp_a):
    pwp_a.is_active = False
    pwp_a.save()
    assert obtain(api_client).status_code == 400
    assert not ApiToken.objects.exists()


def test_repeated_failures_lock_the_account_even_with_the_right_password(api_client, pwp_a):
    for _ in range(5):
        obtain(api_client, password="wrong")
    response = obtain(api_client)
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "account_locked"
    assert not ApiToken.objects.exists()


def test_delete_revokes_only_the_token_it_is_sent_with(api_client, pwp_a):
    tablet = obtain(api_client, client_name="Tablet").json()["token"]
    script = obtain(api_client, client_name="Script").json()["token"]
    assert with_token(api_client, tablet).delete(TOKEN_URL).status_code == 204
    response = with_token(api_client, tablet).get("/api/v1/participants/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"
    assert with_token(api_client, script).get("/api/v1/sites/").status_code == 200


def test_a_session_has_no_token_to_revoke(pwp_a):
    client = Client()
    client.force_login(pwp_a)
    issue_token(user=pwp_a, client_name="Tablet")
    response = client.delete(TOKEN_URL)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "no_token"
    assert ApiToken.objects.filter(user=pwp_a).count() == 1


def test_you_list_your_own_tokens_without_their_secrets(api_client, pwp_a, pwp_b):
    first = issue_token(user=pwp_a, client_name="Tablet")
    issue_token(user=pwp_a, client_name="Script")
    issue_token(user=pwp_b, client_name="Someone else's")
    response = with_token(api_client, first.key).get(TOKENS_URL)
    assert response.status_code == 200
    tokens = response.json()
    assert [t["client_name"] for t in tokens] == ["Script", "Tablet"]
    assert set(tokens[0]) == {
        "public_id",
        "client_name",
        "created_at",
        "last_used_at",
        "expires_at",
        "current",
    }
    assert [t["current"] for t in tokens] == [False, True]
    assert tokens[1]["last_used_at"] is not None
    assert first.key not in response.content.decode()
    assert first.token.digest not in response.content.decode()


def test_you_revoke_one_of_your_tokens_by_its_id(api_client, pwp_a):
    tablet = issue_token(user=pwp_a, client_name="Tablet")
    script = issue_token(user=pwp_a, client_name="Script")
    url = f"{TOKENS_URL}{tablet.token.public_id}/"
    assert with_token(api_client, script.key).delete(url).status_code == 204
    assert with_token(api_client, tablet.key).get("/api/v1/sites/").status_code == 401
    assert with_token(api_client, script.key).get("/api/v1/sites/").status_code == 200


def test_another_persons_token_answers_404_and_stays(api_client, pwp_a, pwp_b):
    mine = issue_token(user=pwp_a, client_name="Tablet")
    theirs = issue_token(user=pwp_b, client_name="Tablet")
    url = f"{TOKENS_URL}{theirs.token.public_id}/"
    assert with_token(api_client, mine.key).delete(url).status_code == 404
    assert ApiToken.objects.filter(pk=theirs.token.pk).exists()


def test_revoke_all_signs_out_every_client_of_yours_only(api_client, pwp_a, pwp_b):
    tablet = issue_token(user=pwp_a, client_name="Tablet")
    script = issue_token(user=pwp_a, client_name="Script")
    other = issue_token(user=pwp_b, client_name="Tablet")
    assert with_token(api_client, tablet.key).delete(TOKENS_URL).status_code == 204
    for key in (tablet.key, script.key):
        assert with_token(api_client, key).get("/api/v1/sites/").status_code == 401
    assert with_token(api_client, other.key).get("/api/v1/sites/").status_code == 200


def test_expired_token_is_refused_and_deleted(client_for, pwp_a, settings):
    client = client_for(pwp_a)
    with time_machine.travel(timezone.now() + settings.API_TOKEN_TTL + dt.timedelta(seconds=1)):
        response = client.get("/api/v1/participants/")
    assert response.status_code == 401
    assert "expired" in response.json()["errors"][0]["message"]
    assert not ApiToken.objects.filter(user=pwp_a).exists()


def test_a_token_expires_api_token_ttl_after_it_was_issued(pwp_a, settings):
    settings.API_TOKEN_TTL = dt.timedelta(hours=2)
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": settings.API_TOKEN_TTL}
    issued = issue_token(user=pwp_a)
    assert issued.expires_at - issued.token.created == pytest.approx(
        dt.timedelta(hours=2), abs=dt.timedelta(seconds=5)
    )


def test_a_token_costs_one_query_and_stamps_last_used_at_most_once_a_minute(
    api_client, pwp_a, django_assert_num_queries
):
    issued = issue_token(user=pwp_a)
    client = with_token(api_client, issued.key)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with CaptureQueriesContext(connection) as first:
            client.get("/api/v1/sites/")
        assert sum("UPDATE" in q["sql"] for q in first.captured_queries) == 1
        with django_assert_num_queries(2):  # the token with its user; the sites
            client.get("/api/v1/sites/")
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == start
    later = start + dt.timedelta(seconds=59)
    with time_machine.travel(later, tick=False), django_assert_num_queries(2):
        client.get("/api/v1/sites/")
    later = start + dt.timedelta(seconds=61)
    with time_machine.travel(later, tick=False), django_assert_num_queries(3):
        client.get("/api/v1/sites/")
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == start + dt.timedelta(seconds=61)


def test_a_malformed_or_unknown_token_is_refused(api_client, pwp_a):
    issued = issue_token(user=pwp_a)
    # The last character changed (to "1" when it already is "0": a random key ends in 0 one
    # time in sixteen).
    altered = issued.key[:-1] + ("1" if issued.key.endswith("0") else "0")
    for bad in (altered, "qpt_", "not-hex-at-all", issued.key[:15]):
        response = with_token(api_client, bad).get("/api/v1/sites/")
        assert response.status_code == 401, bad


def test_a_deactivated_users_token_is_refused(api_client, pwp_a):
    issued = issue_token(user=pwp_a)
    pwp_a.is_active = False
    pwp_a.save()
    assert with_token(api_client, issued.key).get("/api/v1/sites/").status_code == 401


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


def test_the_hourly_sweep_deletes_only_expired_tokens(pwp_a, pwp_b, settings):
    from apps.accounts.tasks import delete_expired_api_tokens

    old = issue_token(user=pwp_a, client_name="Old")
    with time_machine.travel(timezone.now() + settings.API_TOKEN_TTL - dt.timedelta(hours=1)):
        fresh = issue_token(user=pwp_b, client_name="Fresh")
    with time_machine.travel(timezone.now() + settings.API_TOKEN_TTL + dt.timedelta(minutes=1)):
        assert delete_expired_api_tokens() == 1
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [fresh.token.pk]
    assert old.token.pk != fresh.token.pk
    assert "delete-expired-api-tokens" in settings.CELERY_BEAT_SCHEDULE
