"""manage.py erase_expired_contact_details: what the daily task does, on demand."""

from django.core.management.base import BaseCommand

from apps.journey.contact_erasure import erase_expired_contact_details


class Command(BaseCommand):
    help = (
        "Erase the contact details of participants whose follow-up ended more than "
        "QUITPILOT_CONTACT_RETENTION_DAYS ago, keeping their pseudonymous trial data."
    )

    def handle(self, *args, **options) -> None:
        report = erase_expired_contact_details()
        self.stdout.write(
            f"Erased the contact details of {report.erased} participant(s); "
            f"cancelled {report.reminders_cancelled} pending reminder(s)."
        )
