"""Keeps a signed-in user who still owes a second factor on the enrol, verify and sign-out pages."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from apps.accounts.otp_policy import Pending, enforcement_on, pending_step

OPEN_WHILE_VERIFYING = frozenset(
    {
        "logout",
        "otp-verify",
        "otp_webauthn:credential-authentication-begin",
        "otp_webauthn:credential-authentication-complete",
        "otp_webauthn:js-i18n-catalog",
    }
)
OPEN_WHILE_ENROLLING = frozenset({"logout", "otp-setup"})
MESSAGES = {
    Pending.VERIFY: "Finish signing in with your second factor before using QuitPilot.",
    Pending.ENROL: "Set up two-factor sign-in before using QuitPilot.",
}
TARGETS = {Pending.VERIFY: "otp-verify", Pending.ENROL: "otp-setup"}


def _view_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


def refusal(request: HttpRequest, pending: Pending) -> HttpResponse:
    """The API's JSON 403 or, for pages, a redirect to the step still owed."""
    if request.path_info.startswith("/api/"):
        error = {"field": None, "code": "second_factor_required", "message": MESSAGES[pending]}
        return JsonResponse({"errors": [error]}, status=403)
    target = reverse(TARGETS[pending])
    if request.method == "GET":
        target = f"{target}?{urlencode({'next': request.get_full_path()})}"
    return redirect(target)


class SecondFactorMiddleware:
    """After AuthenticationMiddleware and OTPMiddleware: no page or API answer until verified.

    Session-authenticated API calls are refused here too; token clients carry no session, and
    the token endpoint checks the code itself (otp_services.second_factor_error).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not enforcement_on()
            or not user.is_authenticated
            or request.path_info.startswith(settings.STATIC_URL)
        ):
            return self.get_response(request)
        pending = pending_step(user)
        if pending is Pending.NOTHING:
            return self.get_response(request)
        open_names = OPEN_WHILE_VERIFYING if pending is Pending.VERIFY else OPEN_WHILE_ENROLLING
        if _view_name(request) in open_names:
            return self.get_response(request)
        return refusal(request, pending)
