"""The audit trail: every change to clinical and participant data is recorded, whatever its path,
with who, when and what changed; and the record itself cannot be altered by the application."""

import datetime as dt
import json

import pghistory
import pytest
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from pghistory.models import Context

from apps.cessation.models import CessationSession, PharmacotherapyRecord
from apps.cessation.services import SessionInput, record_session
from apps.dashboards.models import ProgressionCriterion
from apps.journey import services as journey
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
)
from apps.patients.models import (
    Allocation,
    Baseline,
    ContactDetails,
    Participant,
    ScreeningRecord,
)
from apps.reminders.models import FollowUp, FollowUpStatus
from tests.factories import make_participant

# Every table holding clinical or participant data, and so every table that must be audited.
CLINICAL_MODELS = (
    ScreeningRecord,
    Participant,
    Baseline,
    ContactDetails,
    Allocation,
    CessationSession,
    PharmacotherapyRecord,
    PHQ9Response,
    GAD7Response,
    SmokingStatusReport,
    COReading,
    SafetyAlert,
    FollowUp,
)


def _quit_date_view(request, public_id):
    """A minimal page that changes a participant through the service (for the middleware)."""
    participant = Participant.objects.get(public_id=public_id)
    journey.set_quit_date(
        participant=participant, quit_date=dt.date.fromisoformat(request.POST["quit_date"])
    )
    return HttpResponse("ok")


urlpatterns = [path("audit-probe/<uuid:public_id>/", _quit_date_view)]


def _events(model, **filters):
    return model.pgh_event_model.objects.filter(**filters).order_by("pgh_id")


def _triggers_on(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("model", CLINICAL_MODELS, ids=lambda m: m.__name__)
def test_every_clinical_table_has_insert_update_and_delete_audit_triggers_in_the_database(
    db, model
):
    names = _triggers_on(model._meta.db_table)
    for operation in ("insert_insert", "update_update", "delete_delete"):
        assert any(name.startswith(f"pgtrigger_{operation}_") for name in names), operation
    assert "append_only" in {
        name.rsplit("_", 1)[0].removeprefix("pgtrigger_")
        for name in _triggers_on(model.pgh_event_model._meta.db_table)
    }


@pytest.mark.urls("tests.core.test_audit")
def test_request_through_the_client_records_the_signed_in_user_and_the_url(
    client, pwp_a, participant_a
):
    client.force_login(pwp_a)
    url = f"/audit-probe/{participant_a.public_id}/"
    response = client.post(url, {"quit_date": participant_a.screened_on.isoformat()})
    assert response.status_code == 200
    event = _events(Participant, pgh_obj=participant_a, pgh_label="update").last()
    assert event.quit_date == participant_a.screened_on
    assert event.pgh_context.metadata["user"] == pwp_a.pk
    assert event.pgh_context.metadata["url"] == url
    # The follow-up schedule the service moved in the same request shares that context.
    follow_up = _events(FollowUp, participant=participant_a, timepoint="week4").first()
    assert follow_up.pgh_context_id == event.pgh_context_id


def test_admin_change_records_the_administrator_and_the_admin_url(admin_client, django_user_model):
    criterion = ProgressionCriterion.objects.create(
        key="audit-probe", label="Audit probe", green_from=80, amber_from=60, display_order=99
    )
    url = f"/admin/dashboards/progressioncriterion/{criterion.pk}/change/"
    form = {
        "key": "audit-probe",
        "label": "Audit probe",
        "green_from": "75",
        "amber_from": "60",
        "display_order": "99",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302
    event = _events(ProgressionCriterion, pgh_obj_id=criterion.pk, pgh_label="update").get()
    admin_user = django_user_model.objects.get(is_superuser=True)
    assert event.pgh_context.metadata == {"user": admin_user.pk, "url": url}
    assert event.green_from == 75


def test_create_update_and_delete_are_each_recorded_with_what_changed(participant_a, pwp_a):
    baseline = Baseline.objects.get(participant=participant_a)
    with pghistory.context(user=pwp_a.pk, url="/baseline/"):
        journey.record_baseline(
            participant=participant_a,
            recorded_on=baseline.recorded_on,
            cigarettes_per_day=35,
            minutes_to_first_cigarette=10,
            sex="female",
            year_of_birth=1985,
            email="patient@example.test",
        )
    pk = baseline.pk
    baseline.delete()
    inserted, updated, deleted = _events(Baseline, pgh_obj_id=pk)
    assert [inserted.pgh_label, updated.pgh_label, deleted.pgh_label] == [
        "insert",
        "update",
        "delete",
    ]
    assert inserted.cigarettes_per_day == 20
    assert (updated.cigarettes_per_day, updated.hsi_score) == (35, 5)
    assert updated.pgh_context.metadata == {"user": pwp_a.pk, "url": "/baseline/"}
    assert deleted.cigarettes_per_day == 35  # the row as it was when deleted
    assert not Baseline.objects.filter(pk=pk).exists()
    assert all(
        timezone.now() - e.pgh_created_at < dt.timedelta(minutes=5)
        for e in (inserted, updated, deleted)
    )


def test_diff_names_the_fields_that_changed_and_their_old_and_new_values(participant_a):
    from pghistory.models import Events

    with pghistory.context(user=None, url="/x/"):
        journey.set_quit_date(participant=participant_a, quit_date=participant_a.screened_on)
    update = (
        Events.objects.tracks(participant_a).filter(pgh_label="update").order_by("pgh_id").last()
    )
    assert update.pgh_diff["quit_date"] == [None, participant_a.screened_on.isoformat()]
    assert set(update.pgh_diff) == {"quit_date", "updated_at"}


def test_bulk_queryset_update_records_an_event_per_row(participant_a):
    follow_ups = FollowUp.objects.filter(participant=participant_a)
    count = follow_ups.count()
    assert count >= 2
    before = _events(FollowUp, participant=participant_a, pgh_label="update").count()
    with pghistory.context(command="bulk-probe"):
        assert follow_ups.update(status=FollowUpStatus.CANCELLED) == count
    updates = _events(FollowUp, participant=participant_a, pgh_label="update")
    assert updates.count() == before + count
    assert {e.status for e in updates.order_by("-pgh_id")[:count]} == {"cancelled"}
    assert updates.last().pgh_context.metadata == {"command": "bulk-probe"}


def test_bulk_create_records_an_insert_per_row(participant_a, pwp_a):
    session = record_session(
        participant=participant_a,
        practitioner=pwp_a,
        data=SessionInput(
            session_date=participant_a.screened_on,
            attendance="attended",
            number=1,
            session_type="pre_quit",
            mode="telephone",
            duration_minutes=15,
            pharmacotherapy=[("nrt_patch", "provided"), ("nrt_gum", "provided")],
        ),
    )
    # record_session stores pharmacotherapy with bulk_create: no save(), no signals.
    inserts = _events(PharmacotherapyRecord, session_id=session.pk, pgh_label="insert")
    assert sorted(inserts.values_list("product", flat=True)) == ["nrt_gum", "nrt_patch"]


def test_raw_sql_update_and_delete_are_recorded(participant_a, pwp_a):
    contact = ContactDetails.objects.get(participant=participant_a)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE patients_contactdetails SET consent_to_contact = false WHERE id = %s",
            [contact.pk],
        )
        cursor.execute("DELETE FROM patients_contactdetails WHERE id = %s", [contact.pk])
    labels = list(
        _events(
            ContactDetails, pgh_obj_id=contact.pk, pgh_label__in=["insert", "update", "delete"]
        ).values_list("pgh_label", "consent_to_contact")
    )
    assert labels == [("insert", True), ("update", False), ("delete", False)]


def test_history_outlives_the_deleted_rows(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="baselined")
    screening = participant.screening
    participant_id, screening_id = participant.pk, screening.pk
    participant.delete()  # cascades to baseline and contact details
    screening.delete()
    for model, pk in ((Participant, participant_id), (ScreeningRecord, screening_id)):
        assert list(_events(model, pgh_obj_id=pk).values_list("pgh_label", flat=True))[-1] == (
            "delete"
        )
    assert _events(Baseline, participant_id=participant_id, pgh_label="delete").exists()
    assert _events(ContactDetails, participant_id=participant_id, pgh_label="delete").exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {table} SET pgh_label = 'x' WHERE pgh_id = (SELECT min(pgh_id) FROM {table})",
        "DELETE FROM {table} WHERE pgh_id = (SELECT min(pgh_id) FROM {table})",
    ],
    ids=["update", "delete"],
)
@pytest.mark.parametrize(
    "model", [Participant, ContactDetails, PHQ9Response, SafetyAlert], ids=lambda m: m.__name__
)
def test_event_tables_refuse_update_and_delete_even_in_raw_sql(
    participant_a, pwp_a, model, statement
):
    from apps.outcomes.services import record_phq9

    record_phq9(
        participant=participant_a,
        items=[1, 1, 1, 1, 1, 1, 1, 1, 1],
        completed_on=participant_a.screened_on,
        recorded_by=pwp_a,
    )
    event_model = model.pgh_event_model
    table = event_model._meta.db_table
    before = list(event_model.objects.order_by("pgh_id").values_list("pgh_id", "pgh_label"))
    assert before
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=table))
    assert list(event_model.objects.order_by("pgh_id").values_list("pgh_id", "pgh_label")) == (
        before
    )


def test_event_rows_cannot_be_changed_or_deleted_through_the_orm(participant_a):
    events = Participant.pgh_event_model.objects.filter(pgh_obj=participant_a)
    count = events.count()
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        events.update(pgh_label="tampered")
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
        events.delete()
    assert events.count() == count
    assert not events.filter(pgh_label="tampered").exists()


def test_context_rows_keep_the_metadata_as_json(participant_a, pwp_a):
    with pghistory.context(user=pwp_a.pk, url="/json/"):
        journey.set_quit_date(participant=participant_a, quit_date=participant_a.screened_on)
    context = Context.objects.order_by("-created_at").first()
    assert json.loads(json.dumps(context.metadata)) == {"user": pwp_a.pk, "url": "/json/"}


def test_a_participant_created_outside_any_request_is_still_recorded(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    event = _events(Participant, pgh_obj=participant).get()
    assert event.pgh_label == "insert"
    assert event.pgh_context is None
    assert event.trial_id == participant.trial_id


def test_role_and_site_membership_changes_are_audited_without_password_hashes(pwp_a, site_b):
    from apps.accounts.models import SiteMembership

    pwp_a.role = "site_lead"
    pwp_a.set_password("a-brand-new-password-1")
    pwp_a.save()
    SiteMembership.objects.create(user=pwp_a, site=site_b)
    events = pghistory.models.Events.objects.tracks(pwp_a).order_by("pgh_created_at")
    assert events.filter(pgh_label="update", pgh_diff__has_key="role").exists()
    assert all("password" not in (e.pgh_data or {}) for e in events)
    assert pghistory.models.Events.objects.filter(
        pgh_model="accounts.SiteMembershipEvent", pgh_label="insert"
    ).exists()
