"""Reminder wording: a link and a date, and nothing clinical."""

import re
from datetime import date

import pytest

from apps.reminders.messages import compose

CLINICAL = re.compile(
    # The study's own name (QuitPilot) is allowed; "quit" on its own is not.
    r"phq|gad|depress|anxi|mental|mood|smok|cigar|nicotine|\bquit\b|therap|talking|suicid|"
    r"harm|risk|score|wellbeing|psycholog|nhs 111|samaritans",
    re.IGNORECASE,
)
URL = "https://quitpilot.example/q/abc/"


@pytest.mark.parametrize("kind", ["invitation", "reminder_1", "reminder_2", "manual"])
def test_messages_name_no_clinical_details(kind):
    text = compose(kind=kind, url=URL, closes_on=date(2026, 5, 3), contact="0117 000 0000")
    for part in (text.subject, text.body, text.sms, *text.personalisation.values()):
        assert not CLINICAL.search(part), part


def test_message_gives_the_link_the_closing_date_and_the_contact():
    text = compose(kind="invitation", url=URL, closes_on=date(2026, 5, 3), contact="0117 000 0000")
    assert URL in text.body and URL in text.sms
    assert "3 May 2026" in text.body and "3 May 2026" in text.sms
    assert "0117 000 0000" in text.body
    assert text.personalisation["link"] == URL
    assert text.personalisation["closes_on"] == "3 May 2026"


def test_reminders_are_worded_as_reminders():
    invitation = compose(kind="invitation", url=URL, closes_on=date(2026, 5, 3))
    reminder = compose(kind="reminder_2", url=URL, closes_on=date(2026, 5, 3))
    assert invitation.subject == "Your QuitPilot study questionnaire"
    assert reminder.subject.startswith("Reminder:")
    assert "last reminder" in reminder.body


def test_text_message_fits_in_two_sms_fragments():
    text = compose(
        kind="reminder_2", url="https://q.example/q/" + "x" * 43 + "/", closes_on=date(2026, 12, 31)
    )
    assert len(text.sms) <= 306
