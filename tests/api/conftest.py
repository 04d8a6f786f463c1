"""API test helpers: token-authenticated clients for the cast, and fresh rate-limit counters."""

import pytest
from rest_framework.test import APIClient

from apps.accounts.tokens import issue_token
from tests.cache import clear_cache_keys


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and cached figures live in Redis across tests (and runs, whose ids
    repeat); start each test with none of this test settings' keys."""

    clear_cache_keys()
    yield
    clear_cache_keys()


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
