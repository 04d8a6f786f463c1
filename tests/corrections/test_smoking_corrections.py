"""Correcting a smoking status report: the new report's rules, the outcomes follow, the page and
the API, and a data query raised again on the corrected answers."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.conduct.models import DataQuery
from apps.conduct.query_checks import raise_automatic_queries
from apps.core.errors import DomainError
from apps.corrections.models import Correction
from apps.corrections.rules import Reason
from apps.outcomes import services as outcomes
from apps.outcomes.corrections import SmokingAnswers, correct_smoking_report
from apps.outcomes.models import SmokingStatusReport
from apps.sites.selectors import get_pilot
from apps.workspace.selectors import participant_outcomes_on
from tests.outcomes.test_stop_date import _open_at

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
PAPER = Reason("source_differs", "The paper CRF says she smoked 3 a day.")


@pytest.fixture
def month3(site_a, pwp_a):
    """A 3-month report of not smoking, recorded by phone today."""
    participant, follow_up = _open_at(site_a, pwp_a, "month3")
    report = outcomes.record_smoking_status(
        participant=participant,
        completed_on=TODAY(),
        timepoint="month3",
        follow_up=follow_up,
        smoked_last_7_days=False,
        stopped_on=participant.screened_on + dt.timedelta(days=20),
        quit_attempt_since_last_contact=True,
        uses_e_cigarette=False,
        uses_stop_smoking_medication=True,
        recorded_by=pwp_a,
    )
    return participant, report


def _as_recorded(report, **changes) -> SmokingAnswers:
    fields = SmokingAnswers.__dataclass_fields__
    return SmokingAnswers(**({name: getattr(report, name) for name in fields} | changes))


def _prevalence(participant) -> str:
    participant.refresh_from_db()
    found = participant_outcomes_on(participant, today=TODAY(), pilot=get_pilot())
    return found.point_prevalence["month3"]


def test_a_report_corrected_to_smoking_turns_the_outcome_to_smoking(month3, pwp_a):
    participant, report = month3
    assert _prevalence(participant).startswith("abstinent")
    corrected = correct_smoking_report(
        report=report,
        by=pwp_a,
        answers=_as_recorded(report, smoked_last_7_days=True, cigarettes_last_7_days=21),
        reason=PAPER,
    )
    # Someone smoking is not asked when they stopped: the stop date goes with the correction.
    assert (corrected.smoked_last_7_days, corrected.cigarettes_last_7_days) == (True, 21)
    assert corrected.stopped_on is None
    assert _prevalence(participant) == "smoking"
    logged = {c.field: (c.old_value, c.new_value) for c in Correction.objects.all()}
    assert logged == {
        "smoked_last_7_days": ("no", "yes"),
        "cigarettes_last_7_days": ("0", "21"),
        "stopped_on": (str(report.stopped_on), "(none)"),
    }
    assert (
        Correction.objects.filter(record_type="smoking_status", reason="source_differs").count()
        == 3
    )


def test_a_correction_breaking_the_reports_rules_names_each_and_changes_nothing(month3, pwp_a):
    participant, report = month3
    with pytest.raises(DomainError) as error:
        correct_smoking_report(
            report=report,
            by=pwp_a,
            answers=_as_recorded(report, stopped_on=report.completed_on + dt.timedelta(days=1)),
            reason=Reason(""),
        )
    fields = {e.field for e in error.value.errors}
    assert fields == {"reason", "stopped_on"}
    report.refresh_from_db()
    assert report.stopped_on == participant.screened_on + dt.timedelta(days=20)
    assert not Correction.objects.exists()


def test_a_correction_that_changes_nothing_is_refused(month3, pwp_a):
    _, report = month3
    with pytest.raises(DomainError, match="Nothing"):
        correct_smoking_report(report=report, by=pwp_a, answers=_as_recorded(report), reason=PAPER)


def test_a_corrected_report_is_checked_again_for_a_co_contradiction(month3, pwp_a):
    participant, report = month3
    outcomes.record_co_reading(
        participant=participant,
        ppm=25,
        taken_at=timezone.now(),
        timepoint="month3",
        taken_by=pwp_a,
    )
    raise_automatic_queries([participant.pk])
    contradictions = DataQuery.objects.filter(participant=participant, rule="co_contradicts_report")
    assert contradictions.count() == 1
    # Corrected to smoking: the CO agrees now, and nothing new is raised on the corrected answers.
    correct_smoking_report(
        report=report,
        by=pwp_a,
        answers=_as_recorded(report, smoked_last_7_days=True, cigarettes_last_7_days=70),
        reason=Reason("data_query", "Answer to the CO query."),
    )
    raise_automatic_queries([participant.pk])
    assert contradictions.count() == 1


def test_the_page_corrects_a_report_and_the_participant_page_marks_it(client, month3, pwp_a):
    participant, report = month3
    client.force_login(pwp_a)
    detail = client.get(reverse("participant-detail", args=[participant.public_id]))
    url = reverse("measure-correct", args=[participant.public_id, "smoking", report.public_id])
    assert url in detail.content.decode()
    form = client.get(url).content.decode()
    assert "Smoked in the last 7 days" in form
    body = {
        "smoked_last_7_days": "yes",
        "cigarettes_last_7_days": "",
        "smoke_free_since_day_14": "",
        "quit_attempt_since_last_contact": "yes",
        "uses_e_cigarette": "no",
        "uses_stop_smoking_medication": "yes",
    }
    refused = client.post(url, body)
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert "reason" in errors
    assert "cigarettes_last_7_days" in errors
    assert not Correction.objects.exists()
    done = client.post(url, body | {"cigarettes_last_7_days": "14", "reason": "entry_error"})
    assert done.status_code == 302
    page = client.get(reverse("participant-detail", args=[participant.public_id])).content.decode()
    assert f"Smoking status report corrected for {participant.trial_id}." in page
    assert '<span class="badge text-bg-secondary">corrected</span>' in page
    assert "Yes, 14 cigarettes" in page
    assert SmokingStatusReport.objects.get(pk=report.pk).cigarettes_last_7_days == 14


def test_the_api_corrects_a_report_with_a_reason_and_scopes_it(month3, pwp_a, pwp_b):
    from rest_framework.test import APIClient

    from apps.accounts.tokens import issue_token

    def client_for(user):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=user).key}")
        return api

    participant, report = month3
    url = f"/api/v1/participants/{participant.trial_id}/smoking-status/{report.public_id}/"
    body = {
        "smoked_last_7_days": True,
        "cigarettes_last_7_days": 7,
        "quit_attempt_since_last_contact": True,
        "uses_e_cigarette": True,
        "uses_stop_smoking_medication": True,
    }
    assert (
        client_for(pwp_b).patch(url, body | {"reason": "entry_error"}, format="json").status_code
        == 404
    )
    refused = client_for(pwp_a).patch(url, body, format="json")
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["errors"]} == {"reason"}
    done = client_for(pwp_a).patch(url, body | {"reason": "entry_error"}, format="json")
    assert done.status_code == 200, done.json()
    assert (done.json()["smoked_last_7_days"], done.json()["uses_e_cigarette"]) == (True, True)
    assert client_for(pwp_a).get(url).json()["cigarettes_last_7_days"] == 7
