"""A patient completes the follow-up questionnaire on a phone, partly by keyboard."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from apps.outcomes.models import PHQ9Response, SafetyAlert, SmokingStatusReport
from apps.outcomes.questionnaire_submission import CONFIRMATION_WINDOW
from apps.reminders.questionnaire_links import create_questionnaire_link
from tests.reminders.helpers import participant_with_open_month3

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, **PHONE, "has_touch": True}


@pytest.fixture
def link_url(live_server, site_a, pwp_a, settings):
    settings.PATIENT_LINK_RATE_LIMIT = "1000/m"
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    _, token = create_questionnaire_link(follow_up=follow_up, created_by=None)
    return participant, f"{live_server.url}/q/{token}/"


def _question(page, number: int):
    return page.get_by_role("group", name=re.compile(rf"^Question {number}\. "))


def _answer_phq9(page, answers: list[str]) -> None:
    for number, answer in enumerate(answers, start=1):
        _question(page, number).get_by_label(answer, exact=True).check()


def test_patient_answers_everything_changes_an_answer_and_submits_on_a_phone(
    page, link_url, assert_accessible, screenshot
):
    participant, url = link_url
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your 3-month follow-up questionnaire"
    )
    assert_accessible(page, "start", every_impact=True)
    page.get_by_role("button", name="Start now").click()

    # PHQ-9: submitting nothing shows an NHS error summary linked to each question.
    expect(page.get_by_text("Part 1 of 3")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_count(9)
    expect(summary).to_be_focused()
    assert_accessible(page, "phq9 with errors", every_impact=True)
    summary.get_by_role("link", name="Select an answer for question 3").click()
    expect(page.locator("#item3")).to_be_focused()

    _answer_phq9(page, ["Several days"] * 8 + ["Not at all"])
    page.get_by_role("button", name="Save and continue").click()

    # GAD-7 by keyboard only: Space picks, Tab moves to the next question, arrows change.
    expect(page.get_by_text("Part 2 of 3")).to_be_visible()
    assert_accessible(page, "gad7", every_impact=True)
    page.locator("#item1").focus()
    page.keyboard.press("Space")
    for _ in range(6):
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # question 7: "Several days" instead of "Not at all"
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save and continue")).to_be_focused()
    page.keyboard.press("Enter")

    # Smoking: the number question appears only after answering Yes.
    expect(page.get_by_text("Part 3 of 3")).to_be_visible()
    count = page.get_by_label("About how many cigarettes have you smoked in the last 7 days?")
    expect(count).to_be_hidden()
    smoked = page.get_by_role("group", name=re.compile("smoked at all in the last 7 days"))
    smoked.get_by_label("Yes", exact=True).check()
    expect(count).to_be_visible()
    count.fill("15")
    # At 3 months a smoker is also asked how much they smoke now (either may be left blank).
    per_day = page.get_by_label("How many cigarettes a day do you smoke now?")
    expect(per_day).to_be_visible()
    per_day.fill("10")
    for name in ("tried to stop smoking", "e-cigarette", "stop smoking medicine"):
        page.get_by_role("group", name=re.compile(name)).get_by_label("No", exact=True).check()
    assert_accessible(page, "smoking", every_impact=True)
    screenshot(page, "questionnaire-phone")
    page.get_by_role("button", name="Save and continue").click()

    # Check your answers, then go back and change question 3.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending them"
    )
    assert_accessible(page, "check answers", every_impact=True)
    expect(page.get_by_text("15", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile("your answer to: 3. Trouble falling")).click()
    expect(_question(page, 3).get_by_label("Several days", exact=True)).to_be_checked()
    assert_accessible(page, "phq9, changing an answer", every_impact=True)
    _question(page, 3).get_by_label("Nearly every day", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending them"
    )
    row = page.locator(".nhsuk-summary-list__row", has_text="3. Trouble falling")
    expect(row).to_contain_text("Nearly every day")

    page.get_by_role("button", name="Send answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answers sent")
    expect(page.get_by_text("Get help now")).to_have_count(0)
    assert_accessible(page, "confirmation", every_impact=True)

    phq9 = PHQ9Response.objects.get(participant=participant)
    assert phq9.items == [1, 1, 3, 1, 1, 1, 1, 1, 0]
    assert phq9.total == 10
    report = SmokingStatusReport.objects.get(participant=participant)
    assert report.cigarettes_last_7_days == 15
    assert (report.cigarettes_per_day, report.minutes_to_first_cigarette) == (10, None)

    # Opened again soon (a double tap, Back), the link shows the confirmation again...
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Answers sent")
    # ...and once the confirmation window has passed, it refuses, plainly.
    later = timezone.now() + CONFIRMATION_WINDOW + timedelta(minutes=1)
    with time_machine.travel(later):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "This questionnaire has already been sent"
        )
    assert participant.trial_id not in page.content()
    assert_accessible(page, "used link", every_impact=True)


def test_thoughts_of_self_harm_show_urgent_support_on_the_confirmation(
    page, link_url, assert_accessible, screenshot
):
    participant, url = link_url
    page.goto(url + "phq9/")
    _answer_phq9(page, ["Not at all"] * 8 + ["Several days"])
    page.get_by_role("button", name="Save and continue").click()
    for number in range(1, 8):
        _question(page, number).get_by_label("Not at all", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    for name in ("smoked at all", "tried to stop", "e-cigarette", "stop smoking medicine"):
        page.get_by_role("group", name=re.compile(name)).get_by_label("No", exact=True).check()
    # (2nd ed.) Not smoking at 3 months: the stop date is asked, under that "No".
    stopped = page.get_by_label("On what date did you stop smoking?")
    expect(stopped).to_be_visible()
    stopped.fill(timezone.localdate().isoformat())
    assert_accessible(page, "smoking, stop date", every_impact=True)
    screenshot(page, "questionnaire-stop-date-phone")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Send answers").click()

    card = page.locator(".nhsuk-card--care--emergency")
    expect(card).to_contain_text("NHS 111")
    expect(card).to_contain_text("option 2")
    expect(card).to_contain_text("116 123")
    expect(card).to_contain_text("999")
    assert_accessible(page, "confirmation with urgent support", every_impact=True)
    assert SafetyAlert.objects.filter(participant=participant).count() == 1


def test_a_risk_answer_saved_and_abandoned_reaches_the_caseload(
    page, browser, link_url, live_server, pwp_a, sign_in, assert_accessible, screenshot, settings
):
    settings.QUESTIONNAIRE_SERVICE_PHONES = {"BRS": "0117 496 0000"}
    participant, url = link_url
    page.goto(url + "phq9/")
    _answer_phq9(page, ["Several days"] * 8 + ["Nearly every day"])
    page.get_by_role("button", name="Save and continue").click()

    # The very next page carries the urgent-support card; then the patient closes the page.
    expect(page.get_by_text("Part 2 of 3")).to_be_visible()
    card = page.locator("#urgent-support")
    for text in ("NHS 111", "option 2", "116 123", "999", "0117 496 0000"):
        expect(card).to_contain_text(text)
    assert_accessible(page, "gad7 with urgent support", every_impact=True)
    screenshot(page, "questionnaire-urgent-support")
    page.close()

    alert = SafetyAlert.objects.get(participant=participant)
    assert (alert.item9, alert.submitted) == (3, False)

    staff = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(staff, pwp_a)
    staff.goto(f"{live_server.url}/")
    banner = staff.locator("#alerts")
    expect(banner).to_contain_text(participant.trial_id)
    expect(banner).to_contain_text("item 9 = 3")
    expect(banner).to_contain_text("answered on the questionnaire, not submitted")
    assert_accessible(staff, "caseload with a draft alert")
    staff.close()


def test_the_back_link_is_in_a_landmark_and_works_by_keyboard(page, link_url, assert_accessible):
    _, url = link_url
    page.goto(url + "smoking/")
    back = page.get_by_role("navigation", name="Back").get_by_role("link", name="Back")
    expect(back).to_be_visible()
    assert_accessible(page, "smoking, before answering", every_impact=True)
    # The back link is the first thing after the skip link and the header.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Tab")
    expect(back).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Part 2 of 3")).to_be_visible()
