"""API input/output for signing in with a token and managing your tokens."""

from rest_framework import serializers

from apps.accounts.models import ApiToken
from apps.accounts.tokens import CLIENT_NAME_MAX_LENGTH, DEFAULT_CLIENT_NAME


class TokenRequestSerializer(serializers.Serializer):
    """Email and password of a staff account, and a name for the client asking."""

    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    client_name = serializers.CharField(
        max_length=CLIENT_NAME_MAX_LENGTH,
        required=False,
        help_text=(
            "What this token is for, e.g. 'Clinic tablet 3' or 'CMS import'. Each client gets "
            "its own token; asking again with the same name replaces that client's token. "
            f"Default: '{DEFAULT_CLIENT_NAME}'."
        ),
    )
    otp = serializers.CharField(
        max_length=32,
        required=False,
        help_text=(
            "The six-digit code from your authenticator app, or a recovery code. Required for "
            "accounts with a second factor (trial managers, data managers, site leads, admins)."
        ),
    )


class TokenSerializer(serializers.Serializer):
    """A token to send as `Authorization: Token <token>` until it expires; shown only once."""

    token = serializers.CharField(read_only=True)
    public_id = serializers.UUIDField(read_only=True)
    client_name = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)


class TokenInfoSerializer(serializers.ModelSerializer):
    """One of your tokens, without its secret (which is not stored)."""

    created_at = serializers.DateTimeField(source="created", read_only=True)
    expires_at = serializers.DateTimeField(source="expiry", read_only=True)
    current = serializers.SerializerMethodField(
        help_text="Whether this request was sent with this token."
    )

    class Meta:
        model = ApiToken
        fields = ["public_id", "client_name", "created_at", "last_used_at", "expires_at", "current"]
        read_only_fields = fields

    def get_current(self, token: ApiToken) -> bool:
        """Whether the request being answered carries this token."""
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk
