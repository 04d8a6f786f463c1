"""Correcting a participant's consent, with a reason (the correction log keeps the old values).

The conduct checks look again once the correction commits: a form version corrected to a
superseded one is a deviation like any other.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.core.errors import DomainError, raise_all
from apps.core.queue import enqueue_once_on_commit
from apps.corrections.models import RecordType
from apps.corrections.rules import Reason, field_changes
from apps.corrections.services import log_corrections, reason_errors_of
from apps.patients.models import Participant
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
