"""Correcting a screening: the date, criteria and reasons, with a reason; the outcome follows,
an enrolled person stays enrolled and a screened-out person is not enrolled by a correction."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.tokens import issue_token
from apps.core.errors import DomainError
from apps.corrections.models import Correction
from apps.corrections.rules import Reason
from apps.journey.screening_corrections import ScreeningAnswers, correct_screening
from apps.patients.models import ELIGIBILITY_CRITERIA, Participant, ScreeningRecord
from apps.patients.services import screen_person
from tests.factories import eligible_criteria

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
DAY = dt.timedelta(days=1)
SOURCE = Reason("source_differs", "Screening checklist says otherwise.")


@pytest.fixture
def screened_out(site_a, pwp_a):
    """A person screened out for not smoking daily."""
    criteria = eligible_criteria() | {"smokes_daily": False}
    return screen_person(
        site=site_a, screened_by=pwp_a, screened_on=TODAY() - 5 * DAY, criteria=criteria
    ).screening


def _answers(screening, **changes) -> ScreeningAnswers:
    values = {
        "screened_on": screening.screened_on,
        "criteria": {name: getattr(screening, name) for name, _ in ELIGIBILITY_CRITERIA},
        "declined": screening.outcome == "declined",
        "exclusion_reason": screening.exclusion_reason,
        "decline_reason": screening.decline_reason,
        "reason_detail": screening.reason_detail,
    }
    return ScreeningAnswers(**(values | changes))


def test_a_screened_out_persons_reason_is_corrected_and_the_consort_reason_follows(
    screened_out, pwp_a
):
    criteria = eligible_criteria() | {"wants_help_to_quit": False}
    corrected = correct_screening(
        screening=screened_out,
        by=pwp_a,
        answers=_answers(screened_out, criteria=criteria, exclusion_reason=""),
        reason=SOURCE,
    )
    # The first criterion not met gives the reason, as at screening.
    assert (corrected.outcome, corrected.exclusion_reason) == ("not_eligible", "no_wish_to_quit")
    logged = {c.field: (c.old_value, c.new_value) for c in Correction.objects.all()}
    assert logged == {
        "smokes_daily": ("no", "yes"),
        "wants_help_to_quit": ("yes", "no"),
        "exclusion_reason": ("Does not smoke daily", "Does not want help to quit"),
    }
    row = Correction.objects.first()
    assert (row.participant, row.screening, row.record_type) == (None, screened_out, "screening")


def test_a_screened_out_person_can_be_corrected_to_declined_but_not_enrolled(screened_out, pwp_a):
    with pytest.raises(DomainError, match="screen them again"):
        correct_screening(
            screening=screened_out,
            by=pwp_a,
            answers=_answers(screened_out, criteria=eligible_criteria(), exclusion_reason=""),
            reason=SOURCE,
        )
    assert not Participant.objects.exists()
    declined = correct_screening(
        screening=screened_out,
        by=pwp_a,
        answers=_answers(
            screened_out, criteria=eligible_criteria(), exclusion_reason="", declined=True,
            decline_reason="no_time",
        ),
        reason=SOURCE,
    )  # fmt: skip
    assert (declined.outcome, declined.decline_reason, declined.exclusion_reason) == (
        "declined",
        "no_time",
        "",
    )


def test_an_enrolled_persons_criterion_is_not_corrected_away_but_the_date_is(participant_a, pwp_a):
    screening = participant_a.screening
    with pytest.raises(DomainError) as error:
        correct_screening(
            screening=screening,
            by=pwp_a,
            answers=_answers(screening, criteria=eligible_criteria() | {"aged_18_or_over": False}),
            reason=SOURCE,
        )
    assert error.value.field == "aged_18_or_over"
    assert "eligibility deviation" in error.value.message
    earlier = screening.screened_on - 2 * DAY
    correct_screening(
        screening=screening,
        by=pwp_a,
        answers=_answers(screening, screened_on=earlier),
        reason=SOURCE,
    )
    participant_a.refresh_from_db()
    assert (
        participant_a.screened_on
        == earlier
        == ScreeningRecord.objects.get(pk=screening.pk).screened_on
    )
    assert Correction.objects.get().participant == participant_a


def test_a_bad_screening_correction_names_every_field_and_changes_nothing(participant_a, pwp_a):
    from tests.factories import make_participant

    consented = make_participant(site=participant_a.site, pwp=pwp_a, stage="consented")
    screening = consented.screening
    with pytest.raises(DomainError) as error:
        correct_screening(
            screening=screening,
            by=pwp_a,
            answers=_answers(
                screening, screened_on=consented.consented_on + DAY, reason_detail="x" * 501
            ),
            reason=Reason(""),
        )
    assert {e.field for e in error.value.errors} == {"reason", "screened_on", "screening_detail"}
    assert not Correction.objects.exists()


def test_the_screening_log_links_the_correction_page_which_keeps_the_history(
    client, screened_out, pwp_a, advisor_a
):
    client.force_login(pwp_a)
    url = reverse("screening-correct", args=[screened_out.public_id])
    assert url in client.get(reverse("screening-log")).content.decode()
    body = {name: "yes" for name, _ in ELIGIBILITY_CRITERIA} | {
        "screened_on": screened_out.screened_on.isoformat(),
        "smokes_daily": "no",
        "declined": "no",
        "exclusion_reason": "not_daily_smoker",
        "screening_detail": "Smokes at weekends only.",
    }
    refused = client.post(url, body)
    assert set(refused.context["form"].errors) == {"reason"}
    done = client.post(url, body | {"reason": "late_information"})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "Corrections of this screening" in page
    assert "Smokes at weekends only." in page
    log = client.get(reverse("screening-log")).content.decode()
    assert '<span class="badge text-bg-secondary">corrected</span>' in log
    client.force_login(advisor_a)
    assert client.get(url).status_code == 403


def test_another_sites_screening_is_404_on_the_page_and_the_api(client, screened_out, pwp_b):
    client.force_login(pwp_b)
    assert (
        client.get(reverse("screening-correct", args=[screened_out.public_id])).status_code == 404
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=pwp_b).key}")
    url = f"/api/v1/screenings/{screened_out.public_id}/"
    assert api.patch(url, {"reason": "entry_error"}, format="json").status_code == 404


def test_the_api_corrects_a_screening_with_a_reason(screened_out, pwp_a):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=pwp_a).key}")
    url = f"/api/v1/screenings/{screened_out.public_id}/"
    body = eligible_criteria() | {
        "screened_on": str(screened_out.screened_on),
        "declined": True,
        "decline_reason": "not_ready",
    }
    refused = api.patch(url, body, format="json")
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["errors"]} == {"reason"}
    done = api.patch(url, body | {"reason": "entry_error"}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["outcome"] == "declined"
