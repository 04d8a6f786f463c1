"""A participant's way through the trial: the writes that carry other apps with them.

Randomising starts the follow-up schedule, a new quit date moves it, withdrawal stops it and every
pending reminder, withdrawing consent to contact cancels the reminders, and the baseline visit
records its PHQ-9, GAD-7 and CO as measures. Each is one transaction. This app sits above patients,
reminders and outcomes and below cessation, safety and the workspace (docs/decisions.md, "App
dependencies"); writes to one app's records alone stay in that app's services.
"""

import secrets
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from apps.clinical import scoring
from apps.clinical.hsi import heaviness_of_smoking_index
from apps.clinical.scoring import ScoringError
from apps.clinical.status import Status, check_transition, may_record_baseline
from apps.core.errors import DomainError, raise_all
from apps.delegation.models import Duty
from apps.delegation.selectors import check_delegated
from apps.outcomes import services as outcome_services
from apps.outcomes.models import GAD7Response, PHQ9Response, Source, Timepoint
from apps.patients.baseline_rules import baseline_errors
from apps.patients.contact import check_contact_address
from apps.patients.contact_audit import contact_events, record_contact_events
from apps.patients.models import (
    Allocation,
    Baseline,
    ContactDetails,
    Participant,
    RandomisationBlock,
)
from apps.patients.services import check_not_in_future, exit_participant, lock_consented_participant
from apps.reminders.services import (
    cancel_follow_ups,
    cancel_pending_reminders,
    sync_follow_up_schedule,
)
from apps.sites.models import Site
from apps.sites.selectors import get_pilot

BLOCK_SIZES = (2, 4, 6)
ARMS = ("intervention", "control")


@transaction.atomic
def record_baseline(
    *,
    participant: Participant,
    recorded_on: date,
    cigarettes_per_day: int,
    minutes_to_first_cigarette: int,
    sex: str,
    year_of_birth: int,
    email: str = "",
    mobile: str = "",
    preferred_channel: str = "email",
    consent_to_contact: bool = True,
    recorded_by=None,
) -> Baseline:
    """Record (or correct) the smoking baseline and the contact details kept apart from it."""
    participant = lock_consented_participant(participant, "The baseline")
    check_delegated(
        recorded_by, participant.site, Duty.DATA_ENTRY, recorded_on, field="recorded_by"
    )
    errors = baseline_errors(
        recorded_on=recorded_on,
        year_of_birth=year_of_birth,
        consented_on=participant.consented_on,
    )
    if cigarettes_per_day < 1:
        errors.append(
            DomainError("Cigarettes per day must be at least 1.", field="cigarettes_per_day")
        )
    raise_all(errors)
    check_contact_address(preferred_channel=preferred_channel, email=email, mobile=mobile)
    try:
        hsi = heaviness_of_smoking_index(minutes_to_first_cigarette, cigarettes_per_day)
    except ScoringError as exc:
        raise DomainError(str(exc), field="minutes_to_first_cigarette") from exc
    baseline, _ = Baseline.objects.update_or_create(
        participant=participant,
        defaults={
            "recorded_on": recorded_on,
            "cigarettes_per_day": cigarettes_per_day,
            "minutes_to_first_cigarette": minutes_to_first_cigarette,
            "hsi_score": hsi.score,
            "hsi_band": hsi.band,
            "sex": sex,
            "year_of_birth": year_of_birth,
        },
    )
    update_contact_details(
        participant=participant,
        email=email,
        mobile=mobile,
        preferred_channel=preferred_channel,
        consent_to_contact=consent_to_contact,
    )
    return baseline


@transaction.atomic
def update_contact_details(
    *,
    participant: Participant,
    email: str,
    mobile: str,
    preferred_channel: str,
    consent_to_contact: bool,
) -> ContactDetails:
    """Save contact details; withdrawing consent to contact cancels every pending reminder.

    The audit trail records which address was recorded or changed, never its value.
    """
    participant = lock_consented_participant(participant, "Contact details")
    check_contact_address(preferred_channel=preferred_channel, email=email, mobile=mobile)
    contact = ContactDetails.objects.select_for_update().filter(participant=participant).first()
    before = {"email": contact.email, "mobile": contact.mobile} if contact else None
    contact = contact or ContactDetails(participant=participant)
    contact.email, contact.mobile = email, mobile
    contact.preferred_channel, contact.consent_to_contact = preferred_channel, consent_to_contact
    contact.save()
    record_contact_events(contact, contact_events(before, contact))
    if not consent_to_contact:
        cancel_pending_reminders(participant=participant)
    elif participant.randomised_on:
        sync_follow_up_schedule(participant=participant)
    return contact


@transaction.atomic
def randomise_participant(
    *, participant: Participant, by, today: date | None = None, at: datetime | None = None
) -> Allocation | None:
    """Allocate a consented participant (or enrol them in a single-arm pilot), exactly once.

    `at` is when the allocation happened, for records entered after the fact (the demo); it
    defaults to now and can never be later.
    """
    now = timezone.now()
    if at is not None and at > now:
        raise DomainError("The allocation time cannot be in the future.", field="allocated_at")
    at = at or now
    today = today or timezone.localdate(at)
    # Lock order site -> participant: two PWPs randomising at one site queue on the site row.
    site = Site.objects.select_for_update().get(pk=participant.site_id)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    pilot = get_pilot()
    target = Status.RANDOMISED if pilot.is_randomised else Status.ENROLLED
    check_transition(participant.status, target)
    check_delegated(by, site, Duty.RANDOMISE, today, field="allocated_by")
    if not Baseline.objects.filter(participant=participant).exists():
        raise DomainError("Record the baseline before randomising.", field="baseline")
    allocation = None
    if pilot.is_randomised:
        block = _open_block(site)
        allocation = Allocation.objects.create(
            participant=participant,
            arm=block.arms[block.next_position],
            block=block,
            position=block.next_position,
            allocated_at=at,
            allocated_by=by,
        )
        block.next_position += 1
        block.save(update_fields=["next_position"])
    participant.status = target
    participant.randomised_on = max(today, participant.consented_on)
    participant.save()
    sync_follow_up_schedule(participant=participant)
    return allocation


def _open_block(site: Site) -> RandomisationBlock:
    block = RandomisationBlock.objects.filter(site=site).order_by("-sequence").first()
    if block and block.next_position < len(block.arms):
        return block
    return RandomisationBlock.objects.create(
        site=site, sequence=(block.sequence + 1) if block else 1, arms=new_permuted_block()
    )


def new_permuted_block() -> list[str]:
    """A 1:1 block of randomly chosen size 2, 4 or 6, shuffled with a CSPRNG."""
    size = secrets.choice(BLOCK_SIZES)
    arms = list(ARMS) * (size // 2)
    secrets.SystemRandom().shuffle(arms)
    return arms


@transaction.atomic
def set_quit_date(*, participant: Participant, quit_date: date) -> Participant:
    """Set or move the quit date; the 4-week follow-up window moves with it."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if quit_date < participant.screened_on:
        raise DomainError("Quit date cannot be before screening.", field="quit_date")
    if participant.quit_date == quit_date:
        return participant
    participant.quit_date = quit_date
    participant.save(update_fields=["quit_date", "updated_at"])
    if participant.randomised_on:
        sync_follow_up_schedule(participant=participant)
    return participant


@transaction.atomic
def withdraw_participant(
    *, participant: Participant, on: date, reason: str, detail: str = "", today: date | None = None
) -> Participant:
    """Withdraw a participant: open follow-ups and every pending reminder stop at once."""
    participant = exit_participant(participant, Status.WITHDRAWN, on, reason, detail, today)
    cancel_follow_ups(participant=participant)
    return participant


@transaction.atomic
def record_baseline_assessment(
    *,
    participant: Participant,
    recorded_by,
    recorded_on: date,
    cigarettes_per_day: int,
    minutes_to_first_cigarette: int,
    sex: str,
    year_of_birth: int,
    email: str = "",
    mobile: str = "",
    preferred_channel: str = "email",
    consent_to_contact: bool = True,
    phq9_items: list[int] | None = None,
    phq9_difficulty: int | None = None,
    gad7_items: list[int] | None = None,
    co_ppm: int | None = None,
    today: date | None = None,
) -> Baseline:
    """Record the baseline visit: smoking baseline, contact details, PHQ-9, GAD-7 and CO."""
    today = today or timezone.localdate()
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if not may_record_baseline(participant.status):
        raise DomainError(
            "The baseline is recorded after consent and before randomisation.", field="status"
        )
    check_not_in_future(recorded_on, "recorded_on", today)
    if recorded_on < participant.consented_on:
        raise DomainError("The baseline cannot be before consent.", field="recorded_on")
    if phq9_items is None and phq9_difficulty is not None:
        raise DomainError(scoring.PHQ9_DIFFICULTY_WITHOUT_ITEMS, field="phq9_difficulty")
    taking_measures = any(m is not None for m in (phq9_items, gad7_items, co_ppm))
    if taking_measures and (
        PHQ9Response.objects.filter(participant=participant, timepoint=Timepoint.BASELINE).exists()
        or GAD7Response.objects.filter(
            participant=participant, timepoint=Timepoint.BASELINE
        ).exists()
    ):
        raise DomainError("The baseline questionnaires are already recorded.", field="phq9_items")
    baseline = record_baseline(
        participant=participant,
        recorded_by=recorded_by,
        recorded_on=recorded_on,
        cigarettes_per_day=cigarettes_per_day,
        minutes_to_first_cigarette=minutes_to_first_cigarette,
        sex=sex,
        year_of_birth=year_of_birth,
        email=email,
        mobile=mobile,
        preferred_channel=preferred_channel,
        consent_to_contact=consent_to_contact,
    )
    common = {
        "participant": participant,
        "completed_on": recorded_on,
        "timepoint": Timepoint.BASELINE,
        "source": Source.IN_SESSION,
        "recorded_by": recorded_by,
        "today": today,
    }
    if phq9_items is not None:
        outcome_services.record_phq9(items=phq9_items, difficulty=phq9_difficulty, **common)
    if gad7_items is not None:
        outcome_services.record_gad7(items=gad7_items, **common)
    if co_ppm is not None:
        taken_at = timezone.make_aware(datetime.combine(recorded_on, time(12, 0)))
        outcome_services.record_co_reading(
            participant=participant,
            ppm=co_ppm,
            taken_at=min(taken_at, timezone.now()),
            timepoint=Timepoint.BASELINE,
            source=Source.IN_SESSION,
            taken_by=recorded_by,
        )
    return baseline
