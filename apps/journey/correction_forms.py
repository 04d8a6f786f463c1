"""The consent correction form: the consent form's fields as recorded, and why they change."""

from django.utils import timezone

from apps.corrections.forms import CorrectionReasonMixin
from apps.journey.corrections import consent_correction_errors
from apps.patients.forms import ConsentForm


class ConsentCorrectionForm(CorrectionReasonMixin, ConsentForm):
    """Correct the date consent was given or the form version, with a reason."""

    def __init__(self, *args, participant, pilot, **kwargs):
        super().__init__(*args, pilot=pilot, **kwargs)
        self.participant = participant
        self.fields["consented_on"].required = False
        self.fields["consented_on"].initial = participant.consented_on
        self.fields["consent_form_version"].initial = participant.consent_form_version
        self.add_reason_fields()

    def clean(self):
        cleaned = super().clean()
        self.clean_reason_fields(cleaned)
        # The service's date and version rules too, so every error shows in the first round.
        for error in consent_correction_errors(
            self.participant,
            cleaned.get("consented_on"),
            cleaned.get("consent_form_version") or "",
            timezone.localdate(),
        ):
            if error.field not in self.errors:
                self.add_error(error.field, error.message)
        return cleaned
