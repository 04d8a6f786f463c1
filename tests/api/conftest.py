"""API test helpers: token-authenticated clients for the cast, and fresh rate-limit counters."""

import pytest
from django.conf import settings
from django.core.cache import caches
from rest_framework.test import APIClient

from apps.core.authentication import issue_token


@pytest.fixture(autouse=True)
def fresh_throttle_counters():
    """Rate-limit counters live in Redis across tests; start each test with none."""

    def clear() -> None:
        client = caches["default"]._cache.get_client(None, write=True)
        prefix = settings.CACHES["default"]["KEY_PREFIX"]
        for key in client.scan_iter(match=f"{prefix}:*:throttle:*", count=500):
            client.delete(key)

    clear()
    yield
    clear()


@pytest.fixture
def api_client():
    """A client with no credentials."""
    return APIClient()


@pytest.fixture
def client_for():
    """A client sending `Authorization: Token <token>` for the user (None: anonymous)."""

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=user).key}")
        return client

    return make
