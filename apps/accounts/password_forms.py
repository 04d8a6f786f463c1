"""Password forms: every one that sets a password revokes the API tokens; resets go by Celery."""

from django.contrib.auth import forms as auth_forms
from django.db import transaction

from apps.accounts.services import save_new_password
from apps.accounts.tasks import send_password_reset


class RevokesTokensOnSave:
    """Save through save_new_password, which revokes the user's API tokens with the password."""

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        if commit:
            save_new_password(user=user)
        return user


class StaffPasswordChangeForm(RevokesTokensOnSave, auth_forms.PasswordChangeForm):
    """Change your own password (old one required)."""


class StaffSetPasswordForm(RevokesTokensOnSave, auth_forms.SetPasswordForm):
    """Set a new password from a reset link."""


class StaffAdminPasswordChangeForm(RevokesTokensOnSave, auth_forms.AdminPasswordChangeForm):
    """An administrator sets (or disables) someone's password."""


class QueuedPasswordResetForm(auth_forms.PasswordResetForm):
    """Queue the reset email for each matching account instead of sending it inline.

    The page then answers in the same time whether or not the address has an account, and the
    task gets only the user's id: no address or link sits in the broker.
    """

    def save(self, **kwargs) -> None:
        """Queue one email per active account with this address (none for an unknown one)."""
        for user in self.get_users(self.cleaned_data["email"]):
            # Imported, not named (apps.core.queue): a web process has not autodiscovered the
            # tasks modules, so a name lookup there fails. robust: a broker outage loses this
            # email (the person asks again), never the page.
            transaction.on_commit(lambda pk=user.pk: send_password_reset.delay(pk), robust=True)
