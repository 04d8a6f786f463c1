"""The demo pilot's plan, as plain data: sites, people, sessions, follow-ups, exits.

plan.py decides the plan and calendar_safety.py checks and moves it; both use these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from apps.clinical import schedule

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class SiteSpec:
    """A site to plan: how many people it randomises over its recruitment window."""

    code: str
    name: str
    ods_code: str
    recruitment_target: int
    opens_on: date
    closes_on: date
    randomised: int

    def site_fields(self) -> dict:
        """The Site model's fields for this site."""
        return {
            "code": self.code,
            "name": self.name,
            "ods_code": self.ods_code,
            "recruitment_target": self.recruitment_target,
            "recruitment_opens_on": self.opens_on,
            "recruitment_closes_on": self.closes_on,
        }


@dataclass
class AlertPlan:
    raised_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str = "pwp"  # "pwp" (the assigned PWP) or "lead" (the site lead)
    action_taken: str = ""


@dataclass
class MeasureSet:
    """A PHQ-9 and GAD-7 taken at one contact (a "pair" in Talking Therapies terms)."""

    taken_on: date
    phq9: list[int]
    gad7: list[int]
    alert: AlertPlan | None = None
    phq9_difficulty: int | None = None


@dataclass
class SessionPlan:
    number: int
    session_date: date
    session_type: str
    attendance: str
    practitioner: int  # index of the site's PWP who saw the participant
    mode: str = ""
    duration_minutes: int | None = None
    bcts: list[str] = field(default_factory=list)
    quit_date_set: date | None = None
    pharmacotherapy: list[tuple[str, str]] = field(default_factory=list)
    co_ppm: int | None = None
    measures: MeasureSet | None = None


@dataclass
class FollowUpPlan:
    window: schedule.FollowUpWindow
    status: str  # the status the follow-up has on `today`
    completed_on: date | None = None
    source: str = ""
    smoking: dict = field(default_factory=dict)
    co_ppm: int | None = None
    measures: MeasureSet | None = None

    @property
    def timepoint(self) -> str:
        return self.window.timepoint

    @property
    def completed_at(self) -> datetime | None:
        if self.completed_on is None:
            return None
        return datetime.combine(self.completed_on, time(14, 30), tzinfo=LONDON)


@dataclass
class ExitPlan:
    status: str  # "withdrawn" or "lost"
    on: date
    reason: str
    detail: str = ""


@dataclass
class ParticipantPlan:
    number: int  # per-site sequence number in the trial ID
    pwp: int
    consented_on: date | None = None
    withdrawn_before_randomisation: ExitPlan | None = None
    randomised_on: date | None = None
    arm: str | None = None
    block_index: int | None = None
    block_position: int | None = None
    baseline: dict = field(default_factory=dict)
    contact: dict = field(default_factory=dict)
    baseline_measures: MeasureSet | None = None
    baseline_co: int | None = None
    quit_date: date | None = None
    sessions: list[SessionPlan] = field(default_factory=list)
    follow_ups: list[FollowUpPlan] = field(default_factory=list)
    exit: ExitPlan | None = None
    completed: bool = False

    @property
    def randomised_at(self) -> datetime | None:
        """When the PWP randomised them: mid-morning of the day, before the baseline CO."""
        if self.randomised_on is None:
            return None
        return datetime.combine(self.randomised_on, time(10, 30), tzinfo=LONDON)

    @property
    def status(self) -> str:
        if self.withdrawn_before_randomisation:
            return "withdrawn"
        if self.exit:
            return self.exit.status
        if self.completed:
            return "completed"
        if self.randomised_on:
            return "randomised"
        return "consented" if self.consented_on else "screened"

    def measure_sets(self) -> list[MeasureSet]:
        """Every PHQ-9/GAD-7 pair in the plan, baseline first."""
        found = [self.baseline_measures] if self.baseline_measures else []
        found += [s.measures for s in self.sessions if s.measures]
        found += [f.measures for f in self.follow_ups if f.measures]
        return found


@dataclass
class ScreeningPlan:
    screened_on: date
    screened_by: int
    criteria: dict[str, bool]
    declined: bool = False
    exclusion_reason: str = ""
    decline_reason: str = ""
    reason_detail: str = ""
    participant: ParticipantPlan | None = None

    @property
    def outcome(self) -> str:
        if not all(self.criteria.values()):
            return "not_eligible"
        return "declined" if self.declined else "eligible"


@dataclass
class SitePlan:
    spec: SiteSpec
    screenings: list[ScreeningPlan]
    blocks: list[list[str]]

    def participants(self) -> list[ParticipantPlan]:
        """The eligible people who became participants, in trial ID order."""
        return [s.participant for s in self.screenings if s.participant]


# Weights of attending 0, 1, 2, ... sessions (the protocol allows up to 12).
