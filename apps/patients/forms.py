"""Forms for screening, consent, baseline and exit; the services hold the rules."""

from django import forms
from django.utils import timezone

from apps.accounts.selectors import works_at
from apps.core.forms import DomainErrorFormMixin
from apps.core.roles import Role
from apps.patients.baseline_rules import baseline_errors
from apps.patients.contact import contact_address_error
from apps.patients.measure_fields import (
    DateInput,
    add_questionnaire_fields,
    clean_questionnaire,
    co_field,
)
from apps.patients.models import (
    ELIGIBILITY_CRITERIA,
    Channel,
    DeclineReason,
    ExclusionReason,
    ExitReason,
    Sex,
)
from apps.patients.services import screening_decision

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": f"Answer yes or no: {label.lower()}."},
    )


def yes_no_field(label: str) -> forms.TypedChoiceField:
    """A required yes/no question as radios, cleaned to True or False."""
    return _yes_no(label)


def _not_in_future(value, label: str):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{label} cannot be in the future.")
    return value


class ScreeningForm(DomainErrorFormMixin, forms.Form):
    """One person screened: every eligibility criterion answered yes or no."""

    site = forms.ModelChoiceField(queryset=None, empty_label=None)
    screened_on = forms.DateField(label="Date screened", widget=DateInput())
    declined = _yes_no("Did the person decline to take part?")
    exclusion_reason = forms.ChoiceField(
        label="Main reason not eligible, or a site-specific exclusion",
        choices=[("", "Use the first criterion not met")] + list(ExclusionReason.choices),
        required=False,
    )
    decline_reason = forms.ChoiceField(
        label="Reason for declining",
        choices=[("", "Choose a reason")] + list(DeclineReason.choices),
        required=False,
    )
    reason_detail = forms.CharField(
        label="Details (say which site exclusion applies; no names or contact details)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    assigned_pwp = forms.ModelChoiceField(
        label="PWP looking after them", queryset=None, required=False, empty_label="Me"
    )

    def __init__(self, *args, user, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        if sites.count() == 1:
            self.fields["site"].initial = sites.first()
            self.fields["site"].widget = forms.HiddenInput()
        self.fields["screened_on"].initial = timezone.localdate()
        for name, label in ELIGIBILITY_CRITERIA:
            self.fields[name] = _yes_no(label)
        self.fields["declined"].initial = "no"
        from apps.accounts.models import User

        self.fields["assigned_pwp"].queryset = (
            User.objects.filter(role=Role.PWP, is_active=True, sites__in=sites)
            .exclude(pk=user.pk)
            .distinct()
        )
        self.order_fields(
            ["site", "screened_on", *[name for name, _ in ELIGIBILITY_CRITERIA], "declined"]
        )

    def criteria_fields(self):
        """The bound eligibility criterion fields, in protocol order."""
        return [self[name] for name, _ in ELIGIBILITY_CRITERIA]

    def clean_screened_on(self):
        return _not_in_future(self.cleaned_data.get("screened_on"), "Date screened")

    def clean(self):
        cleaned = super().clean()
        decision = screening_decision(
            {name: cleaned.get(name) for name, _ in ELIGIBILITY_CRITERIA},
            declined=bool(cleaned.get("declined")),
            exclusion_reason=cleaned.get("exclusion_reason") or "",
            decline_reason=cleaned.get("decline_reason") or "",
            reason_detail=cleaned.get("reason_detail") or "",
        )
        for field, message in decision.problems.items():
            self.add_error(field, message)
        pwp, site = cleaned.get("assigned_pwp"), cleaned.get("site")
        if pwp and site and not works_at(pwp, site):
            self.add_error("assigned_pwp", f"{pwp} does not work at {site.name}.")
        return cleaned

    @property
    def criteria(self) -> dict[str, bool]:
        """The answers keyed by criterion name."""
        return {name: self.cleaned_data[name] for name, _ in ELIGIBILITY_CRITERIA}


INTERVIEW_CONTACT_CHOICES = [("yes", "Yes"), ("no", "No"), ("", "Not asked")]


class ConsentForm(DomainErrorFormMixin, forms.Form):
    """Informed consent: the date and the version of the consent form used."""

    consented_on = forms.DateField(label="Date consent given", widget=DateInput())
    consent_form_version = forms.ChoiceField(label="Consent form version")
    interview_contact = forms.TypedChoiceField(
        label="May a researcher contact them about an interview? (optional)",
        choices=INTERVIEW_CONTACT_CHOICES,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        initial="",
        help_text="The nested interview study: an optional part of the consent.",
    )

    def __init__(self, *args, pilot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consented_on"].initial = timezone.localdate()
        self.fields["consent_form_version"].choices = [(v, v) for v in pilot.consent_form_versions]
        self.fields["consent_form_version"].initial = pilot.current_consent_form_version

    def clean_consented_on(self):
        return _not_in_future(self.cleaned_data.get("consented_on"), "Date consent given")


class BaselineForm(DomainErrorFormMixin, forms.Form):
    """Contact details, smoking baseline and the baseline PHQ-9, GAD-7 and CO reading."""

    field_aliases = {"phq9_items": "phq9_1", "gad7_items": "gad7_1", "taken_at": "co_ppm"}

    recorded_on = forms.DateField(label="Date of baseline", widget=DateInput())
    email = forms.EmailField(label="Email address", required=False)
    mobile = forms.RegexField(
        label="Mobile number",
        regex=r"^\+?[0-9 ]{10,16}$",
        required=False,
        error_messages={"invalid": "Enter a mobile number of 10 to 15 digits, e.g. 07700 900123."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    preferred_channel = forms.ChoiceField(
        label="Preferred way to receive follow-up invitations",
        choices=Channel.choices,
        widget=forms.RadioSelect,
        initial=Channel.EMAIL,
    )
    consent_to_contact = forms.BooleanField(
        label="Agrees to be contacted for follow-ups", required=False, initial=True
    )
    cigarettes_per_day = forms.IntegerField(
        label="Cigarettes per day",
        min_value=1,
        max_value=100,
        error_messages={
            "min_value": "Cigarettes per day must be from 1 to 100.",
            "max_value": "Cigarettes per day must be from 1 to 100.",
        },
    )
    minutes_to_first_cigarette = forms.IntegerField(
        label="Minutes from waking to first cigarette",
        min_value=0,
        max_value=1440,
        error_messages={
            "min_value": "Minutes to first cigarette must be from 0 to 1440.",
            "max_value": "Minutes to first cigarette must be from 0 to 1440.",
        },
    )
    year_of_birth = forms.IntegerField(label="Year of birth", min_value=1900)
    sex = forms.ChoiceField(label="Sex", choices=[("", "Choose")] + list(Sex.choices))

    def __init__(self, *args, with_measures: bool = True, consented_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.consented_on = consented_on
        self.fields["recorded_on"].initial = timezone.localdate()
        self.with_measures = with_measures
        if with_measures:
            add_questionnaire_fields(self, "phq9", required=True)
            add_questionnaire_fields(self, "gad7", required=True)
            self.fields["co_ppm"] = co_field(required=False)

    def clean_recorded_on(self):
        return _not_in_future(self.cleaned_data.get("recorded_on"), "Date of baseline")

    def clean(self):
        cleaned = super().clean()
        error = contact_address_error(
            preferred_channel=cleaned.get("preferred_channel"),
            email=cleaned.get("email"),
            mobile=cleaned.get("mobile"),
        )
        if error is not None and error.field not in self.errors:
            self.add_error(error.field, error.message)
        for rule in baseline_errors(
            recorded_on=cleaned.get("recorded_on"),
            year_of_birth=cleaned.get("year_of_birth"),
            consented_on=self.consented_on,
        ):
            if rule.field not in self.errors:
                self.add_error(rule.field, rule.message)
        if self.with_measures:
            cleaned["phq9_items"] = clean_questionnaire(self, "phq9")
            cleaned["gad7_items"] = clean_questionnaire(self, "gad7")
        return cleaned


class ExitForm(DomainErrorFormMixin, forms.Form):
    """Withdrawal or loss to follow-up: the date and the reason."""

    field_aliases = {"on": "exit_on", "status": None}

    exit_on = forms.DateField(label="Date", widget=DateInput())
    reason = forms.ChoiceField(
        label="Reason", choices=[("", "Choose a reason")] + list(ExitReason.choices)
    )
    detail = forms.CharField(
        label="Details (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exit_on"].initial = timezone.localdate()

    def clean_exit_on(self):
        return _not_in_future(self.cleaned_data.get("exit_on"), "Date")


class AlertAcknowledgeForm(DomainErrorFormMixin, forms.Form):
    """A clinician's note of the action taken on a safety alert."""

    action_taken = forms.CharField(
        label="Action taken",
        min_length=5,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: phoned the participant, completed a risk assessment, "
        "agreed a safety plan.",
        error_messages={
            "required": "Describe the action taken.",
            "min_length": "Describe the action taken (at least 5 characters).",
        },
    )
