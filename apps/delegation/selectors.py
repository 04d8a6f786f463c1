"""Reads of the delegation log and training records, scoped to what the user may see."""

from datetime import date

from django.db.models import Q, QuerySet

from apps.accounts.models import User
from apps.core.errors import DomainError
from apps.core.roles import Role, needs_delegation, sees_all_sites
from apps.delegation import rules
from apps.delegation.models import Delegation, Duty, TrainingRecord
from apps.sites.selectors import sites_visible_to


def is_delegated(user, site_id: int, duty: str, day: date) -> bool:
    """Whether the log delegates the duty to the user at the site on the day (1 query)."""
    return (
        Delegation.objects.filter(user=user, site_id=site_id, duty=duty, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .exists()
    )


def delegation_periods(user_ids) -> dict[tuple[int, int, str], list[rules.Period]]:
    """Every delegation of these users, as periods by (user id, site id, duty) (1 query)."""
    periods: dict[tuple[int, int, str], list[rules.Period]] = {}
    rows = Delegation.objects.filter(user_id__in=list(user_ids)).values_list(
        "user_id", "site_id", "duty", "starts_on", "ends_on"
    )
    for user_id, site_id, duty, starts_on, ends_on in rows:
        periods.setdefault((user_id, site_id, duty), []).append(rules.Period(starts_on, ends_on))
    return periods


def check_delegated(
    user, site, duty: Duty, day: date, *, field: str | None, carries_risk: bool = False
) -> None:
    """Raise a DomainError naming the duty unless site staff hold it at the site on the day;
    central staff (managers, monitors) and patients (no user) are not on a site's log.

    A write carrying a risk answer (PHQ-9 item 9 above 0) is never refused for delegation:
    the alert must reach a clinician, and the conduct checks log the lapse as a deviation.
    """
    if not needs_delegation(user) or carries_risk or is_delegated(user, site.pk, duty, day):
        return
    message = rules.not_delegated_message(str(user), Duty(duty).label, site.name, day)
    raise DomainError(message, field=field, code="not_delegated")


def delegations_visible_to(user) -> QuerySet[Delegation]:
    """The delegations at the sites the user may see, with who holds and authorised them."""
    return Delegation.objects.filter(site__in=sites_visible_to(user)).select_related(
        "user", "site", "authorised_by", "ended_by"
    )


def staff_visible_to(user) -> QuerySet[User]:
    """The site staff the user may delegate to or see the training of: members of their sites."""
    staff = User.objects.filter(role__in=[Role.PWP, Role.ADVISOR, Role.SITE_LEAD], is_active=True)
    if sees_all_sites(user):
        return staff
    return staff.filter(sites__in=sites_visible_to(user)).distinct()


def training_visible_to(user) -> QuerySet[TrainingRecord]:
    """The training records of the staff the user may see."""
    return TrainingRecord.objects.filter(user__in=staff_visible_to(user)).select_related(
        "user", "recorded_by"
    )


def _certificates(records) -> list[rules.Certificate]:
    return [
        rules.Certificate(
            record.user,
            record.kind,
            record.completed_on,
            record.expires_on,
            record.get_kind_display(),
        )
        for record in records
    ]


def certificates_needing_attention(user, today: date) -> list[rules.Certificate]:
    """The user's own expiring or expired certificates and, for a site lead, their staff's
    (1 query)."""
    if user.role == Role.SITE_LEAD:
        records = TrainingRecord.objects.filter(user__in=staff_visible_to(user))
    else:
        records = TrainingRecord.objects.filter(user=user)
    records = records.select_related("user")
    return rules.needing_attention(_certificates(records), today)
