"""The protocol deviation form and log in the browser: errors named, then saved; axe on both."""

import pytest
from playwright.sync_api import expect

from apps.conduct.models import ProtocolDeviation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pwp_records_a_deviation_from_the_participant_page_and_sees_it_in_the_log(
    page, live_server, sign_in, assert_accessible, screenshot, participant_a, pwp_a
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, pwp_a)
    page.goto(f"{live_server.url}/participants/{participant_a.public_id}/")
    page.get_by_role("link", name="Record a protocol deviation").click()
    page.get_by_role("group", name="Seriousness").get_by_label("Major").check()
    page.get_by_role("button", name="Save deviation").click()
    expect(page.get_by_role("link", name="Enter the date of the deviation.")).to_be_visible()
    expect(page.get_by_role("link", name="A major deviation needs the corrective")).to_be_visible()
    assert_accessible(page, "deviation form with errors")
    assert not ProtocolDeviation.objects.exists()

    page.get_by_label("Date of the deviation").fill(participant_a.screened_on.isoformat())
    page.get_by_role("group", name="Category").get_by_label("Consent").check()
    page.get_by_label("What departed from the protocol").fill("Consent on form v1.0.")
    page.get_by_label("Corrective action").fill("Re-consented on v2.0 the next day.")
    page.get_by_role("button", name="Save deviation").click()
    expect(
        page.get_by_text(f"Protocol deviation recorded for {participant_a.trial_id}")
    ).to_be_visible()
    log = page.locator("#deviations")
    expect(log).to_contain_text("Consent on form v1.0.")
    expect(log).to_contain_text("Re-consented on v2.0 the next day.")
    assert_accessible(page, "deviation log")
    screenshot(page, "deviations")
    assert ProtocolDeviation.objects.get().reported_by == pwp_a


def test_a_control_participants_session_is_guarded_and_saved_as_a_deviation(
    page, live_server, sign_in, assert_accessible, screenshot, site_a, pwp_a
):
    from apps.cessation.models import CessationSession
    from tests.factories import make_participant

    control = make_participant(site=site_a, pwp=pwp_a, stage="randomised", arm="control")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, pwp_a)
    page.goto(f"{live_server.url}/participants/{control.public_id}/sessions/new/")
    guard = page.get_by_role("group", name=f"{control.trial_id} is in the control arm")
    expect(guard).to_contain_text("major protocol deviation (contamination)")
    page.get_by_role("group", name="How it was delivered").get_by_label("Face to face").check()
    page.get_by_label("Duration (minutes)").fill("10")
    page.get_by_role("button", name="Save session").click()
    expect(
        page.get_by_role("link", name=f"{control.trial_id} is in the control arm")
    ).to_be_visible()
    assert_accessible(page, "control-arm session guard with errors")
    screenshot(page, "contamination-guard")
    assert not CessationSession.objects.exists()

    page.get_by_label("Why is a control-arm participant").fill("Booked in error by reception.")
    page.get_by_label("Corrective action taken").fill("Bookings checked against allocation.")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("logged as a major contamination deviation")).to_be_visible()
    expect(page.locator("#deviations")).to_contain_text("Booked in error by reception.")
    assert CessationSession.objects.get().contamination_deviation.category == "contamination"
