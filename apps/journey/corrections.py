"""Correcting a participant's consent, baseline or exit, with a reason (the log keeps the old
values).

The conduct checks look again once the correction commits: a form version corrected to a
superseded one is a deviation like any other.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.clinical.choices import ExitReason
from apps.clinical.hsi import heaviness_of_smoking_index
from apps.clinical.scoring import ScoringError
from apps.clinical.status import Status
from apps.core.errors import DomainError, raise_all
from apps.core.queue import enqueue_once_on_commit
from apps.corrections.models import RecordType
from apps.corrections.rules import Reason, field_changes
from apps.corrections.services import log_corrections, reason_errors_of
from apps.patients.baseline_rules import baseline_errors
from apps.patients.models import Baseline, Participant, Sex
from apps.sites.selectors import get_pilot

CONSENT_LABELS = {"consented_on": "Date consent given", "consent_form_version": "Form version"}


def consent_correction_errors(
    participant: Participant, consented_on: date | None, version: str, today: date
) -> list[DomainError]:
    """Every rule the corrected consent would break, with the field it names."""
    errors = []
    if consented_on is None:
        errors.append(DomainError("Enter the date consent was given.", field="consented_on"))
    elif consented_on > today:
        errors.append(
            DomainError("Date consent given cannot be in the future.", field="consented_on")
        )
    elif consented_on < participant.screened_on:
        errors.append(
            DomainError("Consent date cannot be before the screening date.", field="consented_on")
        )
    elif participant.randomised_on and consented_on > participant.randomised_on:
        errors.append(
            DomainError(
                f"Consent must come before randomisation ({participant.randomised_on:%-d %B %Y}).",
                field="consented_on",
            )
        )
    if version not in get_pilot().consent_form_versions:
        errors.append(
            DomainError(
                "Choose one of the pilot's consent form versions.", field="consent_form_version"
            )
        )
    return errors


@transaction.atomic
def correct_consent(
    *, participant: Participant, by, consented_on: date | None, consent_form_version: str,
    reason: Reason,
) -> Participant:  # fmt: skip
    """Correct the consent date or form version; nothing changes without a reason."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.consented_on is None:
        raise DomainError("Consent has not been recorded yet: record it first.", field="status")
    raise_all(
        reason_errors_of(reason)
        + consent_correction_errors(
            participant, consented_on, consent_form_version, timezone.localdate()
        )
    )
    before = {name: getattr(participant, name) for name in CONSENT_LABELS}
    after = {"consented_on": consented_on, "consent_form_version": consent_form_version}
    log_corrections(
        participant=participant,
        record_type=RecordType.PARTICIPANT,
        record_id=participant.public_id,
        record_label="Consent",
        changes=field_changes(CONSENT_LABELS, before, after),
        reason=reason.code,
        detail=reason.detail,
        by=by,
    )
    participant.consented_on = consented_on
    participant.consent_form_version = consent_form_version
    participant.save(update_fields=["consented_on", "consent_form_version", "updated_at"])
    enqueue_once_on_commit("apps.conduct.tasks.check_participant", participant.pk)
    return participant


BASELINE_LABELS = {
    "recorded_on": "Date of baseline",
    "cigarettes_per_day": "Cigarettes per day",
    "minutes_to_first_cigarette": "Minutes to first cigarette",
    "sex": "Sex",
    "year_of_birth": "Year of birth",
    "hsi_score": "Heaviness of Smoking Index",
}


def baseline_correction_errors(participant: Participant, values: dict) -> list[DomainError]:
    """Every rule the corrected baseline would break, with the field it names."""
    errors = baseline_errors(
        recorded_on=values.get("recorded_on"),
        year_of_birth=values.get("year_of_birth"),
        consented_on=participant.consented_on,
    )
    recorded_on = values.get("recorded_on")
    if recorded_on is not None and recorded_on > timezone.localdate():
        errors.append(DomainError("Date of baseline cannot be in the future.", field="recorded_on"))
    for name in BASELINE_LABELS:
        if name != "hsi_score" and values.get(name) in (None, ""):
            errors.append(DomainError(f"Enter the {BASELINE_LABELS[name].lower()}.", field=name))
    if values.get("sex") and values["sex"] not in Sex.values:
        errors.append(DomainError("Choose one of the listed answers for sex.", field="sex"))
    cigarettes, minutes = values.get("cigarettes_per_day"), values.get("minutes_to_first_cigarette")
    if cigarettes is not None and cigarettes < 1:
        errors.append(
            DomainError("Cigarettes per day must be at least 1.", field="cigarettes_per_day")
        )
    elif cigarettes is not None and minutes is not None:
        try:
            heaviness_of_smoking_index(minutes, cigarettes)
        except ScoringError as exc:
            errors.append(DomainError(str(exc), field="minutes_to_first_cigarette"))
    return errors


@transaction.atomic
def correct_baseline(*, participant: Participant, by, reason: Reason, **values) -> Baseline:
    """Correct the recorded smoking baseline; the HSI is rescored; nothing changes without a
    reason. `values`: recorded_on, cigarettes_per_day, minutes_to_first_cigarette, sex,
    year_of_birth."""
    baseline = Baseline.objects.select_for_update().filter(participant=participant).first()
    if baseline is None:
        raise DomainError("The baseline has not been recorded yet: record it first.", field=None)
    raise_all(reason_errors_of(reason) + baseline_correction_errors(participant, values))
    hsi = heaviness_of_smoking_index(
        values["minutes_to_first_cigarette"], values["cigarettes_per_day"]
    )
    after = {**values, "hsi_score": hsi.score}
    before = {name: getattr(baseline, name) for name in BASELINE_LABELS}
    log_corrections(
        participant=participant,
        record_type=RecordType.BASELINE,
        record_id=participant.public_id,
        record_label="Baseline",
        changes=field_changes(BASELINE_LABELS, before, after),
        reason=reason.code,
        detail=reason.detail,
        by=by,
    )
    for name, value in after.items():
        setattr(baseline, name, value)
    baseline.hsi_band = hsi.band
    baseline.save()
    return baseline


EXIT_LABELS = {
    "exit_on": "Date of leaving",
    "exit_reason": "Reason for leaving",
    "exit_reason_detail": "Details of leaving",
}
EXIT_DETAIL_MAX_LENGTH = 500


def exit_correction_errors(
    participant: Participant, exit_on: date | None, exit_reason: str, detail: str, today: date
) -> list[DomainError]:
    """Every rule the corrected withdrawal or loss to follow-up would break, by field."""
    errors = []
    if participant.status not in (Status.WITHDRAWN, Status.LOST):
        errors.append(
            DomainError(
                "The participant has not withdrawn or been lost to follow-up.", field="status"
            )
        )
    if exit_on is None:
        errors.append(DomainError("Enter the date the participant left.", field="exit_on"))
    elif exit_on > today:
        errors.append(DomainError("The date cannot be in the future.", field="exit_on"))
    elif exit_on < participant.screened_on:
        errors.append(DomainError("The date cannot be before screening.", field="exit_on"))
    if exit_reason not in ExitReason.values:
        errors.append(DomainError("Choose a reason for leaving.", field="exit_reason"))
    if len(detail) > EXIT_DETAIL_MAX_LENGTH:
        errors.append(
            DomainError(
                f"Keep the details to {EXIT_DETAIL_MAX_LENGTH} characters.",
                field="exit_reason_detail",
            )
        )
    return errors


@transaction.atomic
def correct_exit(
    *, participant: Participant, by, exit_on: date | None, exit_reason: str,
    exit_reason_detail: str = "", reason: Reason,
) -> Participant:  # fmt: skip
    """Correct the date, reason or details of a withdrawal or loss to follow-up; the exit
    itself stands (follow-ups stopped at a withdrawal stay stopped)."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    detail = exit_reason_detail.strip()
    raise_all(
        reason_errors_of(reason)
        + exit_correction_errors(participant, exit_on, exit_reason, detail, timezone.localdate())
    )
    after = {"exit_on": exit_on, "exit_reason": exit_reason, "exit_reason_detail": detail}
    before = {name: getattr(participant, name) for name in EXIT_LABELS}
    log_corrections(
        participant=participant,
        record_type=RecordType.EXIT,
        record_id=participant.public_id,
        record_label=participant.get_status_display(),
        changes=field_changes(EXIT_LABELS, before, after),
        reason=reason.code,
        detail=reason.detail,
        by=by,
    )
    for name, value in after.items():
        setattr(participant, name, value)
    participant.save(update_fields=[*after, "updated_at"])
    enqueue_once_on_commit("apps.conduct.tasks.check_participant", participant.pk)
    return participant
