"""Sign-in, sign-out, password change, password reset by email, your API tokens."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.accounts import otp_views, password_views, token_views, views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Two-factor sign-in: the second step, setting up the app, recovery codes, passkeys.
    path("two-factor/", otp_views.VerifyView.as_view(), name="otp-verify"),
    path("two-factor/setup/", otp_views.SetupView.as_view(), name="otp-setup"),
    path(
        "two-factor/recovery-codes/",
        otp_views.RecoveryCodesView.as_view(),
        name="otp-recovery-codes",
    ),
    path("security/", otp_views.SecurityView.as_view(), name="account-security"),
    path("security/app/remove/", otp_views.RemoveFactorView.as_view(), name="otp-remove-app"),
    path(
        "security/passkeys/<str:passkey_id>/remove/",
        otp_views.RemoveFactorView.as_view(),
        name="otp-remove-passkey",
    ),
    path("passkeys/", include("apps.accounts.otp_webauthn")),
    path(
        "password_change/",
        password_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password_reset/",
        password_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        password_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("tokens/", token_views.api_tokens, name="api-tokens"),
    path("tokens/<uuid:public_id>/revoke/", token_views.revoke_api_token, name="api-token-revoke"),
    path("tokens/revoke-all/", token_views.revoke_all_api_tokens, name="api-tokens-revoke-all"),
]
