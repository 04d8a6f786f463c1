"""(2nd ed.) A session for a control-arm participant is a contamination deviation, never an
ordinary record: refused without a reason, logged as a major deviation with one, and counted
in CONSORT as the control arm receiving the intervention."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.cessation.models import CessationSession
from apps.cessation.services import SessionInput, record_session
from apps.conduct import rules
from apps.conduct.models import ProtocolDeviation
from apps.core.errors import DomainError
from tests.factories import make_participant

pytestmark = pytest.mark.django_db
REASON = "Asked for help to stop at a therapy appointment; the PWP did not check the arm."
ACTION = "PWP reminded of the allocation; sponsor told."


@pytest.fixture
def control_participant(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="randomised", arm="control")
    assert participant.allocation.arm == "control"
    return participant


def _session(participant, **overrides) -> SessionInput:
    values = {
        "session_date": participant.randomised_on,
        "attendance": "attended",
        "number": 1,
        "session_type": "pre_quit",
        "mode": "face_to_face",
        "duration_minutes": 15,
        "bcts_delivered": ["co_monitoring"],
    }
    return SessionInput(**(values | overrides))


def _errors(exc: pytest.ExceptionInfo) -> dict[str, str]:
    return {error.field: error.message for error in exc.value.errors}


def test_the_rule_asks_a_control_session_for_a_reason_and_an_action():
    errors = rules.contamination_errors(
        in_control_arm=True, trial_id="BRS-0001", reason=" ", corrective_action=""
    )
    assert errors == {
        "contamination_reason": rules.CONTAMINATION_REASON_MISSING.format(trial_id="BRS-0001"),
        "contamination_action": rules.CONTAMINATION_ACTION_MISSING,
    }
    assert "BRS-0001 is in the control arm" in errors["contamination_reason"]
    assert (
        rules.contamination_errors(
            in_control_arm=True, trial_id="BRS-0001", reason=REASON, corrective_action=ACTION
        )
        == {}
    )


def test_the_rule_refuses_a_contamination_reason_for_anyone_not_in_control():
    assert rules.contamination_errors(
        in_control_arm=False, trial_id="BRS-0001", reason=REASON, corrective_action=""
    ) == {"contamination_reason": rules.CONTAMINATION_NOT_CONTROL}
    assert (
        rules.contamination_errors(
            in_control_arm=False, trial_id="BRS-0001", reason="", corrective_action=""
        )
        == {}
    )


def test_a_control_session_without_a_reason_is_refused_and_nothing_is_stored(
    control_participant, pwp_a
):
    with pytest.raises(DomainError) as refused:
        record_session(
            participant=control_participant,
            practitioner=pwp_a,
            data=_session(control_participant, session_date=timezone.localdate() + dt.timedelta(1)),
        )
    errors = _errors(refused)
    # Every broken rule in one round: the date and both contamination fields.
    assert set(errors) == {"session_date", "contamination_reason", "contamination_action"}
    assert "is in the control arm" in errors["contamination_reason"]
    assert not CessationSession.objects.exists()
    assert not ProtocolDeviation.objects.exists()


def test_with_a_reason_the_session_is_logged_as_a_major_contamination_deviation(
    control_participant, pwp_a
):
    session = record_session(
        participant=control_participant,
        practitioner=pwp_a,
        data=_session(
            control_participant, contamination_reason=REASON, contamination_action=ACTION
        ),
    )
    deviation = ProtocolDeviation.objects.get()
    assert session.contamination_deviation == deviation
    assert (deviation.participant, deviation.category, deviation.seriousness) == (
        control_participant,
        "contamination",
        "major",
    )
    assert deviation.occurred_on == session.session_date
    assert deviation.reported_by == pwp_a
    assert REASON in deviation.description and "session 1 (attended)" in deviation.description
    assert deviation.corrective_action == ACTION


def test_a_missed_session_offered_to_a_control_participant_is_a_deviation_too(
    control_participant, pwp_a
):
    data = _session(
        control_participant,
        attendance="dna",
        mode="",
        duration_minutes=None,
        bcts_delivered=[],
    )
    with pytest.raises(DomainError):
        record_session(participant=control_participant, practitioner=pwp_a, data=data)
    data.contamination_reason, data.contamination_action = REASON, ACTION
    session = record_session(participant=control_participant, practitioner=pwp_a, data=data)
    assert session.contamination_deviation.category == "contamination"


def test_an_intervention_session_with_a_contamination_reason_is_refused(participant_a, pwp_a):
    with pytest.raises(DomainError) as refused:
        record_session(
            participant=participant_a,
            practitioner=pwp_a,
            data=_session(participant_a, contamination_reason=REASON),
        )
    assert _errors(refused) == {"contamination_reason": rules.CONTAMINATION_NOT_CONTROL}
    assert not CessationSession.objects.exists()


def test_a_session_refused_by_the_database_leaves_no_deviation_behind(control_participant, pwp_a):
    data = _session(control_participant, contamination_reason=REASON, contamination_action=ACTION)
    record_session(participant=control_participant, practitioner=pwp_a, data=data)
    with pytest.raises(DomainError, match="already been recorded"):
        record_session(participant=control_participant, practitioner=pwp_a, data=data)
    assert ProtocolDeviation.objects.count() == CessationSession.objects.count() == 1


def _post(**overrides) -> dict:
    return {
        "submission_key": str(uuid.uuid4()),
        "session_date": timezone.localdate().isoformat(),
        "attendance": "attended",
        "number": "1",
        "session_type": "pre_quit",
        "mode": "face_to_face",
        "duration_minutes": "15",
        "bcts_delivered": ["co_monitoring"],
    } | overrides


def test_the_session_page_guards_a_control_participant(client, control_participant, pwp_a):
    client.force_login(pwp_a)
    url = reverse("session-create", args=[control_participant.public_id])
    page = client.get(url).content.decode()
    assert 'id="contamination-guard"' in page and "major protocol deviation" in page
    refused = client.post(url, _post(duration_minutes=""))
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    # The guard's fields and the form's own rules, all in the first round.
    assert {"contamination_reason", "contamination_action", "duration_minutes"} <= set(errors)
    assert "is in the control arm" in errors["contamination_reason"][0]
    assert not CessationSession.objects.exists()
    saved = client.post(
        url, _post(contamination_reason=REASON, contamination_action=ACTION), follow=True
    )
    assert "logged as a major contamination deviation" in saved.content.decode()
    assert CessationSession.objects.get().contamination_deviation.category == "contamination"
    detail = client.get(reverse("participant-detail", args=[control_participant.public_id]))
    body = detail.content.decode()
    assert "contamination deviation</span>" in body and REASON in body


def test_an_intervention_participant_sees_no_guard(client, participant_a, pwp_a):
    client.force_login(pwp_a)
    page = client.get(reverse("session-create", args=[participant_a.public_id]))
    assert "contamination_reason" not in page.context["form"].fields
    assert 'id="contamination-guard"' not in page.content.decode()
