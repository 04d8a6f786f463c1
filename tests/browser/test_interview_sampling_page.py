"""A trial manager reads the interview sampling frame; a PWP records a 3-month follow-up of a
smoker with how much they smoke now."""

import pytest
from playwright.sync_api import expect

from apps.patients import services as patient_services
from tests.factories import make_participant
from tests.outcomes.test_stop_date import _open_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trial_manager_filters_the_interview_sampling_list(
    page, live_server, sign_in, trial_manager, site_a, pwp_a, assert_accessible, screenshot
):
    for arm in ("intervention", "control", "control"):
        person = make_participant(site=site_a, pwp=pwp_a, stage="randomised", arm=arm)
        patient_services.record_interview_contact(participant=person, agrees=True, by=pwp_a)
    sign_in(page, trial_manager)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Interview sampling").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Interview sampling")
    frame = page.locator("#sampling-frame")
    cells = frame.locator("tr", has_text="Not at 3 months yet").locator("td")
    for column, count in ((1, "1"), (2, "2"), (3, "3")):  # intervention, control, all
        expect(cells.nth(column)).to_have_text(count)
    page.get_by_label("Arm").select_option("control")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#sampling-list tbody tr")).to_have_count(2)
    assert_accessible(page, "interview sampling")
    screenshot(page, "interview-sampling")


def test_pwp_records_a_smoker_s_3_month_heaviness(
    page, live_server, sign_in, site_a, pwp_a, assert_accessible
):
    participant, follow_up = _open_at(site_a, pwp_a, "month3")
    sign_in(page, pwp_a)
    page.goto(f"{live_server.url}/participants/{participant.public_id}/")
    page.goto(
        f"{live_server.url}/participants/{participant.public_id}/follow-ups/"
        f"{follow_up.public_id}/record/"
    )
    expect(page.get_by_label("If still smoking: cigarettes a day now")).to_be_visible()
    assert_accessible(page, "follow-up form at 3 months")
