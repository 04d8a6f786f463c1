"""manage.py reencrypt_contact_details: after a new key is put first, re-encrypt every row."""

from django.core.management.base import BaseCommand

from apps.core.encryption import DecryptionError
from apps.patients.contact_keys import reencrypt_contact_details


class Command(BaseCommand):
    help = (
        "Re-encrypt every participant's contact details under the first key of "
        "QUITPILOT_FIELD_ENCRYPTION_KEYS, in batches; safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction.")

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1.")
            raise SystemExit(2)
        try:
            result = reencrypt_contact_details(batch_size=batch_size)
        except DecryptionError:
            self.stderr.write(
                "A row could not be decrypted with any key in QUITPILOT_FIELD_ENCRYPTION_KEYS: "
                "keep the old key(s) after the new one until this command has finished."
            )
            raise SystemExit(1) from None
        self.stdout.write(
            f"Re-encrypted {result.reencrypted} row(s); "
            f"{result.already_current} already under the current key."
        )
