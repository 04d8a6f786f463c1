"""Data queries in the browser: raised by a data manager, answered by the PWP; axe on each."""

import pytest
from playwright.sync_api import expect

from apps.conduct.models import DataQuery

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_query_is_raised_answered_and_closed(
    page, live_server, sign_in, assert_accessible, screenshot, participant_a, pwp_a, data_manager
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, data_manager)
    page.goto(f"{live_server.url}/participants/{participant_a.public_id}/")
    page.get_by_role("link", name="Raise a data query").click()
    page.get_by_role("button", name="Raise the query").click()
    expect(page.get_by_role("link", name="Write the query")).to_be_visible()
    assert_accessible(page, "query form with errors")
    page.get_by_label("About (optional)").fill("Baseline CO reading, 45 ppm")
    page.get_by_label("Query").fill("45 ppm with a report of no smoking: please check.")
    page.get_by_role("button", name="Raise the query").click()
    expect(page.get_by_text("Data query raised")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, pwp_a)
    page.goto(f"{live_server.url}/queries/")
    expect(page.locator("#queries")).to_contain_text("45 ppm with a report of no smoking")
    assert_accessible(page, "query list")
    screenshot(page, "queries")
    page.get_by_role("link", name=f"Open query for {participant_a.trial_id}").click()
    page.get_by_label("Your answer or note").fill("Typed 45 for 4: corrected.")
    page.get_by_role("button", name="Answer the query").click()
    expect(page.locator("#query-steps")).to_contain_text("Typed 45 for 4: corrected.")
    assert_accessible(page, "answered query")
    assert DataQuery.objects.get().status == "answered"
