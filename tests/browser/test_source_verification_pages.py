"""Source data verification in the browser: the monitor marks an area verified; axe on it."""

import pytest
from playwright.sync_api import expect

from apps.monitoring.models import SourceVerification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_monitor_verifies_consent_from_the_participant_page(
    page, live_server, sign_in, assert_accessible, screenshot, participant_a, monitor_a
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, monitor_a)
    page.goto(f"{live_server.url}/participants/{participant_a.public_id}/")
    section = page.locator("#source-verification")
    expect(section.locator("tr", has_text="Consent")).to_contain_text("Not verified")
    section.locator("tr", has_text="Consent").get_by_role("button", name="Mark verified").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Consent verified against the source (1 record).")).to_be_visible()
    expect(page.locator("#source-verification tr", has_text="Consent").first).to_contain_text(
        "Verified"
    )
    assert_accessible(page, "participant page, source data verification")
    section.scroll_into_view_if_needed()
    screenshot(page, "source-verification")
    assert SourceVerification.objects.get().record_type == "consent"
