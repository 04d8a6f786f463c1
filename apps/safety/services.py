"""Writes for adverse events: validated all at once, audited, serious ones reported at once."""

from __future__ import annotations

import dataclasses
from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.clinical.status import Status
from apps.core.errors import DomainError
from apps.core.queue import enqueue_on_commit
from apps.core.roles import Role
from apps.patients.models import ExitReason, Participant
from apps.safety import rules
from apps.safety.models import AdverseEvent, Outcome

# The stored fields staff describe: the rules' values, one for one.
FIELDS = tuple(f.name for f in dataclasses.fields(rules.AdverseEventValues))


class AdverseEventInvalid(DomainError):
    """The record breaks one or more rules; `errors` has every message by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        first = next(iter(errors))
        super().__init__(errors[first], field=first)
        self.errors = errors


def _check(participant: Participant, values: rules.AdverseEventValues, today: date | None) -> None:
    errors = rules.adverse_event_errors(
        values, consented_on=participant.consented_on, today=today or timezone.localdate()
    )
    if errors:
        raise AdverseEventInvalid(errors)


def _apply(event: AdverseEvent, values: rules.AdverseEventValues) -> None:
    for name in FIELDS:
        value = getattr(values, name)
        setattr(event, name, list(value) if name == "seriousness_criteria" else value)
    event.description = event.description.strip()
    event.action_taken = event.action_taken.strip()


@transaction.atomic
def record_adverse_event(
    *, participant: Participant, by, values: rules.AdverseEventValues, today: date | None = None
) -> AdverseEvent:
    """Store a new adverse event; a serious one emails the trial team and starts its clock."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    _check(participant, values, today)
    now = timezone.now()
    event = AdverseEvent(participant=participant, recorded_by=by, aware_at=now)
    _apply(event, values)
    _start_clock_if_serious(event, now)
    event.save()
    _after_save(event)
    return event


@transaction.atomic
def update_adverse_event(
    *, event: AdverseEvent, values: rules.AdverseEventValues, today: date | None = None
) -> AdverseEvent:
    """A follow-up update (the audit trail keeps each version); becoming serious starts the
    clock then. An event once serious stays serious: seriousness is never taken back."""
    event = AdverseEvent.objects.select_for_update().select_related("participant").get(pk=event.pk)
    if event.serious and not values.serious:
        raise AdverseEventInvalid(
            {"serious": "A serious adverse event stays serious; add a note to the description."}
        )
    _check(event.participant, values, today)
    _apply(event, values)
    _start_clock_if_serious(event, timezone.now())
    event.save()
    _after_save(event)
    return event


def _start_clock_if_serious(event: AdverseEvent, now) -> None:
    if event.serious and event.serious_since is None:
        event.serious_since = now


def _after_save(event: AdverseEvent) -> None:
    if event.serious and event.sae_notified_at is None:
        # A broker outage must not lose the write: the beat sweep re-queues unnotified events.
        enqueue_on_commit("apps.safety.tasks.notify_serious_adverse_event", event.pk)
    if event.outcome == Outcome.FATAL:
        _record_death(event)


def _record_death(event: AdverseEvent) -> None:
    """A fatal event ends the participant's study: reminders and follow-ups stop at once."""
    from apps.journey.services import withdraw_participant

    participant = event.participant
    if participant.status in (Status.WITHDRAWN, Status.COMPLETED):
        return
    withdraw_participant(
        participant=participant,
        on=event.date_of_death,
        reason=ExitReason.DIED,
        detail=f"Recorded with adverse event {event.public_id}.",
    )


@transaction.atomic
def record_sponsor_report(*, event: AdverseEvent, by) -> AdverseEvent:
    """A trial manager records that the serious adverse event was reported to the sponsor."""
    if by.role != Role.TRIAL_MANAGER:
        raise DomainError("Only a trial manager records the report to the sponsor.", field="by")
    event = AdverseEvent.objects.select_for_update().get(pk=event.pk)
    if not event.serious:
        raise DomainError("Only serious adverse events are reported to the sponsor.", field="event")
    if event.reported_to_sponsor_at is not None:
        raise DomainError("The report to the sponsor is already recorded.", field="event")
    event.reported_to_sponsor_at, event.reported_to_sponsor_by = timezone.now(), by
    event.save(update_fields=["reported_to_sponsor_at", "reported_to_sponsor_by", "updated_at"])
    return event
