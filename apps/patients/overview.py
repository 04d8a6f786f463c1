"""Pure rules for the practitioner workspace: next due action, trial end, timeline order.

Derived outcomes (pairs, the 4-week check) are participant_outcomes()'s, not this module's.

Values in, values out: no ORM and no clock (callers pass `today`), so every rule is tested
directly.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from apps.clinical import protocol, schedule
from apps.clinical.outcome_labels import TIMEPOINT_LABELS

# The NCSCT standard programme has six sessions; more (up to 12) may be offered.
STANDARD_SESSIONS = 6

FOLLOW_UP_LABELS = TIMEPOINT_LABELS
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

    kind: str  # consent, baseline, randomise, session, follow_up, complete, none
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
    first_session_on: date | None,
    treatment_weeks: int,
    follow_ups: Sequence[PendingFollowUp],
    today: date,
) -> NextAction:
    """The next due action: completion once the last follow-up is over, then open follow-up
    windows, then sessions while the treatment period lasts, then the next window to open.

    follow_ups are all the participant's follow-ups, closed ones too (their status says so).
    """
    if status == "screened":
        return NextAction("consent", "Record consent")
    if status == "consented":
        if not has_baseline:
            return NextAction("baseline", "Record baseline")
        return NextAction("randomise", "Randomise" if pilot_is_randomised else "Enrol")
    if status not in ("randomised", "enrolled", "lost"):
        return NextAction("none", "No further action")
    month6 = next((f for f in follow_ups if f.timepoint == schedule.MONTH6), None)
    if trial_completion(status=status, month6=month6, today=today).allowed:
        return NextAction("complete", "Follow-ups over: mark participation complete")
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
    in_treatment = protocol.treatment_period_open(first_session_on, today, treatment_weeks)
    if (
        status != "lost"
        and receives_sessions
        and in_treatment
        and attended_sessions < STANDARD_SESSIONS
    ):
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
    return protocol.SessionType(protocol.suggested_session_type(number)).label.lower()


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
