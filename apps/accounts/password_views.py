"""Password change and reset views using the staff password forms; resets are rate limited."""

import logging

from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect

from apps.accounts.password_forms import (
    QueuedPasswordResetForm,
    StaffPasswordChangeForm,
    StaffSetPasswordForm,
)
from apps.accounts.reset_limits import reset_allowed
from apps.core.client_ip import client_ip_address

logger = logging.getLogger(__name__)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change your password; your API tokens are revoked with the old one."""

    form_class = StaffPasswordChangeForm


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link. Every request answers with the same page, whether the address has
    an account, has asked too often, or neither; only the first few in the window send mail."""

    form_class = QueuedPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        allowed = reset_allowed(
            email=form.cleaned_data["email"], client_ip=client_ip_address(self.request)
        )
        if not allowed:
            logger.warning("password reset refused: too many requests")
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from a reset link; the API tokens are revoked."""

    form_class = StaffSetPasswordForm
