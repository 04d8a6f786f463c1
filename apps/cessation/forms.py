"""The session form: one page for a whole contact, and the edit form for corrections."""

import uuid

from django import forms
from django.utils import timezone

from apps.cessation.services import SessionInput
from apps.clinical.protocol import (
    BCT,
    MAX_SESSIONS,
    Attendance,
    Product,
    ProductAction,
    SessionMode,
    SessionType,
    expected_bcts,
    session_date_errors,
    suggested_session_type,
)
from apps.conduct.rules import DESCRIPTION_MAX_LENGTH, contamination_errors
from apps.corrections.forms import CorrectionReasonMixin
from apps.patients.forms import DomainErrorFormMixin
from apps.patients.measure_fields import (
    DIFFICULTY,
    DateInput,
    add_questionnaire_fields,
    clean_questionnaire,
    co_field,
    item_field_names,
)

DURATION_MESSAGE = "An attended session lasts 1 to 240 minutes."
NUMBER_MESSAGE = f"Session number must be 1 to {MAX_SESSIONS}."
MEASURE_FIELDS = ("co_ppm", *item_field_names("phq9"), DIFFICULTY, *item_field_names("gad7"))


def _pharmacotherapy_name(product: str) -> str:
    return f"pharmacotherapy_{product}"


class SessionFieldsMixin(DomainErrorFormMixin):
    """Fields and rules shared by logging and editing a session."""

    field_aliases = {
        "completed_on": "session_date",
        "quit_date": "quit_date_set",
        "taken_at": "co_ppm",
        "phq9_items": "phq9_1",
        "gad7_items": "gad7_1",
        "participant": None,
        "pharmacotherapy": None,
    }

    def _base_fields(self) -> None:
        self.fields["session_date"] = forms.DateField(label="Date of session", widget=DateInput())
        self.fields["attendance"] = forms.ChoiceField(
            label="Attendance", choices=Attendance.choices, widget=forms.RadioSelect
        )
        self.fields["number"] = forms.IntegerField(
            label="Session number",
            min_value=1,
            max_value=MAX_SESSIONS,
            required=False,
            error_messages={"min_value": NUMBER_MESSAGE, "max_value": NUMBER_MESSAGE},
        )
        self.fields["session_type"] = forms.ChoiceField(
            label="Session type", choices=SessionType.choices, required=False
        )
        self.fields["mode"] = forms.ChoiceField(
            label="How it was delivered",
            choices=SessionMode.choices,
            widget=forms.RadioSelect,
            required=False,
        )
        self.fields["duration_minutes"] = forms.IntegerField(
            label="Duration (minutes)",
            required=False,
            error_messages={"invalid": DURATION_MESSAGE},
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )
        self.fields["bcts_delivered"] = forms.MultipleChoiceField(
            label="Behaviour change techniques delivered",
            choices=BCT.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.fields["notes"] = forms.CharField(
            label="Notes (optional)",
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def expected_bct_values(self) -> frozenset[str]:
        """The BCTs the protocol expects for the session type shown (bound, else initial)."""
        chosen = self.data.get("session_type") if self.is_bound else None
        session_type = chosen or self.fields["session_type"].initial
        return frozenset(expected_bcts(session_type, self.expected_overrides))

    def _clean_core(self, cleaned: dict, *, suggested_number: int) -> None:
        # The date rules (future, before screening) with every other error, in one round.
        attending = cleaned.get("attendance") == Attendance.ATTENDED
        for field, message in session_date_errors(
            session_date=cleaned.get("session_date"),
            quit_date=cleaned.get("quit_date_set") if attending else None,
            screened_on=self.screened_on,
            today=timezone.localdate(),
        ):
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        attended = cleaned.get("attendance") == Attendance.ATTENDED
        if cleaned.get("number") is None and "number" not in self.errors:
            if attended:
                self.add_error("number", "Enter the session number.")
            else:
                cleaned["number"] = suggested_number
        if not cleaned.get("session_type"):
            cleaned["session_type"] = suggested_session_type(cleaned.get("number") or 1)
        if not attended:
            return
        if not cleaned.get("mode"):
            self.add_error("mode", "Choose how the session was delivered.")
        duration = cleaned.get("duration_minutes")
        if "duration_minutes" not in self.errors and (duration is None or not 1 <= duration <= 240):
            self.add_error("duration_minutes", DURATION_MESSAGE)


class SessionForm(SessionFieldsMixin, forms.Form):
    """Log one session: attendance, delivery, BCTs, medication and the measures taken."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        suggested_number: int,
        expected_overrides: dict,
        screened_on=None,
        control_arm_trial_id: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.screened_on = screened_on
        # Set for a control-arm participant: the session can only be a contamination deviation.
        self.control_arm_trial_id = control_arm_trial_id
        self.suggested_number = suggested_number
        self._base_fields()
        suggested_type = suggested_session_type(suggested_number)
        today = timezone.localdate()
        self.fields["submission_key"].initial = uuid.uuid4()
        self.fields["session_date"].initial = today
        self.fields["attendance"].initial = Attendance.ATTENDED
        self.fields["number"].initial = suggested_number
        self.fields["session_type"].initial = suggested_type
        # (2nd ed.) Never ticked in advance: a fidelity made of defaults measures nothing. The
        # page marks which techniques the session type expects instead.
        self.expected_overrides = expected_overrides
        self.fields["quit_date_set"] = forms.DateField(
            label="Quit date",
            required=False,
            widget=DateInput(),
            help_text="The day the participant stops smoking completely (day 0).",
        )
        if suggested_type == SessionType.QUIT_DAY:
            self.fields["quit_date_set"].initial = today
        for product, label in Product.choices:
            self.fields[_pharmacotherapy_name(product)] = forms.ChoiceField(
                label=label,
                choices=[("", "Not discussed")] + list(ProductAction.choices),
                required=False,
            )
        self.fields["co_ppm"] = co_field()
        add_questionnaire_fields(self, "phq9", required=False)
        add_questionnaire_fields(self, "gad7", required=False)
        if control_arm_trial_id:
            self._contamination_fields()

    def _contamination_fields(self) -> None:
        self.fields["contamination_reason"] = forms.CharField(
            label="Why is a control-arm participant receiving a cessation session?",
            required=False,
            max_length=DESCRIPTION_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self.fields["contamination_action"] = forms.CharField(
            label="Corrective action taken",
            required=False,
            max_length=DESCRIPTION_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="For example: the PWP told, the allocation re-checked, the sponsor informed.",
        )

    def pharmacotherapy_fields(self):
        """The bound product fields, in list order."""
        return [self[_pharmacotherapy_name(product)] for product in Product.values]

    def clean(self):
        cleaned = super().clean()
        self._clean_core(cleaned, suggested_number=self.suggested_number)
        if self.control_arm_trial_id:
            self._clean_contamination(cleaned)
        attended = cleaned.get("attendance") == Attendance.ATTENDED
        if not attended:
            entered = [name for name in MEASURE_FIELDS if cleaned.get(name) not in (None, "")]
            if entered:
                self.add_error(
                    None,
                    "A session the participant did not attend records no measures: clear "
                    "them or choose Attended.",
                )
            # A session that did not happen sets no quit date (it may be pre-filled for a quit
            # day) and delivers no BCTs.
            cleaned.update(
                phq9_items=None,
                phq9_difficulty=None,
                gad7_items=None,
                quit_date_set=None,
                bcts_delivered=[],
            )
            return cleaned
        if (
            cleaned.get("session_type") == SessionType.QUIT_DAY
            and not cleaned.get("quit_date_set")
            and "quit_date_set" not in self.errors
        ):
            cleaned["quit_date_set"] = cleaned.get("session_date")
        cleaned["phq9_items"] = clean_questionnaire(self, "phq9")
        cleaned["gad7_items"] = clean_questionnaire(self, "gad7")
        return cleaned

    def _clean_contamination(self, cleaned: dict) -> None:
        problems = contamination_errors(
            in_control_arm=True,
            trial_id=self.control_arm_trial_id,
            reason=cleaned.get("contamination_reason") or "",
            corrective_action=cleaned.get("contamination_action") or "",
        )
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)

    def to_input(self) -> SessionInput:
        """The service's input, built from the cleaned form."""
        data = self.cleaned_data
        return SessionInput(
            session_date=data["session_date"],
            attendance=data["attendance"],
            number=data["number"],
            session_type=data["session_type"],
            mode=data.get("mode") or "",
            duration_minutes=data.get("duration_minutes"),
            bcts_delivered=list(data.get("bcts_delivered") or []),
            quit_date_set=data.get("quit_date_set"),
            pharmacotherapy=[
                (product, data[_pharmacotherapy_name(product)])
                for product in Product.values
                if data.get(_pharmacotherapy_name(product))
            ],
            notes=data.get("notes", ""),
            co_ppm=data.get("co_ppm"),
            phq9_items=data.get("phq9_items"),
            phq9_difficulty=data.get("phq9_difficulty"),
            gad7_items=data.get("gad7_items"),
            contamination_reason=data.get("contamination_reason", ""),
            contamination_action=data.get("contamination_action", ""),
        )


class SessionEditForm(CorrectionReasonMixin, SessionFieldsMixin, forms.Form):
    """Correct a saved session's own fields, with a reason (measures are separate records)."""

    EDITABLE = (
        "session_date",
        "number",
        "session_type",
        "attendance",
        "mode",
        "duration_minutes",
        "bcts_delivered",
        "notes",
    )

    def __init__(self, *args, session, expected_overrides: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.screened_on = session.participant.screened_on
        self.session = session
        self.expected_overrides = expected_overrides
        self._base_fields()
        if session.quit_date_set is not None:
            # A quit date set in the session can be corrected (its 4-week window moves with it).
            self.EDITABLE = (*self.EDITABLE, "quit_date_set")
            self.fields["quit_date_set"] = forms.DateField(
                label="Quit date set in this session", required=False, widget=DateInput()
            )
        for name in self.EDITABLE:
            self.fields[name].initial = getattr(session, name)
        self.add_reason_fields()

    def clean(self):
        cleaned = super().clean()
        self._clean_core(cleaned, suggested_number=self.session.number)
        self.clean_reason_fields(cleaned)
        if cleaned.get("attendance") != Attendance.ATTENDED:
            cleaned.update(mode="", duration_minutes=None, bcts_delivered=[])
        return cleaned

    def changes(self) -> dict:
        """Only the fields whose value differs from the saved session."""
        result = {}
        for name in self.EDITABLE:
            value = self.cleaned_data.get(name)
            if name == "bcts_delivered":
                value = sorted(value or [])
                current = sorted(self.session.bcts_delivered)
            else:
                current = getattr(self.session, name)
            if name in ("mode", "notes"):
                value = value or ""
            if value != current:
                result[name] = value
        return result
