"""Correcting a PHQ-9 in the browser: the reason is asked for, the alert follows; axe on both."""

import pytest
from playwright.sync_api import expect

from apps.corrections.models import Correction
from apps.outcomes import services as outcomes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pwp_corrects_item_9_with_a_reason_and_sees_the_history(
    page, live_server, sign_in, assert_accessible, screenshot, participant_a, pwp_a
):
    outcomes.record_phq9(
        participant=participant_a, items=[1] * 8 + [0], completed_on=participant_a.randomised_on,
        timepoint="baseline", recorded_by=pwp_a,
    )  # fmt: skip
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, pwp_a)
    page.goto(f"{live_server.url}/participants/{participant_a.public_id}/")
    page.get_by_text("PHQ-9 and GAD-7 as a table").click()
    page.get_by_role("link", name="Correct the PHQ-9 of").click()
    item9 = page.get_by_role("group", name="9. Thoughts that you would be better off dead")
    item9.get_by_label("2 More than half the days").check()
    page.get_by_role("button", name="Save correction").click()
    expect(
        page.get_by_role("link", name="Choose why the value is being corrected.")
    ).to_be_visible()
    assert_accessible(page, "correction form with errors")
    screenshot(page, "correction")
    assert not Correction.objects.exists()

    page.get_by_label("Does not match the source document").check()
    page.get_by_label("Explanation").fill("The paper form says 2.")
    page.get_by_role("button", name="Save correction").click()
    expect(page.get_by_text("a safety alert is open")).to_be_visible()
    history = page.locator("#corrections")
    expect(history).to_contain_text("The paper form says 2.")
    expect(history).to_contain_text("Item 9")
    assert_accessible(page, "participant page with a correction")
    assert Correction.objects.get().new_value == "2"


def test_a_screened_out_persons_reason_is_corrected_from_the_screening_log(
    page, live_server, sign_in, assert_accessible, screenshot, site_a, pwp_a
):
    from django.utils import timezone

    from apps.patients.services import screen_person
    from tests.factories import eligible_criteria

    screening = screen_person(
        site=site_a, screened_by=pwp_a, screened_on=timezone.localdate(),
        criteria=eligible_criteria() | {"smokes_daily": False},
    ).screening  # fmt: skip
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, pwp_a)
    page.goto(f"{live_server.url}/screening/")
    page.get_by_role("link", name="Correct the screening of").click()
    page.get_by_role("group", name="Smokes daily").get_by_label("Yes").check()
    page.get_by_role("group", name="Wants help to quit").get_by_label("No").check()
    page.get_by_label("Main reason not eligible").select_option("")
    page.get_by_role("button", name="Save correction").click()
    expect(
        page.get_by_role("link", name="Choose why the value is being corrected.")
    ).to_be_visible()
    assert_accessible(page, "screening correction with errors")

    page.get_by_label("Information received later").check()
    page.get_by_role("button", name="Save correction").click()
    expect(page.get_by_text("corrected.")).to_be_visible()
    history = page.get_by_role("region", name="Corrections of this screening")
    expect(history).to_contain_text("Wants help to quit")
    assert_accessible(page, "screening correction history")
    screenshot(page, "screening-correction")
    screening.refresh_from_db()
    assert (screening.outcome, screening.exclusion_reason) == ("not_eligible", "no_wish_to_quit")
