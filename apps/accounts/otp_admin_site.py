"""The Django admin behind the same second factor as the rest of QuitPilot."""

from django.contrib.admin.sites import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from apps.accounts.otp_policy import enforcement_on, is_verified


class QuitPilotAdminSite(AdminSite):
    """The admin for verified sessions only; signing in happens on QuitPilot's own pages."""

    def has_permission(self, request) -> bool:
        """Staff, and (while enforcement is on) verified with a second factor in this session."""
        if not super().has_permission(request):
            return False
        return is_verified(request.user) or not enforcement_on()

    def login(self, request, extra_context=None):
        """Send the signed-out to QuitPilot's sign-in (password, then the second factor)."""
        if not request.user.is_authenticated:
            next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
            return redirect_to_login(next_url, login_url=reverse("login"))
        return super().login(request, extra_context)
