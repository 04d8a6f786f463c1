"""A provider's error can quote the participant's address: the database keeps its words for the
record (staff pages redact them), the logs never carry the address."""

import logging

import pytest

from apps.reminders import dispatch
from apps.reminders.channels import Channel, OutgoingMessage, PermanentSendError, SendError
from apps.reminders.models import ReminderStatus
from tests.reminders.helpers import only_due_invitation

pytestmark = pytest.mark.django_db

ADDRESS = "patient@example.test"  # the participant's email in make_participant
HERE = "tests.reminders.test_error_logging"


class RefusingChannel(Channel):
    """Refuses for good, quoting the address like an SMTP server does."""

    def send(self, message: OutgoingMessage) -> str:
        raise PermanentSendError(f"550 5.1.1 <{message.to}>: Recipient address rejected")


class BusyChannel(Channel):
    """Busy every time, quoting the address and a phone number."""

    def send(self, message: OutgoingMessage) -> str:
        raise SendError(f"busy sending to {message.to} (07700 900123)")


class BrokenChannel(Channel):
    """Fails in a way nobody planned for, with the address in the message."""

    def send(self, message: OutgoingMessage) -> str:
        raise ValueError(f"cannot encode recipient {message.to}")


@pytest.fixture
def due(open_month3, settings):
    settings.SITE_URL = "http://testserver"
    _, follow_up = open_month3
    return only_due_invitation(follow_up)


def _use(settings, channel: str) -> None:
    settings.REMINDER_CHANNEL_BACKENDS = {"email": f"{HERE}.{channel}"}


def test_a_refusal_is_logged_without_the_address_and_stored_as_said(due, settings, caplog):
    _use(settings, "RefusingChannel")
    with caplog.at_level(logging.INFO):
        assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "failed": 1}
    assert f"Reminder {due.pk} failed: 550 5.1.1 <[email address]>" in caplog.text
    assert ADDRESS not in caplog.text
    due.refresh_from_db()
    assert due.status == ReminderStatus.FAILED
    assert due.last_error == f"550 5.1.1 <{ADDRESS}>: Recipient address rejected"


def test_giving_up_after_retries_is_logged_without_the_address(due, settings, caplog):
    _use(settings, "BusyChannel")
    settings.REMINDER_MAX_ATTEMPTS = 1
    with caplog.at_level(logging.INFO):
        assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "failed": 1}
    assert "Gave up after 1 attempts: busy sending to [email address] ([phone number])" in (
        caplog.text
    )
    assert ADDRESS not in caplog.text and "900123" not in caplog.text
    due.refresh_from_db()
    assert ADDRESS in due.last_error


def test_an_unexpected_failure_keeps_its_traceback_but_not_the_address(due, settings, caplog):
    _use(settings, "BrokenChannel")
    with caplog.at_level(logging.INFO):
        assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "retry": 1}
    assert "unexpected send failure" in caplog.text
    assert "Traceback" in caplog.text and "ValueError: cannot encode recipient" in caplog.text
    assert ADDRESS not in caplog.text
    assert all(record.exc_info is None for record in caplog.records)  # no raw traceback either
    due.refresh_from_db()
    assert due.status == ReminderStatus.PENDING
    assert due.last_error == f"cannot encode recipient {ADDRESS}"


def test_the_development_log_channel_does_not_log_the_address(due, settings, caplog):
    settings.REMINDER_CHANNEL_BACKENDS = {"email": "apps.reminders.channels.LogChannel"}
    with caplog.at_level(logging.INFO):
        assert dispatch.dispatch_due_reminders().as_dict() == {"claimed": 1, "sent": 1}
    assert "to [email address]" in caplog.text
    assert ADDRESS not in caplog.text
