"""API token authentication whose tokens expire after API_TOKEN_TTL, and issuing/revoking them."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expires_at(token: Token) -> datetime:
    """When a token stops working."""
    return token.created + settings.API_TOKEN_TTL


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF token authentication that refuses tokens older than API_TOKEN_TTL."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expires_at(token) <= timezone.now():
            token.delete()
            raise AuthenticationFailed("Token has expired; request a new one.")
        return user, token


@transaction.atomic
def issue_token(*, user) -> Token:
    """The user's current token, or a fresh one when they have none or it has expired."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and token_expires_at(token) > timezone.now():
        return token
    if token is not None:
        token.delete()
    return Token.objects.create(user=user)


def revoke_token(*, user) -> int:
    """Delete the user's token so no device can use it again; returns tokens deleted."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted
