"""Django admin: every model listed and searchable by trial ID, clinical and audit rows read-only,
concealed allocations and contact details kept from staff who are not superusers."""

import datetime as dt
import hashlib

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.cessation.models import CessationSession
from apps.cessation.services import SessionInput, record_session
from apps.core.models import IdempotencyRecord
from apps.core.roles import Role
from apps.dashboards.models import ExportJob, MetricSnapshot
from apps.outcomes.services import record_phq9, record_smoking_status
from apps.patients.models import (
    Allocation,
    Baseline,
    ContactDetails,
    Participant,
    RandomisationBlock,
)
from apps.reminders.models import FollowUp, QuestionnaireLink, Reminder
from tests.factories import PASSWORD, PractitionerProfileFactory, make_participant

CLINICAL_ADMINS = [
    "patients.screeningrecord",
    "patients.participant",
    "patients.baseline",
    "patients.contactdetails",
    "patients.allocation",
    "cessation.cessationsession",
    "cessation.pharmacotherapyrecord",
    "outcomes.phq9response",
    "outcomes.gad7response",
    "outcomes.smokingstatusreport",
    "outcomes.coreading",
    "outcomes.safetyalert",
    "reminders.questionnairelink",
    "reminders.followup",
    "reminders.reminder",
]


def _url(label: str, view: str, *args) -> str:
    app_label, model = label.split(".")
    return reverse(f"admin:{app_label}_{model}_{view}", args=args)


@pytest.fixture
def world(participant_a, participant_b, pwp_a, pwp_b, trial_manager):
    """Rows in every table, for two participants at two sites."""
    sessions = {}
    for participant, pwp in ((participant_a, pwp_a), (participant_b, pwp_b)):
        sessions[participant.pk] = record_session(
            participant=participant,
            practitioner=pwp,
            data=SessionInput(
                session_date=participant.screened_on,
                attendance="attended",
                number=1,
                session_type="pre_quit",
                mode="face_to_face",
                duration_minutes=15,
                bcts_delivered=["assess_smoking", "set_quit_date"],
                quit_date_set=participant.screened_on + dt.timedelta(days=7),
                pharmacotherapy=[("nrt_patch", "provided")],
                co_ppm=18,
                phq9_items=[1, 1, 1, 1, 1, 1, 1, 1, 1],
                gad7_items=[1, 1, 1, 1, 1, 1, 1],
            ),
        )
        follow_up = FollowUp.objects.filter(participant=participant).first()
        record_smoking_status(
            participant=participant,
            completed_on=participant.screened_on,
            timepoint="month3",
            smoked_last_7_days=False,
            stopped_on=participant.screened_on,
            quit_attempt_since_last_contact=True,
            uses_e_cigarette=False,
            uses_stop_smoking_medication=True,
            follow_up=follow_up,
        )
        QuestionnaireLink.objects.create(
            token_hash=hashlib.sha256(participant.trial_id.encode()).hexdigest(),
            participant=participant,
            follow_up=follow_up,
            expires_at=timezone.now() + dt.timedelta(days=7),
            draft_answers={"phq9": [3, 3]},
        )
    PractitionerProfileFactory(user=pwp_a)
    MetricSnapshot.objects.create(status="ready", started_at=timezone.now())
    ExportJob.objects.create(requested_by=trial_manager, dataset="wide", file_format="csv")
    IdempotencyRecord.objects.create(
        user=pwp_a,
        key="k1",
        method_path="POST /api/v1/x/",
        request_hash="0" * 64,
        status_code=201,
        response_body={"secret": "response"},
    )
    return {"session": sessions[participant_a.pk], "participant": participant_a}


@pytest.fixture
def staff_viewer(db):
    """A staff member (not a superuser) granted every view permission in the admin."""
    user = User.objects.create_user(
        "staff.viewer@nhs.test", PASSWORD, role=Role.DATA_MANAGER, is_staff=True
    )
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return User.objects.get(pk=user.pk)


def test_superuser_can_open_the_list_and_a_row_of_every_registered_model(admin_client, world):
    opened = 0
    for model in admin.site._registry:
        label = model._meta.label_lower
        response = admin_client.get(_url(label, "changelist"))
        assert response.status_code == 200, label
        if model._meta.proxy or not model._meta.managed:
            continue
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            response = admin_client.get(_url(label, "change", row.pk))
            assert response.status_code == 200, label
            opened += 1
    assert opened >= 25  # every domain table and the event tables with rows


def _model(label: str):
    return next(m for m in admin.site._registry if m._meta.label_lower == label)


def _rows_of(model, participant):
    """The model's rows that belong to the participant."""
    if model is Participant:
        return model.objects.filter(pk=participant.pk)
    if model._meta.model_name == "pharmacotherapyrecord":
        return model.objects.filter(session__participant=participant)
    return model.objects.filter(participant=participant)


@pytest.mark.parametrize("label", CLINICAL_ADMINS)
def test_clinical_admin_lists_are_searchable_by_trial_id(admin_client, world, label):
    model = _model(label)
    expected = set(_rows_of(model, world["participant"]).values_list("pk", flat=True))
    assert expected, "the world has a row of every model for the participant"
    response = admin_client.get(_url(label, "changelist"), {"q": world["participant"].trial_id})
    assert response.status_code == 200
    assert {row.pk for row in response.context["cl"].result_list} == expected
    assert model.objects.count() > len(expected)


@pytest.mark.parametrize("label", CLINICAL_ADMINS)
def test_clinical_rows_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, world, label):
    model = _model(label)
    row = model._default_manager.order_by("pk").first()
    before = model._default_manager.count()
    assert admin_client.get(_url(label, "add")).status_code == 403
    assert admin_client.post(_url(label, "delete", row.pk), {"post": "yes"}).status_code == 403
    change = admin_client.get(_url(label, "change", row.pk))
    assert change.status_code == 200
    assert not change.context["has_change_permission"]
    assert b'name="_save"' not in change.content
    assert admin_client.post(_url(label, "change", row.pk), {}).status_code == 403
    assert model._default_manager.count() == before


def test_audit_event_tables_are_read_only_in_the_admin(admin_client, world):
    event_model = Participant.pgh_event_model
    label = event_model._meta.label_lower
    event = event_model.objects.order_by("pgh_id").first()
    assert admin_client.get(_url(label, "changelist")).status_code == 200
    assert admin_client.get(_url(label, "add")).status_code == 403
    assert admin_client.post(_url(label, "change", event.pk), {}).status_code == 403
    assert admin_client.post(_url(label, "delete", event.pk), {"post": "yes"}).status_code == 403
    assert event_model.objects.filter(pk=event.pk).exists()


def test_randomisation_blocks_are_hidden_from_staff_who_are_not_superusers(
    client, admin_client, staff_viewer, world
):
    block = RandomisationBlock.objects.first()
    client.force_login(staff_viewer)
    assert client.get(_url("patients.randomisationblock", "changelist")).status_code == 403
    assert client.get(_url("patients.randomisationblock", "change", block.pk)).status_code in (
        302,
        403,
    )
    index = client.get(reverse("admin:index"))
    assert b"Randomisation blocks" not in index.content
    assert admin_client.get(_url("patients.randomisationblock", "changelist")).status_code == 200
    assert admin_client.get(_url("patients.randomisationblock", "add")).status_code == 403


def test_allocation_block_and_position_are_shown_only_to_superusers(
    client, admin_client, staff_viewer, world
):
    allocation = Allocation.objects.get(participant=world["participant"])
    client.force_login(staff_viewer)
    for user_client, sees_block in ((client, False), (admin_client, True)):
        listing = user_client.get(_url("patients.allocation", "changelist"))
        assert listing.status_code == 200
        columns = [h["text"] for h in listing.context["result_headers"]]
        assert ("position" in columns) is sees_block
        assert ("block" in columns) is sees_block
        detail = user_client.get(_url("patients.allocation", "change", allocation.pk))
        shown = [
            f for _, options in detail.context["adminform"].fieldsets for f in options["fields"]
        ]
        assert ("block" in shown) is sees_block
        assert ("position" in shown) is sees_block


def test_contact_details_addresses_are_shown_only_to_superusers(
    client, admin_client, staff_viewer, world
):
    contact = ContactDetails.objects.get(participant=world["participant"])
    assert contact.email
    client.force_login(staff_viewer)
    for page in (
        _url("patients.contactdetails", "changelist"),
        _url("patients.contactdetails", "change", contact.pk),
    ):
        response = client.get(page)
        assert response.status_code == 200
        assert contact.email.encode() not in response.content
    assert (
        contact.email.encode()
        not in admin_client.get(_url("patients.contactdetails", "changelist")).content
    )
    assert (
        contact.email.encode()
        in admin_client.get(_url("patients.contactdetails", "change", contact.pk)).content
    )
    # Searching by address would reveal it too: only the trial ID is searched.
    found = client.get(_url("patients.contactdetails", "changelist"), {"q": contact.email})
    assert list(found.context["cl"].result_list) == []


def test_contact_details_history_is_for_superusers_only(client, admin_client, staff_viewer, world):
    label = ContactDetails.pgh_event_model._meta.label_lower
    client.force_login(staff_viewer)
    assert client.get(_url(label, "changelist")).status_code == 403
    assert admin_client.get(_url(label, "changelist")).status_code == 200
    # Other event tables are readable with the view permission.
    assert (
        client.get(_url(Baseline.pgh_event_model._meta.label_lower, "changelist")).status_code
        == 200
    )


def test_exactly_the_contact_details_and_allocation_audits_are_superuser_only():
    from pghistory import core as pghistory_core

    from apps.core.admin import is_superuser_only_event_model

    hidden = {
        model._meta.label
        for model in pghistory_core.event_models()
        if is_superuser_only_event_model(model)
    }
    assert hidden == {"patients.ContactDetailsEvent", "patients.AllocationEvent"}


def test_token_hash_draft_answers_and_stored_responses_stay_out_of_the_admin(admin_client, world):
    link = QuestionnaireLink.objects.first()
    page = admin_client.get(_url("reminders.questionnairelink", "change", link.pk))
    assert link.token_hash.encode() not in page.content
    assert b"draft" not in page.content.lower()
    record = IdempotencyRecord.objects.get()
    page = admin_client.get(_url("core.idempotencyrecord", "change", record.pk))
    assert b"secret" not in page.content


def test_superuser_adds_a_staff_member_with_email_role_and_password(admin_client, site_a):
    response = admin_client.post(
        _url("accounts.user", "add"),
        {
            "email": "New.PWP@nhs.test",
            "full_name": "New PWP",
            "role": Role.PWP,
            "password1": "a-long-enough-password-42",
            "password2": "a-long-enough-password-42",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(email__iexact="new.pwp@nhs.test")
    assert user.role == Role.PWP and user.check_password("a-long-enough-password-42")


def test_changelists_cost_the_same_queries_for_more_rows(admin_client, world, site_a, pwp_a):
    labels = ["patients.participant", "outcomes.phq9response", "cessation.cessationsession"]

    def count(label):
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(_url(label, "changelist")).status_code == 200
        return len(queries)

    admin_client.get("/admin/")  # the first request stores the session's start and last-seen time
    before = {label: count(label) for label in labels}
    for _ in range(3):
        extra = make_participant(site=site_a, pwp=pwp_a, stage="randomised")
        record_phq9(participant=extra, items=[0] * 9, completed_on=extra.screened_on)
        record_session(
            participant=extra,
            practitioner=pwp_a,
            data=SessionInput(
                session_date=extra.screened_on,
                attendance="dna",
                number=1,
                session_type="pre_quit",
            ),
        )
    assert CessationSession.objects.count() >= 4
    assert {label: count(label) for label in labels} == before


def test_the_events_across_all_tables_are_read_only(admin_client, world):
    from pghistory.models import Events

    label = Events._meta.label_lower
    assert admin_client.get(_url(label, "changelist")).status_code == 200
    assert admin_client.get(_url(label, "add")).status_code == 403


def test_the_all_events_admin_is_for_superusers_only(rf, admin_user, staff_viewer):
    from pghistory.models import Events

    from apps.core.admin import AllEventsAdmin

    model_admin = AllEventsAdmin(Events, admin.site)
    request = rf.get("/admin/")
    request.user = staff_viewer
    assert not model_admin.has_view_permission(request)
    assert not model_admin.has_module_permission(request)
    request.user = admin_user
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_allocation_history_is_for_superusers_only(client, admin_client, staff_viewer, world):
    # The allocation audit carries block and position, which reveal the arms still to come.
    label = Allocation.pgh_event_model._meta.label_lower
    event = Allocation.pgh_event_model.objects.first()
    assert event is not None and event.block_id is not None
    client.force_login(staff_viewer)
    assert client.get(_url(label, "changelist")).status_code == 403
    assert client.get(_url(label, "change", event.pk)).status_code in (302, 403)
    assert b"Allocation events" not in client.get(reverse("admin:index")).content
    assert admin_client.get(_url(label, "changelist")).status_code == 200


def test_reminder_error_text_is_shown_only_to_superusers(client, admin_client, staff_viewer, world):
    follow_up = FollowUp.objects.filter(participant=world["participant"]).first()
    reminder = Reminder.objects.create(
        participant=world["participant"],
        follow_up=follow_up,
        channel="email",
        kind="manual",
        due_at=timezone.now(),
        status="failed",
        last_error="550 mailbox unavailable: patient@example.test",
    )
    client.force_login(staff_viewer)
    page = _url("reminders.reminder", "change", reminder.pk)
    staff_page = client.get(page)
    assert staff_page.status_code == 200
    assert b"patient@example.test" not in staff_page.content
    assert b"mailbox unavailable" not in staff_page.content
    assert b"patient@example.test" in admin_client.get(page).content
