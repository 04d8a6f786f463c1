"""Per-client rate limit for the patient's link pages, counted in Redis through Django's cache."""

import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$")


@dataclass(frozen=True)
class Rate:
    """At most `limit` requests per `period` seconds."""

    limit: int
    period: int


def parse_rate(text: str) -> Rate:
    """Parse '30/m', '100/h', '5/10s' style rates; raises ValueError on anything else."""
    match = _RATE.match(text or "")
    if not match:
        raise ValueError(f"Rate must look like 30/m, not {text!r}")
    limit, multiplier, unit = match.groups()
    return Rate(limit=int(limit), period=int(multiplier or 1) * _PERIODS[unit])


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the address the trusted proxies saw."""
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(request, *, scope: str = "qlink", rate: str | None = None) -> int | None:
    """Count one request for the client; returns seconds to wait when over the limit, else None.

    A fixed window per client: cheap, one Redis INCR per request, and shared by every worker.
    """
    parsed = parse_rate(rate or settings.PATIENT_LINK_RATE_LIMIT)
    now = int(time.time())
    window = now // parsed.period
    key = f"rl:{scope}:{client_ip(request)}:{window}"
    cache.add(key, 0, timeout=parsed.period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=parsed.period + 1)
        count = 1
    if count > parsed.limit:
        return (window + 1) * parsed.period - now or 1
    return None
