"""Corrections with a reason: the rules, the services (derived values follow), the pages."""

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from apps.cessation.models import CessationSession
from apps.cessation.services import update_session
from apps.core.errors import DomainError
from apps.corrections import rules
from apps.corrections.models import Correction
from apps.corrections.rules import Reason
from apps.outcomes import services as outcomes
from apps.outcomes.corrections import correct_co_reading, correct_gad7, correct_phq9
from apps.outcomes.models import SafetyAlert

pytestmark = pytest.mark.django_db
REASONS = frozenset({"entry_error", "other"})
TYPO = Reason("entry_error", "Paper form says 2.")


def test_a_reason_is_required_and_other_must_be_explained():
    assert rules.reason_errors("", "", reasons=REASONS) == {
        "reason": "Choose why the value is being corrected."
    }
    assert set(rules.reason_errors("other", "  ", reasons=REASONS)) == {"reason_detail"}
    assert set(rules.reason_errors("other", "x" * 1001, reasons=REASONS)) == {"reason_detail"}
    assert rules.reason_errors("other", "Monitor misread.", reasons=REASONS) == {}
    assert rules.reason_errors("entry_error", "", reasons=REASONS) == {}


def test_only_the_fields_that_differ_are_changes():
    changes = rules.field_changes(
        {"a": "A", "b": "B", "c": "C"}, {"a": 1, "b": [1, 2], "c": None}, {"a": 1, "b": [2], "c": 3}
    )
    assert changes == [
        rules.FieldChange("b", "B", "1, 2", "2"),
        rules.FieldChange("c", "C", "(none)", "3"),
    ]


@pytest.fixture
def phq9(participant_a, pwp_a):
    return outcomes.record_phq9(
        participant=participant_a,
        items=[1] * 8 + [0],
        completed_on=participant_a.randomised_on,
        timepoint="baseline",
        recorded_by=pwp_a,
    )


def test_a_corrected_item_9_rescores_and_raises_the_alert(phq9, pwp_a):
    assert not SafetyAlert.objects.exists()
    corrected = correct_phq9(
        response=phq9, by=pwp_a, items=[1] * 8 + [2], difficulty=1, reason=TYPO
    )
    assert (corrected.total, corrected.risk) == (10, True)
    assert corrected.severity == "moderate"
    assert SafetyAlert.objects.get().phq9 == corrected
    logged = {c.field: c for c in Correction.objects.all()}
    assert set(logged) == {"item9", "difficulty"}
    assert (logged["item9"].old_value, logged["item9"].new_value) == ("0", "2")
    assert (logged["item9"].reason, logged["item9"].reason_detail) == ("entry_error", TYPO.detail)
    assert logged["item9"].corrected_by == pwp_a
    assert logged["item9"].record_id == phq9.public_id
    assert "PHQ-9 of" in logged["item9"].record_label
    # The record's own history keeps the value before the correction too.
    assert phq9.events.order_by("pgh_id").first().item9 == 0


def test_a_correction_without_a_reason_and_with_a_bad_answer_changes_nothing(phq9, pwp_a):
    with pytest.raises(DomainError) as refused:
        correct_phq9(
            response=phq9, by=pwp_a, items=[1] * 8 + [None], difficulty=None, reason=Reason("")
        )
    assert {e.field for e in refused.value.errors} == {"reason", "phq9_items"}
    phq9.refresh_from_db()
    assert (phq9.item9, phq9.total) == (0, 8)
    assert not Correction.objects.exists()


def test_a_correction_that_changes_nothing_is_refused(phq9, pwp_a):
    with pytest.raises(DomainError, match="Nothing was changed"):
        correct_phq9(response=phq9, by=pwp_a, items=[1] * 8 + [0], difficulty=None, reason=TYPO)
    assert not Correction.objects.exists()


def test_gad7_and_co_corrections_rescore_and_log(participant_a, pwp_a):
    from django.utils import timezone

    gad7 = outcomes.record_gad7(
        participant=participant_a, items=[0] * 7, completed_on=participant_a.randomised_on
    )
    corrected = correct_gad7(response=gad7, by=pwp_a, items=[3] * 7, reason=TYPO)
    assert (corrected.total, corrected.severity) == (21, "severe")
    reading = outcomes.record_co_reading(participant=participant_a, ppm=45, taken_at=timezone.now())
    other = Reason("other", "Monitor not zeroed; re-read at 4.")
    assert correct_co_reading(reading=reading, by=pwp_a, ppm=4, reason=other).ppm == 4
    co = Correction.objects.get(record_type="co_reading")
    assert (co.old_value, co.new_value, co.reason) == ("45", "4", "other")
    assert Correction.objects.filter(record_type="gad7").count() == 7


def test_the_log_is_append_only(phq9, pwp_a):
    correct_phq9(response=phq9, by=pwp_a, items=[1] * 8 + [2], difficulty=None, reason=TYPO)
    row = Correction.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        Correction.objects.filter(pk=row.pk).update(new_value="9")
    with pytest.raises(DatabaseError), transaction.atomic():
        Correction.objects.filter(pk=row.pk).delete()


def test_a_session_correction_needs_a_reason_and_is_logged(participant_a, pwp_a):
    session = CessationSession.objects.create(
        participant=participant_a, practitioner=pwp_a, number=1,
        session_date=participant_a.randomised_on, session_type="pre_quit", attendance="dna",
    )  # fmt: skip
    with pytest.raises(DomainError) as refused:
        update_session(session=session, editor=pwp_a, changes={"notes": "x"}, reason=Reason(""))
    assert refused.value.field == "reason"
    update_session(
        session=session,
        editor=pwp_a,
        changes={"notes": "Phoned"},
        reason=Reason("late_information"),
    )
    logged = Correction.objects.get()
    assert (logged.record_type, logged.field_label, logged.new_value) == (
        "session",
        "Notes",
        "Phoned",
    )
    assert logged.record_label.startswith("Session 1 of")


def _url(participant, kind, record) -> str:
    return reverse("measure-correct", args=[participant.public_id, kind, record.public_id])


def _answers(items, **extra) -> dict:
    return {f"phq9_{i}": str(v) for i, v in enumerate(items, start=1)} | extra


def test_the_page_corrects_a_phq9_and_the_participant_page_shows_why(
    client, participant_a, pwp_a, phq9
):
    client.force_login(pwp_a)
    url = _url(participant_a, "phq9", phq9)
    form = client.get(url)
    assert form.context["form"]["phq9_9"].value() == 0
    refused = client.post(url, _answers([1] * 8 + [2]))
    assert "reason" in refused.context["form"].errors
    assert not Correction.objects.exists()
    saved = client.post(url, _answers([1] * 8 + [2], reason="entry_error"))
    assert saved.status_code == 302, saved.context["form"].errors
    detail = reverse("participant-detail", args=[participant_a.public_id])
    assert saved.status_code == 302 and saved.url == f"{detail}#alerts"
    page = client.get(detail).content.decode()
    assert 'id="corrections"' in page and "Entered wrongly" in page
    assert ">corrected<" in page
    assert SafetyAlert.objects.filter(phq9=phq9).exists()


def test_another_sites_pwp_gets_404_and_a_reader_403(client, participant_a, phq9, pwp_b, advisor_a):
    url = _url(participant_a, "phq9", phq9)
    client.force_login(pwp_b)
    assert client.get(url).status_code == 404
    client.force_login(advisor_a)
    assert client.get(url).status_code == 403
    assert client.get(_url(participant_a, "nonsense", phq9)).status_code == 404


def test_the_api_corrects_with_a_reason_and_names_every_error(participant_a, pwp_a, phq9):
    from rest_framework.test import APIClient

    from apps.accounts.tokens import issue_token

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=pwp_a).key}")
    url = f"/api/v1/participants/{participant_a.trial_id}/phq9/{phq9.public_id}/"
    refused = api.patch(url, {"items": [1] * 8 + [None]}, format="json")
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["errors"]} == {"reason", "items"}
    done = api.patch(url, {"items": [1] * 8 + [3], "reason": "source_differs"}, format="json")
    assert done.status_code == 200, done.json()
    assert (done.json()["total"], done.json()["risk"]) == (11, True)
    assert Correction.objects.get().reason == "source_differs"


def test_a_corrected_quit_date_moves_the_four_week_window(participant_a, pwp_a):
    import datetime as dt

    from apps.cessation.services import SessionInput, record_session
    from apps.clinical.schedule import four_week_window
    from apps.reminders.models import FollowUp

    first = participant_a.randomised_on
    session = record_session(
        participant=participant_a,
        practitioner=pwp_a,
        data=SessionInput(
            session_date=first, attendance="attended", number=2, session_type="quit_day",
            mode="face_to_face", duration_minutes=15, quit_date_set=first,
        ),
    )  # fmt: skip
    corrected = first + dt.timedelta(days=2)
    update_session(session=session, editor=pwp_a, changes={"quit_date_set": corrected}, reason=TYPO)
    participant_a.refresh_from_db()
    assert participant_a.quit_date == corrected
    week4 = FollowUp.objects.get(participant=participant_a, timepoint="week4")
    assert week4.opens_on == four_week_window(corrected).opens_on
    assert Correction.objects.get().field_label == "Quit date"
    with pytest.raises(DomainError) as refused:
        update_session(session=session, editor=pwp_a, changes={"quit_date_set": None}, reason=TYPO)
    assert refused.value.field == "quit_date_set"
    participant_a.refresh_from_db()
    assert participant_a.quit_date == corrected


def test_consent_is_corrected_with_a_reason_and_reopening_consent_goes_there(
    client, participant_a, pwp_a, pwp_b
):
    import datetime as dt

    from apps.sites.selectors import get_pilot

    pilot = get_pilot()
    pilot.consent_form_versions = ["v1.0", "v2.0"]
    pilot.save()
    client.force_login(pwp_a)
    consent = reverse("participant-consent", args=[participant_a.public_id])
    correct = reverse("participant-consent-correct", args=[participant_a.public_id])
    assert client.get(consent).url == correct  # no longer a dead end
    after_randomisation = (participant_a.randomised_on + dt.timedelta(days=1)).isoformat()
    refused = client.post(
        correct, {"consented_on": after_randomisation, "consent_form_version": "v3.0"}
    )
    assert set(refused.context["form"].errors) >= {"consent_form_version", "reason"}
    refused = client.post(
        correct,
        {"consented_on": after_randomisation, "consent_form_version": "v2.0", "reason": "other"},
    )
    assert set(refused.context["form"].errors) == {"consented_on", "reason_detail"}
    assert "before randomisation" in refused.context["form"].errors["consented_on"][0]
    saved = client.post(
        correct,
        {
            "consented_on": participant_a.consented_on.isoformat(),
            "consent_form_version": "v2.0",
            "reason": "source_differs",
        },
    )
    assert saved.status_code == 302
    participant_a.refresh_from_db()
    assert participant_a.consent_form_version == "v2.0"
    logged = Correction.objects.get()
    assert (logged.record_label, logged.field_label, logged.old_value, logged.new_value) == (
        "Consent",
        "Form version",
        "v1.0",
        "v2.0",
    )
    client.force_login(pwp_b)
    assert client.get(correct).status_code == 404


def test_a_baseline_correction_rescores_the_hsi_and_logs_each_field(participant_a, pwp_a):
    from apps.journey.corrections import correct_baseline

    baseline = participant_a.baseline
    assert (baseline.cigarettes_per_day, baseline.hsi_score) == (20, 3)
    values = {
        "recorded_on": baseline.recorded_on,
        "cigarettes_per_day": 35,
        "minutes_to_first_cigarette": 3,
        "sex": baseline.sex,
        "year_of_birth": baseline.year_of_birth,
    }
    corrected = correct_baseline(participant=participant_a, by=pwp_a, reason=TYPO, **values)
    assert (corrected.hsi_score, corrected.hsi_band) == (6, "high")
    logged = {c.field: c for c in Correction.objects.filter(record_type="baseline")}
    assert set(logged) == {"cigarettes_per_day", "minutes_to_first_cigarette", "hsi_score"}
    assert (logged["hsi_score"].old_value, logged["hsi_score"].new_value) == ("3", "6")
    assert logged["cigarettes_per_day"].record_label == "Baseline"


def test_a_bad_baseline_correction_names_every_field_and_changes_nothing(participant_a, pwp_a):
    import datetime as dt

    from apps.journey.corrections import correct_baseline

    baseline = participant_a.baseline
    with pytest.raises(DomainError) as refused:
        correct_baseline(
            participant=participant_a,
            by=pwp_a,
            reason=Reason("", ""),
            recorded_on=participant_a.consented_on - dt.timedelta(days=1),
            cigarettes_per_day=0,
            minutes_to_first_cigarette=10,
            sex="unknown",
            year_of_birth=baseline.recorded_on.year - 10,
        )
    fields = {e.field for e in refused.value.errors}
    assert fields == {"reason", "recorded_on", "cigarettes_per_day", "sex", "year_of_birth"}
    assert not Correction.objects.exists()
    baseline.refresh_from_db()
    assert baseline.cigarettes_per_day == 20


def test_the_baseline_page_leads_to_its_correction_after_randomisation(
    client, participant_a, pwp_a
):
    client.force_login(pwp_a)
    correct = reverse("participant-baseline-correct", args=[participant_a.public_id])
    assert (
        client.get(reverse("participant-baseline", args=[participant_a.public_id])).url == correct
    )
    baseline = participant_a.baseline
    form = {
        "recorded_on": baseline.recorded_on.isoformat(),
        "cigarettes_per_day": "30",
        "minutes_to_first_cigarette": str(baseline.minutes_to_first_cigarette),
        "sex": baseline.sex,
        "year_of_birth": str(baseline.year_of_birth),
    }
    refused = client.post(correct, form)
    assert set(refused.context["form"].errors) == {"reason"}
    saved = client.post(correct, {**form, "reason": "source_differs"}, follow=True)
    page = saved.content.decode()
    assert "Baseline corrected" in page
    assert "30 a day" in page
    baseline.refresh_from_db()
    assert baseline.cigarettes_per_day == 30


def test_the_api_corrects_the_baseline_with_a_reason(participant_a, pwp_a):
    from rest_framework.test import APIClient

    from apps.accounts.tokens import issue_token

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=pwp_a).key}")
    url = f"/api/v1/participants/{participant_a.trial_id}/baseline/"
    baseline = participant_a.baseline
    body = {
        "recorded_on": baseline.recorded_on.isoformat(),
        "cigarettes_per_day": 12,
        "minutes_to_first_cigarette": 45,
        "sex": baseline.sex,
        "year_of_birth": baseline.year_of_birth,
    }
    refused = api.patch(url, body, format="json")
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["errors"]} == {"reason"}
    done = api.patch(url, {**body, "reason": "entry_error"}, format="json")
    assert done.status_code == 200
    baseline.refresh_from_db()
    assert (baseline.cigarettes_per_day, baseline.hsi_score) == (12, 2)
