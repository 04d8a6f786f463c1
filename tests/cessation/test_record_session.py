"""Recording a session stores the session and its measures together, or nothing at all."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from apps.cessation.models import CessationSession
from apps.cessation.services import (
    SessionInput,
    record_session,
    suggested_session_number,
    update_session,
)
from apps.clinical.protocol import expected_bcts, fidelity, suggested_session_type
from apps.core.errors import DomainError
from apps.corrections.rules import Reason
from apps.outcomes.models import COReading, GAD7Response, PHQ9Response, SafetyAlert
from apps.reminders.models import FollowUp

FIX = Reason("entry_error")


def _quit_day(participant, **overrides):
    values = dict(
        session_date=participant.randomised_on,
        attendance="attended",
        number=2,
        session_type="quit_day",
        mode="face_to_face",
        duration_minutes=15,
        bcts_delivered=["co_monitoring", "abrupt_not_a_puff"],
        quit_date_set=participant.randomised_on,
        pharmacotherapy=[("nrt_patch", "provided")],
        co_ppm=4,
        phq9_items=[1] * 8 + [1],
        gad7_items=[1] * 7,
    )
    values.update(overrides)
    return SessionInput(**values)


def test_quit_day_session_stores_measures_sets_quit_date_and_schedules_week4(participant_a, pwp_a):
    session = record_session(
        participant=participant_a, practitioner=pwp_a, data=_quit_day(participant_a)
    )
    participant_a.refresh_from_db()
    assert participant_a.quit_date == participant_a.randomised_on
    assert COReading.objects.get().session == session
    assert PHQ9Response.objects.get().session == session
    assert SafetyAlert.objects.count() == 1
    assert FollowUp.objects.filter(participant=participant_a, timepoint="week4").exists()
    assert session.pharmacotherapy.get().product == "nrt_patch"


def test_bad_phq9_in_a_session_leaves_no_half_record(participant_a, pwp_a):
    with pytest.raises(DomainError):
        record_session(
            participant=participant_a,
            practitioner=pwp_a,
            data=_quit_day(participant_a, phq9_items=[1] * 8 + [None]),
        )
    assert not CessationSession.objects.exists()
    assert not COReading.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"co_ppm": 150}, "co_ppm"),
        ({"session_date": dt.date.today() + dt.timedelta(days=2)}, "session_date"),
    ],
)
def test_bad_session_input_is_refused_naming_the_field(participant_a, pwp_a, overrides, field):
    with pytest.raises(DomainError) as error:
        record_session(
            participant=participant_a,
            practitioner=pwp_a,
            data=_quit_day(participant_a, **overrides),
        )
    assert error.value.field == field
    assert not CessationSession.objects.exists()


def test_did_not_attend_needs_only_date_and_status(participant_a, pwp_a):
    session = record_session(
        participant=participant_a,
        practitioner=pwp_a,
        data=SessionInput(
            session_date=participant_a.randomised_on,
            attendance="dna",
            number=1,
            session_type="pre_quit",
        ),
    )
    assert session.duration_minutes is None and session.bcts_delivered == []


def test_same_submission_twice_stores_one_session(participant_a, pwp_a):
    key = uuid.uuid4()
    first = record_session(
        participant=participant_a,
        practitioner=pwp_a,
        data=_quit_day(participant_a),
        submission_key=key,
    )
    again = record_session(
        participant=participant_a,
        practitioner=pwp_a,
        data=_quit_day(participant_a),
        submission_key=key,
    )
    assert first.pk == again.pk
    assert CessationSession.objects.count() == 1 and PHQ9Response.objects.count() == 1


def test_session_number_suggestion_follows_attended_sessions(participant_a, pwp_a):
    assert suggested_session_number(participant_a) == 1
    record_session(participant=participant_a, practitioner=pwp_a, data=_quit_day(participant_a))
    assert suggested_session_number(participant_a) == 3


def test_protocol_defaults_and_fidelity():
    assert suggested_session_type(1) == "pre_quit" and suggested_session_type(4) == "follow_up"
    expected = expected_bcts("final")
    assert fidelity(list(expected[:2]), expected) == pytest.approx(0.5)
    assert fidelity([], ()) is None


def test_moving_a_session_before_screening_is_refused_naming_the_date(participant_a, pwp_a):
    session = record_session(
        participant=participant_a, practitioner=pwp_a, data=_quit_day(participant_a)
    )
    with pytest.raises(DomainError, match="before screening") as error:
        update_session(
            session=session,
            editor=pwp_a,
            changes={"session_date": participant_a.screened_on - dt.timedelta(days=1)},
            reason=FIX,
        )
    assert error.value.field == "session_date"
    session.refresh_from_db()
    assert session.session_date == participant_a.randomised_on


def test_measures_taken_in_a_session_move_with_its_corrected_date(participant_a, pwp_a):
    session = record_session(
        participant=participant_a,
        practitioner=pwp_a,
        data=_quit_day(
            participant_a, session_date=participant_a.screened_on + dt.timedelta(days=2)
        ),
    )
    other = record_session(
        participant=participant_a,
        practitioner=pwp_a,
        data=_quit_day(
            participant_a,
            number=3,
            session_type="follow_up",
            quit_date_set=None,
            session_date=participant_a.screened_on + dt.timedelta(days=3),
        ),
    )
    reading = COReading.objects.get(session=session)
    time_of_day = timezone.localtime(reading.taken_at).time()
    new_date = participant_a.screened_on + dt.timedelta(days=1)

    update_session(session=session, editor=pwp_a, changes={"session_date": new_date}, reason=FIX)

    assert PHQ9Response.objects.get(session=session).completed_on == new_date
    assert GAD7Response.objects.get(session=session).completed_on == new_date
    reading.refresh_from_db()
    assert timezone.localtime(reading.taken_at).date() == new_date
    assert timezone.localtime(reading.taken_at).time() == time_of_day
    # Measures of other sessions keep their dates.
    assert PHQ9Response.objects.get(session=other).completed_on == other.session_date
    assert timezone.localtime(COReading.objects.get(session=other).taken_at).date() == (
        other.session_date
    )


@pytest.mark.parametrize(
    "given, field",
    [
        ({"phq9_items": [0] * 8 + [2]}, "phq9_items"),
        ({"gad7_items": [1] * 7}, "gad7_items"),
        ({"co_ppm": 45}, "co_ppm"),
        ({"quit_date_set": dt.date(2026, 1, 1)}, "quit_date_set"),
        ({"pharmacotherapy": [("nrt_patch", "provided")]}, "pharmacotherapy"),
        ({"bcts_delivered": ["co_monitoring"]}, "bcts_delivered"),
    ],
)
def test_a_session_not_attended_refuses_what_only_an_attended_one_holds(
    participant_a, pwp_a, given, field
):
    # Never silently dropped: a risky PHQ-9 dropped here would raise no alert.
    data = SessionInput(
        session_date=participant_a.randomised_on,
        attendance="dna",
        number=1,
        session_type="pre_quit",
        **given,
    )
    with pytest.raises(DomainError) as error:
        record_session(participant=participant_a, practitioner=pwp_a, data=data)
    assert error.value.field == field and "did not attend" in error.value.message
    assert not CessationSession.objects.exists() and not PHQ9Response.objects.exists()


def test_an_attended_session_holding_records_cannot_become_a_dna(participant_a, pwp_a):
    session = record_session(
        participant=participant_a, practitioner=pwp_a, data=_quit_day(participant_a)
    )
    with pytest.raises(DomainError) as error:
        update_session(
            session=session,
            editor=pwp_a,
            changes={"attendance": "dna", "bcts_delivered": []},
            reason=FIX,
        )
    assert error.value.field == "attendance"
    assert "holds a quit date, medication, a PHQ-9, a GAD-7, a CO reading" in error.value.message
    session.refresh_from_db()
    assert session.attendance == "attended"


def test_an_attended_session_with_nothing_recorded_can_become_a_dna(participant_a, pwp_a):
    session = record_session(
        participant=participant_a,
        practitioner=pwp_a,
        data=_quit_day(
            participant_a,
            quit_date_set=None,
            pharmacotherapy=[],
            co_ppm=None,
            phq9_items=None,
            gad7_items=None,
            session_type="pre_quit",
            number=1,
        ),
    )
    changed = update_session(
        session=session,
        editor=pwp_a,
        changes={"attendance": "dna", "bcts_delivered": []},
        reason=FIX,
    )
    assert (changed.attendance, changed.mode, changed.duration_minutes) == ("dna", "", None)


def test_renumbering_onto_an_attended_number_names_the_rule(participant_a, pwp_a):
    plain = {"quit_date_set": None, "pharmacotherapy": [], "co_ppm": None}
    plain |= {"phq9_items": None, "gad7_items": None, "session_type": "follow_up"}
    record_session(
        participant=participant_a, practitioner=pwp_a, data=_quit_day(participant_a, **plain)
    )
    third = record_session(
        participant=participant_a,
        practitioner=pwp_a,
        data=_quit_day(participant_a, number=3, **plain),
    )
    with pytest.raises(DomainError) as error:
        update_session(session=third, editor=pwp_a, changes={"number": 2}, reason=FIX)
    assert error.value.field == "number"
    assert error.value.message == "Session 2 has already been recorded as attended."
