"""A PWP's day in the browser: screen, consent, baseline, randomise, log a quit-day session with
a positive PHQ-9 item 9, see and acknowledge the alert, and see the charts; axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from apps.outcomes.models import SafetyAlert
from apps.patients.models import Participant
from tests.factories import next_allocation_is

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer(page, prefix: str, values) -> None:
    for number, value in enumerate(values, start=1):
        page.locator(f"#id_{prefix}_{number}_{value}").check()


def test_pwp_screens_randomises_logs_a_session_and_acts_on_an_alert(
    page, live_server, sign_in, assert_accessible, screenshot, site_a, pwp_a, site_lead_a
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, pwp_a)
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    assert_accessible(page, "empty caseload")

    # Screening: every criterion yes, not declined.
    page.get_by_role("link", name="Screen someone").first.click()
    expect(page.get_by_role("heading", name="Screen someone for eligibility")).to_be_visible()
    for criterion in (
        "aged_18_or_over",
        "smokes_daily",
        "has_depression_or_anxiety",
        "starting_talking_therapies",
        "wants_help_to_quit",
    ):
        page.locator(f"#id_{criterion}_0").check()
    page.locator("#id_declined_1").check()
    assert_accessible(page, "screening form")
    page.get_by_role("button", name="Save screening").click()

    # Consent.
    expect(page.get_by_role("heading", name=re.compile("Record consent for"))).to_be_visible()
    participant = Participant.objects.get()
    assert_accessible(page, "consent form")
    page.get_by_role("button", name="Record consent").click()

    # Baseline, with the HSI shown as it is typed.
    expect(page.get_by_role("heading", name=re.compile("Baseline for"))).to_be_visible()
    page.get_by_label("Email address").fill("participant@example.test")
    page.get_by_label("Cigarettes per day").fill("25")
    page.get_by_label("Minutes from waking to first cigarette").fill("5")
    expect(page.locator("#hsi-result")).to_contain_text("5 of 6 (high dependence)")
    page.get_by_label("Year of birth").fill("1980")
    page.get_by_label("Sex").select_option("female")
    _answer(page, "phq9", [2, 2, 2, 1, 1, 1, 1, 0, 0])
    _answer(page, "gad7", [2, 2, 1, 1, 1, 1, 1])
    expect(page.locator('[data-score-for="phq9"]')).to_contain_text("PHQ-9 total 10: moderate")
    page.get_by_label("CO reading (ppm)").fill("18")
    assert_accessible(page, "baseline form")
    page.get_by_role("button", name="Save baseline").click()

    # Randomise: confirm, then the allocation is shown with who and when.
    expect(page.get_by_role("heading", name=re.compile("Randomise"))).to_be_visible()
    assert_accessible(page, "randomise confirmation")
    # The intervention arm: a control participant's session would be a contamination deviation.
    next_allocation_is(site_a, "intervention")
    page.get_by_role("button", name="Yes, randomise now").click()
    participant.refresh_from_db()
    arm = participant.allocation.get_arm_display()
    expect(page.get_by_text(re.compile(f"randomised to the {arm.lower()} arm"))).to_be_visible()
    expect(page.locator("#allocation + dd")).to_contain_text(str(pwp_a))

    # A quit-day session: number 2 switches the type, the expected BCTs and shows the quit date.
    # (2nd ed.) Nothing is ticked for the PWP: the expected techniques are marked instead.
    page.get_by_role("link", name="Log a session").click()
    expect(page.get_by_role("heading", name=re.compile("Log a session"))).to_be_visible()
    expect(page.locator('[data-bct-expected="set_quit_date"]')).to_be_visible()
    page.get_by_label("Session number").fill("2")
    page.get_by_label("Session number").dispatch_event("change")
    expect(page.get_by_label("Session type")).to_have_value("quit_day")
    expect(page.get_by_label("Quit date", exact=True)).to_be_visible()
    expect(page.locator('[data-bct-expected="change_routines"]')).to_be_visible()
    expect(page.locator('[data-bct-expected="set_quit_date"]')).to_be_hidden()
    expect(page.locator("input[data-bct]:checked")).to_have_count(0)
    page.get_by_label("Change routines").check()
    page.get_by_label("Face to face").check()
    page.get_by_label("Duration (minutes)").fill("15")
    page.get_by_text("Stop smoking medication and products").click()
    page.get_by_label("NRT patch").select_option("provided")
    page.get_by_label("CO reading (ppm)").fill("5")
    expect(page.locator("#co-result")).to_contain_text("non-smoker")
    _answer(page, "phq9", [1, 1, 1, 1, 1, 0, 0, 0, 1])
    _answer(page, "gad7", [1, 1, 1, 0, 0, 0, 0])
    expect(page.locator('[data-score-for="phq9"]')).to_contain_text("PHQ-9 total 6: mild")
    expect(page.locator('[data-risk-warning="phq9"]')).to_be_visible()
    assert_accessible(page, "session form")
    screenshot(page, "session-form")
    page.get_by_role("button", name="Save session").click()

    # The alert: on the participant page and at the top of the caseload.
    banner = page.locator("#alerts")
    expect(banner).to_contain_text("1 open safety alert")
    assert SafetyAlert.objects.filter(participant=participant, acknowledged_at=None).count() == 1
    page.get_by_role("link", name="Caseload").click()
    expect(page.locator("#alerts")).to_contain_text(participant.trial_id)
    expect(page.get_by_role("row", name=re.compile(participant.trial_id))).to_contain_text("1 open")
    assert_accessible(page, "caseload with an alert")
    screenshot(page, "caseload")

    page.get_by_role("link", name=participant.trial_id).first.click()
    assert_accessible(page, "participant page with an alert")
    page.get_by_label(f"Action taken for {participant.trial_id}").fill(
        "Phoned the participant, completed a risk assessment and agreed a safety plan"
    )
    page.get_by_role("button", name="Acknowledge alert").click()
    expect(
        page.get_by_text(f"Safety alert for {participant.trial_id} acknowledged.")
    ).to_be_visible()
    expect(page.locator("#alerts")).to_have_count(0)
    alert = SafetyAlert.objects.get()
    assert alert.acknowledged_by == pwp_a and alert.time_to_acknowledge is not None

    # Charts: drawn by Chart.js, with a table view of the same values.
    points = page.evaluate(
        """() => ['mood-chart', 'co-chart'].map(id => {
            const chart = window.Chart.getChart(document.getElementById(id));
            return chart ? chart.data.datasets.map(d => d.data.length) : null;
        })"""
    )
    assert points == [[2, 2, 2, 2], [2, 2]]
    page.get_by_text("PHQ-9 and GAD-7 as a table").click()
    expect(page.get_by_role("table").filter(has_text="At caseness")).to_contain_text("PHQ-9")
    assert_accessible(page, "participant page")
    screenshot(page, "participant")


def test_pwp_records_a_four_week_check_in_person_and_sees_the_outcome(
    page, live_server, sign_in, assert_accessible, screenshot, pwp_a, site_a
):
    import datetime as dt

    from django.utils import timezone

    from apps.journey.services import set_quit_date
    from apps.reminders.models import FollowUp
    from tests.factories import make_participant

    quit_date = timezone.localdate() - dt.timedelta(days=29)
    participant = make_participant(
        site=site_a, pwp=pwp_a, stage="randomised", screened_on=quit_date - dt.timedelta(days=5)
    )
    set_quit_date(participant=participant, quit_date=quit_date)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, pwp_a)
    page.goto(f"{live_server.url}/participants/{participant.public_id}/")
    expect(page.locator("#four-week-outcome")).to_have_text("Not yet assessed")
    page.get_by_role("link", name="Record follow-up for the 4-week quit check").click()
    expect(
        page.get_by_role("heading", name=re.compile("Record the 4-week quit check"))
    ).to_be_visible()

    # Saved with nothing answered: the errors name each question, nothing is stored.
    page.get_by_role("button", name="Save follow-up").click()
    expect(page.locator("#error-summary")).to_contain_text("Choose by phone or in person.")
    assert_accessible(page, "follow-up form with errors")
    page.goto(page.url)  # start again on a clean form

    page.get_by_label("In person").check()
    page.locator("#id_smoked_since_day_14_1").check()  # no: not a puff
    page.locator("#id_smoked_last_7_days_1").check()
    page.locator("#id_quit_attempt_since_last_contact_0").check()
    page.locator("#id_uses_e_cigarette_1").check()
    page.locator("#id_uses_stop_smoking_medication_0").check()
    page.get_by_label("CO reading (ppm)").fill("4")
    _answer(page, "phq9", [1, 1, 1, 1, 0, 0, 0, 0, 0])
    _answer(page, "gad7", [1, 1, 0, 0, 0, 0, 0])
    expect(page.locator('[data-score-for="phq9"]')).to_contain_text("PHQ-9 total 4: minimal")
    assert_accessible(page, "follow-up form")
    screenshot(page, "follow-up-form")
    page.get_by_role("button", name="Save follow-up").click()

    expect(
        page.get_by_text(f"4-week quit check recorded for {participant.trial_id}.")
    ).to_be_visible()
    expect(page.locator("#four-week-outcome")).to_have_text("Quit (CO-verified)")
    follow_ups = page.get_by_role("region", name="Follow-ups")
    expect(follow_ups.get_by_role("row", name=re.compile("4-week quit check"))).to_contain_text(
        "Completed"
    )
    # The report the check made is listed with the others, ready to correct.
    expect(page.locator("#smoking-reports")).to_contain_text("(4-week quit check)")
    expect(
        page.get_by_role("link", name="Record follow-up for the 4-week quit check")
    ).to_have_count(0)
    assert FollowUp.objects.get(participant=participant, timepoint="week4").status == "completed"
    assert_accessible(page, "participant page after a follow-up")


def test_pwp_marks_participation_complete_after_the_six_month_window(
    page, live_server, sign_in, assert_accessible, pwp_a, site_a
):
    import datetime as dt

    from django.utils import timezone

    from tests.factories import make_participant

    participant = make_participant(
        site=site_a,
        pwp=pwp_a,
        stage="randomised",
        screened_on=timezone.localdate() - dt.timedelta(days=245),
    )
    sign_in(page, pwp_a)
    page.goto(f"{live_server.url}/participants/{participant.public_id}/")
    page.get_by_role("link", name="Mark trial participation complete").click()
    expect(page.get_by_role("heading", name=re.compile("Mark trial participation"))).to_be_visible()
    assert_accessible(page, "completion confirmation")
    page.get_by_role("button", name="Yes, mark participation complete").click()
    expect(page.get_by_text(f"{participant.trial_id} has completed the trial.")).to_be_visible()
    expect(page.locator(".badge").first).to_have_text("Completed")
    participant.refresh_from_db()
    assert participant.status == "completed"
