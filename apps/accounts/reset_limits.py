"""How many password reset emails one address and one client may ask for.

Counted in Redis (apps.core.rate_limit) so every web process shares the count; while Redis is
down each process counts on its own, so the limit loosens to one per process, never to none.
"""

import hashlib
import threading
import time

from django.conf import settings

from apps.core.rate_limit import Rate, count_request, parse_rate

KEY_PREFIX = "password-reset"
_local_lock = threading.Lock()
_local_counts: dict[str, int] = {}


def _count_locally(key: str, rate: Rate, now: float) -> int:
    """This process's count for `key` in the current window (the Redis outage fallback)."""
    window_key = f"{key}:{int(now // rate.period)}"
    with _local_lock:
        for stale in [k for k in _local_counts if k.rsplit(":", 1)[0] == key and k != window_key]:
            del _local_counts[stale]
        _local_counts[window_key] = _local_counts.get(window_key, 0) + 1
        return _local_counts[window_key]


def _within(key: str, rate_text: str, now: float) -> bool:
    rate = parse_rate(rate_text)
    counted = count_request(key, rate, now=now)
    count = counted.count if counted is not None else _count_locally(key, rate, now)
    return count <= rate.limit


def address_key(email: str) -> str:
    """The counter key of an address: a digest, so no address is written to Redis."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:address:{digest}"


def reset_allowed(*, email: str, client_ip: str | None, now: float | None = None) -> bool:
    """Count one reset request; whether both the address and the client are within their rate."""
    now = time.time() if now is None else now
    by_address = _within(address_key(email), settings.PASSWORD_RESET_RATE_PER_ADDRESS, now)
    by_client = _within(
        f"{KEY_PREFIX}:client:{client_ip or 'unknown'}",
        settings.PASSWORD_RESET_RATE_PER_CLIENT,
        now,
    )
    return by_address and by_client


def forget_local_counts() -> None:
    """Drop this process's fallback counts (tests)."""
    with _local_lock:
        _local_counts.clear()
