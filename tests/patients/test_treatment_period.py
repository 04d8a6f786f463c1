"""Sessions are proposed only during the protocol's treatment period (Pilot.treatment_weeks)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.cessation.services import SessionInput, record_session
from apps.clinical.protocol import DEFAULT_TREATMENT_WEEKS, Attendance, SessionType
from apps.sites.models import Pilot
from apps.sites.selectors import get_pilot
from tests.factories import make_participant

pytestmark = pytest.mark.django_db


def test_the_treatment_period_defaults_to_twelve_weeks():
    assert DEFAULT_TREATMENT_WEEKS == 12
    assert Pilot.objects.create(name="Fresh").treatment_weeks == 12


@pytest.mark.parametrize("weeks", [0, 53])
def test_the_database_refuses_a_treatment_period_outside_1_to_52_weeks(weeks):
    pilot = get_pilot()
    with pytest.raises(IntegrityError), transaction.atomic():
        Pilot.objects.filter(pk=pilot.pk).update(treatment_weeks=weeks)


def _intervention_participant_first_seen(site, pwp, weeks_ago: int):
    today = timezone.localdate()
    first = today - dt.timedelta(weeks=weeks_ago)
    for _ in range(8):  # blocks are random: find an intervention participant
        participant = make_participant(
            site=site, pwp=pwp, stage="randomised", screened_on=first - dt.timedelta(days=3)
        )
        if participant.allocation.arm == "intervention":
            break
    else:
        pytest.fail("no intervention allocation in 8 tries")
    for number, (day, kind) in enumerate(
        ((first, SessionType.PRE_QUIT), (first + dt.timedelta(days=7), SessionType.QUIT_DAY)),
        start=1,
    ):
        record_session(
            participant=participant,
            practitioner=pwp,
            data=SessionInput(
                session_date=day, attendance=Attendance.ATTENDED, number=number,
                session_type=kind, mode="face_to_face", duration_minutes=15, bcts_delivered=[],
            ),
        )  # fmt: skip
    return participant


def _next_step(client, participant) -> str:
    html = client.get(reverse("participant-detail", args=[participant.public_id])).content
    return html.decode().split("<strong>Next:</strong>", 1)[1].split("</div>", 1)[0]


def _set_treatment_weeks(weeks: int) -> None:
    pilot = get_pilot()
    pilot.treatment_weeks = weeks
    pilot.save()


def test_no_session_is_proposed_once_the_treatment_period_is_over(client, site_a, pwp_a):
    participant = _intervention_participant_first_seen(site_a, pwp_a, weeks_ago=5)
    client.force_login(pwp_a)
    _set_treatment_weeks(4)
    step = _next_step(client, participant)
    assert "Session" not in step and "3-month follow-up opens" in step
    assert "Session 3 (follow-up)" not in client.get(reverse("caseload")).content.decode()

    _set_treatment_weeks(6)
    assert "Session 3 (follow-up)" in _next_step(client, participant)
    assert "Session 3 (follow-up)" in client.get(reverse("caseload")).content.decode()


def test_sessions_are_proposed_inside_the_default_treatment_period(client, site_a, pwp_a):
    participant = _intervention_participant_first_seen(site_a, pwp_a, weeks_ago=5)
    client.force_login(pwp_a)
    assert "Session 3 (follow-up)" in _next_step(client, participant)
