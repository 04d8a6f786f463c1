"""Passkeys (django-otp-webauthn) as a second factor: our relying party and registration rules."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import path
from django.utils import timezone
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.settings import app_settings

from apps.accounts.otp_policy import is_verified


def relying_party_id(request) -> str:
    """OTP_WEBAUTHN_RP_ID, else the request's host name (ALLOWED_HOSTS-checked), no port."""
    return settings.OTP_WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0]


class QuitPilotWebAuthnHelper(WebAuthnHelper):
    """Accepts passkey answers from the configured origins and the (allowed) host asked for."""

    def get_allowed_origins(self) -> list[str]:
        """OTP_WEBAUTHN_ALLOWED_ORIGINS plus the origin of this request's host."""
        url = urlsplit(self.request.build_absolute_uri("/"))
        return [*app_settings.OTP_WEBAUTHN_ALLOWED_ORIGINS, f"{url.scheme}://{url.netloc}"]

    def create_credential(self, user, response, parsed_credential, original_data):
        """The library's credential, labelled with the day it was added."""
        device = super().create_credential(user, response, parsed_credential, original_data)
        today = timezone.localdate()
        device.name = f"Passkey added {today.day} {today:%B %Y}"
        return device


class VerifiedSessionRequired(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "second_factor_first"
    default_detail = (
        "Set up the authenticator app and sign in with it first; then you can add passkeys."
    )


class RegistrationRules:
    """Passkeys are added only in a session already verified with a second factor.

    So a stolen password alone can never add a passkey, and every account with a passkey
    also has an authenticator app or recovery codes to fall back on.
    """

    def check_can_register(self):
        """Refuse unless this session has passed a second factor."""
        if not is_verified(self.request.user):
            raise VerifiedSessionRequired()


class BeginRegistration(RegistrationRules, webauthn_views.BeginCredentialRegistrationView):
    """Start adding a passkey."""


class CompleteRegistration(RegistrationRules, webauthn_views.CompleteCredentialRegistrationView):
    """Finish adding a passkey."""


app_name = "otp_webauthn"
urlpatterns = [
    path("registration/begin/", BeginRegistration.as_view(), name="credential-registration-begin"),
    path(
        "registration/complete/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        webauthn_views.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        webauthn_views.CompleteCredentialAuthenticationView.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
