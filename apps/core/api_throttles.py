"""DRF throttles on the shared Redis fixed-window counter (apps.core.rate_limit)."""

import time

from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from apps.core.client_ip import client_ip_address
from apps.core.rate_limit import count_request, parse_rate

KEY_PREFIX = "throttle"


class RedisWindowThrottle(BaseThrottle):
    """Allow `rate` requests per window for one identity; the rate is read on every request."""

    scope = ""

    def identity(self, request) -> str | None:
        """Who is being counted; None skips this throttle."""
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        ident = self.identity(request)
        if not rate or ident is None:
            return True
        parsed = parse_rate(rate)
        self.now = time.time()
        # With Redis down the count is this process's own (apps.core.rate_limit): looser, but
        # a client is still throttled, and clinical work carries on.
        counted = count_request(f"{KEY_PREFIX}:{self.scope}:{ident}", parsed, now=self.now)
        self.window_ends = self.now + counted.seconds_left
        return counted.count <= parsed.limit

    def wait(self) -> float | None:
        return max(self.window_ends - self.now, 1)

    def get_ident(self, request) -> str:
        # The same client address as the sign-in lockout: X-Forwarded-For is trusted only as far
        # as our own proxies, so a client cannot pick a fresh address per request.
        return client_ip_address(request._request) or "unknown"


class AnonThrottle(RedisWindowThrottle):
    """Requests without credentials, per client address."""

    scope = "anon"

    def identity(self, request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.get_ident(request)


class UserThrottle(RedisWindowThrottle):
    """Requests by a signed-in user (token or session)."""

    scope = "user"

    def identity(self, request) -> str | None:
        if request.user and request.user.is_authenticated:
            return str(request.user.pk)
        return None


class AuthThrottle(RedisWindowThrottle):
    """Token requests per client address, tighter than the rest: slows password guessing."""

    scope = "auth"

    def identity(self, request) -> str | None:
        return self.get_ident(request)
