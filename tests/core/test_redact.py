"""Provider errors can carry the participant's address or number; staff pages show neither."""

import pytest

from apps.core.redact import redact_contact_details


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "550 5.1.1 <jo.bloggs+nhs@example.co.uk>: Recipient address rejected",
            "550 5.1.1 <[email address]>: Recipient address rejected",
        ),
        ("Not a UK mobile number: 07700 900123", "Not a UK mobile number: [phone number]"),
        ("Invalid phone +447700900123 (Notify)", "Invalid phone [phone number] (Notify)"),
        ("number 0770-090-0123 barred", "number [phone number] barred"),
        ("Gave up after 3 attempts: 503 busy", "Gave up after 3 attempts: 503 busy"),
        ("No text message address on file", "No text message address on file"),
        ("reference 2026-11-25 failed", "reference 2026-11-25 failed"),
        ("", ""),
    ],
)
def test_addresses_and_numbers_are_replaced_and_nothing_else(text, shown):
    assert redact_contact_details(text) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Call (020) 7946 0958 instead", "Call [phone number] instead"),
        ("landline (01632) 960001 busy", "landline [phone number] busy"),
        ("+44 (0)20 7946 0958 unreachable", "[phone number] unreachable"),
        ("mobile 07700  900123 barred", "mobile [phone number] barred"),
        ("07700.900.123 and 07700 900 123", "[phone number] and [phone number]"),
        ("Notify: +44 7700 900 not valid", "Notify: [phone number] not valid"),
        ("seven digits 1234567 here", "seven digits [phone number] here"),
        ("to:07700900123", "to:[phone number]"),
        ("phone_number_07700900123", "phone_number_[phone number]"),
        ("recipient07700900123invalid", "recipient[phone number]invalid"),
        ("(07700 900123)", "([phone number])"),
    ],
)
def test_every_way_of_writing_a_phone_number_is_replaced(text, shown):
    assert redact_contact_details(text) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("josé@example.com bounced", "[email address] bounced"),
        ("<o'brien@nhs.net> unknown", "<[email address]> unknown"),
        ("GET /check?to=name%40example.com", "GET /check?to=[email address]"),
        ("'jo@example.com' unknown", "'[email address]' unknown"),
        ("Zoë.Ünal@exämple.org refused", "[email address] refused"),
    ],
)
def test_every_way_of_writing_an_email_address_is_replaced(text, shown):
    assert redact_contact_details(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "550 5.1.1 user unknown",
        "550-5.1.1 mailbox unavailable",
        "421 4.7.0 try again later",
        "failed at 2026-11-26 01:23:45",
        "failed at 2026-11-26T01:23:45.123456+00:00",
        "queued 26.11.2026, retried 26-11-2026",
        "took 01:23:45.123456",
        "notification 3fa85f64-5717-4562-b3fc-2c963f66afa6 not found",
        "Gave up after 5 attempts: 503 Service Unavailable",
        "connect to 10.0.0.1:25 refused",
        "six digits 123456 stay",
    ],
)
def test_dates_times_and_status_codes_are_left_alone(text):
    assert redact_contact_details(text) == text


def test_a_number_next_to_a_date_goes_but_the_date_stays():
    text = "2026-11-26 01:23:45 sent to 07700 900123 at 2026-11-26 01:23:46"
    shown = "2026-11-26 01:23:45 sent to [phone number] at 2026-11-26 01:23:46"
    assert redact_contact_details(text) == shown


def test_none_reads_as_empty():
    assert redact_contact_details(None) == ""
