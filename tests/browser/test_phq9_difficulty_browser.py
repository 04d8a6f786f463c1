"""The optional PHQ-9 difficulty question on a phone: a labelled group, accessible, fits."""

import re

import pytest
from playwright.sync_api import expect

from apps.clinical import scoring
from apps.outcomes.models import PHQ9Response
from apps.reminders.questionnaire_links import create_questionnaire_link
from tests.browser.test_questionnaire import PHONE, _answer_phq9
from tests.reminders.helpers import participant_with_open_month3

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, **PHONE, "has_touch": True}


def _fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_patient_answers_the_difficulty_question_on_a_phone(
    page, live_server, site_a, pwp_a, settings, assert_accessible
):
    settings.PATIENT_LINK_RATE_LIMIT = "1000/m"
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    _, token = create_questionnaire_link(follow_up=follow_up, created_by=None)
    page.goto(f"{live_server.url}/q/{token}/phq9/")

    group = page.get_by_role("group", name=scoring.PHQ9_DIFFICULTY_QUESTION)
    expect(group).to_be_visible()
    expect(group.get_by_role("radio")).to_have_count(5)  # the four answers, "Prefer not to say"
    for radio in group.get_by_role("radio").all():
        expect(radio).not_to_be_checked()  # nothing is chosen for the patient
    expect(group).to_contain_text("You do not have to answer this question.")
    _answer_phq9(page, ["Several days"] * 8 + ["Not at all"])
    group.get_by_label("Somewhat difficult", exact=True).check()
    _fits_the_screen(page)
    assert_accessible(page, "phq9 with the difficulty question", every_impact=True)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Part 2 of 3")).to_be_visible()

    page.goto(f"{live_server.url}/q/{token}/phq9/")
    group = page.get_by_role("group", name=re.compile("^If you checked off any problems"))
    expect(group.get_by_label("Somewhat difficult", exact=True)).to_be_checked()
    assert not PHQ9Response.objects.exists()  # only a draft until the patient sends it

    # The patient takes the answer back.
    group.get_by_label("Prefer not to say", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Part 2 of 3")).to_be_visible()
    page.goto(f"{live_server.url}/q/{token}/phq9/")
    group = page.get_by_role("group", name=re.compile("^If you checked off any problems"))
    expect(group.get_by_label("Somewhat difficult", exact=True)).not_to_be_checked()


def test_pwp_answers_the_difficulty_question_in_the_session_form_on_a_phone(
    page, live_server, sign_in, pwp_a, participant_a, assert_accessible
):
    sign_in(page, pwp_a)
    page.goto(f"{live_server.url}/participants/{participant_a.public_id}/sessions/new/")
    group = page.get_by_role("group", name=scoring.PHQ9_DIFFICULTY_QUESTION)
    expect(group).to_be_visible()
    labels = [f"{value} {label}" for value, label in scoring.PHQ9_DIFFICULTY_CHOICES]
    for label in labels:
        expect(group.get_by_label(label, exact=True)).to_be_visible()
    expect(group.get_by_label("Not asked", exact=True)).to_be_checked()
    group.get_by_label("3 Extremely difficult", exact=True).check()
    expect(group.get_by_label("Not asked", exact=True)).not_to_be_checked()
    _fits_the_screen(page)
    assert_accessible(page, "session form with the difficulty question")
