"""Sign-in form: email addresses are matched case-insensitively, as they are stored."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form with the email normalised before it is checked or counted."""

    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Your email and password did not match. Please try again.",
    }

    def clean_username(self) -> str:
        """Lower-case the email so lockout counts one person once, whatever they typed."""
        return self.cleaned_data["username"].strip().lower()
