"""Token sign-in for devices and scripts: obtain a token with email and password, revoke it."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.serializers import TokenRequestSerializer, TokenSerializer
from apps.core.api_throttles import AuthThrottle
from apps.core.authentication import issue_token, revoke_token, token_expires_at


class AccountLocked(Throttled):
    default_code = "account_locked"
    default_detail = "Too many failed sign-ins: this account is locked for a while."


class TokenView(APIView):
    """POST: exchange email and password for a token. DELETE: revoke your token."""

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
        summary="Obtain a token",
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
                {"non_field_errors": ["Email or password is not correct."]},
                code="invalid_credentials",
            )
        token = issue_token(user=user)
        return Response(
            TokenSerializer({"token": token.key, "expires_at": token_expires_at(token)}).data
        )

    @extend_schema(request=None, responses={204: None}, summary="Revoke your token")
    def delete(self, request):
        revoke_token(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
