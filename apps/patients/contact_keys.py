"""Key rotation for the encrypted contact details: re-make every token under the first key."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from apps.core import encryption

_SELECT = "SELECT id, email, mobile FROM patients_contactdetails WHERE id > %s ORDER BY id LIMIT %s"
_UPDATE = "UPDATE patients_contactdetails SET email = %s, mobile = %s WHERE id = %s"


@dataclass
class Reencrypted:
    """What a re-encryption run did: rows rewritten, rows already under the first key."""

    reencrypted: int = 0
    already_current: int = 0


def reencrypt_contact_details(*, batch_size: int = 500) -> Reencrypted:
    """Re-encrypt every contact row not yet under the first key, a batch per transaction.

    Raw SQL: the tokens are rewritten as they are, with no decrypted value held in a model and
    no audit event (the addresses are not tracked; their values do not change). Running it again
    rewrites nothing.
    """
    result = Reencrypted()
    after = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_SELECT + " FOR UPDATE", [after, batch_size])
            rows = cursor.fetchall()
            for pk, *tokens in rows:
                new = [_current(token) for token in tokens]
                if new == tokens:
                    result.already_current += 1
                    continue
                cursor.execute(_UPDATE, [*new, pk])
                result.reencrypted += 1
        if len(rows) < batch_size:
            return result
        after = rows[-1][0]


def _current(token: str) -> str:
    if not token or encryption.is_under_first_key(token):
        return token
    return encryption.reencrypt(token)
