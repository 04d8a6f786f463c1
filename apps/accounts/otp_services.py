"""Second-factor writes: check a code (throttled), set up the app, recovery codes, removal."""

import re
import time
from base64 import b32encode
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from django_otp_webauthn.models import WebAuthnCredential

from apps.accounts.otp_policy import has_confirmed_factor, second_factor_required

RECOVERY_CODE_COUNT = 10
APP_CODE = re.compile(r"^\d{6}$")
RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")
APP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"

MISSING = "Enter the 6-digit code from your authenticator app."
MISSING_RECOVERY = "Enter one of your recovery codes."
BAD_FORMAT = "Enter the 6-digit code from your authenticator app, or an 8-character recovery code."
WRONG = (
    "That code is not right. Enter the newest code your app shows; each wrong code makes you "
    "wait longer before the next try."
)
WRONG_RECOVERY = "That recovery code is not right, or it has been used already."
NO_APP = "You have no authenticator app set up: use a passkey or a recovery code."
NO_RECOVERY = "You have no recovery codes left: use your authenticator app or a passkey."
NOT_SET_UP = (
    "Two-factor sign-in is required for your role: set it up on the website (Account security) "
    "first, then send the code from your authenticator app in the otp field."
)
LAST_FACTOR = (
    "Your role must keep a second factor: add another authenticator app or passkey before "
    "removing this one."
)


@dataclass(frozen=True)
class CodeCheck:
    """The device that accepted a code, or why it was refused."""

    device: Device | None
    error: str | None


def normalise_code(code: str | None) -> str:
    """The code as typed, without spaces or hyphens, lower-cased."""
    return re.sub(r"[\s-]", "", code or "").lower()


def throttled_message(seconds: float) -> str:
    """The message for a device that refuses tries for a while after wrong codes."""
    wait = max(1, int(seconds + 0.999))
    return f"Too many wrong codes. Wait {wait} second{'s' if wait != 1 else ''}, then try again."


def _seconds_locked(device: Device) -> float | None:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (info or {}).get("locked_until")
    return (locked_until - timezone.now()).total_seconds() if locked_until else 1.0


@transaction.atomic
def check_code(*, user, code: str | None, recovery: bool = True) -> CodeCheck:
    """Check an app code (or a recovery code, used up on success) against the user's devices.

    Every wrong code is counted on the device (django-otp's throttling): the next try must wait
    1, 2, 4, 8 ... seconds, so guessing six digits takes years.
    """
    code = normalise_code(code)
    if not code:
        return CodeCheck(None, MISSING)
    if APP_CODE.match(code):
        model, wrong, none_left = TOTPDevice, WRONG, NO_APP
    elif recovery and RECOVERY_CODE.match(code):
        model, wrong, none_left = StaticDevice, WRONG_RECOVERY, NO_RECOVERY
    else:
        return CodeCheck(None, BAD_FORMAT if recovery else MISSING)
    devices = list(model.objects.devices_for_user(user, confirmed=True).select_for_update())
    if not devices:
        return CodeCheck(None, none_left)
    locked: list[float] = []
    for device in devices:
        seconds = _seconds_locked(device)
        if seconds is not None:
            locked.append(seconds)
        elif device.verify_token(code):
            return CodeCheck(device, None)
    if locked and len(locked) == len(devices):
        return CodeCheck(None, throttled_message(min(locked)))
    return CodeCheck(None, wrong)


def second_factor_error(user, code: str | None) -> str | None:
    """For the API token endpoint: why this user may not have a token with this `otp` code.

    None when the user needs no second factor (a PWP who has not set one up) or the code is
    right; otherwise a message for the `otp` field. Recovery codes are accepted (and used up).
    """
    if not has_confirmed_factor(user):
        return NOT_SET_UP if second_factor_required(user) else None
    if not normalise_code(code):
        return MISSING
    return check_code(user=user, code=code).error


# Setting up the authenticator app -------------------------------------------------------------


def new_totp_key() -> str:
    """A fresh hex secret for an authenticator app (kept in the session until confirmed)."""
    return default_key()


def secret_for_typing(key_hex: str) -> str:
    """The secret as base32 in groups of four, as authenticator apps ask for it."""
    text = b32encode(bytes.fromhex(key_hex)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def unsaved_totp_device(*, user, key_hex: str) -> TOTPDevice:
    """The device the user is setting up, not yet stored (for its otpauth:// URL)."""
    return TOTPDevice(user=user, key=key_hex, name=APP_NAME)


def code_matches_key(*, key_hex: str, code: str | None) -> int | None:
    """The time step a 6-digit code matches for this secret (one step either side), or None."""
    code = normalise_code(code)
    if not APP_CODE.match(code):
        return None
    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6)
    totp.time = time.time()
    return totp.t() if totp.verify(int(code), tolerance=1) else None


@transaction.atomic
def add_totp_device(*, user, key_hex: str, time_step: int) -> TOTPDevice:
    """Store the confirmed authenticator app; the code that confirmed it cannot be used again."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user, key=key_hex, name=APP_NAME, confirmed=True, last_t=time_step
    )


def _recovery_code() -> str:
    return StaticToken.random_token()


@transaction.atomic
def replace_recovery_codes(*, user) -> list[str]:
    """Throw away the user's recovery codes and make ten new ones (shown to them once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    """How many unused recovery codes the user has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# Removing factors ------------------------------------------------------------------------------


def primary_factors(user) -> list[Device]:
    """The user's confirmed authenticator apps and passkeys (recovery codes are only a backup)."""
    return [
        *TOTPDevice.objects.devices_for_user(user, confirmed=True),
        *WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at"),
    ]


@transaction.atomic
def remove_factor(*, user, device: Device) -> str | None:
    """Delete one of the user's apps or passkeys; refuse the last one for required roles.

    With no app or passkey left the recovery codes go too, so a PWP is back to password only.
    """
    remaining = [d for d in primary_factors(user) if d.persistent_id != device.persistent_id]
    if not remaining and second_factor_required(user):
        return LAST_FACTOR
    device.delete()
    if not remaining:
        StaticDevice.objects.filter(user=user).delete()
    return None
