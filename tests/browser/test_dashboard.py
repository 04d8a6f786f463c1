"""A trial manager reads the feasibility dashboard, filters it and downloads the wide CSV."""

import csv

import pytest
from playwright.sync_api import expect

from apps.dashboards.snapshots import build_snapshot
from tests.cache import clear_cache_keys
from tests.dashboards.pilot import build_small_pilot, seed_criteria

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def pilot(site_a, site_b, pwp_a, pwp_b, settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    clear_cache_keys()
    seed_criteria()
    pilot = build_small_pilot(site_a, site_b, pwp_a, pwp_b)
    build_snapshot()
    return pilot


def test_trial_manager_filters_the_dashboard_and_downloads_the_wide_csv(
    page, live_server, sign_in, trial_manager, pilot, celery_worker_real, assert_accessible,
    screenshot,
):  # fmt: skip
    sign_in(page, trial_manager)
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feasibility dashboard")
    expect(page.get_by_text("Figures as of")).to_be_visible()

    # Every chart is drawn, each with its table view and CSV link.
    page.wait_for_function("window.Chart && Object.keys(window.Chart.instances).length >= 6")
    for name in ("recruitment", "screening", "retention", "fidelity", "completeness", "workload"):
        expect(page.locator(f"#chart-{name}")).to_be_visible()
    expect(page.get_by_text("Table view: Retention", exact=False)).to_be_visible()
    headline = page.locator(".qp-headline")
    expect(headline).to_contain_text("Randomised")
    expect(headline.locator(".fs-4").nth(3)).to_have_text("6")

    # Progression lights say their colour in words, with value and counts.
    lights = page.locator("#progression .qp-light")
    expect(lights).to_have_count(5)
    expect(page.locator("#progression")).to_contain_text("Retention at 3 months")
    expect(page.locator("#progression")).to_contain_text("3/5 (60.0%")

    consort = page.locator(".qp-consort svg")
    expect(consort).to_be_visible()
    expect(consort).to_contain_text("Assessed for eligibility (n=10)")
    assert_accessible(page, "dashboard, all sites")
    screenshot(page, "dashboard")
    page.locator("#consort").screenshot(path=str(_shot("consort")))

    # Site filter: only Leeds, whose one participant was randomised ten days ago.
    page.get_by_label("Site", exact=True).select_option("LDS")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(f"{live_server.url}/dashboard/?site=LDS&arm=&month_from=&month_to=")
    expect(page.locator(".qp-headline .fs-4").nth(3)).to_have_text("1")
    expect(page.locator(".qp-consort svg")).to_contain_text("Assessed for eligibility (n=1)")
    page.wait_for_function("Object.keys(window.Chart.instances).length >= 6")
    assert_accessible(page, "dashboard, site filter")

    # The wide CSV for the statistician, built by the Celery worker.
    page.get_by_role("link", name="Analysis exports").click()
    page.get_by_label("Dataset").select_option("wide")
    page.get_by_label("File format", exact=True).select_option("csv")
    page.get_by_role("button", name="Build export").click()
    download_link = page.get_by_role("link", name="Download Wide: one row per participant as CSV")
    expect(download_link).to_be_visible(timeout=60_000)
    assert_accessible(page, "exports")
    with page.expect_download() as info:
        download_link.click()
    with open(info.value.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6
    assert {r["trial_id"] for r in rows} == {p.trial_id for p in pilot.people.values()}
    expect(page.locator("#export-log")).to_contain_text(trial_manager.email)


def test_trial_manager_builds_the_open_steering_committee_report_and_reads_it(
    page, live_server, sign_in, trial_manager, pilot, celery_worker_real, assert_accessible,
    tmp_path,
):  # fmt: skip
    sign_in(page, trial_manager)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Steering committee report").click()
    expect(page.get_by_role("heading", name="Steering committee report")).to_be_visible()
    page.get_by_label("Report version").select_option("open")
    page.get_by_label("Report file format").select_option("html")
    page.get_by_role("button", name="Build report").click()
    link = page.get_by_role("link", name="Download Steering committee report as HTML")
    expect(link).to_be_visible(timeout=60_000)
    assert_accessible(page, "exports, report built")
    with page.expect_download() as info:
        link.click()
    # The file opens on its own, offline: styles and figures are inside it.
    report = tmp_path / info.value.suggested_filename
    info.value.save_as(report)
    assert report.suffix == ".html"
    page.goto(report.as_uri())
    expect(page.get_by_role("heading", level=1)).to_contain_text("steering committee report")
    expect(page.locator("figure svg").first).to_contain_text("Both arms, pooled")
    expect(page.locator("body")).not_to_contain_text("Allocated to intervention")
    assert_accessible(page, "steering committee report (HTML)")
    page.set_viewport_size({"width": 1100, "height": 1400})
    page.screenshot(path=str(_shot("steering-committee-report")))


def _shot(name: str):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
