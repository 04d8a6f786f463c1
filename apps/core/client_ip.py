"""The client's IP address (sign-in lockout, API throttles, link and reset limits).

X-Forwarded-For is believed only when the connection comes from one of the proxies named in
QUITPILOT_TRUSTED_PROXIES, and then only as far back as the chain of trusted proxies reaches:
anything a client writes into the header itself is never taken as its address.
"""

from collections.abc import Iterable
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = IPv4Network | IPv6Network
SETTING = "QUITPILOT_TRUSTED_PROXIES"


@lru_cache(maxsize=8)
def parse_trusted_proxies(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of the trusted proxies; each entry an address or a CIDR block."""
    networks = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        try:
            networks.append(ip_network(text, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"{SETTING}: {text!r} is not an IP address or network (e.g. 172.30.0.0/24)"
            ) from error
    return tuple(networks)


def _address(text: str | None) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address((text or "").strip())
    except ValueError:
        return None


def _is_trusted(address: IPv4Address | IPv6Address | None, trusted: Iterable[Network]) -> bool:
    if address is None:
        return False
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address.version == net.version and address in net for net in trusted)


def client_ip_from(
    *, remote_addr: str | None, forwarded_for: str, trusted: Iterable[Network]
) -> str | None:
    """The first address, walking back from the connection, that is not one of our proxies.

    A trusted proxy records the address it received the request from at the right-hand end of
    X-Forwarded-For, so the walk goes right to left past trusted hops; whatever stands further
    left was written by the client and is ignored. A hop that is not an IP address ends the walk
    at the proxy that passed it on.
    """
    trusted = tuple(trusted)
    current = remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(_address(current), trusted) or _address(hop) is None:
            break
        current = hop
    return str(_address(current)) if _address(current) else current


def client_ip_address(request: HttpRequest) -> str | None:
    """The client address of a request (django-axes' AXES_CLIENT_IP_CALLABLE and every limit)."""
    trusted = parse_trusted_proxies(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    return client_ip_from(
        remote_addr=request.META.get("REMOTE_ADDR"),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR", ""),
        trusted=trusted,
    )
