"""Writes for measures and safety alerts; scores always come from the pure scorers."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from apps.clinical import scoring
from apps.clinical.smoking_report_rules import SmokingReportAnswers, smoking_report_errors
from apps.clinical.status import Status
from apps.core.errors import DomainError, raise_all
from apps.core.queue import enqueue_on_commit, enqueue_once_on_commit
from apps.outcomes.escalation import cancel_escalations, plan_escalations
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
    Source,
    Timepoint,
)
from apps.outcomes.selectors import known_reference_quit_date
from apps.patients.models import Participant


def _check_date(participant, completed_on: date, today: date | None, field: str = "completed_on"):
    if completed_on > (today or timezone.localdate()):
        raise DomainError("The date cannot be in the future.", field=field)
    if completed_on < participant.screened_on:
        raise DomainError("The date cannot be before the participant was screened.", field=field)


def _check_participant(participant) -> None:
    # The in-memory status is used, not a row lock: the questionnaire submit holds the
    # follow-up lock, and withdrawal takes participant -> follow-ups, so locking here could
    # deadlock; callers pass a participant read in the same request.
    if participant.status == Status.SCREENED or participant.consented_on is None:
        raise DomainError("Measures can be recorded only after consent.", field="status")
    if participant.status == Status.WITHDRAWN:
        raise DomainError(
            "The participant has withdrawn: no new measures can be recorded.", field="status"
        )


def _check_one_baseline(model, participant, timepoint: str, name: str) -> None:
    if timepoint != Timepoint.BASELINE:
        return
    # Lock the participant so two baseline submissions at once cannot both pass the check
    # (follow-up questionnaires never carry the baseline timepoint, so they never wait here).
    Participant.objects.select_for_update().get(pk=participant.pk)
    if model.objects.filter(participant=participant, timepoint=Timepoint.BASELINE).exists():
        raise DomainError(
            f"The baseline {name} is already recorded; record this one at another timepoint.",
            field="timepoint",
        )


def check_conduct_later(participant) -> None:
    """A new measure may break a data-quality rule (a CO against a smoking report, a PHQ-9 jump,
    a follow-up dated outside its window): the conduct checks look once this commits (queued
    by name: the conduct app sits above this one)."""
    enqueue_once_on_commit("apps.conduct.tasks.check_participant", participant.pk)


def _score(scorer, items, label: str):
    try:
        return scorer(items)
    except scoring.ScoringError as exc:
        raise DomainError(str(exc), field=f"{label}_items") from exc


def check_measure_allowed(participant, completed_on: date, today: date | None = None) -> None:
    """Refuse a measure before consent, after withdrawal, in the future or before screening."""
    _check_participant(participant)
    _check_date(participant, completed_on, today)


def _link(follow_up, completed_at: datetime | None = None) -> None:
    if follow_up is not None:
        from apps.reminders.services import complete_follow_up

        complete_follow_up(follow_up=follow_up, when=completed_at)


@transaction.atomic
def record_phq9(
    *,
    participant,
    items,
    completed_on: date,
    timepoint: str = Timepoint.SESSION,
    source: str = Source.IN_SESSION,
    session=None,
    follow_up=None,
    recorded_by=None,
    today: date | None = None,
    difficulty: int | None = None,
    questionnaire_link=None,
) -> PHQ9Response:
    """Store a scored PHQ-9; a positive item 9 raises a safety alert at once.

    From a patient's questionnaire (`questionnaire_link`), an alert its saved draft already
    raised is given the stored PHQ-9 instead: one answer, one alert, one email.
    """
    _check_participant(participant)
    result = _score(scoring.score_phq9, items, "phq9")
    try:
        difficulty = scoring.check_phq9_difficulty(difficulty)
    except scoring.ScoringError as exc:
        raise DomainError(str(exc), field="phq9_difficulty") from exc
    _check_date(participant, completed_on, today)
    _check_one_baseline(PHQ9Response, participant, timepoint, "PHQ-9")
    check_conduct_later(participant)
    response = PHQ9Response.objects.create(
        participant=participant,
        completed_on=completed_on,
        timepoint=timepoint,
        source=source,
        session=session,
        follow_up=follow_up,
        recorded_by=recorded_by,
        **{f"item{i}": v for i, v in enumerate(result.items, start=1)},
        difficulty=difficulty,
        total=result.total,
        severity=result.severity,
        risk=result.risk,
        scoring_version=scoring.SCORING_VERSION,
    )
    drafted = _draft_alert(questionnaire_link)
    if drafted is not None:
        drafted.phq9 = response
        drafted.save(update_fields=["phq9", "updated_at"])
    elif result.risk:
        raise_safety_alert(phq9=response, questionnaire_link=questionnaire_link)
    return response


def _draft_alert(link) -> SafetyAlert | None:
    if link is None:
        return None
    return SafetyAlert.objects.select_for_update().filter(questionnaire_link=link).first()


@transaction.atomic
def record_gad7(
    *,
    participant,
    items,
    completed_on: date,
    timepoint: str = Timepoint.SESSION,
    source: str = Source.IN_SESSION,
    session=None,
    follow_up=None,
    recorded_by=None,
    today: date | None = None,
) -> GAD7Response:
    """Store a scored GAD-7."""
    _check_participant(participant)
    result = _score(scoring.score_gad7, items, "gad7")
    _check_date(participant, completed_on, today)
    _check_one_baseline(GAD7Response, participant, timepoint, "GAD-7")
    check_conduct_later(participant)
    return GAD7Response.objects.create(
        participant=participant,
        completed_on=completed_on,
        timepoint=timepoint,
        source=source,
        session=session,
        follow_up=follow_up,
        recorded_by=recorded_by,
        **{f"item{i}": v for i, v in enumerate(result.items, start=1)},
        total=result.total,
        severity=result.severity,
        scoring_version=scoring.SCORING_VERSION,
    )


@transaction.atomic
def record_smoking_status(
    *,
    participant,
    completed_on: date,
    timepoint: str,
    smoked_last_7_days: bool,
    cigarettes_last_7_days: int = 0,
    smoke_free_since_day_14: bool | None = None,
    cigarettes_since_day_14: int | None = None,
    stopped_on: date | None = None,
    cigarettes_per_day: int | None = None,
    minutes_to_first_cigarette: int | None = None,
    quit_attempt_since_last_contact: bool,
    uses_e_cigarette: bool,
    uses_stop_smoking_medication: bool,
    source: str = Source.PHONE,
    session=None,
    follow_up=None,
    recorded_by=None,
    today: date | None = None,
) -> SmokingStatusReport:
    """Store a smoking status report; a follow-up report completes that follow-up.

    Every rule the answers break is reported at once (smoking_report_rules), so the staff form,
    the questionnaire and the API require the same answers.
    """
    _check_participant(participant)
    _check_date(participant, completed_on, today)
    errors = smoking_report_errors(
        SmokingReportAnswers(
            timepoint=timepoint,
            completed_on=completed_on,
            screened_on=participant.screened_on,
            known_reference=known_reference_quit_date(participant),
            smoked_last_7_days=smoked_last_7_days,
            cigarettes_last_7_days=cigarettes_last_7_days,
            smoke_free_since_day_14=smoke_free_since_day_14,
            cigarettes_since_day_14=cigarettes_since_day_14,
            stopped_on=stopped_on,
            cigarettes_per_day=cigarettes_per_day,
            minutes_to_first_cigarette=minutes_to_first_cigarette,
        )
    )
    raise_all(errors)
    if smoke_free_since_day_14 is None and cigarettes_since_day_14 is not None:
        # A count alone answers the question too: none at all is not a puff.
        smoke_free_since_day_14 = cigarettes_since_day_14 == 0
    report = SmokingStatusReport.objects.create(
        participant=participant,
        completed_on=completed_on,
        timepoint=timepoint,
        source=source,
        session=session,
        follow_up=follow_up,
        recorded_by=recorded_by,
        smoked_last_7_days=smoked_last_7_days,
        cigarettes_last_7_days=cigarettes_last_7_days,
        smoke_free_since_day_14=smoke_free_since_day_14,
        cigarettes_since_day_14=cigarettes_since_day_14,
        stopped_on=stopped_on,
        cigarettes_per_day=cigarettes_per_day,
        minutes_to_first_cigarette=minutes_to_first_cigarette,
        quit_attempt_since_last_contact=quit_attempt_since_last_contact,
        uses_e_cigarette=uses_e_cigarette,
        uses_stop_smoking_medication=uses_stop_smoking_medication,
    )
    _link(follow_up)
    check_conduct_later(participant)
    return report


@transaction.atomic
def record_co_reading(
    *,
    participant,
    ppm: int,
    taken_at: datetime,
    timepoint: str = Timepoint.SESSION,
    source: str = Source.IN_SESSION,
    taken_by=None,
    session=None,
    follow_up=None,
) -> COReading:
    """Store an exhaled CO reading (integer ppm, 0-100)."""
    _check_participant(participant)
    try:
        ppm = scoring.validate_co_ppm(ppm)
    except scoring.ScoringError as exc:
        raise DomainError(str(exc), field="co_ppm") from exc
    if taken_at > timezone.now():
        raise DomainError("A CO reading cannot be taken in the future.", field="taken_at")
    check_conduct_later(participant)
    return COReading.objects.create(
        participant=participant,
        ppm=ppm,
        taken_at=taken_at,
        timepoint=timepoint,
        source=source,
        taken_by=taken_by,
        session=session,
        follow_up=follow_up,
    )


def raise_safety_alert(*, phq9: PHQ9Response, questionnaire_link=None) -> SafetyAlert:
    """Open a safety alert for a risky PHQ-9 and email the PWP and site leads after commit."""
    alert = SafetyAlert.objects.create(
        participant=phq9.participant,
        phq9=phq9,
        questionnaire_link=questionnaire_link,
        item9=phq9.item9,
        raised_at=timezone.now(),
    )
    _alert_raised(alert)
    return alert


def note_draft_item9(*, link, item9: int) -> SafetyAlert | None:
    """A questionnaire page was saved with this item 9 answer: raise the alert on the first
    answer above 0 (email after commit); a later change is noted on it, never withdraws it.

    The caller holds the link's row lock, so two tabs saving at once raise one alert.
    """
    alert = SafetyAlert.objects.select_for_update().filter(questionnaire_link=link).first()
    if alert is None:
        if item9 <= 0:
            return None
        alert = SafetyAlert.objects.create(
            participant=link.participant,
            questionnaire_link=link,
            item9=item9,
            raised_at=timezone.now(),
        )
        _alert_raised(alert)
        return alert
    current = alert.item9 if alert.item9_now is None else alert.item9_now
    if item9 != current:
        alert.item9_now, alert.item9_changed_at = item9, timezone.now()
        alert.save(update_fields=["item9_now", "item9_changed_at", "updated_at"])
    return alert


def _alert_raised(alert: SafetyAlert) -> None:
    """Plan the alert's escalations now; email the clinicians once the alert is committed."""
    plan_escalations(alert)

    # A broker outage must not turn a stored PHQ-9 into an error page; the beat sweep re-queues
    # alerts that were never notified.
    enqueue_on_commit("apps.outcomes.tasks.notify_safety_alert", alert.id)


@transaction.atomic
def acknowledge_alert(*, alert: SafetyAlert, by, action_taken: str) -> SafetyAlert:
    """Close an alert with the clinician's note of the action taken; audited by the trail."""
    alert = SafetyAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is not None:
        raise DomainError("This alert has already been acknowledged.", field="alert")
    action_taken = (action_taken or "").strip()
    if len(action_taken) < 5:
        raise DomainError(
            "Describe the action taken (at least 5 characters).", field="action_taken"
        )
    now = timezone.now()
    alert.acknowledged_at = now
    alert.acknowledged_by = by
    alert.action_taken = action_taken
    alert.time_to_acknowledge = now - alert.raised_at
    alert.save()
    cancel_escalations(alert)
    return alert
