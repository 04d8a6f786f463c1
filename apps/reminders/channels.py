"""Ways a reminder goes out, behind one small interface.

- email through Django's email backend (SMTP in production, file or console in development);
- email and text messages through GOV.UK Notify when NOTIFY_API_KEY is set;
- a development channel that writes the message to the log;
- staff tasks, which go nowhere: the row itself is the PWP's task.

Every message carries an idempotency key (`quitpilot-reminder-<id>-<due time>`). Notify stores
it as the notification's reference and can be asked whether it already made one, for email as
well as for text messages (`confirms_delivery`). SMTP and the development backends cannot be
asked: a message whose send was interrupted there is marked "delivery uncertain" for staff to
check, never resent automatically (apps/reminders/dispatch.py). Email carries the key in its
Message-ID header, so a copy a person chooses to send again is recognisable as the same message.
"""

import logging
from dataclasses import dataclass
from email.utils import make_msgid
from functools import cache

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

from apps.core.redact import redact_contact_details

logger = logging.getLogger(__name__)

SEND_TIMEOUT_SECONDS = 20


class SendError(Exception):
    """A send that failed but may work later (network, provider busy): retried with backoff."""


class PermanentSendError(SendError):
    """A send that will never work as it stands (bad address, no provider): not retried."""


@dataclass(frozen=True)
class OutgoingMessage:
    """One message for one reminder row."""

    reminder_id: int
    idempotency_key: str
    channel: str
    to: str
    subject: str
    body: str
    sms: str
    personalisation: dict[str, str]


class Channel:
    """Send a message and return the provider's reference for it."""

    name = "channel"
    # Whether find_sent can tell "never reached the provider" from "sent": only then may an
    # interrupted send be finished without a person checking.
    confirms_delivery = False

    def send(self, message: OutgoingMessage) -> str:
        """Send once; raise SendError (transient) or PermanentSendError."""
        raise NotImplementedError

    def find_sent(self, idempotency_key: str) -> str | None:
        """The provider reference if the message with this key already went out, else None.

        Only meaningful where `confirms_delivery` is true; raises SendError if the provider
        cannot be asked right now.
        """
        return None


def email_message_id(key: str) -> str:
    """The Message-ID header for a reminder email: stable across retries of one reminder."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "quitpilot.local"
    return f"<{key}@{domain}>"


class DjangoEmailChannel(Channel):
    """Email through Django's configured EMAIL_BACKEND."""

    name = "django-email"

    def send(self, message: OutgoingMessage) -> str:
        """Send with a Message-ID derived from the reminder, returned as the reference."""
        message_id = email_message_id(message.idempotency_key)
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"Message-ID": message_id, "X-QuitPilot-Reminder": message.idempotency_key},
            connection=get_connection(timeout=SEND_TIMEOUT_SECONDS),
        )
        try:
            email.send(fail_silently=False)
        except (OSError, TimeoutError) as exc:  # smtplib errors are OSErrors
            import smtplib

            if isinstance(exc, smtplib.SMTPRecipientsRefused):
                raise PermanentSendError(f"Email address refused: {exc}") from exc
            raise SendError(f"Email not sent: {exc}") from exc
        return message_id


class NotifyChannel(Channel):
    """Email or text message through GOV.UK Notify, with the idempotency key as reference."""

    confirms_delivery = True

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.name = f"notify-{kind}"

    @property
    def template_id(self) -> str:
        """The Notify template for this kind of message."""
        if self.kind == "email":
            return settings.NOTIFY_EMAIL_TEMPLATE_ID
        return settings.NOTIFY_SMS_TEMPLATE_ID

    def _call(self, func, *args, **kwargs):
        from notifications_python_client.errors import APIError

        try:
            return func(*args, **kwargs)
        except APIError as exc:
            if exc.status_code == 429 or exc.status_code >= 500:
                raise SendError(f"GOV.UK Notify busy or unreachable: {exc}") from exc
            raise PermanentSendError(f"GOV.UK Notify refused the message: {exc}") from exc

    def send(self, message: OutgoingMessage) -> str:
        """Send through Notify; the notification id is the reference."""
        client = notify_client()
        if self.kind == "email":
            response = self._call(
                client.send_email_notification,
                email_address=message.to,
                template_id=self.template_id,
                personalisation=message.personalisation,
                reference=message.idempotency_key,
            )
        else:
            response = self._call(
                client.send_sms_notification,
                phone_number=message.to,
                template_id=self.template_id,
                personalisation=message.personalisation,
                reference=message.idempotency_key,
            )
        return str(response["id"])

    def find_sent(self, idempotency_key: str) -> str | None:
        """Ask Notify for a notification already made with this reminder's reference."""
        response = self._call(
            notify_client().get_all_notifications,
            reference=idempotency_key,
            template_type=self.kind,
        )
        notifications = response.get("notifications") or []
        return str(notifications[0]["id"]) if notifications else None


@cache
def notify_client():
    """One GOV.UK Notify client per process."""
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(settings.NOTIFY_API_KEY, timeout=SEND_TIMEOUT_SECONDS)


LINK_PLACEHOLDER = "[questionnaire link, not logged]"


class LogChannel(Channel):
    """Development only: writes the message to the log instead of sending it."""

    name = "log"

    def send(self, message: OutgoingMessage) -> str:
        """Log the message without the address or the link; the reference says it went nowhere.

        Whoever reads the log must not be able to open the patient's questionnaire.
        """
        text = message.sms if message.channel == "sms" else message.body
        link = message.personalisation.get("link", "")
        logger.info(
            "Reminder %s (%s) to %s:\n%s",
            message.idempotency_key,
            message.channel,
            redact_contact_details(message.to),
            text.replace(link, LINK_PLACEHOLDER) if link else text,
        )
        return f"log:{make_msgid(idstring=message.idempotency_key)}"


class UnavailableChannel(Channel):
    """No provider is configured for this channel: fails at once, visibly, without retrying."""

    name = "unavailable"

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def send(self, message: OutgoingMessage) -> str:
        """Refuse: the reason says which settings are missing."""
        raise PermanentSendError(self.reason)


class StaffTaskChannel(Channel):
    """An escalation: the row becomes an open task on the PWP's caseload; nothing is sent."""

    name = "staff-task"
    # Issuing the task is the row itself: an interrupted "send" is safely finished.
    confirms_delivery = True

    def send(self, message: OutgoingMessage) -> str:
        """Issue the task; the reference names the row."""
        return f"task:{message.reminder_id}"

    def find_sent(self, idempotency_key: str) -> str | None:
        """The task exists once its row does: finishing an interrupted issue is always safe."""
        return None


def channel_for(name: str) -> Channel:
    """The channel that delivers reminders of this kind under the current settings."""
    override = settings.REMINDER_CHANNEL_BACKENDS.get(name)
    if override:
        return import_string(override)()
    if name == "staff_task":
        return StaffTaskChannel()
    notify_ready = bool(settings.NOTIFY_API_KEY)
    if name == "email":
        if notify_ready and settings.NOTIFY_EMAIL_TEMPLATE_ID:
            return NotifyChannel("email")
        return DjangoEmailChannel()
    if name == "sms":
        if notify_ready and settings.NOTIFY_SMS_TEMPLATE_ID:
            return NotifyChannel("sms")
        if settings.DEBUG:
            return LogChannel()
        return UnavailableChannel(
            "Text messages need GOV.UK Notify: set NOTIFY_API_KEY and NOTIFY_SMS_TEMPLATE_ID."
        )
    raise ValueError(f"Unknown reminder channel {name!r}")
