"""Shared steps for the two-factor tests: a device with a known secret, its codes, signing in."""

import datetime as dt
import time

from django_otp.oath import TOTP

from apps.accounts import otp_services
from tests.factories import PASSWORD

# The frozen clock of the two-factor tests (tests/accounts/conftest.py: clock).
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
LOGIN = "/accounts/login/"
VERIFY = "/accounts/two-factor/"
SETUP = "/accounts/two-factor/setup/"


def code_for(key_hex: str, *, at: float | None = None) -> str:
    """The authenticator app's code for this secret at this moment (or now)."""
    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def give_app(user) -> str:
    """Set the user up with an authenticator app; returns its secret."""
    key = otp_services.new_totp_key()
    otp_services.add_totp_device(user=user, key_hex=key, time_step=-1)
    return key


def give_passkey(user, name: str = "Passkey added 2 March 2026"):
    """A confirmed passkey for the user (its key material is never checked by these tests)."""
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.create(
        user=user,
        name=name,
        credential_id=f"{user.pk}:{name}".encode(),
        public_key=b"key",
        sign_count=0,
        confirmed=True,
    )


def sign_in_with_password(client, user):
    """The password step; returns its response."""
    return client.post(LOGIN, {"username": user.email, "password": PASSWORD})
