"""A trial manager signs in with the authenticator app, adds a passkey (a Chromium virtual
authenticator over CDP) and next time signs in with the passkey."""

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.two_factor_helpers import code_for, give_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INLINE_SCRIPTS = "[...document.scripts].filter(s => !s.src && s.type !== 'application/json').length"


@pytest.fixture(autouse=True)
def _enforced(settings):
    settings.QUITPILOT_SECOND_FACTOR_REQUIRED = True


@pytest.fixture
def authenticator(page):
    """A platform authenticator that says yes at once, as a fingerprint reader would."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_trial_manager_adds_a_passkey_and_signs_in_with_it(
    page, live_server, sign_in, trial_manager, authenticator, assert_accessible
):
    cdp, authenticator_id = authenticator
    key = give_app(trial_manager)

    sign_in(page, trial_manager)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    assert_accessible(page, "second step")
    page.get_by_label("Code from your authenticator app").fill(code_for(key))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feasibility dashboard")

    page.get_by_role("link", name="Account security").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account security")
    assert page.evaluate(INLINE_SCRIPTS) == 0
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("cell", name=re.compile("^Passkey added"))).to_be_visible()
    assert_accessible(page, "account security")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, trial_manager)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    assert page.evaluate(INLINE_SCRIPTS) == 0
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feasibility dashboard")
    page.get_by_role("link", name="Account security").click()
    expect(page.get_by_role("cell", name="never")).to_have_count(0)
