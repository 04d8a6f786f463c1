"""Fixed-window rate limits counted in Redis through Django's cache: one atomic INCR a request
(with its expiry set in the same round trip, apps.core.cache.FailSoftRedisCache.count_in_window).

Shared by the API throttles and the patient link pages. A read-modify-write list of timestamps
(DRF's stock throttles) lets two workers both see room for one more request; an atomic counter
cannot be overtaken that way.

When Redis cannot be reached the cache skips the count (apps/core/cache.py) and the request is
counted in this process instead (apps/core/local_limiter.py): the limit loosens to one per web
process for the outage, and never lifts entirely (fail open would let a client guess tokens or
hammer the API unchecked while Redis is down).
"""

import re
import time
from dataclasses import dataclass

from django.core.cache import cache

from apps.core.local_limiter import count_locally

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$")


@dataclass(frozen=True)
class Rate:
    """At most `limit` requests per `period` seconds."""

    limit: int
    period: int


def parse_rate(text: str) -> Rate:
    """Parse '30/m', '30/minute', '100/h', '5/10s' style rates; raises ValueError otherwise."""
    match = _RATE.match(text or "")
    if not match:
        raise ValueError(f"Rate must look like 30/m, not {text!r}")
    limit, multiplier, unit = match.groups()
    return Rate(limit=int(limit), period=int(multiplier or 1) * _PERIODS[unit])


@dataclass(frozen=True)
class WindowCount:
    """How many requests the identity has made in the current window, and when it ends."""

    count: int
    seconds_left: float
    shared: bool = True  # False: counted in this process only (Redis unreachable)


def count_request(key: str, rate: Rate, *, now: float | None = None) -> WindowCount:
    """Count one request for `key` in the current fixed window of `rate` (in this process when
    Redis cannot be reached)."""
    now = time.time() if now is None else now
    window = int(now // rate.period)
    window_key = f"{key}:{window}"
    count = cache.count_in_window(window_key, timeout=rate.period + 1)
    seconds_left = (window + 1) * rate.period - now
    if count is None:
        return WindowCount(count_locally(window_key, window), seconds_left, shared=False)
    return WindowCount(count=count, seconds_left=seconds_left)
