"""Swagger UI works in a real browser with the network cut off: every asset is served locally."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "api-docs.png"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_offline_from_local_static_files_under_the_csp(
    page, live_server, assert_accessible, client, pwp_a
):
    client.force_login(pwp_a)  # the docs are for signed-in staff only
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    local = urlsplit(live_server.url).netloc
    outside: list[str] = []

    def only_local(route) -> None:
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    failed: list[str] = []
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Refused to" in m.text else None)
    page.route("**/*", only_local)
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock-tag", timeout=15000)
    assert page.get_by_text("QuitPilot API", exact=False).first.is_visible()
    assert page.locator(".opblock-tag").count() >= 8
    page.get_by_role("button", name="Authorize").first.click()
    assert page.get_by_text("tokenAuth", exact=False).first.is_visible()
    page.keyboard.press("Escape")
    assert outside == []
    assert failed == []
    assert refused == []  # the Content-Security-Policy blocked nothing the page needs
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOT))
    assert_accessible(page, "Swagger UI")
