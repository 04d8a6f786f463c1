"""Fields encrypted at rest with Fernet under a list of keys: the first encrypts, all decrypt.

The keys come from settings.FIELD_ENCRYPTION_KEYS (QUITPILOT_FIELD_ENCRYPTION_KEYS in the
environment, comma-separated). Rotation: put a new key first, keep the old ones after it, run
`manage.py reencrypt_contact_details`, then drop the old keys (docs/operations.md).
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DecryptionError(Exception):
    """A stored value that none of the configured keys can decrypt."""


def check_keys(keys: list[str] | tuple[str, ...]) -> None:
    """Raise ImproperlyConfigured unless there is at least one key and every key is a Fernet key."""
    _fernets(tuple(keys))


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise ImproperlyConfigured(
            "QUITPILOT_FIELD_ENCRYPTION_KEYS is empty: give at least one Fernet key "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())')."
        )
    try:
        fernets = [Fernet(key) for key in keys]
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "QUITPILOT_FIELD_ENCRYPTION_KEYS: each key must be 32 url-safe base64-encoded bytes "
            "(a Fernet key)."
        ) from exc
    return MultiFernet(fernets), fernets[0]


def _configured() -> tuple[MultiFernet, Fernet]:
    return _fernets(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    """The Fernet token of the text under the first key."""
    return _configured()[0].encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """The text of a token made under any configured key; DecryptionError if none fits."""
    try:
        return _configured()[0].decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # Never fall back to showing the stored text: it may be a token or, worse, a clear value.
        raise DecryptionError("A stored value could not be decrypted with any key.") from exc


def is_under_first_key(token: str) -> bool:
    """Whether the token was made under the first (current) key."""
    try:
        _configured()[1].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """The token re-made under the first key (DecryptionError if no key fits)."""
    try:
        return _configured()[0].rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("A stored value could not be decrypted with any key.") from exc


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. Blank stays blank, so constraints can still test for it;
    a token cannot be searched or filtered on in SQL (nothing here does)."""

    def from_db_value(self, value, expression, connection) -> str | None:
        """Decrypt what the database holds."""
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value) -> str | None:
        """Encrypt what goes to the database (blank and None as they are)."""
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)
