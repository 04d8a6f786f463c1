"""Screening to randomisation through the services, with the rules the database also holds."""

import datetime as dt
from collections import Counter

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.clinical.status import Status
from apps.core.errors import DomainError, TransitionError
from apps.journey import services as journey
from apps.patients import services
from apps.patients.models import (
    Allocation,
    Baseline,
    ContactDetails,
    ExclusionReason,
    Participant,
    RandomisationBlock,
    ScreeningOutcome,
    ScreeningRecord,
)
from apps.reminders.models import FollowUp
from apps.sites.selectors import get_pilot
from tests.factories import eligible_criteria, make_participant

TODAY = dt.date(2026, 11, 20)


def test_eligible_screening_creates_participant_with_site_sequence_trial_id(site_a, pwp_a):
    first = services.screen_person(
        site=site_a, screened_by=pwp_a, screened_on=TODAY, criteria=eligible_criteria(), today=TODAY
    )
    second = services.screen_person(
        site=site_a, screened_by=pwp_a, screened_on=TODAY, criteria=eligible_criteria(), today=TODAY
    )
    assert first.participant.trial_id == "BRS-0001"
    assert second.participant.trial_id == "BRS-0002"
    assert first.participant.status == Status.SCREENED
    assert first.screening.outcome == ScreeningOutcome.ELIGIBLE


def test_failed_criterion_records_not_eligible_with_reason_and_no_participant(site_a, pwp_a):
    criteria = eligible_criteria() | {"smokes_daily": False}
    result = services.screen_person(
        site=site_a,
        screened_by=pwp_a,
        screened_on=TODAY,
        criteria=criteria,
        reason_detail="Smokes at weekends",
        today=TODAY,
    )
    assert result.participant is None
    assert result.screening.outcome == ScreeningOutcome.NOT_ELIGIBLE
    assert result.screening.exclusion_reason == "not_daily_smoker"
    assert Participant.objects.count() == 0


def test_declined_needs_a_reason_and_stores_nothing_without_one(site_a, pwp_a):
    with pytest.raises(DomainError) as error:
        services.screen_person(
            site=site_a,
            screened_by=pwp_a,
            screened_on=TODAY,
            criteria=eligible_criteria(),
            declined=True,
            today=TODAY,
        )
    assert error.value.field == "decline_reason"
    assert ScreeningRecord.objects.count() == 0


def test_screening_in_the_future_is_refused(site_a, pwp_a):
    with pytest.raises(DomainError) as error:
        services.screen_person(
            site=site_a,
            screened_by=pwp_a,
            screened_on=TODAY + dt.timedelta(1),
            criteria=eligible_criteria(),
            today=TODAY,
        )
    assert error.value.field == "screened_on"


def test_randomisation_is_impossible_before_consent(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    with pytest.raises(TransitionError):
        journey.randomise_participant(participant=participant, by=pwp_a)
    assert not Allocation.objects.exists()


def test_consent_with_unknown_form_version_is_refused(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    with pytest.raises(DomainError) as error:
        services.record_consent(
            participant=participant,
            consented_on=participant.screened_on,
            consent_form_version="v9",
            taken_by=pwp_a,
        )
    assert error.value.field == "consent_form_version"
    participant.refresh_from_db()
    assert participant.status == Status.SCREENED


def test_randomise_allocates_once_and_schedules_follow_ups(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    assert participant.status == Status.RANDOMISED
    assert participant.allocation.arm in {"intervention", "control"}
    assert set(
        FollowUp.objects.filter(participant=participant).values_list("timepoint", flat=True)
    ) == {"month3", "month6"}
    with pytest.raises(TransitionError):
        journey.randomise_participant(participant=participant, by=pwp_a)
    assert Allocation.objects.filter(participant=participant).count() == 1


def test_an_allocation_entered_after_the_fact_keeps_the_moment_it_happened(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="baselined")
    at = timezone.now() - dt.timedelta(days=3, hours=2)
    allocation = journey.randomise_participant(participant=participant, by=pwp_a, at=at)
    participant.refresh_from_db()
    assert allocation.allocated_at == at
    assert participant.randomised_on == max(timezone.localdate(at), participant.consented_on)


def test_an_allocation_time_in_the_future_is_refused(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="baselined")
    later = timezone.now() + dt.timedelta(minutes=5)
    with pytest.raises(DomainError) as error:
        journey.randomise_participant(participant=participant, by=pwp_a, at=later)
    assert error.value.field == "allocated_at"
    assert not Allocation.objects.filter(participant=participant).exists()


def test_allocation_cannot_be_changed_even_by_raw_sql(participant_a):
    with (
        pytest.raises(Exception, match="Cannot update"),
        transaction.atomic(),
        connection.cursor() as c,
    ):
        c.execute(
            "UPDATE patients_allocation SET arm = 'control' WHERE participant_id = %s",
            [participant_a.pk],
        )


def test_blocks_are_balanced_within_each_site(site_a, pwp_a):
    arms = Counter(
        make_participant(site=site_a, pwp=pwp_a, stage="randomised", arm=None).allocation.arm
        for _ in range(12)
    )
    blocks = list(RandomisationBlock.objects.filter(site=site_a).order_by("sequence"))
    assert all(b.next_position == len(b.arms) for b in blocks[:-1])
    # Within full blocks arms are exactly 1:1; only the open block can be unbalanced (by <= 3).
    assert abs(arms["intervention"] - arms["control"]) <= 3
    assert sum(b.next_position for b in blocks) == 12


def test_permuted_block_is_one_to_one_of_size_2_4_or_6():
    for _ in range(200):
        block = journey.new_permuted_block()
        assert len(block) in (2, 4, 6)
        assert block.count("intervention") == block.count("control")


def test_single_arm_pilot_enrols_without_allocation(site_a, pwp_a):
    pilot = get_pilot()
    pilot.is_randomised = False
    pilot.save()
    participant = make_participant(site=site_a, pwp=pwp_a, stage="baselined")
    assert journey.randomise_participant(participant=participant, by=pwp_a) is None
    participant.refresh_from_db()
    assert participant.status == Status.ENROLLED
    assert not Allocation.objects.exists()


def test_withdrawal_cancels_follow_ups_and_needs_a_reason(participant_a):
    with pytest.raises(DomainError):
        journey.withdraw_participant(participant=participant_a, on=TODAY, reason="")
    journey.withdraw_participant(
        participant=participant_a, on=participant_a.screened_on, reason="participant_choice"
    )
    participant_a.refresh_from_db()
    assert participant_a.status == Status.WITHDRAWN
    assert set(participant_a.follow_ups.values_list("status", flat=True)) == {"cancelled"}


def test_database_refuses_consent_before_screening(participant_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.filter(pk=participant_a.pk).update(
            consented_on=participant_a.screened_on - dt.timedelta(days=1)
        )


BASELINE = {
    "cigarettes_per_day": 20,
    "minutes_to_first_cigarette": 10,
    "sex": "female",
    "year_of_birth": 1985,
    "email": "patient@example.test",
}
CONTACT = {
    "email": "new@example.test",
    "mobile": "",
    "preferred_channel": "email",
    "consent_to_contact": True,
}


def test_baseline_and_contact_details_are_refused_before_consent(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    with pytest.raises(DomainError, match="only after consent") as error:
        journey.record_baseline(
            participant=participant, recorded_on=participant.screened_on, **BASELINE
        )
    assert error.value.field == "status"
    with pytest.raises(DomainError, match="only after consent") as error:
        journey.update_contact_details(participant=participant, **CONTACT)
    assert error.value.field == "status"
    assert not Baseline.objects.exists() and not ContactDetails.objects.exists()


def test_baseline_and_contact_details_are_refused_after_withdrawal(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="baselined")
    journey.withdraw_participant(
        participant=participant, on=participant.screened_on, reason="participant_choice"
    )
    before = (Baseline.objects.get().updated_at, ContactDetails.objects.get().updated_at)
    with pytest.raises(DomainError, match="withdrawn") as error:
        journey.record_baseline(
            participant=participant, recorded_on=participant.screened_on, **BASELINE
        )
    assert error.value.field == "status"
    with pytest.raises(DomainError, match="withdrawn") as error:
        journey.update_contact_details(participant=participant, **CONTACT)
    assert error.value.field == "status"
    after = (Baseline.objects.get().updated_at, ContactDetails.objects.get().updated_at)
    assert after == before
    assert ContactDetails.objects.get().email == "patient@example.test"


def test_baseline_dated_before_consent_is_refused(site_a, pwp_a):
    screened_on = timezone.localdate() - dt.timedelta(days=10)
    participant = make_participant(
        site=site_a, pwp=pwp_a, stage="screened", screened_on=screened_on
    )
    participant = services.record_consent(
        participant=participant,
        consented_on=screened_on + dt.timedelta(days=3),
        consent_form_version="v1.0",
        taken_by=pwp_a,
    )
    with pytest.raises(DomainError, match="before consent") as error:
        journey.record_baseline(
            participant=participant, recorded_on=screened_on + dt.timedelta(days=2), **BASELINE
        )
    assert error.value.field == "recorded_on"
    assert not Baseline.objects.exists()


def test_contact_details_change_for_a_participant_lost_to_follow_up(participant_a):
    services.mark_lost_to_follow_up(
        participant=participant_a, on=participant_a.screened_on, reason="uncontactable"
    )
    contact = journey.update_contact_details(participant=participant_a, **CONTACT)
    assert contact.email == "new@example.test"


@pytest.mark.parametrize("service", [journey.withdraw_participant, services.mark_lost_to_follow_up])
def test_withdrawal_or_loss_dated_in_the_future_is_refused(participant_a, service):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError, match="future") as error:
        service(participant=participant_a, on=tomorrow, reason="uncontactable")
    assert error.value.field == "on"
    participant_a.refresh_from_db()
    assert participant_a.status == Status.RANDOMISED and participant_a.exit_on is None
    assert "cancelled" not in set(participant_a.follow_ups.values_list("status", flat=True))


def test_a_site_exclusion_makes_someone_who_meets_every_criterion_not_eligible(site_a, pwp_a):
    """(2nd ed.) The exclusion is the reason; no participant is created."""
    result = services.screen_person(
        site=site_a,
        screened_by=pwp_a,
        screened_on=TODAY,
        criteria=eligible_criteria(),
        exclusion_reason=ExclusionReason.SITE_EXCLUSION,
        reason_detail="Already in another smoking study",
        today=TODAY,
    )
    assert result.participant is None
    assert result.screening.outcome == ScreeningOutcome.NOT_ELIGIBLE
    assert result.screening.exclusion_reason == ExclusionReason.SITE_EXCLUSION
    assert not Participant.objects.exists()


def test_a_site_exclusion_needs_its_detail_and_a_criterion_reason_needs_a_criterion(site_a, pwp_a):
    common = {"site": site_a, "screened_by": pwp_a, "screened_on": TODAY, "today": TODAY}
    with pytest.raises(DomainError) as missing_detail:
        services.screen_person(
            criteria=eligible_criteria(), exclusion_reason=ExclusionReason.SITE_EXCLUSION, **common
        )
    assert missing_detail.value.field == "reason_detail"
    with pytest.raises(DomainError) as wrong_reason:
        services.screen_person(
            criteria=eligible_criteria(), exclusion_reason=ExclusionReason.UNDER_18, **common
        )
    assert wrong_reason.value.field == "exclusion_reason"
    assert not ScreeningRecord.objects.exists()
