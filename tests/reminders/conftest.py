"""Reminder fixtures: a recording channel for email and SMS, and a participant whose 3-month
follow-up window is open today."""

import pytest

from tests.reminders import recording
from tests.reminders.helpers import RECORDING, participant_with_open_month3


@pytest.fixture
def recorder(settings):
    """Email and SMS go to the recording channel (links point at http://testserver)."""
    recording.reset()
    settings.REMINDER_CHANNEL_BACKENDS = {"email": RECORDING, "sms": RECORDING}
    settings.SITE_URL = "http://testserver"
    yield recording
    recording.reset()


@pytest.fixture
def open_month3(site_a, pwp_a):
    return participant_with_open_month3(site_a, pwp_a)
