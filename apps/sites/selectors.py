"""Reads of sites and the pilot configuration, scoped to the user."""

from django.db.models import QuerySet

from apps.core.roles import sees_all_sites
from apps.sites.models import Pilot, Site


def get_pilot() -> Pilot:
    """The pilot being run (created with defaults the first time)."""
    pilot = Pilot.objects.order_by("id").first()
    return pilot or Pilot.objects.create()


def sites_visible_to(user) -> QuerySet[Site]:
    """The sites a user may see: every site for trial/data managers, else their memberships."""
    if not user.is_authenticated:
        return Site.objects.none()
    if sees_all_sites(user):
        return Site.objects.all()
    return Site.objects.filter(members=user)
