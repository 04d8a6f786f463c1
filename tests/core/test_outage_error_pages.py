"""Styled 403, 404, 500 and 503 pages with a way back: NHS style under /q/, JSON for the API.

None has inline script or style (a strict Content Security Policy forbids them), and none needs
the database to render (tests/core/test_outage_database.py renders them with it gone).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse

from apps.core import error_views

ERROR_TEMPLATES = [
    *(Path(settings.BASE_DIR) / "templates").glob("[45]0[0-9].html"),
    *(Path(settings.BASE_DIR) / "templates" / "errors").glob("*.html"),
]


def assert_no_inline_script_or_style(html: str) -> None:
    """No inline <script> body, no on* handlers, no <style> and no style="" attribute."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html and not re.search(r"\sstyle=", html), "inline style"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_there_is_a_page_for_each_error_and_audience():
    names = {path.name for path in ERROR_TEMPLATES}
    assert {"403.html", "404.html", "500.html", "503.html"} <= names
    assert {f"patient_{code}.html" for code in (403, 404, 500, 503)} <= names
    for path in ERROR_TEMPLATES:
        assert_no_inline_script_or_style(path.read_text())


@pytest.mark.django_db
def test_a_missing_staff_page_is_a_styled_404_with_a_way_back(client, pwp_a):
    client.force_login(pwp_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "bootstrap.min.css" in body
    assert 'href="/"' in body and "Back to QuitPilot" in body


def test_a_missing_patient_page_is_an_nhs_styled_404(client):
    response = client.get("/q/some-token/phq9/extra/more/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "nhsuk-frontend.min.css" in body and "Page not found" in body
    assert "some-token" not in body
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_missing_api_route_answers_json_in_the_error_shape(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"field": None, "code": "not_found", "message": "Not found."}]
    }


@pytest.mark.django_db
def test_a_refused_staff_page_is_a_styled_403_with_a_way_back(client, pwp_a):
    client.force_login(pwp_a)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "You cannot open this page" in body and 'href="/"' in body


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/caseload/", "Sorry, something went wrong"),
        ("/q/some-token/", "Sorry, there is a problem with the service"),
    ],
)
def test_a_crash_is_a_styled_500(rf, path, expected):
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = error_views.server_error(rf.get(path))
    assert response.status_code == 500
    body = response.content.decode()
    assert expected in body
    assert_no_inline_script_or_style(body)


def test_a_crash_in_the_api_is_json(rf):
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = error_views.server_error(rf.get("/api/v1/participants/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert b'"code": "server_error"' in response.content


def test_a_database_error_is_a_503_with_retry_after(rf):
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = error_views.server_error(rf.get("/caseload/"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.OUTAGE_RETRY_AFTER_SECONDS)
