"""Reads of sites and the pilot configuration, scoped to the user."""

from django.db.models import F, QuerySet

from apps.core.roles import sees_all_sites
from apps.sites import lock_rules
from apps.sites.models import DataLock, Pilot, Site


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


def active_locks() -> list[DataLock]:
    """The locks holding now (the pilot's first), with their sites and who locked them."""
    return list(
        DataLock.objects.filter(unlocked_at__isnull=True)
        .select_related("site", "locked_by")
        .order_by(F("site_id").asc(nulls_first=True))
    )


def without_locked_sites(queryset: QuerySet, site_path: str) -> QuerySet:
    """The rows whose site (reached by `site_path`) no active lock covers: what a task may still
    change. A pilot-wide lock leaves none."""
    active = DataLock.objects.filter(unlocked_at__isnull=True)
    if active.filter(site__isnull=True).exists():
        return queryset.none()
    return queryset.exclude(**{f"{site_path}__in": active.values("site_id")})


def current_lock_stamp() -> str:
    """The active locks as an export records them (empty when nothing is locked)."""
    return lock_rules.lock_stamp(
        (lock.scope_label, f"{lock.locked_at:%Y-%m-%d %H:%M} UTC", lock.reason)
        for lock in active_locks()
    )
