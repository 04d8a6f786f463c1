"""API test helpers: token-authenticated clients for the cast, and fresh rate-limit counters."""

import pytest
from django.conf import settings
from django.core.cache import caches
from rest_framework.test import APIClient

from apps.core.authentication import issue_token


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and cached figures live in Redis across tests (and runs, whose ids
    repeat); start each test with none of this test settings' keys."""

    def clear() -> None:
        client = caches["default"]._cache.get_client(None, write=True)
        prefix = settings.CACHES["default"]["KEY_PREFIX"]
        for key in client.scan_iter(match=f"{prefix}:*", count=500):
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


# The browser test here shares the launch arguments and the axe check of tests/browser.
from tests.browser.conftest import assert_accessible, browser_type_launch_args  # noqa: E402, F401
