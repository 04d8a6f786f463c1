"""The client's IP address (sign-in lockout, API throttles), trusting X-Forwarded-For only as far
as our own proxies."""

from django.conf import settings
from django.http import HttpRequest


def client_ip_from(
    *, remote_addr: str | None, forwarded_for: str, trusted_proxies: int
) -> str | None:
    """The address of whoever connected to the first trusted proxy.

    Each trusted proxy appends the address it received the request from, so with N proxies the
    client is the N-th address from the right; anything further left was sent by the client
    and could be forged. With no trusted proxy, X-Forwarded-For is ignored altogether.
    """
    if trusted_proxies <= 0:
        return remote_addr
    hops = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    if len(hops) < trusted_proxies:
        return remote_addr
    return hops[-trusted_proxies]


def client_ip_address(request: HttpRequest) -> str | None:
    """django-axes AXES_CLIENT_IP_CALLABLE: the client IP behind AXES_IPWARE_PROXY_COUNT proxies."""
    return client_ip_from(
        remote_addr=request.META.get("REMOTE_ADDR"),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR", ""),
        trusted_proxies=getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0,
    )
