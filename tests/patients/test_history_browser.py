"""A trial manager opens a participant's audit history from the participant page."""

import datetime as dt

import pghistory
import pytest
from playwright.sync_api import expect

from apps.cessation.services import SessionInput, record_session
from apps.journey import services as journey
from tests.browser import conftest as browser

# The browser fixtures (system Chromium, axe, screenshots, sign-in) live with the browser tests.
browser_type_launch_args = browser.browser_type_launch_args
assert_accessible = browser.assert_accessible
screenshot = browser.screenshot
sign_in = browser.sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def participant_with_history(participant_a, pwp_a):
    with pghistory.context(user=pwp_a.pk, url=f"/participants/{participant_a.public_id}/"):
        journey.update_contact_details(
            participant=participant_a,
            email="new.address@example.test",
            mobile="",
            preferred_channel="email",
            consent_to_contact=True,
        )
    with pghistory.context(user=pwp_a.pk, url="/sessions/new/"):
        record_session(
            participant=participant_a,
            practitioner=pwp_a,
            data=SessionInput(
                session_date=participant_a.screened_on + dt.timedelta(days=1),
                attendance="attended",
                number=1,
                session_type="pre_quit",
                mode="face_to_face",
                duration_minutes=15,
                bcts_delivered=["assess_smoking", "set_quit_date"],
                quit_date_set=participant_a.screened_on + dt.timedelta(days=8),
                pharmacotherapy=[("nrt_patch", "provided")],
                co_ppm=16,
                phq9_items=[2, 2, 1, 1, 1, 1, 1, 0, 0],
                gad7_items=[1, 1, 1, 1, 1, 0, 0],
            ),
        )
    return participant_a


def test_trial_manager_reads_who_changed_what_and_contact_values_stay_hidden(
    page,
    live_server,
    sign_in,
    trial_manager,
    participant_with_history,
    pwp_a,
    assert_accessible,
    screenshot,
):
    participant = participant_with_history
    sign_in(page, trial_manager)
    page.goto(f"{live_server.url}/participants/{participant.public_id}/")
    page.get_by_role("link", name="Audit history").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Audit history of {participant.trial_id}"
    )
    table = page.get_by_role("table")
    expect(table.locator("caption")).to_contain_text(participant.trial_id)
    contact_row = (
        table.get_by_role("row").filter(has_text="Contact details").filter(has_text="changed").first
    )
    expect(contact_row).to_contain_text("Email: changed")
    expect(contact_row).to_contain_text(str(pwp_a))
    expect(page.locator("body")).not_to_contain_text("new.address@example.test")
    session_row = table.get_by_role("row").filter(has_text="Cessation session").first
    expect(session_row).to_contain_text("via /sessions/new/")
    expect(session_row).to_contain_text("Assess smoking")
    assert_accessible(page, "participant history")
    screenshot(page, "participant-history")
