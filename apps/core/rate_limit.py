"""Fixed-window rate limits counted in Redis through Django's cache: one atomic INCR a request.

Shared by the API throttles and the patient link pages. A read-modify-write list of timestamps
(DRF's stock throttles) lets two workers both see room for one more request; an atomic counter
cannot be overtaken that way.

When Redis cannot be reached the cache skips the count (apps/core/cache.py) and count_request
returns None: each caller decides whether an uncounted request goes through (fail open) or not.
"""

import re
import time
from dataclasses import dataclass

from django.core.cache import cache

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


def count_request(key: str, rate: Rate, *, now: float | None = None) -> WindowCount | None:
    """Count one request for `key` in the current fixed window of `rate`; None when the counter
    cannot be reached (Redis down)."""
    now = time.time() if now is None else now
    window = int(now // rate.period)
    window_key = f"{key}:{window}"
    cache.add(window_key, 0, timeout=rate.period + 1)
    try:
        count = cache.incr(window_key)
    except ValueError:  # the key expired between add and incr: a fresh window
        cache.add(window_key, 1, timeout=rate.period + 1)
        count = 1
    if count is None:
        return None
    return WindowCount(count=count, seconds_left=(window + 1) * rate.period - now)
