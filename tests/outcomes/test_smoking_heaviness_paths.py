"""Cigarettes per day and time to the first cigarette at 3 and 6 months, on every path: the
staff follow-up form, the patient questionnaire, the service and the database itself."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.core.errors import DomainError
from apps.outcomes import services
from apps.outcomes.models import SmokingStatusReport
from apps.reminders import questionnaire_links as links
from tests.outcomes.test_questionnaire_pages import SMOKING_OK, _answer_all, _url
from tests.outcomes.test_stop_date import TODAY, _open_at

pytestmark = pytest.mark.django_db

STAFF_SMOKER = {
    "source": "phone",
    "smoked_last_7_days": "yes",
    "cigarettes_last_7_days": "70",
    "quit_attempt_since_last_contact": "no",
    "uses_e_cigarette": "no",
    "uses_stop_smoking_medication": "no",
}


def _staff_url(participant, follow_up):
    return reverse("follow-up-record", args=[participant.public_id, follow_up.public_id])


def test_the_staff_form_asks_a_smoker_at_3_months_and_stores_both(client, site_a, pwp_a):
    participant, follow_up = _open_at(site_a, pwp_a, "month3")
    client.force_login(pwp_a)
    url = _staff_url(participant, follow_up)
    assert "minutes from waking to the first cigarette" in client.get(url).content.decode()
    response = client.post(
        url,
        {**STAFF_SMOKER, "completed_on": str(TODAY()), "cigarettes_per_day": "10",
         "minutes_to_first_cigarette": "45"},
    )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    report = SmokingStatusReport.objects.get(participant=participant)
    assert (report.cigarettes_per_day, report.minutes_to_first_cigarette) == (10, 45)


def test_the_staff_form_names_each_bad_answer_in_one_round(client, site_a, pwp_a):
    participant, follow_up = _open_at(site_a, pwp_a, "month6")
    client.force_login(pwp_a)
    response = client.post(
        _staff_url(participant, follow_up),
        {**STAFF_SMOKER, "completed_on": str(TODAY()), "cigarettes_per_day": "101",
         "minutes_to_first_cigarette": "2000", "uses_e_cigarette": ""},
    )  # fmt: skip
    errors = response.context["form"].errors
    assert {"cigarettes_per_day", "minutes_to_first_cigarette", "uses_e_cigarette"} <= set(errors)
    assert "from 0 to 100" in errors["cigarettes_per_day"][0]
    assert not SmokingStatusReport.objects.filter(participant=participant).exists()


def test_the_staff_form_refuses_a_non_smoker_s_numbers_naming_the_field(client, site_a, pwp_a):
    participant, follow_up = _open_at(site_a, pwp_a, "month3")
    client.force_login(pwp_a)
    response = client.post(
        _staff_url(participant, follow_up),
        {**STAFF_SMOKER, "completed_on": str(TODAY()), "smoked_last_7_days": "no",
         "cigarettes_last_7_days": "", "stopped_on": str(TODAY()), "cigarettes_per_day": "10"},
    )  # fmt: skip
    errors = response.context["form"].errors
    assert errors["cigarettes_per_day"] == [
        "Leave cigarettes per day blank: the participant has not smoked in the last 7 days."
    ]
    assert not SmokingStatusReport.objects.filter(participant=participant).exists()


def test_the_service_refuses_numbers_where_they_are_not_asked(site_a, pwp_a):
    participant, _ = _open_at(site_a, pwp_a, "month3")
    with pytest.raises(DomainError) as error:
        services.record_smoking_status(
            participant=participant, completed_on=TODAY(), timepoint="week4",
            smoked_last_7_days=True, cigarettes_last_7_days=5, cigarettes_per_day=3,
            quit_attempt_since_last_contact=False, uses_e_cigarette=False,
            uses_stop_smoking_medication=False,
        )  # fmt: skip
    fields = [e.field for e in error.value.errors]
    assert "cigarettes_per_day" in fields
    assert not SmokingStatusReport.objects.exists()


def test_the_database_refuses_numbers_for_a_non_smoker(site_a, pwp_a):
    participant, _ = _open_at(site_a, pwp_a, "month3")
    with pytest.raises(IntegrityError), transaction.atomic():
        SmokingStatusReport.objects.create(
            participant=participant, completed_on=TODAY(), timepoint="month3",
            smoked_last_7_days=False, cigarettes_per_day=4,
            quit_attempt_since_last_contact=False, uses_e_cigarette=False,
            uses_stop_smoking_medication=False,
        )  # fmt: skip


def test_the_questionnaire_asks_a_smoker_under_yes_and_stores_it(client, site_a, pwp_a):
    participant, follow_up = _open_at(site_a, pwp_a, "month6")
    _, token = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    page = client.get(_url(token, "smoking")).content.decode()
    assert "How many cigarettes a day do you smoke now?" in page
    # Revealed with the 7-day count under Yes: hidden until Yes is chosen.
    conditional = page.split('id="conditional-7days"')[1].split("</div>\n</div>")[0]
    assert 'name="minutes_to_first_cigarette"' in page.split('id="conditional-7days"')[1]
    assert "cigarettes_last_7_days" in conditional
    bad = client.post(_url(token, "smoking"), {**SMOKING_OK, "cigarettes_per_day": "lots"})
    assert "Enter a whole number, like 10" in bad.content.decode()
    _answer_all(client, token, smoking={**SMOKING_OK, "cigarettes_per_day": "15"})
    check = client.get(_url(token, "check")).content.decode()
    assert "How many cigarettes a day do you smoke now?" in check and "Not answered" in check
    client.post(_url(token, "check"))
    report = SmokingStatusReport.objects.get(participant=participant)
    assert (report.cigarettes_per_day, report.minutes_to_first_cigarette) == (15, None)


def test_the_questionnaire_keeps_no_number_of_a_non_smoker(client, site_a, pwp_a):
    participant, follow_up = _open_at(site_a, pwp_a, "month3")
    _, token = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    not_smoking = {**SMOKING_OK, "smoked_last_7_days": "no", "cigarettes_last_7_days": "",
                   "stopped_on": str(TODAY()), "cigarettes_per_day": "9"}  # fmt: skip
    _answer_all(client, token, smoking=not_smoking)
    client.post(_url(token, "check"))
    assert SmokingStatusReport.objects.get(participant=participant).cigarettes_per_day is None
