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


def test_none_reads_as_empty():
    assert redact_contact_details(None) == ""
