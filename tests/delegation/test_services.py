"""The delegation log's services, and every duty the trial's services refuse without it."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.cessation.models import CessationSession
from apps.cessation.services import SessionInput, record_session
from apps.core.errors import DomainError
from apps.core.roles import Role
from apps.corrections.models import Correction
from apps.corrections.rules import Reason
from apps.delegation import services
from apps.delegation.models import Delegation, Duty, TrainingRecord
from apps.delegation.selectors import certificates_needing_attention, check_delegated
from apps.journey import services as journey
from apps.journey.corrections import correct_consent
from apps.outcomes.follow_up_assessment import record_follow_up_assessment
from apps.patients.models import Participant, ScreeningRecord
from apps.patients.services import record_consent, screen_person
from apps.reminders.models import FollowUp
from tests.factories import UserFactory, eligible_criteria, make_participant

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)


@pytest.fixture
def newcomer(site_a):
    """A PWP at site A with nothing on the delegation log yet."""
    return UserFactory(email="new.pwp@nhs.test", role=Role.PWP, site=site_a, delegated=False)


def _delegate(newcomer, site, by, *duties, starts_on=None, ends_on=None):
    return services.delegate_duties(
        user=newcomer,
        site=site,
        duties=list(duties),
        starts_on=starts_on or TODAY() - 30 * DAY,
        ends_on=ends_on,
        by=by,
    )


def _refusal(call) -> DomainError:
    with pytest.raises(DomainError) as error:
        call()
    assert error.value.code == "not_delegated"
    return error.value


# --- every duty is refused outside the log, naming it ------------------------------------------


def test_screening_needs_the_screen_duty_on_the_screening_date(newcomer, site_a, site_lead_a):
    def screen(on):
        return screen_person(
            site=site_a, screened_by=newcomer, screened_on=on, criteria=eligible_criteria()
        )

    error = _refusal(lambda: screen(TODAY()))
    assert error.field == "screened_by"
    assert "not delegated to screen for eligibility at Bristol Talking Therapies" in error.message
    assert not ScreeningRecord.objects.exists()

    _delegate(newcomer, site_a, site_lead_a, Duty.SCREEN, starts_on=TODAY() - 2 * DAY)
    _refusal(lambda: screen(TODAY() - 3 * DAY))  # the day before the delegation starts
    assert screen(TODAY() - 2 * DAY).participant is not None


def test_consent_needs_the_consent_duty(newcomer, site_a, pwp_a, site_lead_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    _delegate(newcomer, site_a, site_lead_a, Duty.SCREEN)  # another duty does not do
    error = _refusal(
        lambda: record_consent(
            participant=participant,
            consented_on=TODAY(),
            consent_form_version="v1.0",
            taken_by=newcomer,
        )
    )
    assert error.field == "taken_by"
    assert "take informed consent" in error.message
    participant.refresh_from_db()
    assert participant.consented_on is None


def test_randomising_needs_the_randomise_duty(newcomer, site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="baselined")
    error = _refusal(lambda: journey.randomise_participant(participant=participant, by=newcomer))
    assert (error.field, "randomise at" in error.message) == ("allocated_by", True)
    participant.refresh_from_db()
    assert participant.status == "consented"


def test_a_session_needs_the_deliver_sessions_duty_on_its_date(
    newcomer, site_a, pwp_a, site_lead_a
):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    _delegate(
        newcomer, site_a, site_lead_a, Duty.DELIVER_SESSIONS, ends_on=TODAY() - 2 * DAY
    )  # ended the day before yesterday

    def session():
        return record_session(
            participant=participant,
            practitioner=newcomer,
            data=SessionInput(
                session_date=TODAY() - DAY, attendance="dna", number=1, session_type="pre_quit"
            ),
        )

    error = _refusal(session)
    assert (error.field, "deliver cessation sessions" in error.message) == ("practitioner", True)
    assert not CessationSession.objects.exists()


def test_a_follow_up_assessment_needs_the_record_follow_ups_duty(newcomer, site_a, pwp_a):
    quit_date = TODAY() - 30 * DAY
    participant = make_participant(
        site=site_a, pwp=pwp_a, stage="randomised", screened_on=quit_date - 5 * DAY
    )
    journey.set_quit_date(participant=participant, quit_date=quit_date)
    follow_up = FollowUp.objects.get(participant=participant, timepoint="week4")
    error = _refusal(
        lambda: record_follow_up_assessment(
            follow_up=follow_up,
            recorded_by=newcomer,
            completed_on=TODAY(),
            source="phone",
            smoked_last_7_days=False,
            smoke_free_since_day_14=True,
            quit_attempt_since_last_contact=True,
            uses_e_cigarette=False,
            uses_stop_smoking_medication=False,
        )
    )
    assert "record follow-up assessments" in error.message
    follow_up.refresh_from_db()
    assert follow_up.status != "completed"


def test_the_baseline_and_corrections_need_the_data_entry_duty(newcomer, site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    error = _refusal(
        lambda: journey.record_baseline(
            participant=participant,
            recorded_on=TODAY(),
            cigarettes_per_day=15,
            minutes_to_first_cigarette=20,
            sex="male",
            year_of_birth=1980,
            email="p@example.test",
            recorded_by=newcomer,
        )
    )
    assert (error.field, "data entry and corrections" in error.message) == ("recorded_by", True)
    consented_on = participant.consented_on
    _refusal(
        lambda: correct_consent(
            participant=participant,
            by=newcomer,
            consented_on=consented_on + DAY,
            consent_form_version="v1.0",
            reason=Reason("entry_error"),
        )
    )
    assert Participant.objects.get(pk=participant.pk).consented_on == consented_on
    assert not Correction.objects.exists()


def test_central_staff_and_patients_are_not_on_a_sites_log(site_a, trial_manager, data_manager):
    for user in (trial_manager, data_manager, None):
        check_delegated(user, site_a, Duty.DATA_ENTRY, TODAY(), field="by")  # does not raise


def test_a_duty_at_one_site_does_not_reach_another(site_a, site_b, trial_manager):
    both = UserFactory(email="both@nhs.test", role=Role.PWP, site=site_a, delegated=False)
    both.memberships.create(site=site_b)
    _delegate(both, site_b, trial_manager, Duty.SCREEN)
    check_delegated(both, site_b, Duty.SCREEN, TODAY(), field="by")
    with pytest.raises(DomainError, match="at Bristol"):
        check_delegated(both, site_a, Duty.SCREEN, TODAY(), field="by")


# --- delegating and ending ---------------------------------------------------------------------


def test_a_site_lead_delegates_several_duties_at_once(newcomer, site_a, site_lead_a):
    rows = _delegate(newcomer, site_a, site_lead_a, Duty.SCREEN, Duty.CONSENT)
    assert sorted(row.duty for row in rows) == ["consent", "screen"]
    assert {row.authorised_by for row in rows} == {site_lead_a}


@pytest.mark.parametrize("who", ["pwp_a", "lead_elsewhere"])
def test_only_the_sites_lead_or_a_trial_manager_delegates(who, newcomer, site_a, site_b, pwp_a):
    by = pwp_a if who == "pwp_a" else UserFactory(role=Role.SITE_LEAD, site=site_b)
    with pytest.raises(DomainError):
        _delegate(newcomer, site_a, by, Duty.SCREEN)
    assert not Delegation.objects.filter(user=newcomer).exists()


def test_a_refused_delegation_stores_none_of_its_duties(newcomer, site_a, site_lead_a):
    _delegate(newcomer, site_a, site_lead_a, Duty.CONSENT)
    with pytest.raises(DomainError) as error:
        _delegate(newcomer, site_a, site_lead_a, Duty.SCREEN, Duty.CONSENT, starts_on=TODAY())
    assert error.value.field == "duties"
    assert list(Delegation.objects.filter(user=newcomer).values_list("duty", flat=True)) == [
        "consent"
    ]


def test_nobody_delegates_to_themselves_or_to_staff_of_another_site(site_a, site_b, site_lead_a):
    held = Delegation.objects.count()
    with pytest.raises(DomainError) as error:
        _delegate(site_lead_a, site_a, site_lead_a, Duty.SCREEN)
    assert any("their own delegation" in e.message for e in error.value.errors)
    elsewhere = UserFactory(role=Role.PWP, site=site_b, delegated=False)
    held = Delegation.objects.count()
    with pytest.raises(DomainError) as error:
        _delegate(elsewhere, site_a, site_lead_a, Duty.SCREEN)
    assert "does not work at Bristol" in error.value.message
    assert Delegation.objects.count() == held


def test_an_ended_duty_is_refused_from_the_next_day_and_stays_in_the_log(
    newcomer, site_a, site_lead_a
):
    (delegation,) = _delegate(newcomer, site_a, site_lead_a, Duty.SCREEN)
    services.end_delegation(delegation=delegation, ends_on=TODAY() - DAY, by=site_lead_a)
    delegation.refresh_from_db()
    assert (delegation.ends_on, delegation.ended_by) == (TODAY() - DAY, site_lead_a)
    check_delegated(newcomer, site_a, Duty.SCREEN, TODAY() - DAY, field="by")
    with pytest.raises(DomainError):
        check_delegated(newcomer, site_a, Duty.SCREEN, TODAY(), field="by")
    with pytest.raises(DomainError, match="not extended"):
        services.end_delegation(delegation=delegation, ends_on=TODAY(), by=site_lead_a)
    # A new delegation from today carries the duty on.
    _delegate(newcomer, site_a, site_lead_a, Duty.SCREEN, starts_on=TODAY())
    check_delegated(newcomer, site_a, Duty.SCREEN, TODAY(), field="by")


# --- training ----------------------------------------------------------------------------------


def test_training_is_recorded_by_a_site_lead_and_checked_in_one_round(newcomer, site_lead_a, pwp_a):
    record = services.record_training(
        user=newcomer,
        kind="gcp",
        completed_on=TODAY() - 10 * DAY,
        expires_on=TODAY() + 3 * 365 * DAY,
        certificate_reference="  NIHR-GCP-42 ",
        by=site_lead_a,
    )
    assert (record.certificate_reference, record.recorded_by) == ("NIHR-GCP-42", site_lead_a)
    with pytest.raises(DomainError) as error:
        services.record_training(
            user=newcomer,
            kind="juggling",
            completed_on=TODAY() + DAY,
            expires_on=None,
            by=site_lead_a,
        )
    assert {e.field for e in error.value.errors} == {"kind", "completed_on"}
    with pytest.raises(DomainError):
        services.record_training(
            user=newcomer, kind="gcp", completed_on=TODAY(), expires_on=None, by=pwp_a
        )
    assert TrainingRecord.objects.count() == 1


def test_a_site_lead_records_training_only_for_their_own_sites_staff(site_b, site_lead_a):
    elsewhere = UserFactory(role=Role.PWP, site=site_b, delegated=False)
    with pytest.raises(DomainError, match="does not work at your sites"):
        services.record_training(
            user=elsewhere, kind="gcp", completed_on=TODAY(), expires_on=None, by=site_lead_a
        )
    assert not TrainingRecord.objects.exists()


def test_an_expiring_certificate_is_shown_to_its_holder_and_their_site_lead_only(
    newcomer, site_lead_a, pwp_a, pwp_b, trial_manager
):
    services.record_training(
        user=newcomer,
        kind="ncsct",
        completed_on=TODAY() - 700 * DAY,
        expires_on=TODAY() + 30 * DAY,
        by=trial_manager,
    )
    services.record_training(
        user=pwp_a, kind="gcp", completed_on=TODAY() - DAY, expires_on=TODAY() + 31 * DAY,
        by=trial_manager,
    )  # fmt: skip
    assert [c.holder for c in certificates_needing_attention(newcomer, TODAY())] == [newcomer]
    assert [c.holder for c in certificates_needing_attention(site_lead_a, TODAY())] == [newcomer]
    assert certificates_needing_attention(pwp_a, TODAY()) == []  # 31 days: not yet
    assert certificates_needing_attention(pwp_b, TODAY()) == []
    # Renewed: nobody is told any more.
    services.record_training(
        user=newcomer, kind="ncsct", completed_on=TODAY(), expires_on=TODAY() + 730 * DAY,
        by=site_lead_a,
    )  # fmt: skip
    assert certificates_needing_attention(site_lead_a, TODAY()) == []


def test_a_risk_answer_is_never_refused_for_delegation_and_the_lapse_is_a_deviation(
    newcomer, site_a, pwp_a
):
    from apps.conduct.checks import check_participants
    from apps.conduct.models import ProtocolDeviation
    from apps.outcomes.models import SafetyAlert

    quit_date = TODAY() - 30 * DAY
    participant = make_participant(
        site=site_a, pwp=pwp_a, stage="randomised", screened_on=quit_date - 5 * DAY
    )
    journey.set_quit_date(participant=participant, quit_date=quit_date)
    follow_up = FollowUp.objects.get(participant=participant, timepoint="week4")
    answers = {
        "follow_up": follow_up,
        "recorded_by": newcomer,
        "completed_on": TODAY(),
        "source": "phone",
        "smoked_last_7_days": False,
        "smoke_free_since_day_14": True,
        "quit_attempt_since_last_contact": True,
        "uses_e_cigarette": False,
        "uses_stop_smoking_medication": False,
    }
    _refusal(lambda: record_follow_up_assessment(**answers, phq9_items=[1] * 8 + [0]))
    result = record_follow_up_assessment(**answers, phq9_items=[1] * 8 + [2])
    assert SafetyAlert.objects.get().phq9 == result.phq9
    assert check_participants([participant.pk]) == 1
    deviation = ProtocolDeviation.objects.get(rule="recorded_without_delegation")
    assert "record follow-up assessments" in deviation.description
    assert deviation.rule_key == str(result.phq9.public_id)
    assert check_participants([participant.pk]) == 0  # raised once


def test_a_risk_phq9_by_a_delegated_pwp_is_no_deviation(site_a, pwp_a):
    from apps.conduct.checks import check_participants
    from apps.outcomes import services as outcomes

    participant = make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    outcomes.record_phq9(
        participant=participant, items=[0] * 8 + [1], completed_on=TODAY(), recorded_by=pwp_a
    )
    assert check_participants([participant.pk]) == 0
