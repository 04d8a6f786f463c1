"""Token sign-in for devices and scripts: obtain a token per client, list and revoke them."""

from django.contrib.auth import authenticate
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import api_schema  # noqa: F401  (registers the token scheme's description)
from apps.accounts.models import ApiToken
from apps.accounts.otp_services import second_factor_error
from apps.accounts.serializers import TokenInfoSerializer, TokenRequestSerializer, TokenSerializer
from apps.accounts.tokens import (
    issue_token,
    revoke_all_tokens,
    revoke_token,
    revoke_user_token,
    tokens_of,
)
from apps.core.api_throttles import AuthThrottle

# One answer for every refused sign-in (unknown email, wrong password, inactive or demo account),
# so the API does not tell anyone which accounts exist.
INVALID_CREDENTIALS = "Email or password is not correct."


class AccountLocked(Throttled):
    default_code = "account_locked"
    default_detail = "Too many failed sign-ins: this account is locked for a while."


class TokenView(APIView):
    """POST: exchange email and password for a token. DELETE: revoke the token you sent."""

    throttle_classes = [AuthThrottle]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_authenticators(self):
        # Signing in must not require (or trip over) credentials the client already holds.
        if getattr(self.request, "method", None) == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        auth=[],
        summary="Obtain a token for one client",
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        django_request = request._request
        user = authenticate(
            django_request,
            username=data.validated_data["email"].lower(),
            password=data.validated_data["password"],
        )
        if getattr(django_request, "axes_locked_out", False):
            # Answer the lockout here, in the API's error shape, instead of axes' page.
            django_request.axes_locked_out = False
            raise AccountLocked(wait=None)
        if user is None or not user.is_active:
            raise ValidationError(
                {"non_field_errors": [INVALID_CREDENTIALS]}, code="invalid_credentials"
            )
        otp_error = second_factor_error(user, data.validated_data.get("otp"))
        if otp_error:
            raise ValidationError({"otp": [otp_error]}, code="second_factor")
        issued = issue_token(user=user, client_name=data.validated_data.get("client_name", ""))
        body = {
            "token": issued.key,
            "public_id": issued.token.public_id,
            "client_name": issued.token.client_name,
            "expires_at": issued.expires_at,
        }
        return Response(TokenSerializer(body).data)

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Revoke the token this request is sent with",
    )
    def delete(self, request):
        if not isinstance(request.auth, ApiToken):
            raise ValidationError(
                {"non_field_errors": ["Send the token to revoke in the Authorization header."]},
                code="no_token",
            )
        revoke_token(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenList(generics.ListAPIView):
    """GET: your tokens that still work (never their secrets). DELETE: revoke them all."""

    serializer_class = TokenInfoSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return tokens_of(self.request.user)

    @extend_schema(summary="List your tokens", operation_id="auth_tokens_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Revoke all your tokens",
        operation_id="auth_tokens_revoke_all",
    )
    def delete(self, request):
        revoke_all_tokens(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenDetail(APIView):
    """DELETE: revoke one of your tokens (another person's answers 404)."""

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Revoke one of your tokens",
        operation_id="auth_tokens_revoke",
    )
    def delete(self, request, public_id):
        if not revoke_user_token(user=request.user, public_id=public_id):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)
