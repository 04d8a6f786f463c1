"""Sign-in that starts the session clock and says why someone was signed out."""

import time

from django.contrib.auth import views as auth_views

from apps.accounts.forms import EmailAuthenticationForm
from apps.accounts.middleware import LAST_SEEN_KEY, SESSION_STARTED_KEY, SIGNED_OUT_REASON_KEY
from apps.accounts.otp_views import second_step_redirect


class SignInView(auth_views.LoginView):
    """Email and password sign-in; django-axes counts failures and locks out."""

    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["signed_out_reason"] = self.request.session.pop(SIGNED_OUT_REASON_KEY, "")
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        now = time.time()
        self.request.session[SESSION_STARTED_KEY] = now
        self.request.session[LAST_SEEN_KEY] = now
        return second_step_redirect(self.request, response)
