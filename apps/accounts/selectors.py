"""Reads about staff: where they work."""

from apps.accounts.models import SiteMembership
from apps.core.errors import DomainError


def works_at(user, site) -> bool:
    """Whether the user has a membership at the site (1 query)."""
    return SiteMembership.objects.filter(user=user, site=site).exists()


def check_works_at(user, site, *, field: str) -> None:
    """Raise a DomainError naming `field` unless the user works at the site."""
    if not works_at(user, site):
        raise DomainError(f"{user} does not work at {site.name}.", field=field)
