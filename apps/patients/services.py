"""Writes to the participant's own records: screening, consent, baseline, exits.

Writes that carry other apps with them (randomisation and the follow-up schedule it starts, the
quit date, withdrawal, contact details, the baseline assessment's measures) are in apps.journey.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.accounts.selectors import check_works_at
from apps.clinical.status import Status, check_transition
from apps.core.errors import DomainError
from apps.core.queue import enqueue_once_on_commit
from apps.delegation.models import Duty
from apps.delegation.selectors import check_delegated
from apps.patients.models import (
    ELIGIBILITY_CRITERIA,
    ExclusionReason,
    Participant,
    ScreeningOutcome,
    ScreeningRecord,
)
from apps.sites.models import Site
from apps.sites.selectors import get_pilot

_CRITERION_EXCLUSION = {
    "aged_18_or_over": ExclusionReason.UNDER_18,
    "smokes_daily": ExclusionReason.NOT_DAILY_SMOKER,
    "has_depression_or_anxiety": ExclusionReason.NO_DEPRESSION_ANXIETY,
    "starting_talking_therapies": ExclusionReason.NOT_STARTING_THERAPY,
    "wants_help_to_quit": ExclusionReason.NO_WISH_TO_QUIT,
}


@dataclass(frozen=True)
class ScreeningResult:
    screening: ScreeningRecord
    participant: Participant | None


def check_not_in_future(value: date, field: str, today: date) -> None:
    """Refuse a date after today, naming the field."""
    if value > today:
        raise DomainError(
            f"{field.replace('_', ' ').capitalize()} cannot be in the future.", field=field
        )


@transaction.atomic
def screen_person(
    *,
    site: Site,
    screened_by,
    screened_on: date,
    criteria: dict[str, bool],
    declined: bool = False,
    exclusion_reason: str = "",
    decline_reason: str = "",
    reason_detail: str = "",
    assigned_pwp=None,
    today: date | None = None,
) -> ScreeningResult:
    """Log a screening; an eligible person who does not decline becomes a participant."""
    check_not_in_future(screened_on, "screened_on", today or timezone.localdate())
    check_delegated(screened_by, site, Duty.SCREEN, screened_on, field="screened_by")
    missing = [name for name, _ in ELIGIBILITY_CRITERIA if name not in criteria]
    if missing:
        raise DomainError(
            f"Answer every eligibility criterion ({', '.join(missing)}).", field=missing[0]
        )
    decision = screening_decision(
        criteria,
        declined=declined,
        exclusion_reason=exclusion_reason,
        decline_reason=decline_reason,
        reason_detail=reason_detail,
    )
    if decision.problems:
        field, message = next(iter(decision.problems.items()))
        raise DomainError(message, field=field)
    outcome, exclusion_reason, decline_reason = (
        decision.outcome,
        decision.exclusion_reason,
        decision.decline_reason,
    )
    if outcome == ScreeningOutcome.ELIGIBLE:
        # The participant's PWP (the screener unless another is named) must work at the site.
        if assigned_pwp is not None:
            check_works_at(assigned_pwp, site, field="assigned_pwp")
        else:
            check_works_at(screened_by, site, field="screened_by")
    screening = ScreeningRecord.objects.create(
        site=site,
        screened_on=screened_on,
        screened_by=screened_by,
        outcome=outcome,
        exclusion_reason=exclusion_reason,
        decline_reason=decline_reason,
        reason_detail=reason_detail,
        **{name: bool(criteria[name]) for name, _ in ELIGIBILITY_CRITERIA},
    )
    participant = None
    if outcome == ScreeningOutcome.ELIGIBLE:
        participant = Participant.objects.create(
            trial_id=_next_trial_id(site),
            site=site,
            screening=screening,
            screened_on=screened_on,
            assigned_pwp=assigned_pwp or screened_by,
        )
    return ScreeningResult(screening=screening, participant=participant)


@dataclass(frozen=True)
class ScreeningDecision:
    """What a screening's answers mean: its outcome and reasons, or the problems with them."""

    outcome: str
    exclusion_reason: str
    decline_reason: str
    problems: dict[str, str]


def screening_decision(
    criteria: dict[str, bool],
    *,
    declined: bool,
    exclusion_reason: str,
    decline_reason: str,
    reason_detail: str,
) -> ScreeningDecision:
    """Eligible, not eligible (with the reason) or declined; the form and the service share it.

    (2nd ed.) Someone who meets every criterion but has a site-specific exclusion recorded is
    not eligible, with the exclusion as the reason; no participant is created.
    """
    problems: dict[str, str] = {}
    failed = [name for name, _ in ELIGIBILITY_CRITERIA if not criteria.get(name)]
    if failed:
        reason = exclusion_reason or _CRITERION_EXCLUSION[failed[0]]
        return ScreeningDecision(ScreeningOutcome.NOT_ELIGIBLE, reason, "", problems)
    if exclusion_reason in _CRITERION_EXCLUSION.values():
        problems["exclusion_reason"] = (
            "Every eligibility criterion is met: choose a site-specific exclusion or no reason."
        )
    elif exclusion_reason:
        if exclusion_reason == ExclusionReason.SITE_EXCLUSION and not reason_detail.strip():
            problems["reason_detail"] = "Say which site-specific exclusion applies."
        return ScreeningDecision(ScreeningOutcome.NOT_ELIGIBLE, exclusion_reason, "", problems)
    if declined:
        if not decline_reason:
            problems["decline_reason"] = "Choose why the person declined."
        return ScreeningDecision(ScreeningOutcome.DECLINED, "", decline_reason, problems)
    return ScreeningDecision(ScreeningOutcome.ELIGIBLE, "", "", problems)


def _next_trial_id(site: Site) -> str:
    locked = Site.objects.select_for_update().get(pk=site.pk)
    number = locked.next_participant_number
    locked.next_participant_number = number + 1
    locked.save(update_fields=["next_participant_number"])
    return f"{locked.code}-{number:04d}"


@transaction.atomic
def record_consent(
    *,
    participant: Participant,
    consented_on: date,
    consent_form_version: str,
    taken_by,
    interview_contact: bool | None = None,
    today: date | None = None,
) -> Participant:
    """Record informed consent with the form version used and who took it (and, when asked,
    whether they may be contacted about an interview)."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    check_transition(participant.status, Status.CONSENTED)
    check_not_in_future(consented_on, "consented_on", today or timezone.localdate())
    if consented_on < participant.screened_on:
        raise DomainError("Consent date cannot be before the screening date.", field="consented_on")
    check_delegated(taken_by, participant.site, Duty.CONSENT, consented_on, field="taken_by")
    if consent_form_version not in get_pilot().consent_form_versions:
        raise DomainError(
            "Choose one of the pilot's consent form versions.", field="consent_form_version"
        )
    participant.status = Status.CONSENTED
    participant.consented_on = consented_on
    participant.consent_form_version = consent_form_version
    participant.consent_taken_by = taken_by
    if interview_contact is not None:
        participant.interview_contact = interview_contact
        participant.interview_contact_on = consented_on
    participant.save()
    # A superseded form version is a deviation: the conduct checks see it once this commits.
    enqueue_once_on_commit("apps.conduct.tasks.check_participant", participant.pk)
    return participant


@transaction.atomic
def record_interview_contact(
    *, participant: Participant, agrees: bool, by, today: date | None = None
) -> Participant:
    """Record whether a consented participant may be contacted about an interview; a No (or a
    change of mind) is recorded whatever their status, a Yes only while they are in the study."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    today = today or timezone.localdate()
    if participant.consented_on is None:
        raise DomainError(
            "Record consent first: interview contact is asked with the consent.",
            field="interview_contact",
        )
    if agrees and participant.status in (Status.WITHDRAWN, Status.LOST):
        raise DomainError(
            f"{participant.trial_id} has left the study: they cannot be asked to agree now.",
            field="interview_contact",
        )
    if agrees:
        check_delegated(by, participant.site, Duty.CONSENT, today, field="interview_contact")
    participant.interview_contact = agrees
    participant.interview_contact_on = today
    participant.save(update_fields=["interview_contact", "interview_contact_on", "updated_at"])
    return participant


def lock_consented_participant(participant: Participant, what: str) -> Participant:
    """The participant, locked, once consent is recorded and while they have not withdrawn."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.status == Status.SCREENED or participant.consented_on is None:
        raise DomainError(f"{what} can be recorded only after consent.", field="status")
    if participant.status == Status.WITHDRAWN:
        raise DomainError(
            f"The participant has withdrawn: {what[0].lower() + what[1:]} can no longer change.",
            field="status",
        )
    return participant


def exit_participant(
    participant: Participant, target: str, on: date, reason: str, detail: str, today: date | None
) -> Participant:
    """Move the participant to an exit status with its date and reason (no other app touched)."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    check_transition(participant.status, target)
    if not reason:
        raise DomainError("Choose a reason.", field="reason")
    if on < participant.screened_on:
        raise DomainError("The date cannot be before screening.", field="on")
    if on > (today or timezone.localdate()):
        raise DomainError("The date cannot be in the future.", field="on")
    participant.status = target
    participant.exit_on = on
    participant.exit_reason = reason
    participant.exit_reason_detail = detail
    participant.save()
    return participant


@transaction.atomic
def mark_lost_to_follow_up(
    *, participant: Participant, on: date, reason: str, detail: str = "", today: date | None = None
) -> Participant:
    """Record that the participant can no longer be reached (they stay in the analysis)."""
    return exit_participant(participant, Status.LOST, on, reason, detail, today)


@transaction.atomic
def complete_participant(*, participant: Participant) -> Participant:
    """Mark the participant's trial journey complete (after the last follow-up)."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    check_transition(participant.status, Status.COMPLETED)
    participant.status = Status.COMPLETED
    participant.save()
    return participant
