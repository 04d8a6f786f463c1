"""Pure rules for the practitioner workspace: next due action, paired outcomes, timeline order.

Values in, values out: no ORM and no clock (callers pass `today`), so every rule is tested
directly.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from apps.outcomes import scoring
from apps.reminders import schedule

# The NCSCT standard programme has six sessions; more (up to 12) may be offered.
STANDARD_SESSIONS = 6

FOLLOW_UP_LABELS = {
    schedule.WEEK4: "4-week quit check",
    schedule.MONTH3: "3-month follow-up",
    schedule.MONTH6: "6-month follow-up",
}
_CLOSED_FOLLOW_UPS = frozenset({"completed", "cancelled", "missed"})


@dataclass(frozen=True, slots=True)
class PendingFollowUp:
    """A follow-up that is not closed: its timepoint and window."""

    timepoint: str
    due_on: date
    opens_on: date
    closes_on: date
    status: str = "scheduled"


@dataclass(frozen=True, slots=True)
class NextAction:
    """What the practitioner should do next for a participant."""

    kind: str  # consent, baseline, randomise, session, follow_up, none
    label: str
    due_on: date | None = None
    overdue: bool = False


def next_action(
    *,
    status: str,
    has_baseline: bool,
    pilot_is_randomised: bool,
    arm: str | None,
    attended_sessions: int,
    follow_ups: Sequence[PendingFollowUp],
    today: date,
) -> NextAction:
    """The next due action: open follow-up windows first, then sessions, then what comes next."""
    if status == "screened":
        return NextAction("consent", "Record consent")
    if status == "consented":
        if not has_baseline:
            return NextAction("baseline", "Record baseline")
        return NextAction("randomise", "Randomise" if pilot_is_randomised else "Enrol")
    if status not in ("randomised", "enrolled", "lost"):
        return NextAction("none", "No further action")
    pending = sorted(
        (f for f in follow_ups if f.status not in _CLOSED_FOLLOW_UPS), key=lambda f: f.due_on
    )
    for follow_up in pending:
        window = schedule.FollowUpWindow(
            follow_up.timepoint, follow_up.due_on, follow_up.opens_on, follow_up.closes_on
        )
        state = schedule.follow_up_status(window, today, completed=False)
        name = FOLLOW_UP_LABELS.get(follow_up.timepoint, follow_up.timepoint)
        if state == schedule.OPEN:
            if today > follow_up.due_on:
                return NextAction(
                    "follow_up",
                    f"{name} overdue: window closes {_day(follow_up.closes_on)}",
                    follow_up.due_on,
                    overdue=True,
                )
            return NextAction(
                "follow_up", f"{name} window open, due {_day(follow_up.due_on)}", follow_up.due_on
            )
    receives_sessions = arm == "intervention" or (arm is None and status == "enrolled")
    if status != "lost" and receives_sessions and attended_sessions < STANDARD_SESSIONS:
        number = attended_sessions + 1
        return NextAction("session", f"Session {number} ({_session_type_label(number)})")
    upcoming = [f for f in pending if today < f.opens_on]
    if upcoming:
        first = upcoming[0]
        name = FOLLOW_UP_LABELS.get(first.timepoint, first.timepoint)
        return NextAction("follow_up", f"{name} opens {_day(first.opens_on)}", first.due_on)
    return NextAction("none", "No further action")


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def _session_type_label(number: int) -> str:
    from apps.cessation.protocol import SessionType, suggested_session_type

    return SessionType(suggested_session_type(number)).label.lower()


@dataclass(frozen=True, slots=True)
class PairedOutcome:
    """The NHS Talking Therapies outcome between the first and last PHQ-9/GAD-7 pair."""

    first_on: date
    last_on: date
    first_phq9: int
    first_gad7: int
    last_phq9: int
    last_gad7: int
    pairs: int
    outcome: scoring.TalkingTherapiesOutcome


# One questionnaire answer as the page passes it: (completed_on, timepoint, total), oldest first.
Score = tuple[date, str, int]


def paired_scores(phq9: Iterable[Score], gad7: Iterable[Score]) -> list[tuple[date, int, int]]:
    """(date, PHQ-9, GAD-7) for each contact: same completed_on AND same timepoint.

    Matches the dashboard and export SQL: the later answer of each counts at a contact, and
    contacts are ordered by date, then by when their PHQ-9 was recorded. Input is oldest first.
    """
    phq_by_contact: dict[tuple[date, str], tuple[int, int]] = {}
    for position, (day, timepoint, total) in enumerate(phq9):
        phq_by_contact[(day, timepoint)] = (position, total)
    gad_by_contact = {(day, timepoint): total for day, timepoint, total in gad7}
    contacts = sorted(
        phq_by_contact.keys() & gad_by_contact.keys(),
        key=lambda key: (key[0], phq_by_contact[key][0]),
    )
    return [(day, phq_by_contact[(day, tp)][1], gad_by_contact[(day, tp)]) for day, tp in contacts]


def talking_therapies_summary(phq9: Iterable[Score], gad7: Iterable[Score]) -> PairedOutcome | None:
    """The outcome on first and last pairs (same contact); None with fewer than two pairs."""
    pairs = paired_scores(phq9, gad7)
    if len(pairs) < 2:
        return None
    (first_on, first_phq, first_gad), (last_on, last_phq, last_gad) = pairs[0], pairs[-1]
    return PairedOutcome(
        first_on=first_on,
        last_on=last_on,
        first_phq9=first_phq,
        first_gad7=first_gad,
        last_phq9=last_phq,
        last_gad7=last_gad,
        pairs=len(pairs),
        outcome=scoring.talking_therapies_outcome(first_phq, first_gad, last_phq, last_gad),
    )


# Shown before the 4-week window has closed when no report in it exists yet.
NOT_YET_ASSESSED = "not_yet_assessed"

FOUR_WEEK_LABELS = {
    scoring.QUIT_CO_VERIFIED: "Quit (CO-verified)",
    scoring.QUIT_SELF_REPORT: "Quit (self-report only)",
    scoring.NOT_QUIT: "Not quit",
    # Russell Standard: not known / lost to follow-up counts as smoking.
    scoring.NOT_KNOWN: "Not known (counts as not quit)",
    NOT_YET_ASSESSED: "Not yet assessed",
}


def four_week_summary(
    *,
    quit_date: date | None,
    reports: Sequence[tuple[date, bool | None]],
    co_readings: Sequence[tuple[date, int]],
    today: date,
) -> str | None:
    """The Russell Standard 4-week outcome from the last 4-week check report in the window.

    `reports` are the week-4 reports and `co_readings` every CO reading, each in the order they
    were recorded: the latest in the window wins, and on one day the one recorded last (as in
    the dashboard and the export). None without a quit date. With no report in the 25-42 day
    window: not yet assessed while the window has not closed, not known once it has. A CO
    reading counts only when it was taken in the same window as the report.
    """
    if quit_date is None:
        return None
    in_window = [
        (day, smoke_free)
        for day, smoke_free in reports
        if scoring.is_in_four_week_window(quit_date, day)
    ]
    if not in_window:
        closed = scoring.days_since_quit(quit_date, today) > scoring.FOUR_WEEK_LAST_DAY
        return scoring.NOT_KNOWN if closed else NOT_YET_ASSESSED
    # A stable sort keeps recording order within a day, so the last entry is the latest.
    assessed_on, smoke_free = sorted(in_window, key=lambda r: r[0])[-1]
    window_co = [
        (day, ppm) for day, ppm in co_readings if scoring.is_in_four_week_window(quit_date, day)
    ]
    co_ppm = sorted(window_co, key=lambda r: r[0])[-1][1] if window_co else None
    return scoring.four_week_quit_outcome(quit_date, assessed_on, smoke_free, co_ppm)


@dataclass(frozen=True, slots=True)
class TrialEnd:
    """Whether trial participation may be marked complete, and if not, why not."""

    allowed: bool
    reason: str = ""


_ENDABLE_STATUSES = frozenset({"randomised", "enrolled", "lost"})


def trial_completion(*, status: str, month6: PendingFollowUp | None, today: date) -> TrialEnd:
    """Participation can be marked complete once the 6-month follow-up is done or has closed."""
    if status not in _ENDABLE_STATUSES:
        return TrialEnd(False, "Only a randomised, enrolled or lost participant can complete.")
    if month6 is None:
        return TrialEnd(False, "There is no 6-month follow-up scheduled.")
    if month6.status == "completed":
        return TrialEnd(True)
    if month6.status == "cancelled":
        return TrialEnd(False, "The 6-month follow-up was cancelled.")
    if month6.status == "missed" or today > month6.closes_on:
        return TrialEnd(True)
    return TrialEnd(
        False,
        f"The 6-month follow-up is not done yet and its window closes {_day(month6.closes_on)}.",
    )


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One dated thing that happened to a participant."""

    when: datetime | date
    kind: str
    title: str
    detail: str = ""
    alert: bool = False


# Within one day, the order a participant's journey happens in.
TIMELINE_RANK = {
    "screening": 0,
    "consent": 1,
    "baseline": 2,
    "allocation": 3,
    "session": 4,
    "quit_date": 5,
    "measure": 6,
    "follow_up": 7,
    "alert": 8,
    "exit": 9,
}


def ordered_timeline(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """Events oldest first; within a day in journey order, then by time, then as given."""

    def key(item: tuple[int, TimelineEvent]):
        index, event = item
        when = event.when
        day = when.date() if isinstance(when, datetime) else when
        moment = when.timestamp() if isinstance(when, datetime) else float("-inf")
        return (day, TIMELINE_RANK.get(event.kind, 6), moment, index)

    return [event for _, event in sorted(enumerate(events), key=key)]


def human_duration(value: timedelta | None) -> str:
    """A duration as people say it: '42 minutes', '3 hours 5 minutes', '2 days 1 hour'."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    if seconds < 60:
        return "under a minute"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    named = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(named[:2])
