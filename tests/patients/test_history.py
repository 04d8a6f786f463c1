"""The participant history page: every event of the participant and their records, with who,
when and what changed; for trial and data managers only, in a fixed number of queries."""

import datetime as dt
import re

import pghistory
import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.cessation.models import PharmacotherapyRecord
from apps.cessation.services import SessionInput, record_session
from apps.core.roles import Role
from apps.journey import services as journey
from apps.outcomes.models import AlertEscalation, SafetyAlert
from apps.outcomes.services import acknowledge_alert, record_smoking_status
from apps.patients.history import participant_history
from apps.patients.models import Baseline, ContactDetails, Participant, ScreeningRecord
from apps.reminders.models import FollowUp

NEW_EMAIL = "changed.address@example.test"


def _session(participant, pwp, number, *, phq9_item9=0):
    return record_session(
        participant=participant,
        practitioner=pwp,
        data=SessionInput(
            session_date=participant.screened_on + dt.timedelta(days=number),
            attendance="attended",
            number=number,
            session_type="pre_quit" if number == 1 else "follow_up",
            mode="face_to_face",
            duration_minutes=15,
            bcts_delivered=["assess_smoking", "co_monitoring"],
            quit_date_set=participant.screened_on + dt.timedelta(days=7) if number == 1 else None,
            pharmacotherapy=[("nrt_patch", "provided")] if number == 1 else [],
            co_ppm=15,
            phq9_items=[1, 1, 1, 1, 1, 1, 1, 1, phq9_item9],
            gad7_items=[1, 1, 1, 1, 1, 1, 1],
        ),
    )


@pytest.fixture
def story(participant_a, participant_b, pwp_a, pwp_b, site_lead_a):
    """participant_a's journey with a change made in a request, an alert and a follow-up."""
    with pghistory.context(user=pwp_a.pk, url="/participants/x/contact/"):
        journey.update_contact_details(
            participant=participant_a,
            email=NEW_EMAIL,
            mobile="07700 900111",
            preferred_channel="sms",
            consent_to_contact=True,
        )
    _session(participant_a, pwp_a, 1, phq9_item9=1)
    with pghistory.context(user=site_lead_a.pk, url="/alerts/1/acknowledge/"):
        acknowledge_alert(
            alert=SafetyAlert.objects.get(participant=participant_a),
            by=site_lead_a,
            action_taken="Phoned the participant; safety plan reviewed.",
        )
    record_smoking_status(
        participant=participant_a,
        completed_on=participant_a.screened_on + dt.timedelta(days=2),
        timepoint="month3",
        smoked_last_7_days=True,
        cigarettes_last_7_days=40,
        quit_attempt_since_last_contact=True,
        uses_e_cigarette=False,
        uses_stop_smoking_medication=True,
        follow_up=FollowUp.objects.get(participant=participant_a, timepoint="month3"),
    )
    _session(participant_b, pwp_b, 1)  # another participant's records stay out
    return participant_a


def _url(participant) -> str:
    return reverse("participant-history", args=[participant.public_id])


def _expected_event_count(participant) -> int:
    count = 0
    for model in (
        Participant,
        Baseline,
        ContactDetails,
        FollowUp,
        SafetyAlert,
    ):
        field = "pgh_obj" if model is Participant else "participant_id"
        count += model.pgh_event_model.objects.filter(**{field: participant.pk}).count()
    from apps.cessation.models import CessationSession
    from apps.outcomes.models import COReading, GAD7Response, PHQ9Response, SmokingStatusReport
    from apps.patients.models import Allocation

    for model in (
        Allocation,
        CessationSession,
        PHQ9Response,
        GAD7Response,
        COReading,
        SmokingStatusReport,
    ):
        count += model.pgh_event_model.objects.filter(participant_id=participant.pk).count()
    count += ScreeningRecord.pgh_event_model.objects.filter(
        pgh_obj_id=participant.screening_id
    ).count()
    count += PharmacotherapyRecord.pgh_event_model.objects.filter(
        session__participant=participant
    ).count()
    count += AlertEscalation.pgh_event_model.objects.filter(alert__participant=participant).count()
    from apps.reminders.models import QuestionnaireLink, Reminder

    for model in (Reminder, QuestionnaireLink):
        count += model.pgh_event_model.objects.filter(participant_id=participant.pk).count()
    return count


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("pwp_same_site", 404),
        ("pwp_other_site", 404),
        ("advisor", 404),
        ("site_lead", 404),
        ("trial_manager", 200),
        ("data_manager", 200),
    ],
)
def test_only_trial_and_data_managers_may_read_a_participant_history(
    client, cast, story, role, status
):
    user = cast[role]
    if user is not None:
        client.force_login(user)
    response = client.get(_url(story))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))
    if status == 404:
        assert story.trial_id.encode() not in response.content


def test_administrators_may_read_the_history_too(client, story):
    admin_role = User.objects.create_user(
        "admin.role@nhs.test", "pw-long-enough-1", role=Role.ADMIN
    )
    client.force_login(admin_role)
    assert client.get(_url(story)).status_code == 200


def test_unknown_participant_is_not_found(client, trial_manager, story):
    client.force_login(trial_manager)
    url = reverse("participant-history", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(url).status_code == 404


def test_history_lists_every_record_of_the_participant_and_nothing_else(
    client, trial_manager, story, participant_b
):
    client.force_login(trial_manager)
    response = client.get(_url(story))
    entries = response.context["entries"]
    assert len(entries) == _expected_event_count(story)
    records = {entry.record for entry in entries}
    assert records == {
        "Screening record",
        "Participant",
        "Contact details",
        "Baseline",
        "Allocation",
        "Follow up",
        "Cessation session",
        "Pharmacotherapy record",
        "PHQ-9 response",
        "GAD-7 response",
        "Safety alert",
        "Alert escalation",
        "CO reading",
        "Smoking status report",
        "Reminder",
    }
    other_session_ids = set(
        PharmacotherapyRecord.objects.filter(session__participant=participant_b).values_list(
            "pk", flat=True
        )
    )
    assert not [
        e
        for e in entries
        if e.record == "Pharmacotherapy record" and int(e.record_id) in other_session_ids
    ]
    assert participant_b.trial_id.encode() not in response.content
    # Newest first.
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)


def test_contact_changes_show_which_fields_changed_but_never_the_values(
    client, data_manager, story, pwp_a
):
    client.force_login(data_manager)
    response = client.get(_url(story))
    content = response.content.decode()
    assert NEW_EMAIL not in content
    assert "patient@example.test" not in content  # the address recorded at baseline
    assert "07700 900111" not in content
    changes = [
        e
        for e in response.context["entries"]
        if e.record == "Contact details" and e.via == "/participants/x/contact/"
    ]
    labels = {(e.action, c.label) for e in changes for c in e.changes}
    assert labels == {
        ("changed", "email"),
        ("recorded", "mobile"),
        ("changed", "preferred channel"),
    }
    assert all(
        c.hidden and c.before is None and c.after is None for e in changes for c in e.changes
    )
    assert all(e.who == str(pwp_a) for e in changes)
    assert re.search(r"Email</span>: changed", content)
    assert re.search(r"Mobile</span>: recorded", content)


def test_changes_show_who_made_them_from_which_page_and_the_old_and_new_values(
    client, trial_manager, story, site_lead_a, pwp_a
):
    client.force_login(trial_manager)
    response = client.get(_url(story))
    entries = response.context["entries"]
    acknowledgement = next(
        e for e in entries if e.record == "Safety alert" and e.action == "changed"
    )
    assert acknowledgement.who == str(site_lead_a)
    assert acknowledgement.via == "/alerts/1/acknowledge/"
    labels = {c.label: c for c in acknowledgement.changes}
    assert labels["acknowledged by"].before == "blank"
    assert labels["acknowledged by"].after == str(site_lead_a)
    assert labels["action taken"].after == "Phoned the participant; safety plan reviewed."
    quit_date = next(
        e
        for e in entries
        if e.record == "Participant" and any(c.label == "quit date" for c in e.changes)
    )
    change = next(c for c in quit_date.changes if c.label == "quit date")
    expected = (story.screened_on + dt.timedelta(days=7)).strftime("%d %b %Y")
    assert change.after == expected
    content = response.content.decode()
    assert str(site_lead_a) in content and "via /alerts/1/acknowledge/" in content
    created = next(e for e in entries if e.record == "Participant" and e.action == "created")
    assert {"trial id", "status", "screened on"} <= {c.label for c in created.changes}


def test_deleted_records_stay_in_the_history(client, trial_manager, story):
    Baseline.objects.filter(participant=story).delete()
    client.force_login(trial_manager)
    entries = client.get(_url(story)).context["entries"]
    deleted = [e for e in entries if e.action == "deleted"]
    assert [e.record for e in deleted] == ["Baseline"]


def test_history_page_costs_a_fixed_number_of_queries(
    client, trial_manager, story, pwp_a, django_assert_num_queries
):
    client.force_login(trial_manager)
    client.get(_url(story))  # stores the session's start
    # the session, the signed-in user, the participant, 4 event queries (records, screening,
    # pharmacotherapy, the alert's escalations) and the people named in them.
    with django_assert_num_queries(8):
        first = client.get(_url(story))
    for number in (2, 3, 4):
        _session(story, pwp_a, number)
    with django_assert_num_queries(8):
        more = client.get(_url(story))
    # Three more sessions, each with its PHQ-9, GAD-7 and CO reading.
    assert len(more.context["entries"]) == len(first.context["entries"]) + 12


def test_history_is_built_from_the_audit_tables_not_the_live_rows(story):
    before = participant_history(story)
    Participant.objects.filter(pk=story.pk).update(quit_date=None)
    after = participant_history(story)
    assert len(after) == len(before) + 1
    (new,) = [e for e in after if e not in before]
    assert (new.record, new.action) == ("Participant", "changed")
    expected = (story.screened_on + dt.timedelta(days=7)).strftime("%d %b %Y")
    assert [(c.label, c.before, c.after) for c in new.changes] == [("quit date", expected, "blank")]


def test_allocation_entry_shows_the_arm_but_not_the_concealed_block(client, trial_manager, story):
    client.force_login(trial_manager)
    response = client.get(_url(story))
    (allocation,) = [e for e in response.context["entries"] if e.record == "Allocation"]
    labels = {c.label for c in allocation.changes}
    assert "arm" in labels
    assert not labels & {"block", "position"}


def test_contact_details_first_recorded_are_listed_by_field_without_values(
    client, trial_manager, story
):
    client.force_login(trial_manager)
    content = client.get(_url(story)).content.decode()
    assert re.search(r"Email</span>: recorded", content)
    assert re.search(r"Preferred channel</span>: recorded", content)
