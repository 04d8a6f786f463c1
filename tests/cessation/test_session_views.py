"""Logging a session through the form: defaults, bad input, double submission, edits."""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.cessation.models import CessationSession, PharmacotherapyRecord
from apps.clinical.protocol import BCT, DEFAULT_EXPECTED_BCTS
from apps.outcomes.models import COReading, GAD7Response, PHQ9Response, SafetyAlert
from apps.sites.selectors import get_pilot


def items(prefix: str, values) -> dict:
    return {f"{prefix}_{i}": str(v) for i, v in enumerate(values, start=1)}


def session_post(**overrides) -> dict:
    data = {
        "submission_key": str(uuid.uuid4()),
        "session_date": timezone.localdate().isoformat(),
        "attendance": "attended",
        "number": "2",
        "session_type": "quit_day",
        "mode": "face_to_face",
        "duration_minutes": "15",
        "bcts_delivered": list(DEFAULT_EXPECTED_BCTS["quit_day"]),
        "quit_date_set": timezone.localdate().isoformat(),
        "pharmacotherapy_nrt_patch": "provided",
        "pharmacotherapy_varenicline": "",
        "co_ppm": "6",
        "notes": "",
        **items("phq9", [1, 1, 1, 1, 1, 0, 0, 0, 0]),
        **items("gad7", [1, 1, 1, 1, 0, 0, 0]),
    }
    return data | overrides


def _stored():
    return (
        CessationSession.objects.count(),
        PHQ9Response.objects.count(),
        GAD7Response.objects.count(),
        COReading.objects.count(),
        PharmacotherapyRecord.objects.count(),
    )


@pytest.fixture
def logged_in(client, pwp_a):
    client.force_login(pwp_a)
    return client


def url_for(participant):
    return reverse("session-create", args=[participant.public_id])


def test_form_suggests_today_next_number_and_type_and_marks_the_expected_bcts(
    logged_in, participant_a
):
    response = logged_in.get(url_for(participant_a))
    form = response.context["form"]
    assert form.fields["session_date"].initial == timezone.localdate()
    assert form.fields["number"].initial == 1
    assert form.fields["session_type"].initial == "pre_quit"
    assert form.fields["submission_key"].initial
    # (2nd ed.) Never ticked in advance: the expected ones are marked, none is checked.
    assert not form.fields["bcts_delivered"].initial
    html = response.content.decode()
    boxes = html[html.index('class="qp-bct-list"') :]
    assert 'data-bct aria-describedby="bct-help">' in boxes and " checked data-bct" not in boxes
    shown = {
        value
        for value in DEFAULT_EXPECTED_BCTS["quit_day"] + DEFAULT_EXPECTED_BCTS["pre_quit"]
        if f'data-bct-expected="{value}">' in boxes
    }
    assert shown == set(DEFAULT_EXPECTED_BCTS["pre_quit"])


def test_expected_bcts_follow_the_pilot_overrides(logged_in, participant_a):
    pilot = get_pilot()
    pilot.expected_bcts = {"pre_quit": [BCT.ASSESS_SMOKING, BCT.CO_MONITORING]}
    pilot.save()
    response = logged_in.get(url_for(participant_a))
    assert response.context["form"].expected_bct_values() == {"assess_smoking", "co_monitoring"}
    assert response.context["protocol_json"]["expected"]["pre_quit"] == [
        "assess_smoking",
        "co_monitoring",
    ]


def test_quit_day_session_stores_everything_taken_in_it(logged_in, participant_a):
    response = logged_in.post(url_for(participant_a), session_post())
    assert response.status_code == 302
    session = CessationSession.objects.get()
    assert (session.number, session.session_type, session.attendance) == (2, "quit_day", "attended")
    assert session.bcts_delivered == sorted(DEFAULT_EXPECTED_BCTS["quit_day"])
    participant_a.refresh_from_db()
    assert participant_a.quit_date == timezone.localdate()
    assert session.pharmacotherapy.get().product == "nrt_patch"
    phq9 = PHQ9Response.objects.get(session=session)
    assert (phq9.total, phq9.severity, phq9.timepoint, phq9.source) == (
        5,
        "mild",
        "session",
        "in_session",
    )
    assert GAD7Response.objects.get(session=session).total == 4
    assert COReading.objects.get(session=session).ppm == 6


def test_quit_day_session_without_a_quit_date_uses_the_session_date(logged_in, participant_a):
    day = timezone.localdate() - dt.timedelta(days=1)
    logged_in.post(
        url_for(participant_a), session_post(session_date=day.isoformat(), quit_date_set="")
    )
    participant_a.refresh_from_db()
    assert participant_a.quit_date == day


def test_dna_needs_only_date_and_status(logged_in, participant_a):
    response = logged_in.post(
        url_for(participant_a),
        {
            "submission_key": str(uuid.uuid4()),
            "session_date": timezone.localdate().isoformat(),
            "attendance": "dna",
        },
    )
    assert response.status_code == 302
    session = CessationSession.objects.get()
    assert (session.attendance, session.number, session.mode, session.bcts_delivered) == (
        "dna",
        1,
        "",
        [],
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"session_date": (timezone.localdate() + dt.timedelta(days=1)).isoformat()},
            "session_date",
            "Session date cannot be in the future.",
        ),
        ({"co_ppm": "150"}, "co_ppm", "CO reading must be a whole number from 0 to 100 ppm."),
        ({"phq9_3": ""}, "phq9_3", "Answer PHQ-9 item 3: every item is needed"),
        ({"duration_minutes": "0"}, "duration_minutes", "An attended session lasts 1 to 240"),
        ({"mode": ""}, "mode", "Choose how the session was delivered."),
        ({"gad7_7": "4"}, "gad7_7", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(
    logged_in, participant_a, overrides, field, message
):
    response = logged_in.post(url_for(participant_a), session_post(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    html = response.content.decode()
    assert f'id="div_id_{field}"' in html
    assert "nothing was saved" in html
    assert _stored() == (0, 0, 0, 0, 0)
    participant_a.refresh_from_db()
    assert participant_a.quit_date is None


def test_service_rule_errors_land_next_to_the_field(logged_in, participant_a):
    logged_in.post(url_for(participant_a), session_post())
    response = logged_in.post(url_for(participant_a), session_post())
    assert "already been recorded as attended" in " ".join(
        response.context["form"].errors["number"]
    )
    assert CessationSession.objects.count() == 1


def test_submitting_the_same_form_twice_stores_one_session(logged_in, participant_a):
    post = session_post()
    first = logged_in.post(url_for(participant_a), post)
    second = logged_in.post(url_for(participant_a), post)
    assert first.status_code == second.status_code == 302
    assert _stored() == (1, 1, 1, 1, 1)


def test_positive_item_9_raises_an_alert_and_goes_to_it(logged_in, participant_a):
    response = logged_in.post(
        url_for(participant_a), session_post(**items("phq9", [1, 1, 1, 1, 1, 0, 0, 0, 2]))
    )
    assert response.url.endswith("#alerts")
    alert = SafetyAlert.objects.get()
    assert alert.participant == participant_a and alert.is_open
    page = logged_in.get(response.url).content.decode()
    assert "safety alert is open" in page
    assert "1 open safety alert" in page


def test_sessions_cannot_be_logged_before_randomisation(logged_in, pwp_a, site_a):
    from tests.factories import make_participant

    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    response = logged_in.post(url_for(participant), session_post(number="1"))
    assert response.status_code == 302
    assert not CessationSession.objects.exists()


@pytest.fixture
def saved_session(logged_in, participant_a):
    logged_in.post(url_for(participant_a), session_post())
    return CessationSession.objects.get()


def edit_post(session, **overrides) -> dict:
    data = {
        "session_date": session.session_date.isoformat(),
        "attendance": session.attendance,
        "number": str(session.number),
        "session_type": session.session_type,
        "mode": session.mode,
        "duration_minutes": str(session.duration_minutes),
        "bcts_delivered": session.bcts_delivered,
        "notes": session.notes,
        "reason": "entry_error",
        "reason_detail": "",
    }
    if session.quit_date_set:
        data["quit_date_set"] = session.quit_date_set.isoformat()
    return data | overrides


def test_edit_is_saved_audited_with_the_user_and_shown_as_edited(
    client, logged_in, saved_session, participant_a, trial_manager, pwp_a
):
    url = reverse("session-edit", args=[saved_session.public_id])
    response = logged_in.post(url, edit_post(saved_session, duration_minutes="25"))
    assert response.status_code == 302
    saved_session.refresh_from_db()
    assert saved_session.duration_minutes == 25
    event = saved_session.events.filter(pgh_label="update").get()
    assert event.pgh_context.metadata["user"] == pwp_a.pk
    assert event.pgh_context.metadata["url"] == url
    detail = reverse("participant-detail", args=[participant_a.public_id])
    assert ">edited<" in logged_in.get(detail).content.decode()
    client.force_login(trial_manager)
    manager_page = client.get(detail).content.decode()
    assert reverse("participant-history", args=[participant_a.public_id]) in manager_page


def test_unchanged_edit_writes_nothing(logged_in, saved_session):
    url = reverse("session-edit", args=[saved_session.public_id])
    logged_in.post(url, edit_post(saved_session))
    assert not saved_session.events.filter(pgh_label="update").exists()


def test_bad_edit_is_refused_and_nothing_changes(logged_in, saved_session):
    url = reverse("session-edit", args=[saved_session.public_id])
    response = logged_in.post(url, edit_post(saved_session, duration_minutes="0"))
    assert response.status_code == 200
    assert "An attended session lasts 1 to 240 minutes." in response.content.decode()
    saved_session.refresh_from_db()
    assert saved_session.duration_minutes == 15


def test_site_lead_may_edit_but_advisor_may_not(client, saved_session, site_lead_a, advisor_a):
    url = reverse("session-edit", args=[saved_session.public_id])
    client.force_login(advisor_a)
    assert client.post(url, edit_post(saved_session, notes="advisor note")).status_code == 403
    client.force_login(site_lead_a)
    assert client.post(url, edit_post(saved_session, notes="lead note")).status_code == 302
    saved_session.refresh_from_db()
    assert saved_session.notes == "lead note"


def test_dna_with_the_prefilled_quit_date_still_saves_and_sets_no_quit_date(
    logged_in, participant_a
):
    response = logged_in.post(
        url_for(participant_a),
        {
            "submission_key": str(uuid.uuid4()),
            "session_date": timezone.localdate().isoformat(),
            "attendance": "cancelled",
            "number": "2",
            "session_type": "quit_day",
            "quit_date_set": timezone.localdate().isoformat(),
            "bcts_delivered": list(DEFAULT_EXPECTED_BCTS["quit_day"]),
        },
    )
    assert response.status_code == 302
    session = CessationSession.objects.get()
    assert (session.attendance, session.bcts_delivered, session.quit_date_set) == (
        "cancelled",
        [],
        None,
    )
    participant_a.refresh_from_db()
    assert participant_a.quit_date is None


def test_dna_with_a_typed_measure_is_refused(logged_in, participant_a):
    response = logged_in.post(
        url_for(participant_a),
        {
            "submission_key": str(uuid.uuid4()),
            "session_date": timezone.localdate().isoformat(),
            "attendance": "dna",
            "co_ppm": "7",
        },
    )
    assert "did not attend records no measures" in response.content.decode()
    assert _stored() == (0, 0, 0, 0, 0)


def test_a_quit_date_before_screening_is_named_with_the_other_errors_in_one_round(
    logged_in, participant_a
):
    before = (participant_a.screened_on - dt.timedelta(days=3)).isoformat()
    response = logged_in.post(
        url_for(participant_a),
        session_post(quit_date_set=before, duration_minutes="", mode=""),
    )
    errors = response.context["form"].errors
    assert set(errors) == {"quit_date_set", "duration_minutes", "mode"}
    assert "cannot be before screening" in errors["quit_date_set"][0]
    assert "already been recorded" not in response.content.decode()
    assert _stored() == (0, 0, 0, 0, 0)


def test_the_service_names_the_quit_date_not_the_session_number(participant_a, pwp_a):
    from apps.cessation.services import SessionInput, record_session
    from apps.core.errors import DomainError

    data = SessionInput(
        session_date=participant_a.screened_on,
        attendance="attended",
        number=1,
        session_type="quit_day",
        mode="face_to_face",
        duration_minutes=15,
        quit_date_set=participant_a.screened_on - dt.timedelta(days=1),
    )
    with pytest.raises(DomainError) as refused:
        record_session(participant=participant_a, practitioner=pwp_a, data=data)
    assert refused.value.field == "quit_date_set"
    assert _stored() == (0, 0, 0, 0, 0)
