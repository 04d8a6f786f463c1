"""Taking contact details out of free text (provider errors) before it is shown to staff."""

import re

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# A phone number: 10 or more digits, perhaps with a leading + and spaces, dots or dashes.
_PHONE = re.compile(r"(?<![\w])\+?\d(?:[\s.-]?\d){9,}(?![\w])")


def redact_contact_details(text: str | None) -> str:
    """The text with email addresses and phone numbers replaced by a placeholder."""
    text = _EMAIL.sub("[email address]", text or "")
    return _PHONE.sub("[phone number]", text)
