"""Writes to the delegation log and the training records."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.accounts.selectors import works_at
from apps.core.errors import DomainError, raise_all
from apps.core.roles import Role, can_authorise_delegation, needs_delegation
from apps.delegation import rules
from apps.delegation.models import Delegation, Duty, TrainingKind, TrainingRecord
from apps.delegation.selectors import staff_visible_to


def _errors(problems: dict[str, str]) -> list[DomainError]:
    return [DomainError(message, field=field) for field, message in problems.items()]


def _check_authoriser(by, site) -> None:
    if not can_authorise_delegation(by):
        raise DomainError("Only a site lead or a trial manager delegates duties.", field="user")
    if by.role == Role.SITE_LEAD and not works_at(by, site):
        raise DomainError(f"{by} is not the site lead of {site.name}.", field="site")


@transaction.atomic
def delegate_duties(
    *, user, site, duties: list[str], starts_on: date, ends_on: date | None, by
) -> list[Delegation]:
    """Delegate the duties to a site staff member at the site over the dates, all or none."""
    _check_authoriser(by, site)
    errors = []
    if not needs_delegation(user):
        errors.append(DomainError(f"{user} is not site staff.", field="user"))
    elif not works_at(user, site):
        errors.append(DomainError(f"{user} does not work at {site.name}.", field="user"))
    # Locking the person's rows at the site makes two authorisers at once queue, not overlap.
    held = Delegation.objects.select_for_update().filter(user=user, site=site)
    existing: dict[str, list[rules.Period]] = {}
    for delegation in held:
        existing.setdefault(delegation.duty, []).append(
            rules.Period(delegation.starts_on, delegation.ends_on)
        )
    problems = rules.delegation_problems(
        duties=duties,
        period=rules.Period(starts_on, ends_on),
        existing=existing,
        duty_labels=dict(Duty.choices),
        authoriser_is_delegate=user == by,
    )
    raise_all(errors + _errors(problems))
    return Delegation.objects.bulk_create(
        Delegation(
            user=user, site=site, duty=duty, starts_on=starts_on, ends_on=ends_on, authorised_by=by
        )
        for duty in duties
    )


@transaction.atomic
def end_delegation(*, delegation: Delegation, ends_on: date | None, by) -> Delegation:
    """End a delegation on a date (its last day); it stays in the log."""
    delegation = Delegation.objects.select_for_update().select_related("site").get(pk=delegation.pk)
    _check_authoriser(by, delegation.site)
    period = rules.Period(delegation.starts_on, delegation.ends_on)
    raise_all(_errors(rules.end_problems(period, ends_on)))
    delegation.ends_on = ends_on
    delegation.ended_by = by
    delegation.save(update_fields=["ends_on", "ended_by", "updated_at"])
    return delegation


@transaction.atomic
def record_training(
    *,
    user,
    kind: str,
    completed_on: date | None,
    expires_on: date | None,
    certificate_reference: str = "",
    by,
    today: date | None = None,
) -> TrainingRecord:
    """Record a staff member's completed training (a renewal is a new record)."""
    if not can_authorise_delegation(by):
        raise DomainError("Only a site lead or a trial manager records training.", field="user")
    errors = []
    if kind not in TrainingKind.values:
        errors.append(DomainError("Choose the kind of training.", field="kind"))
    if not needs_delegation(user):
        errors.append(DomainError(f"{user} is not site staff.", field="user"))
    elif not staff_visible_to(by).filter(pk=user.pk).exists():
        errors.append(DomainError(f"{user} does not work at your sites.", field="user"))
    reference = certificate_reference.strip()
    errors += _errors(
        rules.training_problems(
            completed_on=completed_on,
            expires_on=expires_on,
            reference=reference,
            today=today or timezone.localdate(),
        )
    )
    raise_all(errors)
    return TrainingRecord.objects.create(
        user=user,
        kind=kind,
        completed_on=completed_on,
        expires_on=expires_on,
        certificate_reference=reference,
        recorded_by=by,
    )
