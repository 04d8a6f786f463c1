"""A PWP sees a questionnaire text that never reached their participant, marks it seen from the
keyboard, and finds it on the participant's follow-up table; axe on both pages."""

import pytest
from playwright.sync_api import expect

from apps.reminders.models import ReminderChannel, ReminderStatus
from tests.reminders.helpers import only_due_invitation, participant_with_open_month3

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pwp_sees_and_clears_an_undelivered_message(
    page, live_server, sign_in, assert_accessible, screenshot, site_a, pwp_a
):
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    message = only_due_invitation(follow_up)
    message.status = ReminderStatus.FAILED
    message.channel = ReminderChannel.SMS
    message.last_error = "The text service did not recognise the mobile number"
    message.assigned_to = pwp_a
    message.save()

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, pwp_a)
    section = page.get_by_role("region", name="Messages that did not reach the participant")
    expect(section).to_be_visible()
    expect(section).to_contain_text(participant.trial_id)
    expect(section).to_contain_text("did not recognise the mobile number")
    assert_accessible(page, "caseload with an undelivered message")
    screenshot(page, "caseload-undelivered-message")

    button = section.get_by_role("button", name=f"Mark seen for {participant.trial_id}")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("marked as seen")
    expect(
        page.get_by_role("region", name="Messages that did not reach the participant")
    ).to_have_count(0)

    page.goto(f"{live_server.url}/participants/{participant.public_id}/")
    follow_ups = page.get_by_role("region", name="Follow-ups")
    expect(follow_ups).to_contain_text("not delivered")
    expect(follow_ups).to_contain_text("seen")
    assert_accessible(page, "participant page with message outcomes")
    message.refresh_from_db()
    assert message.done_by == pwp_a
