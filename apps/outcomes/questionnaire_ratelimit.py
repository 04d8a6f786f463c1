"""Per-client rate limit for the patient's link pages, counted in Redis (apps.core.rate_limit),
in this process while Redis is unreachable."""

import math

from django.conf import settings

from apps.core.client_ip import client_ip_address
from apps.core.rate_limit import count_request, parse_rate


def hit(request, *, scope: str = "qlink", rate: str | None = None) -> int | None:
    """Count one request for the client; returns seconds to wait when over the limit, else None."""
    parsed = parse_rate(rate or settings.PATIENT_LINK_RATE_LIMIT)
    ip = client_ip_address(request) or "unknown"
    # With Redis down this process counts on its own (apps.core.rate_limit): a patient still
    # gets their pages, and a client guessing tokens is still slowed.
    counted = count_request(f"rl:{scope}:{ip}", parsed)
    if counted.count > parsed.limit:
        return max(math.ceil(counted.seconds_left), 1)
    return None
