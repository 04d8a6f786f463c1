"""The Safety alerts page and the serious adverse events page, as a site lead and a trial
manager see them; the AE form by keyboard; axe on each page; screenshots for the docs."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from apps.outcomes.services import note_draft_item9
from apps.reminders import questionnaire_links as links
from apps.safety.models import AdverseEvent
from apps.safety.rules import AdverseEventValues
from apps.safety.services import record_adverse_event
from tests.reminders.helpers import participant_with_open_month3

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_site_lead_sees_open_alerts_with_their_age_and_who_was_told(
    page, live_server, sign_in, assert_accessible, screenshot, site_a, pwp_a, site_lead_a
):
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    link, _ = links.create_questionnaire_link(follow_up=follow_up, created_by=None)
    with transaction.atomic():
        alert = note_draft_item9(link=link, item9=3)
    alert.notified_at = timezone.now()
    alert.save(update_fields=["notified_at"])
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site_lead_a)
    page.goto(f"{live_server.url}/alerts/")
    banner = page.locator("#alerts")
    expect(banner).to_contain_text(participant.trial_id)
    expect(banner).to_contain_text("answered on the questionnaire, not submitted")
    expect(banner).to_contain_text("Emailed to the PWP and site leads")
    expect(banner).to_contain_text("escalates to the site lead at")
    assert_accessible(page, "safety alerts page")
    screenshot(page, "safety-alerts")


def test_pwp_records_a_serious_event_and_the_trial_manager_sees_its_clock(
    page, browser, live_server, sign_in, assert_accessible, screenshot, participant_a, pwp_a,
    trial_manager,
):  # fmt: skip
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, pwp_a)
    page.goto(f"{live_server.url}/participants/{participant_a.public_id}/adverse-events/new/")
    onset = (participant_a.consented_on + timedelta(days=1)).isoformat()
    page.get_by_label("Onset date").fill(onset)
    page.get_by_label("Description").fill("Admitted overnight with palpitations.")
    page.get_by_role("group", name="Severity").get_by_label("Severe").check()
    page.get_by_role("group", name="Is the event serious?").get_by_label("No").check()
    page.get_by_label("Needs hospitalisation or prolongs it").check()
    page.get_by_role("group", name="Relatedness to the cessation treatment").get_by_label(
        "Possibly"
    ).check()
    page.get_by_role("group", name="Outcome").get_by_label("Recovering").check()
    page.get_by_role("button", name="Save adverse event").click()
    # A non-serious event with a seriousness criterion: refused, the field named.
    summary = page.get_by_role("link", name="A non-serious event has no seriousness criteria")
    expect(summary).to_be_visible()
    assert_accessible(page, "adverse event form with errors")
    assert not AdverseEvent.objects.exists()
    page.get_by_role("group", name="Is the event serious?").get_by_label("Yes").check()
    page.get_by_label("Expected?").select_option("no")
    page.get_by_role("button", name="Save adverse event").click()
    expect(page.get_by_text("Serious adverse event saved")).to_be_visible()
    record_adverse_event(
        participant=participant_a,
        by=pwp_a,
        values=AdverseEventValues(
            onset_on=participant_a.consented_on, description="Mild nausea.", severity="mild",
            serious=False, relatedness="probably", outcome="recovering",
        ),
    )  # fmt: skip

    manager = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(manager, trial_manager)
    manager.goto(f"{live_server.url}/safety/serious-adverse-events/")
    table = manager.locator("#sae-table")
    expect(table).to_contain_text(participant_a.trial_id)
    expect(table).to_contain_text("due by")
    assert_accessible(manager, "serious adverse events page")
    screenshot(manager, "serious-adverse-events")
    manager.get_by_role(
        "button", name=f"Record report to the sponsor for {participant_a.trial_id}"
    ).click()
    expect(manager.locator("#sae-table")).to_contain_text("Reported")
    manager.close()
