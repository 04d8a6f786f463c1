"""Browser fixtures: Playwright drives Debian's Chromium against pytest-django's live server."""

from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def assert_accessible():
    """Run axe on the page and fail on any serious or critical violation, listing them.

    every_impact=True fails on moderate and minor ones too (such as "region": content outside
    the page landmarks), as the patient pages must pass axe clean.
    """
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, name: str = "", *, every_impact: bool = False) -> None:
        results = axe.run(page)
        failing = None if every_impact else ("serious", "critical")
        bad = [
            v
            for v in results.response["violations"]
            if failing is None or v.get("impact") in failing
        ]
        summary = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in bad
        ]
        assert not bad, f"axe violations on {name or page.url}: {summary}"

    return check


@pytest.fixture
def screenshot():
    """Save a full-page screenshot into docs/screenshots/ for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def sign_in(live_server):
    """Sign a staff user in through the real login form."""
    from tests.factories import PASSWORD

    def login(page, user) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("networkidle")

    return login
