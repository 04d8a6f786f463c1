"""A follow-up assessment recorded by staff (phone call or clinic visit) in one transaction.

At the 4-week quit check and the 3- and 6-month follow-ups a PWP phones or sees the participant
and records their smoking status, optionally a CO reading (in person only) and optionally the
PHQ-9 and GAD-7. Every measure is written by the outcome services with the follow-up's
timepoint; the smoking status report completes the follow-up and cancels its pending reminders.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from apps.clinical import scoring
from apps.clinical.smoking_report_rules import SmokingReportAnswers, smoking_report_errors
from apps.clinical.usual_care import usual_care_errors
from apps.core.errors import DomainError, raise_all
from apps.delegation.models import Duty
from apps.delegation.selectors import check_delegated
from apps.outcomes import services
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SmokingStatusReport,
    Source,
)
from apps.outcomes.selectors import known_reference_quit_date
from apps.outcomes.usual_care_services import record_therapy_sessions
from apps.reminders.models import FollowUp, FollowUpStatus

SOURCES = (Source.PHONE, Source.IN_SESSION)
# A CO reading taken on an earlier day is dated at midday: only its day matters to the rules.
PAST_READING_TIME = time(12, 0)


@dataclass(frozen=True, slots=True)
class FollowUpAssessment:
    """What one follow-up contact stored."""

    follow_up: FollowUp
    smoking: SmokingStatusReport
    co_reading: COReading | None
    phq9: PHQ9Response | None
    gad7: GAD7Response | None


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def check_recordable(follow_up: FollowUp, day: date, *, field: str = "completed_on") -> None:
    """Refuse a measure for a cancelled follow-up or dated outside the follow-up's window
    (`field` names the date field in the message)."""
    if follow_up.status == FollowUpStatus.CANCELLED:
        raise DomainError(
            f"The {follow_up.get_timepoint_display().lower()} was cancelled: nothing can be "
            "recorded for it.",
            field="follow_up",
        )
    if not follow_up.opens_on <= day <= follow_up.closes_on:
        raise DomainError(
            f"The date of the follow-up must be inside its window, {_day(follow_up.opens_on)} "
            f"to {_day(follow_up.closes_on)}.",
            field=field,
        )


def _check_follow_up(follow_up: FollowUp, completed_on: date, today: date) -> None:
    if follow_up.status == FollowUpStatus.COMPLETED:
        raise DomainError(
            f"The {follow_up.get_timepoint_display().lower()} has already been recorded.",
            field="follow_up",
        )
    if completed_on > today:
        raise DomainError(
            "The date of the follow-up cannot be in the future.", field="completed_on"
        )
    check_recordable(follow_up, completed_on)


def _smoking_values(
    *,
    smoke_free_since_day_14: bool | None,
    cigarettes_since_day_14: int | None,
    smoked_last_7_days: bool | None,
    cigarettes_last_7_days: int | None,
    stopped_on: date | None,
    cigarettes_per_day: int | None = None,
    minutes_to_first_cigarette: int | None = None,
) -> tuple[dict, list[DomainError]]:
    """The smoking answers as the report stores them, and the one gap no report rule can
    check (the 7-day answer itself missing)."""
    errors = []
    if smoked_last_7_days is None:
        errors.append(
            DomainError(
                "Answer whether the participant smoked in the last 7 days.",
                field="smoked_last_7_days",
            )
        )
    values = {
        "smoke_free_since_day_14": smoke_free_since_day_14,
        "cigarettes_since_day_14": 0 if smoke_free_since_day_14 else cigarettes_since_day_14,
        "smoked_last_7_days": smoked_last_7_days,
        "cigarettes_last_7_days": cigarettes_last_7_days or 0,
        "stopped_on": stopped_on if smoked_last_7_days is False else None,
        # Asked of those still smoking: the report's rules refuse them for anyone else.
        "cigarettes_per_day": cigarettes_per_day,
        "minutes_to_first_cigarette": minutes_to_first_cigarette,
    }
    return values, errors


def _one_per_field(errors: list[DomainError]) -> list[DomainError]:
    """The first error of each field (two rules may catch the same gap)."""
    seen: dict[str | None, DomainError] = {}
    for error in errors:
        seen.setdefault(error.field, error)
    return list(seen.values())


def _taken_at(completed_on: date, today: date) -> datetime:
    if completed_on == today:
        return timezone.now()
    return timezone.make_aware(datetime.combine(completed_on, PAST_READING_TIME))


@transaction.atomic
def record_follow_up_assessment(
    *,
    follow_up: FollowUp,
    recorded_by,
    completed_on: date,
    source: str,
    smoked_last_7_days: bool | None,
    quit_attempt_since_last_contact: bool,
    uses_e_cigarette: bool,
    uses_stop_smoking_medication: bool,
    cigarettes_last_7_days: int | None = 0,
    smoke_free_since_day_14: bool | None = None,
    cigarettes_since_day_14: int | None = None,
    stopped_on: date | None = None,
    cigarettes_per_day: int | None = None,
    minutes_to_first_cigarette: int | None = None,
    therapy_planned: int | None = None,
    therapy_attended: int | None = None,
    therapy_dna: int | None = None,
    co_ppm: int | None = None,
    phq9_items: list[int] | None = None,
    phq9_difficulty: int | None = None,
    gad7_items: list[int] | None = None,
    today: date | None = None,
) -> FollowUpAssessment:
    """Store a follow-up contact's measures at once; the follow-up completes, reminders stop.

    Refused (nothing stored) when the follow-up is cancelled or already recorded, the date is
    in the future or outside the window, or a CO reading is given for a phone contact.
    """
    today = today or timezone.localdate()
    # The lock makes a double submission wait, then see the follow-up completed and refuse.
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("participant")
        .get(pk=follow_up.pk)
    )
    _check_follow_up(follow_up, completed_on, today)
    check_delegated(
        recorded_by,
        follow_up.participant.site,
        Duty.RECORD_FOLLOW_UPS,
        completed_on,
        field="recorded_by",
        carries_risk=scoring.phq9_reports_risk(phq9_items),
    )
    errors = []
    if source not in SOURCES:
        errors.append(DomainError("Choose by phone or in person.", field="source"))
    if phq9_items is None and phq9_difficulty is not None:
        errors.append(DomainError(scoring.PHQ9_DIFFICULTY_WITHOUT_ITEMS, field="phq9_difficulty"))
    if co_ppm is not None and source != Source.IN_SESSION:
        errors.append(
            DomainError(
                "A CO reading needs the participant in person: choose in person, or leave the "
                "CO reading blank.",
                field="co_ppm",
            )
        )
    participant = follow_up.participant
    smoking, form_errors = _smoking_values(
        smoke_free_since_day_14=smoke_free_since_day_14,
        cigarettes_since_day_14=cigarettes_since_day_14,
        smoked_last_7_days=smoked_last_7_days,
        cigarettes_last_7_days=cigarettes_last_7_days,
        stopped_on=stopped_on,
        cigarettes_per_day=cigarettes_per_day,
        minutes_to_first_cigarette=minutes_to_first_cigarette,
    )
    errors += form_errors
    if smoking["smoked_last_7_days"] is not None:
        # The report's own rules, checked now so every gap shows in one round.
        errors += smoking_report_errors(
            SmokingReportAnswers(
                timepoint=follow_up.timepoint,
                completed_on=completed_on,
                screened_on=participant.screened_on,
                known_reference=known_reference_quit_date(participant),
                smoked_last_7_days=smoking["smoked_last_7_days"],
                cigarettes_last_7_days=smoking["cigarettes_last_7_days"],
                smoke_free_since_day_14=smoking["smoke_free_since_day_14"],
                cigarettes_since_day_14=smoking["cigarettes_since_day_14"],
                stopped_on=smoking["stopped_on"],
                cigarettes_per_day=smoking["cigarettes_per_day"],
                minutes_to_first_cigarette=smoking["minutes_to_first_cigarette"],
            )
        )
    therapy = (therapy_planned, therapy_attended, therapy_dna)
    errors += usual_care_errors(follow_up.timepoint, *therapy)
    raise_all(_one_per_field(errors))
    common = {
        "participant": participant,
        "timepoint": follow_up.timepoint,
        "source": source,
        "follow_up": follow_up,
    }
    measures = {"completed_on": completed_on, "recorded_by": recorded_by, "today": today}
    phq9 = (
        services.record_phq9(items=phq9_items, difficulty=phq9_difficulty, **common, **measures)
        if phq9_items is not None
        else None
    )
    gad7 = (
        services.record_gad7(items=gad7_items, **common, **measures)
        if gad7_items is not None
        else None
    )
    co_reading = (
        services.record_co_reading(
            ppm=co_ppm, taken_at=_taken_at(completed_on, today), taken_by=recorded_by, **common
        )
        if co_ppm is not None
        else None
    )
    report = services.record_smoking_status(
        **smoking,
        quit_attempt_since_last_contact=quit_attempt_since_last_contact,
        uses_e_cigarette=uses_e_cigarette,
        uses_stop_smoking_medication=uses_stop_smoking_medication,
        **common,
        **measures,
    )
    if any(value is not None for value in therapy):
        planned, attended, dna = therapy
        record_therapy_sessions(planned=planned, attended=attended, dna=dna, **common, **measures)
    follow_up.refresh_from_db()
    return FollowUpAssessment(
        follow_up=follow_up, smoking=report, co_reading=co_reading, phq9=phq9, gad7=gad7
    )
