"""One participant's records as plain values: the input of participant_outcomes().

No ORM here: the selector in apps/workspace/outcome_records.py fills these from the database,
tests build them by hand. Every sequence is in recording order (oldest first, ties by id).
"""

from dataclasses import dataclass, field
from datetime import date

# The arm of a participant enrolled in a single-arm pilot (no allocation).
SINGLE_ARM = "single"
# Both arms counted together: the open report for a steering committee shows nothing by arm.
POOLED_ARMS = "pooled"


@dataclass(frozen=True, slots=True)
class BaselineRecord:
    """The baseline smoking and demographic answers."""

    year_of_birth: int | None
    sex: str
    cigarettes_per_day: int | None
    minutes_to_first_cigarette: int | None
    hsi_score: int | None
    hsi_band: str


@dataclass(frozen=True, slots=True)
class FollowUpRecord:
    """A scheduled follow-up: its timepoint, status and window."""

    timepoint: str
    status: str
    due_on: date
    opens_on: date
    closes_on: date


@dataclass(frozen=True, slots=True)
class SmokingReportRecord:
    """One smoking status report."""

    timepoint: str
    completed_on: date
    smoked_last_7_days: bool
    cigarettes_last_7_days: int | None
    smoke_free_since_day_14: bool | None
    cigarettes_since_day_14: int | None
    quit_attempt_since_last_contact: bool
    stopped_on: date | None = None  # (2nd ed.) the stop date reported at 3 and 6 months
    cigarettes_per_day: int | None = None  # asked at 3 and 6 months of those still smoking
    minutes_to_first_cigarette: int | None = None


@dataclass(frozen=True, slots=True)
class TherapySessionsRecord:
    """Talking Therapies sessions since randomisation, reported at a follow-up."""

    timepoint: str
    completed_on: date
    planned: int
    attended: int
    dna: int


@dataclass(frozen=True, slots=True)
class COReadingRecord:
    """One exhaled CO reading; `taken_on` is its day in the trial's time zone."""

    timepoint: str
    taken_on: date
    ppm: int


@dataclass(frozen=True, slots=True)
class QuestionnaireRecord:
    """One PHQ-9 or GAD-7 total (difficulty only for PHQ-9)."""

    timepoint: str
    completed_on: date
    total: int
    difficulty: int | None = None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One cessation session as fidelity and adherence need it."""

    session_type: str
    attendance: str
    practitioner_id: int | None
    duration_minutes: int | None
    bcts_delivered: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParticipantRecords:
    """Everything recorded for one randomised (or enrolled) participant."""

    id: int
    trial_id: str
    site_id: int
    site_code: str
    arm: str  # intervention, control, or single (enrolled in a single-arm pilot)
    status: str
    randomised_on: date
    quit_date: date | None = None
    exit_on: date | None = None
    exit_reason: str = ""
    baseline: BaselineRecord | None = None
    follow_ups: tuple[FollowUpRecord, ...] = field(default_factory=tuple)
    smoking_reports: tuple[SmokingReportRecord, ...] = field(default_factory=tuple)
    co_readings: tuple[COReadingRecord, ...] = field(default_factory=tuple)
    phq9: tuple[QuestionnaireRecord, ...] = field(default_factory=tuple)
    gad7: tuple[QuestionnaireRecord, ...] = field(default_factory=tuple)
    sessions: tuple[SessionRecord, ...] = field(default_factory=tuple)
    therapy_sessions: tuple[TherapySessionsRecord, ...] = field(default_factory=tuple)

    @property
    def randomised_month(self) -> str:
        """The month of randomisation as YYYY-MM (the dashboard's month breakdown)."""
        return self.randomised_on.isoformat()[:7]
