"""(2nd ed.) The stop date ("If you have stopped smoking, on what date did you stop?") on every
path: the API, the staff follow-up form and the patient questionnaire, required alike; and the
reference quit date it gives RS6 in the control arm."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.clinical import schedule
from apps.outcomes.models import SmokingStatusReport
from apps.reminders import questionnaire_links as links
from tests.factories import make_participant
from tests.outcomes.test_questionnaire_pages import GAD7_OK, PHQ9_OK, SMOKING_OK, _answer_all, _url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _open_at(site, pwp, timepoint: str):
    """A randomised participant whose `timepoint` window is open today, and that follow-up."""
    months = int(timepoint.removeprefix("month"))
    day = TODAY()
    while not schedule.month_window(day, months).opens_on <= TODAY() - dt.timedelta(days=3):
        day -= dt.timedelta(days=1)
    participant = make_participant(site=site, pwp=pwp, stage="randomised", screened_on=day)
    return participant, participant.follow_ups.get(timepoint=timepoint)


def test_the_staff_form_shows_every_gap_in_the_first_round(client, site_a, pwp_a):
    participant, follow_up = _open_at(site_a, pwp_a, "month6")
    client.force_login(pwp_a)
    url = reverse("follow-up-record", args=[participant.public_id, follow_up.public_id])
    page = client.get(url).content.decode()
    assert "If the participant has stopped smoking, on what date did they stop?" in page
    response = client.post(
        url,
        {
            "completed_on": str(TODAY()),
            "source": "phone",
            "smoked_last_7_days": "no",
            "quit_attempt_since_last_contact": "yes",
            "uses_e_cigarette": "no",
            # uses_stop_smoking_medication left out: a field error in the same round
        },
    )
    errors = response.context["form"].errors
    assert set(errors) == {"uses_stop_smoking_medication", "stopped_on"}
    assert not SmokingStatusReport.objects.filter(participant=participant).exists()


def test_the_staff_form_stores_the_stop_date_and_the_count_since(client, site_a, pwp_a):
    participant, follow_up = _open_at(site_a, pwp_a, "month6")
    client.force_login(pwp_a)
    url = reverse("follow-up-record", args=[participant.public_id, follow_up.public_id])
    stopped = participant.screened_on + dt.timedelta(days=19)
    response = client.post(
        url,
        {
            "completed_on": str(TODAY()),
            "source": "phone",
            "smoked_last_7_days": "no",
            "stopped_on": str(stopped),
            "cigarettes_since_stop": "2",
            "quit_attempt_since_last_contact": "yes",
            "uses_e_cigarette": "no",
            "uses_stop_smoking_medication": "no",
        },
    )
    assert response.status_code == 302
    report = SmokingStatusReport.objects.get(participant=participant)
    assert (report.stopped_on, report.cigarettes_since_day_14) == (stopped, 2)
    assert report.smoke_free_since_day_14 is False
    page = client.get(reverse("participant-detail", args=[participant.public_id])).content.decode()
    assert f'<dd class="col-sm-6 mb-1">{stopped.day} {stopped:%b %Y}</dd>' in page
    assert "Abstinent, self-report only" in page  # 6 months, no CO reading


def test_the_patient_questionnaire_asks_the_stop_date_of_someone_not_smoking(client, site_a, pwp_a):
    participant, follow_up = _open_at(site_a, pwp_a, "month6")
    _, token = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    page = client.get(_url(token, "smoking")).content.decode()
    assert "On what date did you stop smoking?" in page
    not_smoking = {**SMOKING_OK, "smoked_last_7_days": "no", "cigarettes_last_7_days": ""}
    missing = client.post(_url(token, "smoking"), not_smoking).content.decode()
    assert "Enter the date you stopped smoking" in missing
    stopped = participant.screened_on + dt.timedelta(days=19)
    no_count = client.post(_url(token, "smoking"), {**not_smoking, "stopped_on": str(stopped)})
    assert (
        "Enter about how many cigarettes you have smoked since, or 0" in no_count.content.decode()
    )
    _answer_all(
        client,
        token,
        phq9=PHQ9_OK,
        gad7=GAD7_OK,
        smoking={**not_smoking, "stopped_on": str(stopped), "cigarettes_since_stop": "0"},
    )
    check = client.get(_url(token, "check")).content.decode()
    assert f"{stopped.day} {stopped:%B %Y}" in check
    client.post(_url(token, "check"))
    report = SmokingStatusReport.objects.get(participant=participant)
    assert (report.stopped_on, report.cigarettes_since_day_14) == (stopped, 0)
    assert report.smoke_free_since_day_14 is True


def test_a_smoker_is_not_asked_the_stop_date(client, site_a, pwp_a):
    participant, follow_up = _open_at(site_a, pwp_a, "month3")
    _, token = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    _answer_all(client, token, smoking={**SMOKING_OK, "stopped_on": "2026-01-01"})
    client.post(_url(token, "check"))
    assert SmokingStatusReport.objects.get(participant=participant).stopped_on is None
