"""In a real browser (issue 14): the main pages run under the Content-Security-Policy with no
violation; after "Open on clinic tablet", Back never shows the participant; a double click on
"Send answers" sends once and shows the confirmation with the urgent-support card."""

import re

import pytest
from playwright.sync_api import expect

from apps.outcomes.models import PHQ9Response
from apps.reminders.questionnaire_links import create_questionnaire_link
from tests.reminders.helpers import participant_with_open_month3

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_csp(page) -> list[str]:
    """Collect every CSP refusal the page reports (console and securitypolicyviolation)."""
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Refused to" in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error('Refused to ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return refused


def test_main_pages_run_under_the_csp_with_no_violation(
    page, live_server, sign_in, site_a, pwp_a, trial_manager
):
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    refused = watch_csp(page)
    sign_in(page, pwp_a)
    for path in (
        "/caseload/",
        f"/participants/{participant.public_id}/",
        "/screening/new/",
        f"/participants/{participant.public_id}/sessions/new/",
        "/alerts/",
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    # The screening form's JavaScript still runs (its own test covers what it does).
    page.context.clear_cookies()
    sign_in(page, trial_manager)
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/admin/")
    _, token = create_questionnaire_link(follow_up=follow_up, created_by=None)
    page.goto(f"{live_server.url}/q/{token}/phq9/")
    page.wait_for_load_state("networkidle")
    assert refused == []


def test_the_csp_check_would_see_an_inline_script_refused(page, live_server, pwp_a, sign_in):
    """The control: an inline script injected into a page is refused and reported."""
    refused = watch_csp(page)
    sign_in(page, pwp_a)
    page.goto(f"{live_server.url}/caseload/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(0)
    expect(page.locator("body")).to_be_visible()
    assert page.evaluate("() => window.ran") is None
    assert any("script" in text for text in refused)


def test_back_after_the_tablet_handover_never_shows_the_participant(
    page, live_server, sign_in, site_a, pwp_a, settings
):
    settings.PATIENT_LINK_RATE_LIMIT = "1000/m"
    participant, _ = participant_with_open_month3(site_a, pwp_a)
    sign_in(page, pwp_a)
    page.goto(f"{live_server.url}/participants/{participant.public_id}/")
    expect(page.get_by_text(participant.trial_id).first).to_be_visible()
    page.get_by_role("button", name=re.compile("Open on clinic tablet")).first.click()
    page.wait_for_url(re.compile(r"/q/[^/]+/$"))
    page.go_back()
    page.wait_for_load_state("networkidle")
    assert participant.trial_id not in page.content()
    assert "/accounts/login/" in page.url
    page.go_forward()
    page.wait_for_load_state("networkidle")
    assert participant.trial_id not in page.content()


def test_a_double_click_on_send_answers_sends_once_and_shows_the_card(
    page, live_server, site_a, pwp_a, settings
):
    settings.PATIENT_LINK_RATE_LIMIT = "1000/m"
    participant, follow_up = participant_with_open_month3(site_a, pwp_a)
    _, token = create_questionnaire_link(follow_up=follow_up, created_by=None)
    from django.test import Client

    client = Client()
    client.post(f"/q/{token}/phq9/", {f"item{i}": "1" for i in range(1, 10)})
    client.post(f"/q/{token}/gad7/", {f"item{i}": "1" for i in range(1, 8)})
    client.post(
        f"/q/{token}/smoking/",
        {
            "smoked_last_7_days": "yes",
            "cigarettes_last_7_days": "20",
            "quit_attempt": "yes",
            "uses_e_cigarette": "no",
            "uses_medication": "yes",
        },
    )
    page.goto(f"{live_server.url}/q/{token}/check/")
    page.get_by_role("button", name="Send answers").dblclick()
    page.wait_for_url(re.compile(r"/done/$"))
    expect(page.get_by_role("heading", name="Answers sent")).to_be_visible()
    expect(page.locator("#urgent-support")).to_be_visible()
    assert PHQ9Response.objects.filter(participant=participant).count() == 1
