"""API input/output for signing in with a token."""

from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    """Email and password of a staff account."""

    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenSerializer(serializers.Serializer):
    """A token to send as `Authorization: Token <token>` until it expires."""

    token = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
