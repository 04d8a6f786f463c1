"""The one selector that loads participant_outcomes()'s inputs for a set of participants.

Eight queries whatever the set's size: the participants (with allocation and baseline) and one
query per kind of record, each ordered by participant id and streamed from a server-side cursor,
then merged in id order (integers, so Python and PostgreSQL agree on the order). Memory stays
flat: one participant's records at a time. `records_of_loaded` builds the same records from rows
a page has already read, through the same field lists.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

from apps.cessation.models import CessationSession
from apps.clinical.participant_outcomes import ParticipantOutcomes, participant_outcomes
from apps.clinical.participant_records import (
    SINGLE_ARM,
    BaselineRecord,
    COReadingRecord,
    FollowUpRecord,
    ParticipantRecords,
    QuestionnaireRecord,
    SessionRecord,
    SmokingReportRecord,
    TherapySessionsRecord,
)
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SmokingStatusReport,
    TherapySessionsReport,
)
from apps.patients.models import Participant
from apps.reminders.models import FollowUp

CHUNK = 5000

_PARTICIPANT_FIELDS = (
    "id",
    "trial_id",
    "site_id",
    "site__code",
    "allocation__arm",
    "status",
    "randomised_on",
    "quit_date",
    "exit_on",
    "exit_reason",
    "baseline__id",
    "baseline__year_of_birth",
    "baseline__sex",
    "baseline__cigarettes_per_day",
    "baseline__minutes_to_first_cigarette",
    "baseline__hsi_score",
    "baseline__hsi_band",
)


def randomised_participants() -> QuerySet[Participant]:
    """Every participant who was randomised (or enrolled): the set outcomes are defined for."""
    return Participant.objects.filter(randomised_on__isnull=False)


@dataclass(frozen=True)
class _Kind:
    """One kind of child record: its model, order, the fields read and how a row becomes one.

    `maker(zone)` gives the row-to-record function for a time zone (one call per row, no more:
    the snapshot reads half a million rows).
    """

    model: type[Model]
    order: tuple[str, ...]
    fields: tuple[str, ...]
    maker: Callable[[ZoneInfo], Callable[[tuple], object]]


_KINDS: dict[str, _Kind] = {
    "follow_ups": _Kind(
        FollowUp,
        ("id",),
        ("timepoint", "status", "due_on", "opens_on", "closes_on"),
        lambda zone: lambda r: FollowUpRecord(*r),
    ),
    "smoking_reports": _Kind(
        SmokingStatusReport,
        ("completed_on", "id"),
        (
            "timepoint",
            "completed_on",
            "smoked_last_7_days",
            "cigarettes_last_7_days",
            "smoke_free_since_day_14",
            "cigarettes_since_day_14",
            "quit_attempt_since_last_contact",
            "stopped_on",
            "cigarettes_per_day",
            "minutes_to_first_cigarette",
        ),
        lambda zone: lambda r: SmokingReportRecord(*r),
    ),
    "therapy_sessions": _Kind(
        TherapySessionsReport,
        ("completed_on", "id"),
        ("timepoint", "completed_on", "sessions_planned", "sessions_attended", "sessions_dna"),
        lambda zone: lambda r: TherapySessionsRecord(*r),
    ),
    "co_readings": _Kind(
        COReading,
        ("taken_at", "id"),
        ("timepoint", "taken_at", "ppm"),
        lambda zone: lambda r: COReadingRecord(r[0], _local_day(r[1], zone), r[2]),
    ),
    "phq9": _Kind(
        PHQ9Response,
        ("completed_on", "id"),
        ("timepoint", "completed_on", "total", "difficulty"),
        lambda zone: lambda r: QuestionnaireRecord(*r),
    ),
    "gad7": _Kind(
        GAD7Response,
        ("completed_on", "id"),
        ("timepoint", "completed_on", "total"),
        lambda zone: lambda r: QuestionnaireRecord(*r),
    ),
    "sessions": _Kind(
        CessationSession,
        ("session_date", "number", "id"),
        ("session_type", "attendance", "practitioner_id", "duration_minutes", "bcts_delivered"),
        lambda zone: lambda r: SessionRecord(r[0], r[1], r[2], r[3], tuple(r[4] or ())),
    ),
}


def participant_records(
    participants: QuerySet[Participant], *, time_zone: str, streamed: bool = True
) -> Iterator[ParticipantRecords]:
    """Each randomised participant of `participants` with all their records, by id.

    `streamed=False` reads each query at once (no server-side cursors): for a few participants.
    """
    ids = participants.filter(randomised_on__isnull=False).order_by().values("id")
    zone = ZoneInfo(time_zone)
    streams = {
        name: _Stream(
            streamed,
            kind.model.objects.filter(participant_id__in=ids).order_by(
                "participant_id", *kind.order
            ),
            kind.fields,
            kind.maker(zone),
        )
        for name, kind in _KINDS.items()
    }
    rows = (
        participants.filter(randomised_on__isnull=False)
        .order_by("id")
        .values_list(*_PARTICIPANT_FIELDS)
    )
    rows = rows.iterator(chunk_size=CHUNK) if streamed else iter(list(rows))
    for row in rows:
        children = {name: stream.take(row[0]) for name, stream in streams.items()}
        yield _participant(row, children)


def records_of_loaded(
    participant: Participant, loaded: dict[str, list], *, time_zone: str
) -> ParticipantRecords | None:
    """The same records built from a participant and their rows already in memory (no query).

    `loaded` has each kind's model instances (any order), as the participant page reads them;
    the participant should come with site, allocation and baseline joined. None before
    randomisation, as participant_records() leaves such a participant out.
    """
    if participant.randomised_on is None:
        return None
    zone = ZoneInfo(time_zone)
    children = {}
    for name, kind in _KINDS.items():
        rows = sorted(loaded[name], key=lambda obj, order=kind.order: _values(obj, order))
        make = kind.maker(zone)
        children[name] = tuple(make(_values(obj, kind.fields)) for obj in rows)
    return _participant(_values(participant, _PARTICIPANT_FIELDS), children)


def _values(obj: Model, fields: tuple[str, ...]) -> tuple:
    """The fields of a model instance as values_list() reads them ("a__b" follows relations)."""
    return tuple(_value(obj, field) for field in fields)


def _value(obj: Model | None, field: str):
    for name in field.split("__"):
        if obj is None:
            return None
        try:
            obj = getattr(obj, name)
        except ObjectDoesNotExist:  # a one-to-one row that does not exist (no allocation yet)
            return None
    return obj


def outcomes_for(
    participants: QuerySet[Participant],
    *,
    today: date,
    time_zone: str,
    expected_bcts_overrides: dict | None = None,
    streamed: bool = True,
) -> Iterator[ParticipantOutcomes]:
    """participant_outcomes() of each randomised participant of `participants`, by id."""
    for records in participant_records(participants, time_zone=time_zone, streamed=streamed):
        yield participant_outcomes(
            records, today=today, expected_bcts_overrides=expected_bcts_overrides
        )


def _participant(row: tuple, children: dict[str, tuple]) -> ParticipantRecords:
    (pk, trial_id, site_id, site_code, arm, status, randomised_on, quit_date, exit_on,
     exit_reason, baseline_id, *baseline) = row  # fmt: skip
    return ParticipantRecords(
        id=pk,
        trial_id=trial_id,
        site_id=site_id,
        site_code=site_code,
        arm=arm or SINGLE_ARM,
        status=status,
        randomised_on=randomised_on,
        quit_date=quit_date,
        exit_on=exit_on,
        exit_reason=exit_reason or "",
        baseline=BaselineRecord(*baseline) if baseline_id is not None else None,
        **children,
    )


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


class _Stream:
    """Rows of one child query, ordered by participant id, handed out one participant at a time."""

    def __init__(self, streamed: bool, queryset: QuerySet, fields: tuple[str, ...], make: Callable):
        rows = queryset.values_list("participant_id", *fields)
        self._rows = rows.iterator(chunk_size=CHUNK) if streamed else iter(list(rows))
        self._make = make
        self._head: tuple | None = next(self._rows, None)

    def take(self, participant_id: int) -> tuple:
        """The records of `participant_id` (ids must be asked for in ascending order)."""
        # A participant who joined the set between the queries has rows but is not asked for.
        while self._head is not None and self._head[0] < participant_id:
            self._head = next(self._rows, None)
        taken = []
        while self._head is not None and self._head[0] == participant_id:
            taken.append(self._make(self._head[1:]))
            self._head = next(self._rows, None)
        return tuple(taken)
