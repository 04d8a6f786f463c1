"""Reminder wording: pure, and free of clinical details (no measure, condition or service names).

A message may be read by someone else on a shared phone or inbox, so it says only that a study
questionnaire is waiting, gives the link and how long it works.
"""

from dataclasses import dataclass
from datetime import date

STUDY_NAME = "QuitPilot study"

_OPENERS = {
    "invitation": "It is time for your next {study} questionnaire.",
    "reminder_1": "A reminder: your {study} questionnaire is waiting for you.",
    "reminder_2": "A last reminder: your {study} questionnaire is still waiting for you.",
    "manual": "Here is the link to your {study} questionnaire.",
}
_SUBJECTS = {
    "invitation": "Your {study} questionnaire",
    "reminder_1": "Reminder: your {study} questionnaire",
    "reminder_2": "Reminder: your {study} questionnaire",
    "manual": "Your {study} questionnaire link",
}


@dataclass(frozen=True)
class MessageText:
    """The words of one message, plus the values a GOV.UK Notify template fills in."""

    subject: str
    body: str
    sms: str
    personalisation: dict[str, str]


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def compose(*, kind: str, url: str, closes_on: date, contact: str = "") -> MessageText:
    """The subject, email body, text message and Notify personalisation for one reminder."""
    opener = _OPENERS.get(kind, _OPENERS["invitation"]).format(study=STUDY_NAME)
    subject = _SUBJECTS.get(kind, _SUBJECTS["invitation"]).format(study=STUDY_NAME)
    until = _day(closes_on)
    help_line = (
        f"If you have any questions, contact the study team: {contact}."
        if contact
        else "If you have any questions, contact the study team."
    )
    body = (
        f"Hello,\n\n{opener}\n\nIt takes about 5 minutes. Open it here:\n{url}\n\n"
        f"This link is just for you: please do not share it. It works until {until}.\n\n"
        f"{help_line}\n\nThank you for taking part.\n{STUDY_NAME}\n"
    )
    sms = f"{opener} It takes about 5 minutes: {url} (works until {until}). {STUDY_NAME}"
    return MessageText(
        subject=subject,
        body=body,
        sms=sms,
        personalisation={
            "subject": subject,
            "opener": opener,
            "link": url,
            "closes_on": until,
            "help": help_line,
        },
    )
