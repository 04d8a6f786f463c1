"""Taking contact details out of free text (provider errors) before it is shown or logged."""

import re

# Local parts may hold non-ASCII letters and apostrophes; "%40" is an "@" in a URL or a query.
_EMAIL = re.compile(r"[\w!#$%&*+-][\w.!#$%&'*+-]*(?:@|%40)[\w-]+(?:\.[\w-]+)+")

# Numbers that are not contact details, kept whole so no phone number is read across them:
# dates (ISO with any time, and day-month-year), times of day, SMTP reply and status codes, UUIDs,
# hex ids of 32 digits or more (request ids, hashes), IPv4 addresses with a port, and the status
# and size after a quoted request line in a web server's log ("GET / HTTP/1.1" 200 5120), and
# sizes and durations ("5120 bytes", "841 ms").
_KEEP = re.compile(
    r"""(
        (?<!\d)(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])
            (?:[T\x20](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?
                (?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)
      | (?<!\d)(?:[0-2]?\d|3[01])[./-](?:[0-2]?\d|3[01])[./-](?:19|20)\d{2}(?!\d)
      | (?<!\d)(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?!\d)
      | (?<!\d)[245]\d{2}[\x20-][245]\.\d{1,3}\.\d{1,3}(?!\d)
      | (?<![0-9a-f])[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}(?![0-9a-f])
      | (?<![0-9a-f])[0-9a-f]{32,}(?![0-9a-f])
      | (?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?![\d.])
      | HTTP/\d(?:\.\d)?"\x20[1-5]\d{2}\x20\d+(?!\d)
      | (?<!\d)(?<!\d\x20)\d+\x20(?:bytes|ms)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# Digits with up to two spaces, a dot, a dash or brackets between them, perhaps after a "+" or an
# area code in brackets, glued to letters or "_" or not. Seven digits or more are a phone number.
_DIGITS = re.compile(
    r"""(?:\+|\(\+?(?=\d+\)))?\d+
        (?:(?!\d)\)?[^\S\r\n]{0,2}[.-]?[^\S\r\n]{0,2}\(?\d+)*""",
    re.VERBOSE,
)
PHONE_MIN_DIGITS = 7


def _phone(match: re.Match) -> str:
    text = match.group()
    return "[phone number]" if sum(c.isdecimal() for c in text) >= PHONE_MIN_DIGITS else text


def redact_contact_details(text: str | None) -> str:
    """The text with email addresses and phone numbers replaced by a placeholder."""
    parts = _KEEP.split(_EMAIL.sub("[email address]", text or ""))
    # split() with one group alternates text to redact and numbers to keep.
    return "".join(part if i % 2 else _DIGITS.sub(_phone, part) for i, part in enumerate(parts))


# A questionnaire link's token is the path segment after /q/ (also URL-encoded, as in ?next=).
_LINK_TOKEN = re.compile(
    r"((?:/|%2F)q(?:/|%2F))(?!<redacted>)(?:(?!%2F)[^/\s?#&\"'<>])+", re.IGNORECASE
)
REDACTED_TOKEN = "<redacted>"


def redact_link_tokens(text: str | None) -> str:
    """The text with every /q/<token> path segment replaced by /q/<redacted>."""
    return _LINK_TOKEN.sub(lambda m: m.group(1) + REDACTED_TOKEN, text or "")


def redact_for_log(text: str | None) -> str:
    """The text with questionnaire link tokens, email addresses and phone numbers taken out."""
    return redact_contact_details(redact_link_tokens(text))
