"""Rate limits counted in Redis with one atomic INCR per request (fixed windows).

DRF's stock throttles read, modify and write a list of timestamps, so two workers can both
see room for one more request; an atomic counter cannot be overtaken that way.
"""

import time

from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

KEY_PREFIX = "throttle"


def parse_rate(rate: str) -> tuple[int, int]:
    """'30/minute' -> (30, 60)."""
    number, period = rate.split("/")
    return int(number), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


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
        self.limit, self.duration = parse_rate(rate)
        now = time.time()
        window = int(now // self.duration)
        self.window_ends = (window + 1) * self.duration
        self.now = now
        cache = caches["default"]
        key = f"{KEY_PREFIX}:{self.scope}:{ident}:{window}"
        cache.add(key, 0, timeout=self.duration + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired between add and incr: a fresh window
            cache.add(key, 1, timeout=self.duration + 1)
            count = 1
        return count <= self.limit

    def wait(self) -> float | None:
        return max(self.window_ends - self.now, 1)

    def get_ident(self, request) -> str:
        # The same client address as the sign-in lockout: X-Forwarded-For is trusted only as far
        # as our own proxies, so a client cannot pick a fresh address per request.
        from apps.accounts.client_ip import client_ip_address

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
