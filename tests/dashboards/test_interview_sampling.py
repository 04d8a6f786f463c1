"""Consent to be contacted for an interview, and the researcher's sampling frame and list."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.clinical import scoring
from apps.core.errors import DomainError
from apps.dashboards.interview_sampling import (
    NOT_KNOWN,
    NOT_SMOKING,
    NOT_YET,
    SMOKING,
    Candidate,
    interview_candidates,
    sampling_frame,
    sampling_outcome,
)
from apps.patients import services as patient_services
from apps.patients.models import Participant
from tests.factories import make_participant

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


class _Outcomes:
    """Just what sampling_outcome reads."""

    def __init__(self, code, counts=True):
        self.point_prevalence = {"month3": code}
        self._counts = counts

    def counted(self, timepoint, value):
        return value if self._counts else None


@pytest.mark.parametrize(
    ("code", "counts", "outcome"),
    [
        (scoring.ABSTINENT_CO_VERIFIED, True, NOT_SMOKING),
        (scoring.ABSTINENT_SELF_REPORT, True, NOT_SMOKING),
        (scoring.SMOKING, True, SMOKING),
        (scoring.NOT_KNOWN, True, NOT_KNOWN),
        (scoring.SMOKING, False, NOT_YET),
    ],
)
def test_the_outcome_sampled_on_is_the_3_month_point_prevalence(code, counts, outcome):
    assert sampling_outcome(_Outcomes(code, counts)) == outcome


def test_the_frame_counts_each_site_outcome_and_arm():
    def c(site, arm, outcome):
        return Candidate("X", "x", site, arm, 0, outcome, TODAY())

    frame = sampling_frame(
        [c("BRS", "intervention", SMOKING), c("BRS", "control", SMOKING),
         c("BRS", "control", SMOKING), c("LDS", "intervention", NOT_YET)],
        ["intervention", "control"],
    )  # fmt: skip
    rows = {(r[0], r[1]): r[2:] for r in frame}
    assert rows[("BRS", "Smoking at 3 months")] == [1, 2, 3]
    assert rows[("LDS", "Not at 3 months yet")] == [1, 0, 1]
    assert rows[("LDS", "Smoking at 3 months")] == [0, 0, 0]
    assert len(frame) == 2 * 4


def test_consent_records_the_interview_answer_and_the_page_changes_it(client, site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    client.force_login(pwp_a)
    response = client.post(
        reverse("participant-consent", args=[participant.public_id]),
        {"consented_on": str(TODAY()), "consent_form_version": "v1.0", "interview_contact": "yes"},
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.interview_contact, participant.interview_contact_on) == (True, TODAY())
    page = client.get(reverse("participant-detail", args=[participant.public_id])).content.decode()
    assert "Agrees to be contacted" in page
    client.post(
        reverse("participant-interview-contact", args=[participant.public_id]),
        {"interview_contact": "no"},
    )
    participant.refresh_from_db()
    assert participant.interview_contact is False


def test_not_asked_at_consent_stays_not_asked(site_a, pwp_a):
    participant = make_participant(site=site_a, pwp=pwp_a, stage="consented")
    assert participant.interview_contact is None and participant.interview_contact_on is None


def test_a_yes_needs_consent_and_a_participant_still_in_the_study(site_a, pwp_a):
    screened = make_participant(site=site_a, pwp=pwp_a, stage="screened")
    with pytest.raises(DomainError) as error:
        patient_services.record_interview_contact(participant=screened, agrees=True, by=pwp_a)
    assert error.value.field == "interview_contact" and "consent" in error.value.message
    left = make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    Participant.objects.filter(pk=left.pk).update(
        status="withdrawn", exit_on=TODAY(), exit_reason="participant_choice"
    )
    with pytest.raises(DomainError):
        patient_services.record_interview_contact(participant=left, agrees=True, by=pwp_a)
    # A no is always recorded: consent to contact can be withdrawn whatever the status.
    patient_services.record_interview_contact(participant=left, agrees=False, by=pwp_a)
    assert Participant.objects.get(pk=left.pk).interview_contact is False


def test_the_sampling_list_holds_those_who_agreed_and_are_still_in(site_a, site_b, pwp_a, pwp_b):
    agreed = make_participant(site=site_a, pwp=pwp_a, stage="randomised", arm="control")
    patient_services.record_interview_contact(participant=agreed, agrees=True, by=pwp_a)
    declined = make_participant(site=site_a, pwp=pwp_a, stage="randomised")
    patient_services.record_interview_contact(participant=declined, agrees=False, by=pwp_a)
    make_participant(site=site_b, pwp=pwp_b, stage="randomised")  # never asked
    candidates = interview_candidates()
    assert [(c.trial_id, c.arm, c.outcome) for c in candidates] == [
        (agreed.trial_id, "control", NOT_YET)
    ]


def test_the_sampling_page_filters_and_downloads_for_managers_only(
    client, site_a, pwp_a, trial_manager
):
    first = make_participant(site=site_a, pwp=pwp_a, stage="randomised", arm="control")
    second = make_participant(site=site_a, pwp=pwp_a, stage="randomised", arm="intervention")
    for p in (first, second):
        patient_services.record_interview_contact(participant=p, agrees=True, by=pwp_a)
    url = reverse("interview-sampling")
    client.force_login(pwp_a)
    assert client.get(url).status_code == 403
    client.force_login(trial_manager)
    page = client.get(url, {"arm": "control"}).content.decode()
    assert first.trial_id in page and second.trial_id not in page
    assert "2 in all" in page
    bad = client.get(url, {"outcome": "cured"}).content.decode()
    assert "Outcome: Select a valid choice" in bad
    download = client.get(url, {"arm": "intervention", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert [(r["trial_id"], r["outcome_3_months"]) for r in rows] == [(second.trial_id, NOT_YET)]
