"""Source data verification: which records each area holds, and when one counts as verified.

A monitor checks a participant's records against the source (the clinical notes, the signed
consent form) one area at a time. A record is verified when it was verified after its last change:
a correction, or any other edit, sends it back to unverified, so the area must be verified again.
An area with no records yet (no 3-month follow-up, no safety alert) is not due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Area(StrEnum):
    ELIGIBILITY = "eligibility"
    CONSENT = "consent"
    RANDOMISATION = "randomisation"
    BASELINE = "baseline"
    SESSIONS = "sessions"
    FOUR_WEEK = "four_week"
    PRIMARY = "primary"
    SIX_MONTH = "six_month"
    SAFETY = "safety"


AREA_LABELS = {
    Area.ELIGIBILITY: "Eligibility (screening answers)",
    Area.CONSENT: "Consent",
    Area.RANDOMISATION: "Randomisation",
    Area.BASELINE: "Baseline",
    Area.SESSIONS: "Cessation sessions and their measures",
    Area.FOUR_WEEK: "4-week quit check",
    Area.PRIMARY: "3-month follow-up (primary outcome)",
    Area.SIX_MONTH: "6-month follow-up",
    Area.SAFETY: "Safety (risk alerts and adverse events)",
}
# What a pilot verifies unless it says otherwise: consent, eligibility, randomisation, primary
# and safety data (issue 15; the sponsor's monitoring plan may ask for more or fewer).
DEFAULT_AREAS = (Area.ELIGIBILITY, Area.CONSENT, Area.RANDOMISATION, Area.PRIMARY, Area.SAFETY)

# A measure belongs to the area of the timepoint it was taken at.
TIMEPOINT_AREAS = {
    "baseline": Area.BASELINE,
    "session": Area.SESSIONS,
    "week4": Area.FOUR_WEEK,
    "month3": Area.PRIMARY,
    "month6": Area.SIX_MONTH,
}
MEASURE_TYPES = frozenset({"phq9", "gad7", "smoking_status", "co_reading"})
RECORD_TYPE_AREAS = {
    "screening": Area.ELIGIBILITY,
    "consent": Area.CONSENT,
    "randomisation": Area.RANDOMISATION,
    "baseline": Area.BASELINE,
    "session": Area.SESSIONS,
    "safety_alert": Area.SAFETY,
    "adverse_event": Area.SAFETY,
}
# Consent is kept on the participant's own row: only these corrected fields change it.
CONSENT_FIELDS = frozenset({"consented_on", "consent_form_version"})


class Status(StrEnum):
    NOT_DUE = "not_due"
    UNVERIFIED = "unverified"
    CHANGED = "changed"
    VERIFIED = "verified"


STATUS_LABELS = {
    Status.NOT_DUE: "Nothing to verify yet",
    Status.UNVERIFIED: "Not verified",
    Status.CHANGED: "Changed since it was verified: verify again",
    Status.VERIFIED: "Verified",
}


@dataclass(frozen=True)
class RecordState:
    """One record of an area: when it was last verified and, for a verified record, when it last
    changed (an unverified record's changes decide nothing, so they are not looked up)."""

    record_type: str
    record_id: str
    changed_at: datetime | None
    verified_at: datetime | None

    @property
    def verified(self) -> bool:
        """Verified after its last change (a record never changed since entry counts)."""
        if self.verified_at is None:
            return False
        return self.changed_at is None or self.changed_at <= self.verified_at


def area_of(record_type: str, timepoint: str | None = None) -> Area | None:
    """The area a record belongs to: a measure by its timepoint, anything else by its type."""
    if record_type in MEASURE_TYPES:
        return TIMEPOINT_AREAS.get(timepoint or "")
    return RECORD_TYPE_AREAS.get(record_type)


def corrected_record_type(record_type: str, field: str) -> str | None:
    """The verified record a correction changes; None when no verified record holds the field."""
    if record_type == "participant":
        return "consent" if field in CONSENT_FIELDS else None
    return record_type


def area_status(records: Iterable[RecordState]) -> Status:
    """An area's status from its records: verified only when every record is."""
    records = list(records)
    if not records:
        return Status.NOT_DUE
    if all(r.verified for r in records):
        return Status.VERIFIED
    if any(r.verified_at is not None and not r.verified for r in records):
        return Status.CHANGED
    return Status.UNVERIFIED


def areas_errors(areas: object) -> list[str]:
    """What is wrong with a pilot's list of areas to verify (empty when nothing is)."""
    if not isinstance(areas, list) or not all(isinstance(a, str) for a in areas):
        return ["Give the areas to verify as a list of names."]
    unknown = sorted(set(areas) - set(Area))
    if unknown:
        known = ", ".join(Area)
        return [f"Unknown area {', '.join(unknown)}: choose from {known}."]
    if len(set(areas)) != len(areas):
        return ["Name each area to verify once."]
    return []


def configured_areas(areas: list[str] | None) -> tuple[Area, ...]:
    """The pilot's areas in the catalogue's order; the defaults when the pilot names none."""
    if not areas:
        return DEFAULT_AREAS
    return tuple(a for a in Area if a in set(areas))


@dataclass(frozen=True)
class Progress:
    """How far verification has gone over some participants' areas."""

    due: int
    verified: int
    changed: int

    @property
    def share(self) -> float | None:
        """Verified areas as a share of those due; None when nothing is due."""
        return self.verified / self.due if self.due else None


def progress(statuses: Iterable[Status]) -> Progress:
    """Count the due, verified and changed-since-verified areas among these statuses."""
    due = verified = changed = 0
    for status in statuses:
        if status is Status.NOT_DUE:
            continue
        due += 1
        verified += status is Status.VERIFIED
        changed += status is Status.CHANGED
    return Progress(due=due, verified=verified, changed=changed)
