"""Usual psychological care: the Talking Therapies sessions a participant had alongside the trial.

Pure. So the trial can say whether cessation support displaced therapy, each 3- and 6-month
follow-up may record the Talking Therapies treatment sessions since randomisation: planned
(booked), attended and not attended (DNA). The counts are cumulative, so the latest report is the
participant's usual care so far.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from apps.clinical import schedule
from apps.clinical.participant_records import TherapySessionsRecord
from apps.core.errors import DomainError

USUAL_CARE_TIMEPOINTS: tuple[str, ...] = (schedule.MONTH3, schedule.MONTH6)
MAX_THERAPY_SESSIONS = 60
FIELDS = ("therapy_planned", "therapy_attended", "therapy_dna")


@dataclass(frozen=True, slots=True)
class UsualCare:
    """Talking Therapies sessions since randomisation, as last reported."""

    planned: int
    attended: int
    dna: int


def asks_usual_care(timepoint: str) -> bool:
    """Whether a follow-up at this timepoint asks about Talking Therapies sessions."""
    return timepoint in USUAL_CARE_TIMEPOINTS


def usual_care_errors(
    timepoint: str, planned: int | None, attended: int | None, dna: int | None
) -> list[DomainError]:
    """Every rule the three counts break, each naming its field (empty: they may be stored;
    all three blank is no report)."""
    values = dict(zip(FIELDS, (planned, attended, dna), strict=True))
    given = {k: v for k, v in values.items() if v is not None}
    if not given:
        return []
    if not asks_usual_care(timepoint):
        return [
            DomainError(
                "Talking Therapies sessions are recorded only at the 3- and 6-month follow-ups.",
                field=next(iter(given)),
            )
        ]
    errors = [
        DomainError(
            "Give all three Talking Therapies counts (planned, attended, did not attend), or "
            "none: this one is missing.",
            field=name,
        )
        for name, value in values.items()
        if value is None
    ]
    errors += [
        DomainError(f"Sessions must be from 0 to {MAX_THERAPY_SESSIONS}.", field=name)
        for name, value in given.items()
        if not 0 <= value <= MAX_THERAPY_SESSIONS
    ]
    if not errors and attended + dna > planned:
        errors.append(
            DomainError(
                "Attended and not attended cannot add up to more than the sessions planned.",
                field="therapy_planned",
            )
        )
    return errors


def usual_care_so_far(reports: Sequence[TherapySessionsRecord]) -> UsualCare | None:
    """The latest report's counts (by date, then recording order); None when none was made."""
    if not reports:
        return None
    latest = sorted(reports, key=lambda r: r.completed_on)[-1]
    return UsualCare(latest.planned, latest.attended, latest.dna)
