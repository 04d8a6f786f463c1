"""No log line carries a questionnaire token or a participant's email address or phone number.

A full patient journey (contact details saved, a link issued by staff, reminders dispatched
through the development log channel, every questionnaire page opened, a 404 for a bad token, a
rate-limited request, the answers submitted, the used link opened again) is run with every
logger at DEBUG, SQL statements included, and both what pytest's caplog saw and what the
configured handlers wrote are searched for the tokens, the email address and the phone number.
"""

import logging
import re
import secrets
import sys
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from apps.core.log_filters import RedactFilter
from apps.core.redact import redact_for_log, redact_link_tokens
from apps.journey.services import update_contact_details
from apps.outcomes.models import PHQ9Response
from apps.outcomes.questionnaire_submission import CONFIRMATION_WINDOW
from apps.reminders.channels import LINK_PLACEHOLDER
from apps.reminders.tasks import dispatch_due_reminders
from tests.core.log_capture import configured_handlers, handler_output
from tests.reminders.helpers import participant_with_open_month3

pytestmark = pytest.mark.django_db

EMAIL = "jo.bloggs@example.test"
MOBILE = "07700 900123"
PHQ9 = {f"item{i}": "1" for i in range(1, 10)} | {"item9": "0"}
GAD7 = {f"item{i}": "2" for i in range(1, 8)}
SMOKING = {
    "smoked_last_7_days": "yes",
    "cigarettes_last_7_days": "20",
    "quit_attempt": "yes",
    "uses_e_cigarette": "no",
    "uses_medication": "yes",
}


@pytest.fixture
def issued_tokens(monkeypatch):
    """Every token secrets.token_urlsafe makes during the test (links are made with it)."""
    made: list[str] = []
    real = secrets.token_urlsafe

    def recording(nbytes=None):
        token = real(nbytes)
        made.append(token)
        return token

    monkeypatch.setattr(secrets, "token_urlsafe", recording)
    return made


@pytest.fixture
def sql_logged():
    """django.db.backends logs every statement with its parameters, as with DEBUG on."""
    connection.force_debug_cursor = True
    yield
    connection.force_debug_cursor = False


def _forms_of(phone: str) -> list[str]:
    digits = re.sub(r"\D", "", phone)
    return [phone, digits, "+44" + digits[1:], digits[-6:]]


def _journey(client, pwp, site, settings, issued_tokens) -> dict:
    """Run the journey; returns what must not be logged and what the pages answered."""
    settings.REMINDER_CHANNEL_BACKENDS = {"sms": "apps.reminders.channels.LogChannel"}
    settings.PATIENT_LINK_RATE_LIMIT = "10000/m"
    participant, follow_up = participant_with_open_month3(site, pwp)
    update_contact_details(
        participant=participant,
        email=EMAIL,
        mobile=MOBILE,
        preferred_channel="sms",
        consent_to_contact=True,
    )
    client.force_login(pwp)
    sent = client.post(f"/follow-ups/{follow_up.public_id}/send-link/", {"channel": "sms"})
    assert sent.status_code == 302
    tablet = client.post(f"/follow-ups/{follow_up.public_id}/tablet/")  # signs the PWP out
    assert tablet.status_code == 302 and tablet["Location"].startswith("/q/")
    before_dispatch = len(issued_tokens)
    task = dispatch_due_reminders.apply()
    assert task.result["sent"] >= 1, task.result
    sms_tokens = issued_tokens[before_dispatch:]
    token = sms_tokens[0]
    pages = {"start": client.get(f"/q/{token}/")}
    for section, answers in (("phq9", PHQ9), ("gad7", GAD7), ("smoking", SMOKING)):
        pages[f"{section} page"] = client.get(f"/q/{token}/{section}/")
        pages[section] = client.post(f"/q/{token}/{section}/", answers)
    pages["check"] = client.get(f"/q/{token}/check/")
    pages["submit"] = client.post(f"/q/{token}/check/")
    pages["done"] = client.get(f"/q/{token}/done/")
    # Within the confirmation window a used link shows the confirmation again; after it, 410.
    pages["used again soon"] = client.get(f"/q/{token}/")
    later = timezone.now() + CONFIRMATION_WINDOW + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        pages["used again"] = client.get(f"/q/{token}/")
    bad_token = secrets.token_urlsafe(32)
    pages["bad token"] = client.get(f"/q/{bad_token}/")
    settings.PATIENT_LINK_RATE_LIMIT = "1/h"
    with time_machine.travel(timezone.now(), tick=False):
        client.get(f"/q/{sms_tokens[-1]}/", REMOTE_ADDR="198.51.100.7")
        pages["rate limited"] = client.get(f"/q/{sms_tokens[-1]}/", REMOTE_ADDR="198.51.100.7")
    assert PHQ9Response.objects.filter(participant=participant).count() == 1
    return {"tokens": list(issued_tokens), "task": task, "pages": pages, "sms": sms_tokens}


def _assert_clean(text: str, tokens: list[str]) -> None:
    for token in tokens:
        assert token not in text
    assert EMAIL not in text and "example.test" not in text
    for form in _forms_of(MOBILE):
        assert form not in text


def test_a_whole_patient_journey_logs_no_token_email_or_phone(
    client, pwp_a, site_a, settings, caplog, issued_tokens, sql_logged
):
    with handler_output(logging.DEBUG) as written, caplog.at_level(logging.DEBUG):
        run = _journey(client, pwp_a, site_a, settings, issued_tokens)
    pages = run["pages"]
    assert [pages[name].status_code for name in ("start", "phq9", "check", "submit", "done")] == [
        200,
        302,
        200,
        302,
        200,
    ]
    assert pages["used again soon"].status_code == 302
    assert pages["used again"].status_code == 410
    assert pages["bad token"].status_code == 404
    assert pages["rate limited"].status_code == 429
    output, captured = written.getvalue(), caplog.text
    # The journey was logged: the lines are there, with the token cut out.
    assert "Not Found: /q/<redacted>/" in output
    assert "Too Many Requests: /q/<redacted>/" in output
    assert "Gone: /q/<redacted>/" in output
    assert LINK_PLACEHOLDER in output  # the text message, logged without its link
    assert "patients_contactdetails" in output  # SQL with its parameters was logged too
    assert len(run["tokens"]) >= 3
    _assert_clean(output, run["tokens"])
    _assert_clean(captured, run["tokens"])


def test_every_configured_handler_redacts():
    handlers = configured_handlers()
    assert handlers
    for handler in handlers:
        assert any(isinstance(f, RedactFilter) for f in handler.filters), handler


def test_django_loggers_use_only_the_filtered_handlers():
    # Django's defaults give "django" an unfiltered console handler and mail_admins.
    for name in ("django", "django.request", "django.server", "django.security", "py.warnings"):
        logger = logging.getLogger(name)
        assert all(any(isinstance(f, RedactFilter) for f in h.filters) for h in logger.handlers)


def test_the_filter_redacts_message_args_and_exception_text():
    token = secrets.token_urlsafe(32)
    try:
        raise ValueError(f"cannot open /q/{token}/check/ for {EMAIL}")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "%s asked for %s", (MOBILE, f"/q/{token}/"), None
        )
        record.exc_info = sys.exc_info()
    RedactFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "[phone number] asked for /q/<redacted>/" in text
    assert "ValueError: cannot open /q/<redacted>/check/ for [email address]" in text
    _assert_clean(text, [token])


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("GET /q/AbC_-12x/ HTTP/1.1", "GET /q/<redacted>/ HTTP/1.1"),
        ("Not Found: /q/abc", "Not Found: /q/<redacted>"),
        ("https://h.test/q/tok/phq9/?change=1", "https://h.test/q/<redacted>/phq9/?change=1"),
        ("/login/?next=%2Fq%2Fabc%2Fcheck%2F", "/login/?next=%2Fq%2F<redacted>%2Fcheck%2F"),
        ("/q/<redacted>/", "/q/<redacted>/"),
        ("/quiz/abc/ /faq/abc/", "/quiz/abc/ /faq/abc/"),
    ],
)  # fmt: skip
def test_link_tokens_are_cut_from_paths_and_nothing_else(text, shown):
    assert redact_link_tokens(text) == shown


def test_log_redaction_takes_contact_details_and_tokens_together():
    redacted = redact_for_log(f"{EMAIL} {MOBILE} /q/x/")
    assert redacted == "[email address] [phone number] /q/<redacted>/"


@pytest.mark.parametrize(
    "text",
    [
        "request a5f0123456b6eb47dca70f357b542aaa",
        "token_hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "from 192.168.100.200:51215 (23931)",
        '"GET /health/ HTTP/1.1" 200 1234567',
        '"GET /health/ HTTP/1.1" 200, 1234567 bytes, 841 ms',
    ],
)
def test_ids_addresses_and_sizes_in_log_lines_are_not_taken_for_phone_numbers(text):
    assert redact_for_log(text) == text


def test_a_phone_number_beside_a_request_line_is_still_redacted():
    assert redact_for_log('"GET / HTTP/1.1" 200 x 07700 900123') == (
        '"GET / HTTP/1.1" 200 x [phone number]'
    )
