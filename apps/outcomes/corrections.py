"""Correcting a recorded PHQ-9, GAD-7, CO reading or smoking status report, with a reason.

The corrected answers are scored again by the same pure scorers as a new record, so the total,
the severity and the risk follow them, and a corrected item 9 above 0 raises the safety alert
a new PHQ-9 would (an alert already raised stays: a clinician closes it). The correction log
(apps/corrections) keeps each changed value with who, when and why; nothing changes without a
reason, and every error of the correction comes back in one round. A corrected smoking report
is checked by the same rules as a new one, and the outcomes, read from the records, follow it.
After any correction the conduct checks look again (a corrected CO may now contradict a report).
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date

from django.db import transaction

from apps.clinical import scoring
from apps.clinical.smoking_report_rules import SmokingReportAnswers, smoking_report_errors
from apps.core.errors import DomainError, raise_all
from apps.corrections.models import RecordType
from apps.corrections.rules import FieldChange, Reason, field_changes
from apps.corrections.services import log_corrections, reason_errors_of
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
)
from apps.outcomes.selectors import known_reference_quit_date
from apps.outcomes.services import check_conduct_later, raise_safety_alert

PHQ9_LABELS = {**{f"item{i}": f"Item {i}" for i in range(1, 10)}, "difficulty": "Difficulty"}
GAD7_LABELS = {f"item{i}": f"Item {i}" for i in range(1, 8)}
SMOKING_LABELS = {
    "smoked_last_7_days": "Smoked in the last 7 days",
    "cigarettes_last_7_days": "Cigarettes in the last 7 days",
    "smoke_free_since_day_14": "Smoke free since day 14",
    "cigarettes_since_day_14": "Cigarettes since day 14",
    "stopped_on": "Stopped smoking on",
    "quit_attempt_since_last_contact": "Quit attempt since the last contact",
    "uses_e_cigarette": "Uses an e-cigarette",
    "uses_stop_smoking_medication": "Uses stop smoking medication",
}


@dataclass(frozen=True)
class SmokingAnswers:
    """A smoking status report's answers as they should have been recorded."""

    smoked_last_7_days: bool
    cigarettes_last_7_days: int | None
    smoke_free_since_day_14: bool | None
    cigarettes_since_day_14: int | None
    stopped_on: date | None
    quit_attempt_since_last_contact: bool
    uses_e_cigarette: bool
    uses_stop_smoking_medication: bool


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
    check_conduct_later(response.participant)
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
    check_conduct_later(reading.participant)
    return reading


def _normalised(answers: SmokingAnswers) -> dict:
    values = asdict(answers)
    if values["smoke_free_since_day_14"] is None and values["cigarettes_since_day_14"] is not None:
        values["smoke_free_since_day_14"] = values["cigarettes_since_day_14"] == 0
    if values["smoked_last_7_days"]:
        values["stopped_on"] = None  # asked only of those not smoking
    else:
        values["cigarettes_last_7_days"] = 0
    return values


def smoking_correction_errors(report: SmokingStatusReport, answers: SmokingAnswers):
    """Every rule of a new report the corrected answers break, each naming its field (reads the
    participant's other stop dates: 1 query)."""
    values = _normalised(answers)
    participant = report.participant
    return smoking_report_errors(
        SmokingReportAnswers(
            timepoint=report.timepoint,
            completed_on=report.completed_on,
            screened_on=participant.screened_on,
            known_reference=known_reference_quit_date(participant, excluding=report.pk),
            smoked_last_7_days=values["smoked_last_7_days"],
            cigarettes_last_7_days=values["cigarettes_last_7_days"],
            smoke_free_since_day_14=values["smoke_free_since_day_14"],
            cigarettes_since_day_14=values["cigarettes_since_day_14"],
            stopped_on=values["stopped_on"],
        )
    )


@transaction.atomic
def correct_smoking_report(
    *, report: SmokingStatusReport, by, answers: SmokingAnswers, reason: Reason
) -> SmokingStatusReport:
    """Correct a smoking status report's answers by the rules a new report meets; the
    abstinence outcomes, read from the reports, follow."""
    report = (
        SmokingStatusReport.objects.select_for_update()
        .select_related("participant")
        .get(pk=report.pk)
    )
    raise_all(reason_errors_of(reason) + smoking_correction_errors(report, answers))
    values = _normalised(answers)
    before = {name: getattr(report, name) for name in SMOKING_LABELS}
    changes = field_changes(SMOKING_LABELS, before, values)
    label = f"Smoking status of {report.completed_on:%-d %b %Y} "
    label += f"({report.get_timepoint_display().lower()})"
    _log(report, RecordType.SMOKING_STATUS, label, changes, reason, by)
    for name, value in values.items():
        setattr(report, name, value)
    report.save(update_fields=[*values, "updated_at"])
    check_conduct_later(report.participant)
    return report


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
