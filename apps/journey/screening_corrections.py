"""Correcting a screening's answers, with a reason: the date, the criteria and the reasons.

The corrected answers are judged by the screening's own rule (patients.services.
screening_decision), so the outcome follows them, with one limit each way: a person enrolled as
eligible stays a participant (a criterion found unmet after enrolment is an eligibility
deviation: they stay in the analysis, intention to treat), and a person screened out does not
become one by a correction (they are screened again). CONSORT counts follow the corrected
outcome and reasons.
"""

from dataclasses import dataclass, replace
from datetime import date

from django.db import transaction
from django.utils import timezone

from apps.core.errors import DomainError, raise_all
from apps.core.queue import enqueue_once_on_commit
from apps.corrections.models import RecordType
from apps.corrections.rules import Reason, field_changes
from apps.corrections.services import log_corrections, reason_errors_of
from apps.patients.models import (
    ELIGIBILITY_CRITERIA,
    DeclineReason,
    ExclusionReason,
    Participant,
    ScreeningOutcome,
    ScreeningRecord,
)
from apps.patients.services import ScreeningDecision, screening_decision

SCREENING_LABELS = {
    "screened_on": "Date screened",
    **dict(ELIGIBILITY_CRITERIA),
    "outcome": "Outcome",
    "exclusion_reason": "Reason not eligible",
    "decline_reason": "Reason for declining",
    "reason_detail": "Details",
}
# The correction's own explanation is `reason_detail`: the screening's details go by this name
# on every correction input (form, API), and its errors name it.
DETAIL_FIELD = "screening_detail"
DETAIL_MAX_LENGTH = 500


@dataclass(frozen=True)
class ScreeningAnswers:
    """A screening as it should have been recorded."""

    screened_on: date | None
    criteria: dict[str, bool | None]
    declined: bool
    exclusion_reason: str = ""
    decline_reason: str = ""
    reason_detail: str = ""


def _participant_of(screening: ScreeningRecord) -> Participant | None:
    return Participant.objects.filter(screening=screening).first()


def _date_errors(answers: ScreeningAnswers, participant, today: date) -> list[DomainError]:
    day = answers.screened_on
    if day is None:
        return [DomainError("Enter the date screened.", field="screened_on")]
    if day > today:
        return [DomainError("Date screened cannot be in the future.", field="screened_on")]
    if participant is not None and participant.consented_on and day > participant.consented_on:
        return [
            DomainError(
                f"The screening cannot come after consent ({participant.consented_on:%-d %b %Y}).",
                field="screened_on",
            )
        ]
    if participant is not None and participant.exit_on and day > participant.exit_on:
        return [
            DomainError(
                f"The screening cannot come after the participant left "
                f"({participant.exit_on:%-d %b %Y}).",
                field="screened_on",
            )
        ]
    return []


def screening_correction_errors(
    screening: ScreeningRecord, answers: ScreeningAnswers, today: date
) -> tuple[list[DomainError], ScreeningDecision | None]:
    """Every rule the corrected screening breaks, by field, and the decision (outcome and
    reasons) it would have (None while a criterion is unanswered)."""
    participant = _participant_of(screening)
    errors = _date_errors(answers, participant, today)
    unanswered = [name for name, _ in ELIGIBILITY_CRITERIA if answers.criteria.get(name) is None]
    errors += [DomainError("Answer yes or no.", field=name) for name in unanswered]
    if len(answers.reason_detail) > DETAIL_MAX_LENGTH:
        errors.append(
            DomainError(f"Keep the details to {DETAIL_MAX_LENGTH} characters.", field=DETAIL_FIELD)
        )
    if unanswered:
        return errors, None
    decision = screening_decision(
        {name: bool(value) for name, value in answers.criteria.items()},
        declined=answers.declined,
        exclusion_reason=answers.exclusion_reason,
        decline_reason=answers.decline_reason,
        reason_detail=answers.reason_detail,
    )
    errors += [
        DomainError(message, field=DETAIL_FIELD if field == "reason_detail" else field)
        for field, message in decision.problems.items()
    ]
    eligible = decision.outcome == ScreeningOutcome.ELIGIBLE
    if participant is not None and not eligible:
        failed = next(
            (name for name, _ in ELIGIBILITY_CRITERIA if not answers.criteria[name]), "declined"
        )
        errors.append(
            DomainError(
                f"{participant.trial_id} was enrolled as eligible and stays in the trial: record "
                "a criterion found unmet after enrolment as an eligibility deviation instead.",
                field=failed,
            )
        )
    elif participant is None and eligible:
        errors.append(
            DomainError(
                "A person screened out does not join the trial by a correction: screen them "
                "again if they are eligible now.",
                field=None,
            )
        )
    return errors, decision


_CHOICES = {
    "outcome": ScreeningOutcome,
    "exclusion_reason": ExclusionReason,
    "decline_reason": DeclineReason,
}


def _as_read(values: dict) -> dict:
    """The values with each choice as people read it, for the correction log."""
    return {
        name: _CHOICES[name](value).label if name in _CHOICES and value else value
        for name, value in values.items()
    }


@transaction.atomic
def correct_screening(
    *, screening: ScreeningRecord, by, answers: ScreeningAnswers, reason: Reason
) -> ScreeningRecord:
    """Correct a screening's date, answers or reasons; its outcome follows, and a participant's
    screening date with it."""
    screening = (
        ScreeningRecord.objects.select_for_update().select_related("site").get(pk=screening.pk)
    )
    answers = replace(answers, reason_detail=answers.reason_detail.strip())
    errors, decision = screening_correction_errors(screening, answers, timezone.localdate())
    raise_all(reason_errors_of(reason) + errors)
    assert decision is not None  # every criterion is answered once there are no errors
    participant = _participant_of(screening)
    after = {
        "screened_on": answers.screened_on,
        **{name: bool(answers.criteria[name]) for name, _ in ELIGIBILITY_CRITERIA},
        "outcome": decision.outcome,
        "exclusion_reason": decision.exclusion_reason,
        "decline_reason": decision.decline_reason,
        "reason_detail": answers.reason_detail,
    }
    before = {name: getattr(screening, name) for name in SCREENING_LABELS}
    log_corrections(
        participant=participant,
        screening=screening,
        record_type=RecordType.SCREENING,
        record_id=screening.public_id,
        record_label=f"Screening of {screening.screened_on:%-d %b %Y}",
        changes=field_changes(SCREENING_LABELS, _as_read(before), _as_read(after)),
        reason=reason.code,
        detail=reason.detail,
        by=by,
    )
    for name, value in after.items():
        setattr(screening, name, value)
    screening.save(update_fields=[*after, "updated_at"])
    if participant is not None and participant.screened_on != answers.screened_on:
        participant.screened_on = answers.screened_on
        participant.save(update_fields=["screened_on", "updated_at"])
        enqueue_once_on_commit("apps.conduct.tasks.check_participant", participant.pk)
    return screening
