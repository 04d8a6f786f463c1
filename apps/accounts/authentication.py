"""API token authentication: hashed, expiring, per-client tokens (django-rest-knox's scheme)."""

from hmac import compare_digest

from django.conf import settings
from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework.exceptions import AuthenticationFailed

from apps.accounts.models import ApiToken
from apps.accounts.tokens import password_fingerprint

INVALID = "Invalid token."
EXPIRED = "Token has expired; request a new one."


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <secret>`: found by its first characters, checked by its digest.

    Unlike knox's own class it costs one query a request (knox also loads every other token of
    the user to delete expired ones), and it stamps the token's "last used" time at most once
    per API_TOKEN_LAST_USED_RESOLUTION, so reads stay reads.
    """

    def authenticate_credentials(self, token: bytes):
        """The (user, token) for a valid secret; 401 when unknown, expired or inactive."""
        try:
            secret = token.decode("utf-8")
            digest = hash_token(secret)
        except (UnicodeDecodeError, ValueError, TypeError) as error:
            raise AuthenticationFailed(INVALID) from error
        candidates = ApiToken.objects.filter(
            token_key=secret[: CONSTANTS.TOKEN_KEY_LENGTH]
        ).select_related("user")
        for candidate in candidates:
            if compare_digest(digest, candidate.digest):
                return self._accept(candidate)
        raise AuthenticationFailed(INVALID)

    def _accept(self, api_token: ApiToken):
        now = timezone.now()
        if api_token.expiry is not None and api_token.expiry <= now:
            api_token.delete()
            raise AuthenticationFailed(EXPIRED)
        if not api_token.user.is_active:
            raise AuthenticationFailed(INVALID)
        if not compare_digest(api_token.password_fingerprint, password_fingerprint(api_token.user)):
            # The password changed by a path that did not revoke (changepassword, a shell).
            api_token.delete()
            raise AuthenticationFailed(INVALID)
        last_used = api_token.last_used_at
        if last_used is None or now - last_used >= settings.API_TOKEN_LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
        return api_token.user, api_token
