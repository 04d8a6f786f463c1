"""Correcting a recorded PHQ-9, GAD-7 or CO reading, with a reason.

The corrected answers are scored again by the same pure scorers as a new record, so the total,
the severity and the risk follow them, and a corrected item 9 above 0 raises the safety alert
a new PHQ-9 would (an alert already raised stays: a clinician closes it). The correction log
(apps/corrections) keeps each changed value with who, when and why; nothing changes without a
reason, and every error of the correction comes back in one round.
"""

from collections.abc import Callable

from django.db import transaction

from apps.clinical import scoring
from apps.core.errors import DomainError, raise_all
from apps.corrections.models import RecordType
from apps.corrections.rules import FieldChange, Reason, field_changes
from apps.corrections.services import log_corrections, reason_errors_of
from apps.outcomes.models import COReading, GAD7Response, PHQ9Response, SafetyAlert
from apps.outcomes.services import raise_safety_alert

PHQ9_LABELS = {**{f"item{i}": f"Item {i}" for i in range(1, 10)}, "difficulty": "Difficulty"}
GAD7_LABELS = {f"item{i}": f"Item {i}" for i in range(1, 8)}


def _problems(reason: Reason, scored: list[tuple[str, Callable]]) -> list[DomainError]:
    errors = reason_errors_of(reason)
    for field, check in scored:
        try:
            check()
        except scoring.ScoringError as exc:
            errors.append(DomainError(str(exc), field=field))
    return errors


def _label(name: str, record) -> str:
    return f"{name} of {record.completed_on:%-d %b %Y} ({record.get_timepoint_display().lower()})"


@transaction.atomic
def correct_phq9(*, response: PHQ9Response, by, items, difficulty, reason: Reason) -> PHQ9Response:
    """Correct a PHQ-9's answers; the score, severity and risk follow, and the alert with it."""
    raise_all(
        _problems(
            reason,
            [
                ("phq9_items", lambda: scoring.score_phq9(items)),
                ("phq9_difficulty", lambda: scoring.check_phq9_difficulty(difficulty)),
            ],
        )
    )
    response = PHQ9Response.objects.select_for_update().get(pk=response.pk)
    result = scoring.score_phq9(items)
    before = {**_items(response, 9), "difficulty": response.difficulty}
    after = {**_numbered(result.items), "difficulty": difficulty}
    changes = field_changes(PHQ9_LABELS, before, after)
    _log(response, RecordType.PHQ9, _label("PHQ-9", response), changes, reason, by)
    for i, value in enumerate(result.items, start=1):
        setattr(response, f"item{i}", value)
    response.difficulty = difficulty
    response.total, response.severity, response.risk = result.total, result.severity, result.risk
    response.scoring_version = scoring.SCORING_VERSION
    response.save()
    if result.risk and not SafetyAlert.objects.filter(phq9=response).exists():
        raise_safety_alert(phq9=response)
    return response


@transaction.atomic
def correct_gad7(*, response: GAD7Response, by, items, reason: Reason) -> GAD7Response:
    """Correct a GAD-7's answers; the score and severity follow."""
    raise_all(_problems(reason, [("gad7_items", lambda: scoring.score_gad7(items))]))
    response = GAD7Response.objects.select_for_update().get(pk=response.pk)
    result = scoring.score_gad7(items)
    changes = field_changes(GAD7_LABELS, _items(response, 7), _numbered(result.items))
    _log(response, RecordType.GAD7, _label("GAD-7", response), changes, reason, by)
    for i, value in enumerate(result.items, start=1):
        setattr(response, f"item{i}", value)
    response.total, response.severity = result.total, result.severity
    response.scoring_version = scoring.SCORING_VERSION
    response.save()
    return response


@transaction.atomic
def correct_co_reading(*, reading: COReading, by, ppm, reason: Reason) -> COReading:
    """Correct a CO reading's ppm; outcomes that read it (CO verification) follow."""
    raise_all(_problems(reason, [("co_ppm", lambda: scoring.validate_co_ppm(ppm))]))
    reading = COReading.objects.select_for_update().get(pk=reading.pk)
    ppm = scoring.validate_co_ppm(ppm)
    changes = field_changes({"ppm": "CO (ppm)"}, {"ppm": reading.ppm}, {"ppm": ppm})
    label = f"CO reading of {reading.taken_at:%-d %b %Y}"
    _log(reading, RecordType.CO_READING, label, changes, reason, by)
    reading.ppm = ppm
    reading.save(update_fields=["ppm", "updated_at"])
    return reading


def _numbered(items) -> dict[str, int]:
    return {f"item{i}": value for i, value in enumerate(items, start=1)}


def _items(response, count: int) -> dict[str, int]:
    return {f"item{i}": getattr(response, f"item{i}") for i in range(1, count + 1)}


def _log(record, record_type: str, label: str, changes: list[FieldChange], reason: Reason, by):
    log_corrections(
        participant=record.participant,
        record_type=record_type,
        record_id=record.public_id,
        record_label=label,
        changes=changes,
        reason=reason.code,
        detail=reason.detail,
        by=by,
    )
