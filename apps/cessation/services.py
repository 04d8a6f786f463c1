"""Writes for cessation sessions: one call stores the session and everything taken in it."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.selectors import check_works_at
from apps.cessation.models import CessationSession, PharmacotherapyRecord
from apps.clinical.protocol import (
    BCT,
    MAX_SESSIONS,
    Attendance,
    Product,
    ProductAction,
    session_date_errors,
)
from apps.clinical.scoring import PHQ9_DIFFICULTY_WITHOUT_ITEMS, phq9_reports_risk
from apps.clinical.status import may_record_sessions
from apps.conduct.services import contamination_problems, record_contamination
from apps.core.errors import DomainError, broken_constraint, raise_all
from apps.corrections.models import RecordType
from apps.corrections.rules import Reason, field_changes
from apps.corrections.services import log_corrections, reason_errors_of
from apps.delegation.models import Duty
from apps.delegation.selectors import check_delegated
from apps.outcomes import services as outcome_services
from apps.outcomes.models import Source, Timepoint


@dataclass
class SessionInput:
    """What a PWP enters for one session (the form and the API both build this)."""

    session_date: date
    attendance: str
    number: int
    session_type: str
    mode: str = ""
    duration_minutes: int | None = None
    bcts_delivered: list[str] = field(default_factory=list)
    quit_date_set: date | None = None
    pharmacotherapy: list[tuple[str, str]] = field(default_factory=list)
    notes: str = ""
    co_ppm: int | None = None
    phq9_items: list[int] | None = None
    phq9_difficulty: int | None = None
    gad7_items: list[int] | None = None
    # (2nd ed.) Required for a control-arm participant, refused for anyone else.
    contamination_reason: str = ""
    contamination_action: str = ""


def suggested_session_number(participant) -> int:
    """The next session number: one after the highest attended session."""
    last = (
        CessationSession.objects.filter(participant=participant, attendance=Attendance.ATTENDED)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return min((last or 0) + 1, MAX_SESSIONS)


def _validate(data: SessionInput, today: date) -> None:
    if data.session_date > today:
        raise DomainError("Session date cannot be in the future.", field="session_date")
    if not 1 <= data.number <= MAX_SESSIONS:
        raise DomainError(f"Session number must be 1 to {MAX_SESSIONS}.", field="number")
    if data.attendance != Attendance.ATTENDED:
        _check_nothing_delivered(data)
        return
    if not data.mode:
        raise DomainError("Choose how the session was delivered.", field="mode")
    if not data.duration_minutes or not 1 <= data.duration_minutes <= 240:
        raise DomainError("An attended session lasts 1 to 240 minutes.", field="duration_minutes")
    if data.phq9_items is None and data.phq9_difficulty is not None:
        raise DomainError(PHQ9_DIFFICULTY_WITHOUT_ITEMS, field="phq9_difficulty")
    unknown = set(data.bcts_delivered) - set(BCT.values)
    if unknown:
        raise DomainError(
            f"Unknown behaviour change technique: {sorted(unknown)[0]}.", field="bcts_delivered"
        )
    for product, action in data.pharmacotherapy:
        if product not in Product.values or action not in ProductAction.values:
            raise DomainError(
                "Choose a listed product and recommended/provided.", field="pharmacotherapy"
            )


# What only an attended session can hold, by field, as the PWP would name it.
_DELIVERED_IN_A_SESSION = (
    ("phq9_items", "a PHQ-9"),
    ("gad7_items", "a GAD-7"),
    ("co_ppm", "a CO reading"),
    ("quit_date_set", "a quit date"),
    ("pharmacotherapy", "medication"),
    ("bcts_delivered", "behaviour change techniques"),
)


def _check_nothing_delivered(data: SessionInput) -> None:
    """A session that did not take place records nothing taken or delivered in it (never
    silently dropped: a PHQ-9 left out would be a risk answer nobody is alerted to)."""
    for name, what in _DELIVERED_IN_A_SESSION:
        if getattr(data, name) not in (None, [], ()):
            raise DomainError(
                f"A session the participant did not attend cannot record {what}: "
                "leave it out or record the session as attended.",
                field=name,
            )


@transaction.atomic
def record_session(
    *,
    participant,
    practitioner,
    data: SessionInput,
    submission_key: uuid.UUID | None = None,
    today: date | None = None,
) -> CessationSession:
    """Store a session with its CO, PHQ-9 and GAD-7; a repeated submission returns the first."""
    if submission_key is not None:
        existing = CessationSession.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    today = today or timezone.localdate()
    if not may_record_sessions(participant.status):
        raise DomainError(
            "Sessions can be logged only for randomised or enrolled participants.",
            field="participant",
        )
    date_errors = session_date_errors(
        session_date=data.session_date,
        quit_date=data.quit_date_set if data.attendance == Attendance.ATTENDED else None,
        screened_on=participant.screened_on,
        today=today,
    )
    problems = dict(date_errors) | contamination_problems(
        participant, reason=data.contamination_reason, corrective_action=data.contamination_action
    )
    raise_all([DomainError(message, field=field) for field, message in problems.items()])
    _validate(data, today)
    check_works_at(practitioner, participant.site, field="practitioner")
    check_delegated(
        practitioner,
        participant.site,
        Duty.DELIVER_SESSIONS,
        data.session_date,
        field="practitioner",
        carries_risk=phq9_reports_risk(data.phq9_items),
    )
    attended = data.attendance == Attendance.ATTENDED
    try:
        with transaction.atomic():
            session = CessationSession.objects.create(
                participant=participant,
                practitioner=practitioner,
                number=data.number,
                session_date=data.session_date,
                session_type=data.session_type,
                mode=data.mode if attended else "",
                attendance=data.attendance,
                duration_minutes=data.duration_minutes if attended else None,
                bcts_delivered=sorted(set(data.bcts_delivered)) if attended else [],
                quit_date_set=data.quit_date_set if attended else None,
                notes=data.notes,
                submission_key=submission_key,
                contamination_deviation=_contamination(participant, practitioner, data),
            )
    except IntegrityError as exc:
        if (
            submission_key
            and CessationSession.objects.filter(submission_key=submission_key).exists()
        ):
            return CessationSession.objects.get(submission_key=submission_key)
        if broken_constraint(exc) != "one_attended_session_per_number":
            raise
        raise DomainError(
            f"Session {data.number} has already been recorded as attended.", field="number"
        ) from exc
    if attended:
        _record_session_measures(session, participant, practitioner, data, today)
    return session


def _contamination(participant, practitioner, data: SessionInput):
    """The deviation a control-arm participant's session is (None for anyone else)."""
    if not data.contamination_reason.strip():
        return None
    return record_contamination(
        participant=participant,
        by=practitioner,
        occurred_on=data.session_date,
        what=f"Cessation session {data.number} ({Attendance(data.attendance).label.lower()})",
        reason=data.contamination_reason,
        corrective_action=data.contamination_action,
    )


def _record_session_measures(session, participant, practitioner, data: SessionInput, today) -> None:
    PharmacotherapyRecord.objects.bulk_create(
        PharmacotherapyRecord(session=session, product=p, action=a) for p, a in data.pharmacotherapy
    )
    if data.quit_date_set:
        from apps.journey.services import set_quit_date

        set_quit_date(participant=participant, quit_date=data.quit_date_set)
    common = {
        "participant": participant,
        "completed_on": data.session_date,
        "timepoint": Timepoint.SESSION,
        "source": Source.IN_SESSION,
        "session": session,
        "recorded_by": practitioner,
        "today": today,
    }
    if data.phq9_items is not None:
        outcome_services.record_phq9(
            items=data.phq9_items, difficulty=data.phq9_difficulty, **common
        )
    if data.gad7_items is not None:
        outcome_services.record_gad7(items=data.gad7_items, **common)
    if data.co_ppm is not None:
        taken_at = timezone.make_aware(datetime.combine(data.session_date, time(12, 0)))
        outcome_services.record_co_reading(
            participant=participant,
            ppm=data.co_ppm,
            taken_at=min(taken_at, timezone.now()),
            taken_by=practitioner,
            session=session,
        )


QUIT_DATE_NOT_REMOVED = (
    "A quit date set in a session can be corrected to another date, not removed: record "
    "what happened instead as a later session or in the notes."
)
# The session's own fields a correction may change, as the correction log names them.
SESSION_FIELD_LABELS = {
    "session_date": "Date",
    "number": "Session number",
    "session_type": "Type",
    "attendance": "Attendance",
    "mode": "How it was delivered",
    "duration_minutes": "Duration (minutes)",
    "bcts_delivered": "Behaviour change techniques delivered",
    "notes": "Notes",
    "quit_date_set": "Quit date",
}


@transaction.atomic
def update_session(
    *, session: CessationSession, editor, changes: dict, reason: Reason
) -> CessationSession:
    """Correct a saved session's own fields, with a reason; measures taken in it move with its
    date. The correction log keeps each old and new value with who, when and why."""
    unknown = set(changes) - set(SESSION_FIELD_LABELS)
    if unknown:
        raise DomainError(f"{sorted(unknown)[0]} cannot be edited here.", field=sorted(unknown)[0])
    reason_errors = reason_errors_of(reason)
    session = (
        CessationSession.objects.select_for_update(of=("self",))
        .select_related("participant")
        .get(pk=session.pk)
    )
    before = {name: getattr(session, name) for name in SESSION_FIELD_LABELS}
    old_date = session.session_date
    for name, value in changes.items():
        setattr(session, name, value)
    data = SessionInput(
        session_date=session.session_date,
        attendance=session.attendance,
        number=session.number,
        session_type=session.session_type,
        mode=session.mode,
        duration_minutes=session.duration_minutes,
        bcts_delivered=session.bcts_delivered,
    )
    date_errors = session_date_errors(
        session_date=session.session_date,
        quit_date=session.quit_date_set,
        screened_on=session.participant.screened_on,
        today=timezone.localdate(),
    )
    if before["quit_date_set"] is not None and session.quit_date_set is None:
        date_errors.append(("quit_date_set", QUIT_DATE_NOT_REMOVED))
    raise_all(reason_errors + [DomainError(message, field=field) for field, message in date_errors])
    _validate(data, timezone.localdate())
    if session.attendance != Attendance.ATTENDED:
        _check_nothing_recorded_in(session)
        session.mode, session.duration_minutes = "", None  # as when a DNA is first logged
    elif _number_taken(session):
        raise DomainError(
            f"Session {session.number} has already been recorded as attended.", field="number"
        )
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as exc:
        raise DomainError("Those values break a rule of the trial.", field="number") from exc
    after = {name: getattr(session, name) for name in SESSION_FIELD_LABELS}
    log_corrections(
        participant=session.participant,
        record_type=RecordType.SESSION,
        record_id=session.public_id,
        record_label=f"Session {before['number']} of {old_date:%-d %b %Y}",
        changes=field_changes(SESSION_FIELD_LABELS, before, after),
        reason=reason.code,
        detail=reason.detail,
        by=editor,
    )
    if session.session_date != old_date:
        _move_session_measures(session)
    if session.quit_date_set != before["quit_date_set"]:
        _move_quit_date(session.participant, before["quit_date_set"], session.quit_date_set)
    return session


def _move_quit_date(participant, old: date, new: date) -> None:
    """Move the participant's quit date (and its 4-week window) when this session's was it."""
    from apps.journey.services import set_quit_date

    if participant.quit_date == old:
        set_quit_date(participant=participant, quit_date=new)


def _check_nothing_recorded_in(session: CessationSession) -> None:
    """A session corrected to "did not attend" must not keep what was taken or set in it."""
    from apps.outcomes.models import COReading, GAD7Response, PHQ9Response

    held = [
        what
        for what, present in (
            ("a quit date", session.quit_date_set is not None),
            ("medication", session.pharmacotherapy.exists()),
            ("a PHQ-9", PHQ9Response.objects.filter(session=session).exists()),
            ("a GAD-7", GAD7Response.objects.filter(session=session).exists()),
            ("a CO reading", COReading.objects.filter(session=session).exists()),
        )
        if present
    ]
    if held:
        raise DomainError(
            f"Session {session.number} holds {', '.join(held)}: a session the participant did "
            "not attend cannot. Correct those records first, or keep it as attended.",
            field="attendance",
        )


def _number_taken(session: CessationSession) -> bool:
    return (
        CessationSession.objects.filter(
            participant_id=session.participant_id,
            number=session.number,
            attendance=Attendance.ATTENDED,
        )
        .exclude(pk=session.pk)
        .exists()
    )


def _move_session_measures(session: CessationSession) -> None:
    """Give the PHQ-9, GAD-7 and CO taken in a session the session's (corrected) date."""
    from apps.outcomes.models import COReading, GAD7Response, PHQ9Response

    now = timezone.now()
    for model in (PHQ9Response, GAD7Response):
        model.objects.filter(session=session).update(
            completed_on=session.session_date, updated_at=now
        )
    for reading in COReading.objects.filter(session=session):
        # Keep the time of day it was taken; a reading cannot be later than now.
        at = timezone.localtime(reading.taken_at).time()
        moved = timezone.make_aware(datetime.combine(session.session_date, at))
        reading.taken_at = min(moved, now)
        reading.save(update_fields=["taken_at", "updated_at"])
