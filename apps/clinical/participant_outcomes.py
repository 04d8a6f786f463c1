"""Every derived participant-level outcome, defined once: participant_outcomes().

Values in, values out: no ORM, no settings, no clock (`today` is passed). The participant page,
the dashboard snapshot, the analysis exports and the API all call participant_outcomes(); no
other module restates these rules. The words pages and exports show for the codes are in
apps/clinical/outcome_labels.py.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from apps.clinical import schedule, scoring
from apps.clinical.abstinence import (
    FourWeekCheck,
    deciding_reading,
    field_of,
    four_week_check,
    reference_quit_date,
    report_in_window,
    rs6,
)
from apps.clinical.choices import ExitReason
from apps.clinical.continuous_outcomes import Scores, fixed_timepoint_scores
from apps.clinical.participant_records import (
    COReadingRecord,
    FollowUpRecord,
    ParticipantRecords,
    QuestionnaireRecord,
    SessionRecord,
)
from apps.clinical.protocol import expected_bcts
from apps.clinical.smoking_heaviness import smoking_heaviness
from apps.clinical.status import Status
from apps.clinical.usual_care import UsualCare, usual_care_so_far

BASELINE = "baseline"
FOLLOW_UP_TIMEPOINTS: tuple[str, ...] = schedule.TIMEPOINTS
MEASURE_TIMEPOINTS: tuple[str, ...] = (BASELINE, *FOLLOW_UP_TIMEPOINTS)
# Which measures each timepoint expects (project decision, docs/metrics.md).
EXPECTED_MEASURES: dict[str, tuple[str, ...]] = {
    BASELINE: ("phq9", "gad7", "smoking", "co"),
    schedule.WEEK4: ("smoking", "co"),
    schedule.MONTH3: ("phq9", "gad7", "smoking", "co"),
    schedule.MONTH6: ("phq9", "gad7", "smoking", "co"),
}

# Timepoint statuses.
NOT_YET_DUE = "not_yet_due"
OPEN = "open"
COMPLETED = "completed"
MISSED = "missed"
WITHDRAWN = "withdrawn"
LOST = "lost"
DIED = "died"
UNTRACEABLE = "untraceable"  # moved to an address where they cannot be traced
NOT_APPLICABLE = "not_applicable"
# Past its window (or done, or ended by an exit): it counts in retention and outcome
# denominators.
REACHED = frozenset({COMPLETED, MISSED, WITHDRAWN, LOST, DIED, UNTRACEABLE})
# Reached and still in the study there: its measures are expected.
MEASURES_EXPECTED = frozenset({COMPLETED, MISSED, LOST})
# (2nd ed.) Left out of the abstinence denominators at that timepoint (Russell Standard).
NOT_FOLLOWABLE = frozenset({DIED, UNTRACEABLE})
_EXIT_STATUS_OF_REASON = {ExitReason.DIED: DIED, ExitReason.MOVED_UNTRACEABLE: UNTRACEABLE}

QUIT = frozenset({scoring.QUIT_SELF_REPORT, scoring.QUIT_CO_VERIFIED})
ABSTINENT = frozenset({scoring.ABSTINENT_SELF_REPORT, scoring.ABSTINENT_CO_VERIFIED})

ATTENDED = "attended"
DNA = "dna"


@dataclass(frozen=True, slots=True)
class TimepointOutcome:
    """Where a participant stands at one follow-up timepoint."""

    timepoint: str
    status: str
    opens_on: date | None
    closes_on: date | None

    @property
    def window(self) -> tuple[date, date] | None:
        """The window's first and last day; None where the timepoint does not apply."""
        if self.opens_on is None or self.closes_on is None:
            return None
        return self.opens_on, self.closes_on

    @property
    def reached(self) -> bool:
        """Done or past its window: it counts in the timepoint's denominators."""
        return self.status in REACHED

    @property
    def measures_expected(self) -> bool:
        """Reached while the participant was still in the study."""
        return self.status in MEASURES_EXPECTED

    @property
    def in_abstinence_denominator(self) -> bool:
        """(2nd ed.) Reached, and not ended by a death or an untraceable move."""
        return self.reached and self.status not in NOT_FOLLOWABLE


@dataclass(frozen=True, slots=True)
class TalkingTherapies:
    """The NHS Talking Therapies outcome between the first and last PHQ-9/GAD-7 pair."""

    first_on: date
    last_on: date
    first_phq9: int
    first_gad7: int
    last_phq9: int
    last_gad7: int
    pairs: int
    outcome: scoring.TalkingTherapiesOutcome


@dataclass(frozen=True, slots=True)
class SessionOutcome:
    """One session with its fidelity inputs (expected BCTs delivered / expected)."""

    session: SessionRecord
    bcts_expected: int
    bcts_delivered: int

    @property
    def attended(self) -> bool:
        """The participant attended the session."""
        return self.session.attendance == ATTENDED


@dataclass(frozen=True, slots=True)
class ParticipantOutcomes:
    """Every derived outcome of one participant on `today`."""

    records: ParticipantRecords
    timepoints: Mapping[str, TimepointOutcome]
    four_week: FourWeekCheck | None  # None without a quit date
    latest_measures: Mapping[str, Mapping[str, object]]  # per timepoint: the values that count
    point_prevalence: Mapping[str, str]  # month3/month6 -> scoring ABSTINENT_*/SMOKING/NOT_KNOWN
    rs6: bool
    reference_quit_date: date | None  # (2nd ed.) session quit date, else earliest stop date
    quit_attempt: bool
    quit_attempt_by_3_months: bool  # (2nd ed.) reported by the 3-month window's last day
    phq9_change: int | None
    gad7_change: int | None
    talking_therapies: TalkingTherapies | None
    pairs: int
    sessions: tuple[SessionOutcome, ...]
    measures_present: Mapping[str, frozenset[str]]  # per timepoint: measures recorded there
    # (2nd ed.) PHQ-9/GAD-7 at baseline, 3 and 6 months, in window; cigarettes per day and HSI
    # of those still smoking (smoking_heaviness)
    fixed_scores: Scores
    usual_care: UsualCare | None  # Talking Therapies sessions so far, as last reported

    @property
    def sessions_offered(self) -> int:
        """Every session booked."""
        return len(self.sessions)

    @property
    def sessions_attended(self) -> int:
        """Sessions the participant attended."""
        return sum(1 for s in self.sessions if s.attended)

    @property
    def sessions_dna(self) -> int:
        """Sessions the participant did not attend."""
        return sum(1 for s in self.sessions if s.session.attendance == DNA)

    @property
    def bcts_delivered(self) -> int:
        """Expected BCTs delivered over attended sessions (fidelity's numerator)."""
        return sum(s.bcts_delivered for s in self.sessions if s.attended)

    @property
    def bcts_expected(self) -> int:
        """Expected BCTs over attended sessions (fidelity's denominator)."""
        return sum(s.bcts_expected for s in self.sessions if s.attended)

    @property
    def fidelity_percent(self) -> float | None:
        """Expected BCTs delivered as a percentage, one decimal; None when none expected."""
        expected = self.bcts_expected
        return round(100 * self.bcts_delivered / expected, 1) if expected else None

    def counts_at(self, timepoint: str) -> bool:
        """The timepoint's outcome counts in its denominators (done or past its window)."""
        return self.timepoints[timepoint].reached

    def counted(self, timepoint: str, value):
        """`value` where the timepoint counts, else None: an outcome is never coded early."""
        return value if self.counts_at(timepoint) else None

    def in_abstinence_denominator(self, timepoint: str) -> bool:
        """(2nd ed.) The timepoint's abstinence outcome counts (reached, not died/untraceable)."""
        return self.timepoints[timepoint].in_abstinence_denominator

    def measure_expected(self, timepoint: str) -> bool:
        """The timepoint's measures are expected (baseline always)."""
        return timepoint == BASELINE or self.timepoints[timepoint].measures_expected


def participant_outcomes(
    records: ParticipantRecords,
    *,
    today: date,
    expected_bcts_overrides: Mapping[str, Sequence[str]] | None = None,
) -> ParticipantOutcomes:
    """Every derived participant-level outcome for one participant on `today`."""
    timepoints = {tp: timepoint_outcome(records, tp, today) for tp in FOLLOW_UP_TIMEPOINTS}
    windows = {tp: o.window for tp, o in timepoints.items()}
    reports = {
        tp: report_in_window(records, tp, windows[tp]) for tp in (schedule.MONTH3, schedule.MONTH6)
    }
    pairs = paired_scores(records.phq9, records.gad7)
    return ParticipantOutcomes(
        records=records,
        timepoints=timepoints,
        four_week=four_week_check(records.quit_date, records.smoking_reports, records.co_readings),
        latest_measures=_latest_measures(records, windows),
        point_prevalence={
            tp: scoring.seven_day_point_prevalence(
                field_of(report, "smoked_last_7_days"),
                deciding_reading(
                    records, windows[tp], report, days_back=scoring.POINT_PREVALENCE_DAYS
                ),
            )
            for tp, report in reports.items()
        },
        rs6=rs6(records, reports[schedule.MONTH6], windows[schedule.MONTH6]),
        reference_quit_date=reference_quit_date(records.quit_date, records.smoking_reports),
        quit_attempt=_quit_attempt(records),
        quit_attempt_by_3_months=_quit_attempt(records, by=windows[schedule.MONTH3]),
        phq9_change=_first_to_last(records.phq9),
        gad7_change=_first_to_last(records.gad7),
        talking_therapies=_talking_therapies(pairs),
        pairs=len(pairs),
        sessions=tuple(
            _session_outcome(s, expected_bcts_overrides or None) for s in records.sessions
        ),
        measures_present=_measures_present(records, windows),
        fixed_scores={
            **fixed_timepoint_scores(records.phq9, records.gad7, windows),
            **smoking_heaviness(records.baseline, reports),
        },
        usual_care=usual_care_so_far(records.therapy_sessions),
    )


def timepoint_outcome(records: ParticipantRecords, timepoint: str, today: date) -> TimepointOutcome:
    """A follow-up timepoint's status: not yet due, open, completed, missed, withdrawn, lost,
    died or untraceable.

    (2nd ed.) An exit on or before the window's last day ends the timepoint at once, so an
    interim count shows it under its reason, not as not yet due; a later exit was still in it.
    """
    window = _window(records, timepoint)
    if window is None:
        return TimepointOutcome(timepoint, NOT_APPLICABLE, None, None)
    follow_up = _follow_up(records, timepoint)
    opens_on, closes_on = window
    exit_status = _exit_status(records)
    if follow_up is not None and follow_up.status == schedule.COMPLETED:
        status = COMPLETED
    elif exit_status and records.exit_on is not None and records.exit_on <= closes_on:
        status = exit_status
    elif today <= closes_on:
        status = OPEN if today >= opens_on else NOT_YET_DUE
    elif exit_status == LOST:
        # Lost after the window closed: still counted lost there (they were never reached).
        status = LOST
    else:
        status = MISSED
    return TimepointOutcome(timepoint, status, opens_on, closes_on)


def _exit_status(records: ParticipantRecords) -> str | None:
    """The timepoint status an exit gives: its reason's where it has one, else the exit's."""
    if records.status not in (Status.WITHDRAWN, Status.LOST):
        return None
    if records.exit_reason in _EXIT_STATUS_OF_REASON:
        return _EXIT_STATUS_OF_REASON[records.exit_reason]
    return WITHDRAWN if records.status == Status.WITHDRAWN else LOST


def _follow_up(records: ParticipantRecords, timepoint: str) -> FollowUpRecord | None:
    matching = [f for f in records.follow_ups if f.timepoint == timepoint]
    return matching[-1] if matching else None


def _window(records: ParticipantRecords, timepoint: str) -> tuple[date, date] | None:
    """The window's first and last day: its follow-up's, else computed by the schedule rule."""
    if timepoint == schedule.WEEK4 and records.quit_date is None:
        return None
    follow_up = _follow_up(records, timepoint)
    if follow_up is not None:
        return follow_up.opens_on, follow_up.closes_on
    if timepoint == schedule.WEEK4:
        window = schedule.four_week_window(records.quit_date)
    else:
        window = schedule.month_window(records.randomised_on, int(timepoint.removeprefix("month")))
    return window.opens_on, window.closes_on


def _latest_by_timepoint(items: Sequence) -> dict[str, object]:
    """Per timepoint label, the latest record (by its day, then recording order)."""
    latest: dict[str, object] = {}
    for item in sorted(items, key=_day):
        latest[item.timepoint] = item
    return latest


def _day(item) -> date:
    return item.taken_on if isinstance(item, COReadingRecord) else item.completed_on


def _latest_measures(
    records: ParticipantRecords, windows: Mapping[str, tuple[date, date] | None]
) -> dict[str, dict[str, object]]:
    """Per timepoint label, the values of the latest record of each measure taken there and
    (2nd ed.) dated inside its window, as completeness counts them."""

    def counted(items: Sequence) -> dict[str, object]:
        return _latest_by_timepoint([i for i in items if _dated_in_window(i, windows)])

    phq9 = counted(records.phq9)
    gad7 = counted(records.gad7)
    co = counted(records.co_readings)
    smoking = counted(records.smoking_reports)
    measures: dict[str, dict[str, object]] = {}
    for tp in MEASURE_TIMEPOINTS:
        report = smoking.get(tp)
        measures[tp] = {
            "phq9": field_of(phq9.get(tp), "total"),
            "phq9_difficulty": field_of(phq9.get(tp), "difficulty"),
            "gad7": field_of(gad7.get(tp), "total"),
            "co": field_of(co.get(tp)),
            "smoked_last_7_days": field_of(report, "smoked_last_7_days"),
            "cigarettes_last_7_days": field_of(report, "cigarettes_last_7_days"),
            "smoke_free_since_day_14": field_of(report, "smoke_free_since_day_14"),
            "cigarettes_since_day_14": field_of(report, "cigarettes_since_day_14"),
            "stopped_on": field_of(report, "stopped_on"),
        }
    return measures


def _measures_present(
    records: ParticipantRecords, windows: Mapping[str, tuple[date, date] | None]
) -> dict[str, frozenset[str]]:
    """Per timepoint, which measures have a record labelled with it.

    (2nd ed.) At a follow-up the record must also be dated inside its window: a day-43 report is
    not present at 4 weeks (the check itself is missed there).
    """
    present: dict[str, set[str]] = {tp: set() for tp in MEASURE_TIMEPOINTS}
    groups = (
        ("phq9", records.phq9),
        ("gad7", records.gad7),
        ("co", records.co_readings),
        ("smoking", records.smoking_reports),
    )
    for measure, items in groups:
        for item in items:
            if item.timepoint not in present:
                continue
            if _dated_in_window(item, windows):
                present[item.timepoint].add(measure)
    # Baseline smoking is the baseline form itself, not a smoking report.
    present[BASELINE].discard("smoking")
    if records.baseline is not None:
        present[BASELINE].add("smoking")
    return {tp: frozenset(measures) for tp, measures in present.items()}


def _quit_attempt(records: ParticipantRecords, by: tuple[date, date] | None = None) -> bool:
    """A quit attempt reported after baseline (by the last day of window `by`, when given)."""
    last = by[1] if by else None
    return any(
        r.quit_attempt_since_last_contact
        for r in records.smoking_reports
        # At baseline "since the last contact" reaches back before randomisation.
        if r.timepoint != BASELINE and (last is None or r.completed_on <= last)
    )


def _dated_in_window(item, windows: Mapping[str, tuple[date, date] | None]) -> bool:
    """A record counts at its timepoint only if dated inside that timepoint's window (baseline
    and treatment-session records always count at their label)."""
    if item.timepoint not in windows:
        return True
    window = windows[item.timepoint]
    return bool(window and window[0] <= _day(item) <= window[1])


def _first_to_last(responses: Sequence[QuestionnaireRecord]) -> int | None:
    """Last total minus first, in date order; None with fewer than two."""
    if len(responses) < 2:
        return None
    ordered = sorted(responses, key=lambda r: r.completed_on)
    return ordered[-1].total - ordered[0].total


def paired_scores(
    phq9: Sequence[QuestionnaireRecord], gad7: Sequence[QuestionnaireRecord]
) -> list[tuple[date, int, int]]:
    """(date, PHQ-9, GAD-7) per contact: same day and timepoint, the later answer of each.

    Contacts are ordered by date, then by when their PHQ-9 was recorded.
    """
    phq_by_contact: dict[tuple[date, str], tuple[int, int]] = {}
    for position, r in enumerate(phq9):
        phq_by_contact[(r.completed_on, r.timepoint)] = (position, r.total)
    gad_by_contact = {(r.completed_on, r.timepoint): r.total for r in gad7}
    contacts = sorted(
        phq_by_contact.keys() & gad_by_contact.keys(),
        key=lambda key: (key[0], phq_by_contact[key][0]),
    )
    return [(day, phq_by_contact[(day, tp)][1], gad_by_contact[(day, tp)]) for day, tp in contacts]


def _talking_therapies(pairs: list[tuple[date, int, int]]) -> TalkingTherapies | None:
    if len(pairs) < 2:
        return None
    (first_on, first_phq, first_gad), (last_on, last_phq, last_gad) = pairs[0], pairs[-1]
    return TalkingTherapies(
        first_on=first_on,
        last_on=last_on,
        first_phq9=first_phq,
        first_gad7=first_gad,
        last_phq9=last_phq,
        last_gad7=last_gad,
        pairs=len(pairs),
        outcome=scoring.talking_therapies_outcome(first_phq, first_gad, last_phq, last_gad),
    )


def _session_outcome(session: SessionRecord, overrides) -> SessionOutcome:
    expected = set(expected_bcts(session.session_type, overrides))
    return SessionOutcome(
        session=session,
        bcts_expected=len(expected),
        bcts_delivered=len(set(session.bcts_delivered) & expected),
    )


# Shown on a page while the 4-week check does not count yet (labels: outcome_labels.py).
NOT_YET_ASSESSED = "not_yet_assessed"


def four_week_display(outcomes: ParticipantOutcomes) -> str | None:
    """The 4-week code a page shows: not yet assessed until the check counts."""
    check = outcomes.four_week
    if check is None:
        return None
    if check.outcome == scoring.NOT_KNOWN and not outcomes.counts_at(schedule.WEEK4):
        return NOT_YET_ASSESSED
    return check.outcome
