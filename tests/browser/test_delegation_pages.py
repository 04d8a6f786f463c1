"""The delegation and training log in the browser: errors named, a delegation and a training
record saved, the duty then refused outside its dates; axe on every state."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.core.roles import Role
from apps.delegation.models import Delegation, TrainingRecord
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_site_lead_delegates_records_training_and_sees_the_renewal_notice(
    page, live_server, sign_in, assert_accessible, screenshot, site_a, site_lead_a, pwp_a
):
    newcomer = UserFactory(
        email="nia.newcomer@nhs.test", full_name="Nia Newcomer", role=Role.PWP, site=site_a,
        delegated=False,
    )  # fmt: skip
    today = timezone.localdate()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site_lead_a)
    page.goto(f"{live_server.url}/delegation/")
    expect(page.get_by_role("heading", name="Delegation and training log")).to_be_visible()

    delegate = page.locator("form", has=page.get_by_role("button", name="Delegate"))
    delegate.get_by_label("Staff member").select_option(label="Nia Newcomer")
    delegate.get_by_label("Delegated from").fill(today.isoformat())
    delegate.get_by_label("Delegated until (optional)").fill(
        (today - dt.timedelta(days=1)).isoformat()
    )
    page.get_by_role("button", name="Delegate", exact=True).click()
    expect(page.get_by_role("link", name="Choose at least one duty to delegate.")).to_be_visible()
    expect(page.get_by_role("link", name="The end date cannot be before")).to_be_visible()
    assert_accessible(page, "delegation form with errors")
    assert not Delegation.objects.filter(user=newcomer).exists()

    delegate = page.locator("form", has=page.get_by_role("button", name="Delegate"))
    delegate.get_by_label("Staff member").select_option(label="Nia Newcomer")
    delegate.get_by_label("Screen for eligibility").check()
    delegate.get_by_label("Take informed consent").check()
    delegate.get_by_label("Delegated from").fill(today.isoformat())
    delegate.get_by_label("Delegated until (optional)").fill("")
    page.get_by_role("button", name="Delegate", exact=True).click()
    expect(page.get_by_text("Duties delegated to Nia Newcomer")).to_be_visible()
    expect(page.locator("#delegated-duties")).to_contain_text("Take informed consent")

    training = page.locator("form", has=page.get_by_role("button", name="Record training"))
    training.get_by_label("Staff member").select_option(label=str(pwp_a))
    training.get_by_label("Training").select_option(label="NCSCT practitioner certificate")
    training.get_by_label("Completed on").fill((today - dt.timedelta(days=700)).isoformat())
    training.get_by_label("Expires on (optional)").fill((today + dt.timedelta(days=20)).isoformat())
    training.get_by_label("Certificate reference (optional)").fill("NCSCT-2025-118")
    page.get_by_role("button", name="Record training").click()
    expect(page.get_by_text(f"Training recorded for {pwp_a}")).to_be_visible()
    notice = page.get_by_role("region", name="Certificates to renew")
    expect(notice).to_contain_text(str(pwp_a))
    expect(page.locator("#training-records")).to_contain_text("Expiring")
    assert_accessible(page, "delegation log")
    screenshot(page, "delegation-log")
    assert sorted(Delegation.objects.filter(user=newcomer).values_list("duty", flat=True)) == [
        "consent",
        "screen",
    ]
    assert TrainingRecord.objects.get().certificate_reference == "NCSCT-2025-118"

    # The keyboard reaches the end control of the newcomer's screening duty.
    end = page.get_by_role("button", name="End screen for eligibility for Nia Newcomer")
    end.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("ends on")).to_be_visible()
    held = Delegation.objects.get(user=newcomer, duty="screen")
    assert held.ends_on == today
