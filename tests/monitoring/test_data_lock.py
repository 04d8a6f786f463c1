"""Database lock: the database refuses every write under a lock, by any path; lock rules."""

import datetime as dt

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import DomainError
from apps.core.lock_errors import is_locked_refusal
from apps.monitoring.locks import lock_data, unlock_data
from apps.outcomes import services as outcomes
from apps.outcomes.models import PHQ9Response
from apps.patients.models import Participant
from apps.reminders import dispatch
from apps.reminders.models import FollowUp, Reminder, ReminderStatus
from apps.reminders.services import refresh_follow_up_statuses
from apps.sites.models import DataLock
from tests.factories import make_participant

pytestmark = pytest.mark.django_db
WHY = "Final analysis of the 6-month outcomes, SAP v2.0."


def record_phq9(participant, by, items=None):
    return outcomes.record_phq9(
        participant=participant,
        items=items or [1] * 8 + [0],
        completed_on=timezone.localdate(),
        recorded_by=by,
    )


@pytest.fixture
def locked_a(site_a, trial_manager):
    return lock_data(site=site_a, reason=WHY, by=trial_manager)


def test_a_locked_sites_records_refuse_every_write_at_the_database(
    participant_a, pwp_a, site_b, pwp_b, trial_manager
):
    phq9 = record_phq9(participant_a, pwp_a)
    other = make_participant(site=site_b, pwp=pwp_b, stage="randomised")
    lock_data(site=participant_a.site, reason=WHY, by=trial_manager)
    writes = (
        lambda: record_phq9(participant_a, pwp_a),
        lambda: PHQ9Response.objects.filter(pk=phq9.pk).update(item1=3),
        lambda: PHQ9Response.objects.filter(pk=phq9.pk).delete(),
        lambda: Participant.objects.filter(pk=participant_a.pk).update(assigned_pwp=None),
        lambda: FollowUp.objects.filter(participant=participant_a).update(status="missed"),
    )
    for write in writes:
        with pytest.raises(DatabaseError) as refused, transaction.atomic():
            write()
        assert is_locked_refusal(refused.value)
    assert PHQ9Response.objects.get(pk=phq9.pk).item1 == 1
    # The other site carries on as before.
    assert record_phq9(other, pwp_b).participant == other


def test_a_pilot_lock_freezes_every_site_and_an_unlock_lifts_it(
    participant_a, pwp_a, trial_manager, data_manager
):
    lock = lock_data(site=None, reason=WHY, by=trial_manager)
    assert lock.scope_label == "The whole pilot"
    with pytest.raises(DatabaseError), transaction.atomic():
        record_phq9(participant_a, pwp_a)
    unlock_data(lock=lock, reason="Query on two CO readings reopened.", by=data_manager)
    assert record_phq9(participant_a, pwp_a).total == 8
    lock.refresh_from_db()
    assert (lock.unlocked_by, lock.unlock_reason) == (
        data_manager,
        "Query on two CO readings reopened.",
    )


def test_only_a_trial_manager_locks_and_only_a_data_manager_unlocks(
    site_a, pwp_a, data_manager, trial_manager
):
    for user in (pwp_a, data_manager):
        with pytest.raises(DomainError, match="Only a trial manager"):
            lock_data(site=site_a, reason=WHY, by=user)
    lock = lock_data(site=site_a, reason=WHY, by=trial_manager)
    for user in (pwp_a, trial_manager):
        with pytest.raises(DomainError, match="Only a data manager"):
            unlock_data(lock=lock, reason="Reopened for a query.", by=user)
    assert DataLock.objects.get().is_active


def test_a_lock_needs_a_reason_and_one_lock_per_scope(site_a, site_b, trial_manager):
    with pytest.raises(DomainError) as refused:
        lock_data(site=site_a, reason="  ", by=trial_manager)
    assert refused.value.field == "reason"
    with pytest.raises(DomainError, match="at least 10 characters"):
        lock_data(site=site_a, reason="analysis", by=trial_manager)
    lock_data(site=site_a, reason=WHY, by=trial_manager)
    with pytest.raises(DomainError, match="is locked already"):
        lock_data(site=site_a, reason=WHY, by=trial_manager)
    with pytest.raises(DomainError, match="is locked already"):
        lock_data(site=None, reason=WHY, by=trial_manager)  # unlock the site first
    assert lock_data(site=site_b, reason=WHY, by=trial_manager).site == site_b
    assert DataLock.objects.count() == 2


def test_an_unlock_needs_a_reason_and_happens_once(locked_a, data_manager):
    with pytest.raises(DomainError) as refused:
        unlock_data(lock=locked_a, reason="", by=data_manager)
    assert refused.value.field == "reason"
    unlock_data(lock=locked_a, reason="Reopened for a query.", by=data_manager)
    with pytest.raises(DomainError, match="lifted already"):
        unlock_data(lock=locked_a, reason="Again, for nothing.", by=data_manager)


def test_the_lock_log_is_never_deleted_nor_rewritten_once_lifted(locked_a, data_manager):
    with pytest.raises(DatabaseError), transaction.atomic():
        DataLock.objects.filter(pk=locked_a.pk).delete()
    unlock_data(lock=locked_a, reason="Reopened for a query.", by=data_manager)
    with pytest.raises(DatabaseError), transaction.atomic():
        DataLock.objects.filter(pk=locked_a.pk).update(reason="Something else entirely.")
    assert locked_a.events.count() == 2  # pghistory: the lock, then the unlock


def test_an_open_safety_alert_must_be_acknowledged_before_the_lock(
    participant_a, pwp_a, trial_manager
):
    record_phq9(participant_a, pwp_a, items=[1] * 8 + [2])
    with pytest.raises(DomainError, match="1 safety alert\\(s\\) are still open"):
        lock_data(site=participant_a.site, reason=WHY, by=trial_manager)
    assert not DataLock.objects.exists()


def test_a_locked_site_sends_no_reminder_and_keeps_its_follow_ups_as_they_are(
    participant_a, site_b, pwp_b, trial_manager
):
    other = make_participant(site=site_b, pwp=pwp_b, stage="randomised")
    lock_data(site=participant_a.site, reason=WHY, by=trial_manager)
    far = timezone.now() + dt.timedelta(days=400)
    claim = dispatch.claim_due_reminders(now=far, limit=1000)
    claimed = Reminder.objects.filter(id__in=claim.reminder_ids)
    assert claimed.exists()
    assert set(claimed.values_list("participant_id", flat=True)) == {other.pk}
    assert not participant_a.reminders.exclude(status=ReminderStatus.PENDING).exists()
    before = list(participant_a.follow_ups.values_list("status", flat=True))
    refresh_follow_up_statuses(today=timezone.localdate() + dt.timedelta(days=400))
    assert list(participant_a.follow_ups.values_list("status", flat=True)) == before
    assert set(other.follow_ups.values_list("status", flat=True)) == {"missed"}


def test_the_nightly_conduct_check_leaves_a_locked_site_alone(participant_a, locked_a):
    from apps.conduct.tasks import check_all_participants

    assert check_all_participants() == 0  # and no refused write broke the run


def test_a_page_write_answers_423_and_saves_nothing(client, site_a, pwp_a, trial_manager):
    screened = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    lock_data(site=site_a, reason=WHY, by=trial_manager)
    client.force_login(pwp_a)
    response = client.post(
        reverse("participant-consent", args=[screened.public_id]),
        {"consented_on": timezone.localdate().isoformat(), "consent_form_version": "v1.0"},
    )
    assert response.status_code == 423
    assert "Nothing was saved: the records are locked" in response.content.decode()
    screened.refresh_from_db()
    assert screened.consented_on is None


def test_the_lock_page_locks_with_a_reason_and_unlocks_with_another(
    client, site_a, trial_manager, data_manager, pwp_a
):
    page = reverse("data-lock")
    client.force_login(trial_manager)
    assert "Nothing is locked" in client.get(page).content.decode()
    refused = client.post(page, {"scope": str(site_a.pk), "reason": ""})
    assert refused.status_code == 400
    assert "Say why" in refused.content.decode()
    assert not DataLock.objects.exists()
    done = client.post(page, {"scope": str(site_a.pk), "reason": WHY}, follow=True)
    assert f"Site {site_a} is locked for analysis." in done.content.decode()
    lock = DataLock.objects.get()
    assert (lock.site, lock.locked_by, lock.reason) == (site_a, trial_manager, WHY)
    unlock = reverse("data-unlock", args=[lock.pk])
    assert client.post(unlock, {"reason": "Reopened for a query."}).status_code == 403
    client.force_login(data_manager)
    refused = client.post(unlock, {"reason": "no"})
    assert "at least 10 characters" in refused.content.decode()
    done = client.post(unlock, {"reason": "Reopened for a query."}, follow=True)
    assert "is unlocked" in done.content.decode()
    lock.refresh_from_db()
    assert lock.unlocked_by == data_manager
    client.force_login(pwp_a)
    assert client.get(page).status_code == 403
    assert client.post(page, {"scope": "pilot", "reason": WHY}).status_code == 403


def test_a_patient_link_on_a_locked_site_says_the_questionnaire_is_closed(
    client, site_a, pwp_a, trial_manager, settings
):
    from apps.reminders import questionnaire_links as links
    from tests.reminders.helpers import participant_with_open_month3

    settings.PATIENT_LINK_RATE_LIMIT = "10000/m"
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    _, token = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    lock_data(site=site_a, reason=WHY, by=trial_manager)
    response = client.post(f"/q/{token}/phq9/", {f"item{i}": "1" for i in range(1, 10)})
    assert response.status_code == 423
    body = response.content.decode()
    assert "This questionnaire is closed" in body
    assert "116 123" in body
    assert not PHQ9Response.objects.filter(participant=participant).exists()


def test_an_export_built_under_a_lock_is_stamped_with_it(
    participant_a, locked_a, trial_manager, data_manager, settings, tmp_path
):
    from apps.dashboards import export_jobs

    settings.EXPORT_ROOT = tmp_path
    job = export_jobs.request_export(by=trial_manager, dataset="wide", file_format="csv")
    job = export_jobs.build_export(job.id)
    assert job.data_lock.startswith(f"Site {participant_a.site} locked for analysis since ")
    assert WHY in job.data_lock
    assert export_jobs.download_filename(job).endswith("-locked.csv")
    unlock_data(lock=locked_a, reason="Reopened for a query.", by=data_manager)
    later = export_jobs.build_export(
        export_jobs.request_export(by=trial_manager, dataset="wide", file_format="csv").id
    )
    assert later.data_lock == ""
    assert not export_jobs.download_filename(later).endswith("-locked.csv")
