"""The second sign-in step, setting up the authenticator app, recovery codes, account security."""

import qrcode
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views import View
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.templatetags.otp_webauthn import get_configuration
from qrcode.image.svg import SvgPathFillImage

from apps.accounts import otp_services
from apps.accounts.otp_forms import AppCodeForm, FreshCodeForm, RecoveryCodeForm, SetupCodeForm
from apps.accounts.otp_policy import Pending, is_verified, pending_step, second_factor_required

SETUP_KEY_SESSION = "quitpilot_otp_setup_key"
NEW_CODES_SESSION = "quitpilot_otp_new_codes"
NEXT_SESSION = "quitpilot_otp_next"


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """The `next` URL when it stays on this site, else where sign-in normally lands."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def second_step_redirect(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """After the password step: on to the second factor (or to set one up) when one is owed."""
    pending = pending_step(request.user)
    if pending is Pending.NOTHING:
        return response
    target = "otp-verify" if pending is Pending.VERIFY else "otp-setup"
    return redirect(f"{reverse(target)}?{urlencode({'next': response.url})}")


def _mark_verified(request: HttpRequest, device) -> None:
    otp_login(request, device)
    # A new session key for the new privilege, as at the password step.
    request.session.cycle_key()


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=SvgPathFillImage, box_size=14)
    # The SVG is built by qrcode from path data only: no user text reaches the markup.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


class VerifyView(LoginRequiredMixin, View):
    """The second sign-in step: an app code, a recovery code or a passkey."""

    template_name = "registration/otp_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and pending_step(request.user) is not Pending.VERIFY:
            return redirect(safe_next(request, request.GET.get("next")))
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, app_form, recovery_form, status=200) -> HttpResponse:
        user = request.user
        context = {
            "app_form": app_form,
            "recovery_form": recovery_form,
            "form": app_form if app_form.errors else recovery_form,
            "has_app": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "has_passkey": WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "webauthn_config": get_configuration(request),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        user = request.user
        return self._render(request, AppCodeForm(user=user), RecoveryCodeForm(user=user))

    def post(self, request):
        user = request.user
        if "recovery_code" in request.POST:
            form = RecoveryCodeForm(request.POST, user=user)
            app_form, recovery_form = AppCodeForm(user=user), form
        else:
            form = AppCodeForm(request.POST, user=user)
            app_form, recovery_form = form, RecoveryCodeForm(user=user)
        if not form.is_valid():
            return self._render(request, app_form, recovery_form)
        _mark_verified(request, form.device)
        if isinstance(form, RecoveryCodeForm):
            left = otp_services.recovery_codes_left(user)
            messages.warning(
                request,
                f"You used a recovery code; {left} left. Make new ones on Account security.",
            )
        return redirect(safe_next(request, request.POST.get("next")))


class SetupView(LoginRequiredMixin, View):
    """Add an authenticator app: scan the QR code (or type the key), then confirm with a code."""

    template_name = "registration/otp_setup.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if pending_step(user) is Pending.VERIFY:
                return redirect(f"{reverse('otp-verify')}?{urlencode({'next': request.path})}")
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                messages.info(request, "You already have an authenticator app set up.")
                return redirect("account-security")
        return super().dispatch(request, *args, **kwargs)

    def _key(self, request) -> str:
        key = request.session.get(SETUP_KEY_SESSION)
        if not key:
            key = request.session[SETUP_KEY_SESSION] = otp_services.new_totp_key()
        return key

    def _render(self, request, form, key) -> HttpResponse:
        device = otp_services.unsaved_totp_device(user=request.user, key_hex=key)
        context = {
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret": otp_services.secret_for_typing(key),
            "required": second_factor_required(request.user),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        }
        return render(request, self.template_name, context)

    def get(self, request):
        key = self._key(request)
        return self._render(request, SetupCodeForm(key_hex=key), key)

    def post(self, request):
        key = self._key(request)
        form = SetupCodeForm(request.POST, key_hex=key)
        if not form.is_valid():
            return self._render(request, form, key)
        user = request.user
        device = otp_services.add_totp_device(user=user, key_hex=key, time_step=form.time_step)
        del request.session[SETUP_KEY_SESSION]
        _mark_verified(request, device)
        next_url = safe_next(request, request.POST.get("next"))
        if otp_services.recovery_codes_left(user):
            messages.success(request, "Your authenticator app is set up.")
            return redirect(next_url)
        request.session[NEW_CODES_SESSION] = otp_services.replace_recovery_codes(user=user)
        request.session[NEXT_SESSION] = next_url
        return redirect("otp-recovery-codes")


class RecoveryCodesView(LoginRequiredMixin, View):
    """New recovery codes, shown once."""

    def get(self, request):
        codes = request.session.pop(NEW_CODES_SESSION, None)
        next_url = request.session.pop(NEXT_SESSION, None) or reverse("account-security")
        if not codes:
            return redirect(next_url)
        return render(
            request,
            "registration/otp_recovery_codes.html",
            {"codes": [f"{c[:4]}-{c[4:]}" for c in codes], "next": next_url},
        )


class VerifiedSessionMixin(LoginRequiredMixin):
    """Security changes only in a session that has used its second factor (when it has one)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and pending_step(request.user) is Pending.VERIFY:
            return redirect(f"{reverse('otp-verify')}?{urlencode({'next': request.path})}")
        return super().dispatch(request, *args, **kwargs)


class SecurityView(VerifiedSessionMixin, View):
    """Account security: which factors exist; add or remove them; new recovery codes."""

    template_name = "accounts/security.html"

    def _render(self, request, form=None) -> HttpResponse:
        user = request.user
        context = {
            "app": TOTPDevice.objects.filter(user=user, confirmed=True).first(),
            "passkeys": WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by(
                "created_at"
            ),
            "codes_left": otp_services.recovery_codes_left(user),
            "verified": is_verified(user),
            "required": second_factor_required(user),
            "form": form or FreshCodeForm(user=user),
            "webauthn_config": get_configuration(request),
        }
        return render(request, self.template_name, context)

    def get(self, request):
        return self._render(request)

    def post(self, request):
        """New recovery codes, after a fresh app or recovery code."""
        form = FreshCodeForm(request.POST, user=request.user)
        if not form.is_valid():
            return self._render(request, form)
        request.session[NEW_CODES_SESSION] = otp_services.replace_recovery_codes(user=request.user)
        request.session[NEXT_SESSION] = reverse("account-security")
        return redirect("otp-recovery-codes")


class RemoveFactorView(VerifiedSessionMixin, View):
    """Remove the authenticator app or one passkey (never the last for a required role)."""

    def _device(self, request, passkey_id: str | None):
        user = request.user
        if passkey_id is None:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        else:
            device = WebAuthnCredential.objects.filter(
                user=user, credential_id_sha256=passkey_id
            ).first()
        if device is None:
            raise Http404("No such factor on your account.")
        return device

    def post(self, request, passkey_id: str | None = None):
        device = self._device(request, passkey_id)
        was_session_device = device.persistent_id == request.session.get(DEVICE_ID_SESSION_KEY)
        error = otp_services.remove_factor(user=request.user, device=device)
        if error:
            messages.error(request, error)
            return redirect("account-security")
        remaining = otp_services.primary_factors(request.user)
        if was_session_device and remaining:
            # The session proved a factor; keep it verified by one the user still has.
            otp_login(request, remaining[0])
        elif was_session_device:
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
        messages.success(request, f"Removed: {device.name or 'passkey'}.")
        return redirect("account-security")
