"""With Redis unreachable, signed-in pages still answer: sessions and sign-in live in PostgreSQL,
the cache is skipped with a warning, and the rate limits count in the process instead (never
fail open). tests/core/test_outage_redis.py covers a hung Redis and the broker.

The cache points at a closed port on this machine, so every call is refused at once (no waits).
"""

import copy
import logging

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.tokens import issue_token
from apps.core import cache as fail_soft
from apps.core import circuit
from apps.dashboards.snapshots import build_snapshot
from apps.outcomes import questionnaire_ratelimit as ratelimit
from tests.dashboards.pilot import build_small_pilot, seed_criteria
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
REAL_CACHES = copy.deepcopy(settings.CACHES)  # the test run's own, reachable Redis

DEAD_REDIS = {
    "default": {
        "BACKEND": "apps.core.cache.FailSoftRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "KEY_PREFIX": "dead",
    }
}


@pytest.fixture
def redis_down(caplog):
    caplog.set_level(logging.WARNING, logger="apps.core.cache")
    fail_soft._warned_sites.clear()
    with override_settings(CACHES=DEAD_REDIS):
        yield caplog
    fail_soft._warned_sites.clear()


def _cache_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "apps.core.cache"]


def test_the_cache_answers_as_an_empty_cache_and_warns(redis_down):
    assert cache.get("k", "default") == "default"
    assert cache.set("k", 1) is None
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.has_key("k") is False
    assert cache.incr("k") is None
    assert cache.delete("k") is False
    warnings = _cache_warnings(redis_down)
    assert (
        warnings
        and "Cache unreachable: get skipped at tests/core/test_redis_outage.py" in (warnings[0])
    )


def test_a_call_site_warns_once_per_outage(redis_down):
    def read() -> None:
        cache.get("k")

    for _ in range(3):
        read()
        circuit.reset_all()  # each read reaches Redis, as it does once the breaker's time is up
    assert len(_cache_warnings(redis_down)) == 1


def test_the_next_outage_warns_again_once_redis_has_answered(redis_down):
    def read() -> None:
        cache.get("k")

    read()
    with override_settings(CACHES=REAL_CACHES):
        read()  # Redis answers: the outage is over
    circuit.reset_all()
    read()
    assert len(_cache_warnings(redis_down)) == 2


def test_errors_other_than_an_unreachable_redis_are_raised():
    with override_settings(CACHES=REAL_CACHES), pytest.raises(ValueError):
        cache.incr("never-set")  # Django's "key not found", passed through


def test_sign_in_works(client, pwp_a, redis_down):
    response = client.post(reverse("login"), {"username": pwp_a.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("caseload")).status_code == 200


def test_dashboard_participant_page_and_list_answer(
    client, trial_manager, site_a, site_b, pwp_a, pwp_b, redis_down
):
    seed_criteria()
    participant_a = build_small_pilot(site_a, site_b, pwp_a, pwp_b).people["A1"]
    build_snapshot()
    client.force_login(trial_manager)
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert "Assessed for eligibility (n=10)" in dashboard.content.decode()
    client.force_login(pwp_a)
    detail = reverse("participant-detail", args=[participant_a.public_id])
    assert client.get(detail).status_code == 200
    assert client.get(reverse("caseload")).status_code == 200
    assert client.get(reverse("screening-log")).status_code == 200
    warnings = _cache_warnings(redis_down)
    assert any("apps/dashboards/figures_cache.py" in w for w in warnings)


def test_api_throttles_count_in_the_process_and_never_fail_open(pwp_a, redis_down, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "2/minute", "auth": "2/minute"},
    }
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=pwp_a).key}")
    statuses = [client.get("/api/v1/participants/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert any("apps/core/rate_limit.py" in w for w in _cache_warnings(redis_down))


def test_the_patient_link_rate_limit_counts_in_the_process(rf, redis_down, settings):
    settings.PATIENT_LINK_RATE_LIMIT = "1/m"
    request = rf.get("/q/some-token/")
    waits = [ratelimit.hit(request) for _ in range(3)]
    assert waits[0] is None
    assert waits[1] and waits[2], "over the limit while Redis is down: the client must wait"
