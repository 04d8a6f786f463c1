"""Who must use a second factor, and what a signed-in user still has to do before they may work."""

from enum import Enum

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from apps.core.roles import Role

# Roles that see every site, or lead one, must prove a second factor; PWPs and advisors may.
SECOND_FACTOR_ROLES = frozenset(
    {Role.TRIAL_MANAGER, Role.DATA_MANAGER, Role.SITE_LEAD, Role.ADMIN, Role.MONITOR}
)


class Pending(Enum):
    """What stands between a signed-in user and the rest of the site."""

    NOTHING = "nothing"
    VERIFY = "verify"  # has a factor, has not used it in this session
    ENROL = "enrol"  # must have a factor, has none


def enforcement_on() -> bool:
    """Whether QUITPILOT_SECOND_FACTOR_REQUIRED makes the required roles set up a factor."""
    return bool(getattr(settings, "QUITPILOT_SECOND_FACTOR_REQUIRED", True))


def role_requires_second_factor(*, role: str, is_staff: bool, is_superuser: bool) -> bool:
    """Whether this kind of account must use a second factor (pure rule, no settings)."""
    return role in SECOND_FACTOR_ROLES or is_staff or is_superuser


def second_factor_required(user) -> bool:
    """Whether this user must have and use a second factor under the current settings."""
    return enforcement_on() and role_requires_second_factor(
        role=user.role, is_staff=user.is_staff, is_superuser=user.is_superuser
    )


def has_confirmed_factor(user) -> bool:
    """Whether the user has any confirmed factor (app, passkey or recovery codes): one query."""
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).values("user_id")
    static = StaticDevice.objects.filter(user=user, confirmed=True).values("user_id")
    passkeys = WebAuthnCredential.objects.filter(user=user, confirmed=True).values("user_id")
    return bool(list(totp.union(static, passkeys)[:1]))


def is_verified(user) -> bool:
    """Whether this session's user has passed a second factor (set by OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def pending_step(user) -> Pending:
    """What a signed-in user must still do: nothing, use their factor, or set one up."""
    if not user.is_authenticated or is_verified(user):
        return Pending.NOTHING
    if has_confirmed_factor(user):
        return Pending.VERIFY
    if second_factor_required(user):
        return Pending.ENROL
    return Pending.NOTHING
