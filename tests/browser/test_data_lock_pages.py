"""The database lock in the browser: a trial manager locks a site, a PWP meets it; axe on each."""

import pytest
from playwright.sync_api import expect

from apps.sites.models import DataLock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_site_is_locked_with_a_reason_and_the_pwp_sees_the_banner(
    page, live_server, sign_in, assert_accessible, screenshot, participant_a, pwp_a, trial_manager
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, trial_manager)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Database lock").click()
    expect(page.get_by_text("Nothing is locked")).to_be_visible()
    page.locator("#id_scope").select_option(label="BRS Bristol Talking Therapies")
    page.get_by_role("button", name="Lock", exact=True).click()
    expect(page.get_by_role("link", name="Say why: the reason is kept")).to_be_visible()
    assert_accessible(page, "lock form with errors")
    page.locator("#id_reason").fill("Final analysis of the 6-month outcomes, SAP v2.0.")
    page.get_by_role("button", name="Lock", exact=True).click()
    expect(page.locator("#active-locks")).to_contain_text("Site BRS")
    assert_accessible(page, "data lock page")
    screenshot(page, "data-lock")
    assert DataLock.objects.get().reason.startswith("Final analysis")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, pwp_a)
    page.goto(f"{live_server.url}/participants/{participant_a.public_id}/")
    expect(page.locator("#data-lock-banner")).to_contain_text("is locked for analysis")
    assert_accessible(page, "participant page under a lock")
