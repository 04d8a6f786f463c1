"""API tokens: issue one per named client (the secret is returned once), list and revoke them."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import ApiToken, User
from apps.core.errors import DomainError

DEFAULT_CLIENT_NAME = "API client"
CLIENT_NAME_MAX_LENGTH = ApiToken._meta.get_field("client_name").max_length


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued token: `key` is the secret, shown to the client this once only."""

    token: ApiToken
    key: str

    @property
    def expires_at(self) -> datetime:
        """When the token stops working."""
        return self.token.expiry


def password_fingerprint(user: User) -> str:
    """A digest of the user's current password hash (it changes with every new password)."""
    return hashlib.sha256(user.password.encode()).hexdigest()


def clean_client_name(name: str | None) -> str:
    """The client name, stripped; a DomainError naming `client_name` when too long."""
    cleaned = (name or "").strip() or DEFAULT_CLIENT_NAME
    if len(cleaned) > CLIENT_NAME_MAX_LENGTH:
        raise DomainError(
            f"Ensure this field has no more than {CLIENT_NAME_MAX_LENGTH} characters.",
            field="client_name",
        )
    return cleaned


@transaction.atomic
def issue_token(*, user: User, client_name: str = DEFAULT_CLIENT_NAME) -> IssuedToken:
    """A new token for one client of the user, replacing that client's previous token.

    Only the digest is stored, so an earlier secret can never be handed out again: asking again
    for the same client signs its old token out. The user's expired tokens are cleared here.
    """
    name = clean_client_name(client_name)
    now = timezone.now()
    ApiToken.objects.filter(user=user, expiry__lte=now).delete()
    ApiToken.objects.filter(user=user, client_name=name).delete()
    token, key = ApiToken.objects.create(
        user=user,
        expiry=settings.API_TOKEN_TTL,
        client_name=name,
        password_fingerprint=password_fingerprint(user),
    )
    return IssuedToken(token=token, key=key)


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's tokens that still work, newest first (1 query)."""
    return ApiToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


def revoke_token(*, token: ApiToken) -> None:
    """Revoke one token: the client holding it is signed out at once."""
    ApiToken.objects.filter(pk=token.pk).delete()


def revoke_user_token(*, user: User, public_id) -> bool:
    """Revoke one of the user's own tokens by its public id; False when they have no such token."""
    deleted, _ = ApiToken.objects.filter(user=user, public_id=public_id).delete()
    return deleted > 0


def revoke_all_tokens(*, user: User) -> int:
    """Revoke every token of the user (password change, deactivation, "sign out everywhere")."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def delete_expired_tokens(*, now: datetime | None = None) -> int:
    """Delete every expired token (they are refused anyway); returns how many went."""
    deleted, _ = ApiToken.objects.filter(expiry__lte=now or timezone.now()).delete()
    return deleted
