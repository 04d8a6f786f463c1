"""Rules the pages show and the services enforce come from one place: the status actions, the
address each contact channel needs, and that a participant's PWP works at their site."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.cessation.models import CessationSession
from apps.cessation.services import SessionInput, record_session
from apps.clinical import status
from apps.clinical.status import Status
from apps.core.errors import DomainError, TransitionError
from apps.journey import services as journey
from apps.patients import services
from apps.patients.contact import contact_address_error
from apps.patients.forms import BaselineForm
from apps.patients.models import ContactDetails, Participant, ScreeningRecord
from apps.patients.serializers import ContactDetailsSerializer
from tests.factories import eligible_criteria, make_participant

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _set_status(participant: Participant, value: str) -> Participant:
    """Move a randomised participant on through the real services."""
    if value == Status.LOST:
        return services.mark_lost_to_follow_up(
            participant=participant, on=TODAY(), reason="uncontactable"
        )
    assert value == Status.COMPLETED
    return services.complete_participant(participant=participant)


# ------------------------------------------------------------------------------------------
# Status actions
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, consent, baseline, allocate, sessions, withdraw, lost",
    [
        (Status.SCREENED, True, False, False, False, True, False),
        (Status.CONSENTED, False, True, True, False, True, False),
        (Status.RANDOMISED, False, False, False, True, True, True),
        (Status.ENROLLED, False, False, False, True, True, True),
        (Status.LOST, False, False, False, False, True, False),
        (Status.COMPLETED, False, False, False, False, False, False),
        (Status.WITHDRAWN, False, False, False, False, False, False),
    ],
)
def test_what_each_status_allows(value, consent, baseline, allocate, sessions, withdraw, lost):
    assert status.may_consent(value) is consent
    assert status.may_record_baseline(value) is baseline
    assert status.may_allocate(value) is allocate
    assert status.may_record_sessions(value) is sessions
    assert status.may_withdraw(value) is withdraw
    assert status.may_mark_lost(value) is lost


def test_withdrawing_a_completed_participant_is_refused_by_the_service(participant_a):
    participant = _set_status(participant_a, Status.COMPLETED)
    with pytest.raises(TransitionError) as error:
        journey.withdraw_participant(
            participant=participant, on=TODAY(), reason="participant_choice"
        )
    assert error.value.field == "status"
    participant.refresh_from_db()
    assert participant.status == Status.COMPLETED


def test_marking_a_consented_participant_lost_is_refused_by_the_service(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    with pytest.raises(TransitionError) as error:
        services.mark_lost_to_follow_up(participant=participant, on=TODAY(), reason="uncontactable")
    assert error.value.field == "status"


def test_logging_a_session_for_a_participant_lost_to_follow_up_is_refused(participant_a, pwp_a):
    participant = _set_status(participant_a, Status.LOST)
    with pytest.raises(DomainError) as error:
        record_session(participant=participant, practitioner=pwp_a, data=_session_input(1))
    assert error.value.field == "participant"
    assert not CessationSession.objects.filter(participant=participant).exists()


def _buttons(client, participant) -> dict[str, bool]:
    page = client.get(reverse("participant-detail", args=[participant.public_id]))
    assert page.status_code == 200
    html = page.content.decode()
    urls = {
        "withdraw": "participant-withdraw",
        "lost": "participant-lost",
        "session": "session-create",
        "consent": "participant-consent",
    }
    # The exact link: the consent page's own URL is the start of its correction page's.
    return {
        name: f'href="{reverse(url, args=[participant.public_id])}"' in html
        for name, url in urls.items()
    }


def test_a_participant_lost_to_follow_up_can_be_withdrawn_but_not_marked_lost_again(
    client, pwp_a, participant_a
):
    client.force_login(pwp_a)
    assert _buttons(client, participant_a) == {
        "withdraw": True,
        "lost": True,
        "session": True,
        "consent": False,
    }
    assert _buttons(client, _set_status(participant_a, Status.LOST)) == {
        "withdraw": True,
        "lost": False,
        "session": False,
        "consent": False,
    }
    assert _buttons(client, _set_status(participant_a, Status.COMPLETED)) == {
        "withdraw": False,
        "lost": False,
        "session": False,
        "consent": False,
    }


def test_a_screened_participant_offers_consent_and_withdrawal(client, site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    client.force_login(pwp_a)
    assert _buttons(client, participant) == {
        "withdraw": True,
        "lost": False,
        "session": False,
        "consent": True,
    }


# ------------------------------------------------------------------------------------------
# The address each contact channel needs
# ------------------------------------------------------------------------------------------


def test_the_service_refuses_email_contact_without_an_email_address(participant_a):
    before = ContactDetails.objects.get(participant=participant_a)
    with pytest.raises(DomainError) as error:
        journey.update_contact_details(
            participant=participant_a,
            email="",
            mobile="07700 900123",
            preferred_channel="email",
            consent_to_contact=True,
        )
    assert error.value.field == "email"
    assert "email address" in error.value.message
    after = ContactDetails.objects.get(participant=participant_a)
    assert (after.email, after.preferred_channel) == (before.email, before.preferred_channel)


def test_the_service_refuses_text_contact_without_a_mobile_number(participant_a):
    with pytest.raises(DomainError) as error:
        journey.update_contact_details(
            participant=participant_a,
            email="someone@example.test",
            mobile="",
            preferred_channel="sms",
            consent_to_contact=True,
        )
    assert error.value.field == "mobile"


def test_the_baseline_service_refuses_email_contact_without_an_email_address(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    with pytest.raises(DomainError) as error:
        journey.record_baseline(
            participant=participant,
            recorded_on=participant.consented_on,
            cigarettes_per_day=20,
            minutes_to_first_cigarette=10,
            sex="female",
            year_of_birth=1985,
            email="",
            preferred_channel="email",
        )
    assert error.value.field == "email"


def test_form_and_serializer_show_the_services_message_beside_the_field():
    rule = contact_address_error(preferred_channel="email", email="", mobile="")
    assert rule is not None and rule.field == "email"
    form = BaselineForm(
        {
            "recorded_on": TODAY().isoformat(),
            "preferred_channel": "email",
            "email": "",
            "cigarettes_per_day": 20,
            "minutes_to_first_cigarette": 10,
            "year_of_birth": 1985,
            "sex": "female",
        },
        with_measures=False,
    )
    assert not form.is_valid()
    assert form.errors["email"] == [rule.message]
    serializer = ContactDetailsSerializer(data={"preferred_channel": "email", "email": ""})
    assert not serializer.is_valid()
    assert [str(e) for e in serializer.errors["email"]] == [rule.message]
    assert contact_address_error(preferred_channel="sms", email="", mobile="07700 900123") is None


# ------------------------------------------------------------------------------------------
# The participant's PWP, and a session's practitioner, work at the participant's site
# ------------------------------------------------------------------------------------------


def test_screening_refuses_a_pwp_from_another_site(site_a, pwp_a, pwp_b):
    with pytest.raises(DomainError) as error:
        services.screen_person(
            site=site_a,
            screened_by=pwp_a,
            screened_on=TODAY(),
            criteria=eligible_criteria(),
            assigned_pwp=pwp_b,
        )
    assert error.value.field == "assigned_pwp"
    assert str(pwp_b) in error.value.message and site_a.name in error.value.message
    assert not ScreeningRecord.objects.exists()
    assert not Participant.objects.exists()


def test_screening_refuses_a_screener_who_does_not_work_at_the_site(site_a, pwp_b):
    with pytest.raises(DomainError) as error:
        services.screen_person(
            site=site_a, screened_by=pwp_b, screened_on=TODAY(), criteria=eligible_criteria()
        )
    assert error.value.field == "screened_by"
    assert not Participant.objects.exists()


def test_screening_assigns_a_pwp_who_works_at_the_site(site_a, pwp_a, site_lead_a):
    result = services.screen_person(
        site=site_a,
        screened_by=site_lead_a,
        screened_on=TODAY(),
        criteria=eligible_criteria(),
        assigned_pwp=pwp_a,
    )
    assert result.participant.assigned_pwp == pwp_a


def test_a_session_by_a_practitioner_from_another_site_is_refused(participant_a, pwp_b):
    with pytest.raises(DomainError) as error:
        record_session(participant=participant_a, practitioner=pwp_b, data=_session_input(1))
    assert error.value.field == "practitioner"
    assert not CessationSession.objects.filter(participant=participant_a).exists()


def _session_input(number: int) -> SessionInput:
    return SessionInput(
        session_date=TODAY() - dt.timedelta(days=1),
        attendance="dna",
        number=number,
        session_type="pre_quit",
    )
