"""Encrypt the contact details already stored in clear (the columns became Fernet tokens).

Raw SQL on purpose: the model field decrypts on read and would refuse a clear value. A value
that already decrypts is left alone, so the migration can run again safely. No audit event is
written: the event triggers watch only the tracked columns, and the addresses are not tracked.
"""

from django.db import migrations

from apps.core import encryption

BATCH = 500


def _rows(cursor, after: int):
    cursor.execute(
        "SELECT id, email, mobile FROM patients_contactdetails WHERE id > %s ORDER BY id LIMIT %s",
        [after, BATCH],
    )
    return cursor.fetchall()


def _is_token(value: str) -> bool:
    try:
        encryption.decrypt(value)
    except encryption.DecryptionError:
        return False
    return True


def _convert(apps, schema_editor, change) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        after = 0
        while rows := _rows(cursor, after):
            for pk, email, mobile in rows:
                new = [change(value) if value else value for value in (email, mobile)]
                if new != [email, mobile]:
                    cursor.execute(
                        "UPDATE patients_contactdetails SET email = %s, mobile = %s WHERE id = %s",
                        [*new, pk],
                    )
            after = rows[-1][0]


def encrypt_rows(apps, schema_editor) -> None:
    _convert(apps, schema_editor, lambda v: v if _is_token(v) else encryption.encrypt(v))


def decrypt_rows(apps, schema_editor) -> None:
    _convert(apps, schema_editor, lambda v: encryption.decrypt(v) if _is_token(v) else v)


class Migration(migrations.Migration):
    dependencies = [("patients", "0003_contact_history_without_values")]

    operations = [migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False)]
