"""Forms for the second sign-in step, setting up the app, and account security changes."""

from django import forms

from apps.accounts import otp_services

APP_CODE_ATTRS = {
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "pattern": "[0-9 ]*",
    "maxlength": "7",
    "spellcheck": "false",
}
RECOVERY_CODE_ATTRS = {
    "autocomplete": "off",
    "autocapitalize": "none",
    "spellcheck": "false",
    "maxlength": "9",
}


def app_code_field(label: str = "Code from your authenticator app") -> forms.CharField:
    """A 6-digit code field the phone keyboard and password managers understand."""
    return forms.CharField(
        label=label,
        max_length=7,
        required=False,
        help_text="6 digits, shown in your authenticator app.",
        widget=forms.TextInput(attrs=APP_CODE_ATTRS),
    )


class AppCodeForm(forms.Form):
    """A code from the user's authenticator app, checked (and throttled) against their devices."""

    code = app_code_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self) -> str:
        """Refuse a wrong, missing or too-soon code with a message saying which."""
        code = self.cleaned_data.get("code", "")
        if not otp_services.normalise_code(code):
            raise forms.ValidationError(otp_services.MISSING, code="required")
        result = otp_services.check_code(user=self.user, code=code, recovery=False)
        if result.error:
            raise forms.ValidationError(result.error, code="invalid_code")
        self.device = result.device
        return code


class RecoveryCodeForm(forms.Form):
    """One of the user's single-use recovery codes."""

    recovery_code = forms.CharField(
        label="Recovery code",
        max_length=9,
        required=False,
        help_text="8 letters and digits, from the list you saved when you set up sign-in.",
        widget=forms.TextInput(attrs=RECOVERY_CODE_ATTRS),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_recovery_code(self) -> str:
        """Accept an unused recovery code once; anything else is refused and counted."""
        code = otp_services.normalise_code(self.cleaned_data.get("recovery_code", ""))
        if not code:
            raise forms.ValidationError(otp_services.MISSING_RECOVERY, code="required")
        if not otp_services.RECOVERY_CODE.match(code):
            raise forms.ValidationError(otp_services.WRONG_RECOVERY, code="invalid_code")
        result = otp_services.check_code(user=self.user, code=code)
        if result.error:
            raise forms.ValidationError(result.error, code="invalid_code")
        self.device = result.device
        return code


class FreshCodeForm(AppCodeForm):
    """A current app code or a recovery code, to confirm a change to the account's security."""

    code = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        max_length=9,
        required=False,
        widget=forms.TextInput(attrs={**RECOVERY_CODE_ATTRS, "autocomplete": "one-time-code"}),
    )

    def clean_code(self) -> str:
        """Accept either kind of code (a recovery code is used up)."""
        code = self.cleaned_data.get("code", "")
        result = otp_services.check_code(user=self.user, code=code)
        if result.error:
            raise forms.ValidationError(result.error, code="invalid_code")
        self.device = result.device
        return code


class SetupCodeForm(forms.Form):
    """The first code from a newly added authenticator app, proving it was set up right."""

    code = app_code_field("Code shown in your authenticator app")

    def __init__(self, *args, key_hex: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_hex = key_hex
        self.time_step: int | None = None

    def clean_code(self) -> str:
        """The code must be the app's current one for the secret shown on this page."""
        code = self.cleaned_data.get("code", "")
        if not otp_services.normalise_code(code):
            raise forms.ValidationError(otp_services.MISSING, code="required")
        self.time_step = otp_services.code_matches_key(key_hex=self.key_hex, code=code)
        if self.time_step is None:
            raise forms.ValidationError(
                "That code does not match. Check you added the key shown on this page, that "
                "your phone's clock is right, and enter the newest code.",
                code="invalid_code",
            )
        return code
