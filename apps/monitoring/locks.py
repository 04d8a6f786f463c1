"""Database lock: a trial manager freezes the pilot or one site for analysis; a data manager
unlocks it. The database refuses every write under an active lock (apps/core/triggers.py), so
these services only decide who may lock and unlock, and refuse a lock that would strand a
safety duty: an open risk alert, or a serious adverse event not yet notified, must be dealt with
first, since no one could record acting on it while the data are frozen.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core.errors import DomainError, raise_all
from apps.core.roles import can_lock_data, can_unlock_data
from apps.outcomes.models import SafetyAlert
from apps.patients.models import Participant
from apps.safety.models import AdverseEvent
from apps.sites import lock_rules
from apps.sites.models import DataLock, Site


def _participants_under(site: Site | None):
    people = Participant.objects.all()
    return people if site is None else people.filter(site=site)


def _safety_problems(site: Site | None) -> list[DomainError]:
    people = _participants_under(site).values("pk")
    problems = []
    alerts = SafetyAlert.objects.filter(participant__in=people)
    open_alerts = alerts.filter(acknowledged_at__isnull=True).count()
    if open_alerts:
        problems.append(
            DomainError(
                f"{open_alerts} safety alert(s) are still open: acknowledge them first, "
                "since nothing can be recorded while the data are locked.",
                field="site",
            )
        )
    unreported = AdverseEvent.objects.filter(
        participant__in=people, serious=True, sae_notified_at__isnull=True
    )
    if unreported.exists():
        problems.append(
            DomainError(
                f"{unreported.count()} serious adverse event(s) have not been notified yet: "
                "wait until they are, then lock.",
                field="site",
            )
        )
    return problems


@transaction.atomic
def lock_data(*, site: Site | None, reason: str, by) -> DataLock:
    """Freeze the pilot (site None) or one site for analysis, saying why."""
    if not can_lock_data(by):
        raise DomainError("Only a trial manager locks the data for analysis.", field="user")
    errors = [DomainError(m, field=f) for f, m in lock_rules.reason_errors(reason).items()]
    covering = DataLock.objects.select_for_update().filter(unlocked_at__isnull=True)
    held = lock_rules.covering_lock(
        [(lock.site_id, lock) for lock in covering], None if site is None else site.pk
    )
    if held is not None:
        errors.append(DomainError(lock_rules.already_locked(held.scope_label), field="site"))
    raise_all(errors + _safety_problems(site))
    try:
        with transaction.atomic():
            return DataLock.objects.create(site=site, reason=reason.strip(), locked_by=by)
    except IntegrityError as exc:  # a lock taken at the same moment by someone else
        raise DomainError(lock_rules.already_locked("This scope"), field="site") from exc


@transaction.atomic
def unlock_data(*, lock: DataLock, reason: str, by) -> DataLock:
    """Lift a lock (a data manager), saying why; the lock row keeps both reasons."""
    if not can_unlock_data(by):
        raise DomainError("Only a data manager unlocks the data.", field="user")
    lock = DataLock.objects.select_for_update().get(pk=lock.pk)
    errors = [DomainError(m, field=f) for f, m in lock_rules.reason_errors(reason).items()]
    if lock.unlocked_at is not None:
        errors.append(DomainError("This lock has been lifted already.", field="lock"))
    raise_all(errors)
    lock.unlocked_at = timezone.now()
    lock.unlocked_by = by
    lock.unlock_reason = reason.strip()
    lock.save(update_fields=["unlocked_at", "unlocked_by", "unlock_reason", "updated_at"])
    return lock
