"""The snapshot's participant and session tables: participant_outcomes() added up per cell.

No rule lives here: each counter adds up a field of ParticipantOutcomes (or one of its
sessions) for the participants in a breakdown cell (site, arm, month of randomisation; sessions
also by practitioner), so a page can filter by summing rows. The columns keep the names the
report reads.
"""

from collections.abc import Iterable, Mapping
from datetime import date

from apps.clinical import scoring
from apps.clinical.participant_outcomes import (
    ABSTINENT,
    DIED,
    EXPECTED_MEASURES,
    FOLLOW_UP_TIMEPOINTS,
    LOST,
    MEASURE_TIMEPOINTS,
    MISSED,
    QUIT,
    UNTRACEABLE,
    WITHDRAWN,
    ParticipantOutcomes,
    participant_outcomes,
)
from apps.clinical.participant_records import ParticipantRecords, SessionRecord
from apps.clinical.protocol import SessionType
from apps.clinical.status import Status
from apps.dashboards.estimate_counters import estimate_counters
from apps.patients.models import ExitReason
from apps.workspace.outcome_records import outcomes_for, randomised_participants

SHORT = {"week4": "w4", "month3": "m3", "month6": "m6"}
SESSION_TYPES = tuple(SessionType.values)
EXIT_REASONS = tuple(ExitReason.values)
PROGRESS_EVERY = 2000


def _participant_counters(o: ParticipantOutcomes) -> dict[str, int]:
    """One participant's contribution to each counter of the participants table."""
    r = o.records
    attended = o.sessions_attended
    c: dict[str, int] = {
        "randomised": 1,
        "withdrawn": r.status == Status.WITHDRAWN,
        "lost": r.status == Status.LOST,
        "completed_trial": r.status == Status.COMPLETED,
        "received": attended > 0,
        "not_received_withdrew": attended == 0 and r.status == Status.WITHDRAWN,
        "not_received_other": attended == 0 and r.status != Status.WITHDRAWN,
        "quit_date_set": r.quit_date is not None,
        "sessions_attended": attended,
        "sessions_dna": o.sessions_dna,
        "sessions_offered": o.sessions_offered,
        "with_sessions": o.sessions_offered > 0,
    }
    for reason in EXIT_REASONS:
        c[f"withdrawn_{reason}"] = r.status == Status.WITHDRAWN and r.exit_reason == reason
        c[f"lost_{reason}"] = r.status == Status.LOST and r.exit_reason == reason
    for tp in FOLLOW_UP_TIMEPOINTS:
        k, status = SHORT[tp], o.timepoints[tp].status
        reached = o.counts_at(tp)
        c[f"{k}_due"] = reached
        c[f"{k}_done"] = status == "completed"
        c[f"{k}_withdrew"] = status == WITHDRAWN
        c[f"{k}_lost"] = status == LOST
        c[f"{k}_missed"] = status == MISSED
        c[f"{k}_died"] = status == DIED
        c[f"{k}_untraceable"] = status == UNTRACEABLE
        c[f"{k}_pending"] = not reached
        for reason in EXIT_REASONS:
            c[f"{k}_withdrew_{reason}"] = status == WITHDRAWN and r.exit_reason == reason
            c[f"{k}_lost_{reason}"] = status == LOST and r.exit_reason == reason
    q4 = o.four_week.outcome if o.four_week else None
    m3_reached = o.counts_at("month3")
    # (2nd ed.) Abstinence denominators leave out deaths and untraceable moves.
    w4, m3, m6 = (o.in_abstinence_denominator(tp) for tp in FOLLOW_UP_TIMEPOINTS)
    pp3, pp6 = o.point_prevalence["month3"], o.point_prevalence["month6"]
    c.update(
        q4_due=w4,
        q4_self=w4 and q4 in QUIT,
        q4_co=w4 and q4 == scoring.QUIT_CO_VERIFIED,
        q4_not_known=w4 and q4 == scoring.NOT_KNOWN,
        no_quit_date=r.quit_date is None,
        pp3_due=m3,
        pp3_self=m3 and pp3 in ABSTINENT,
        pp3_co=m3 and pp3 == scoring.ABSTINENT_CO_VERIFIED,
        pp3_not_known=m3 and pp3 == scoring.NOT_KNOWN,
        pp3_reported=m3 and pp3 != scoring.NOT_KNOWN,
        pp6_due=m6,
        pp6_self=m6 and pp6 in ABSTINENT,
        pp6_co=m6 and pp6 == scoring.ABSTINENT_CO_VERIFIED,
        pp6_not_known=m6 and pp6 == scoring.NOT_KNOWN,
        pp6_reported=m6 and pp6 != scoring.NOT_KNOWN,
        rs6_due=m6,
        rs6_yes=m6 and o.rs6,
        quit_attempt=o.quit_attempt,
        # (2nd ed.) The progression criterion counts it among those who reached 3 months.
        quit_attempt_m3=m3_reached and o.quit_attempt_by_3_months,
    )
    for name, change in (("phq", o.phq9_change), ("gad", o.gad7_change)):
        c[f"{name}_change_n"] = change is not None
        c[f"{name}_change_sum"] = change or 0
        c[f"{name}_change_sumsq"] = (change or 0) ** 2
    tt = o.talking_therapies.outcome if o.talking_therapies else None
    c.update(
        tt_pairs=tt is not None,
        tt_caseness=bool(tt and tt.caseness_at_start),
        tt_recovered=bool(tt and tt.recovered),
        tt_improved=bool(tt and tt.reliable_improvement),
        tt_deteriorated=bool(tt and tt.reliable_deterioration),
        tt_reliably_recovered=bool(tt and tt.reliable_recovery),
    )
    for tp in MEASURE_TIMEPOINTS:
        expected = o.measure_expected(tp)
        c[f"exp_{tp}"] = expected
        for measure in EXPECTED_MEASURES[tp]:
            c[f"has_{measure}_{tp}"] = expected and measure in o.measures_present[tp]
    care = o.usual_care
    c.update(
        uc_n=care is not None,
        uc_planned=care.planned if care else 0,
        uc_attended=care.attended if care else 0,
        uc_attended_sq=care.attended**2 if care else 0,
        uc_dna=care.dna if care else 0,
    )
    c.update(estimate_counters(o))  # (2nd ed.) spreads, clustered fidelity, fixed timepoints
    return c


def _session_counters(o: ParticipantOutcomes) -> Iterable[tuple[int | None, dict[str, int]]]:
    """Per session: its practitioner and its contribution to the sessions table."""
    for s in o.sessions:
        attended = s.attended
        c = {
            "offered": 1,
            "attended": attended,
            "dna": s.session.attendance == "dna",
            "cancelled": s.session.attendance == "cancelled",
            "minutes": (s.session.duration_minutes or 0) if attended else 0,
        }
        for session_type in SESSION_TYPES:
            of_type = attended and s.session.session_type == session_type
            c[f"n_{session_type}"] = of_type
            c[f"exp_{session_type}"] = s.bcts_expected if of_type else 0
            c[f"del_{session_type}"] = s.bcts_delivered if of_type else 0
        yield s.session.practitioner_id, c


def _counter_names() -> tuple[list[str], list[str]]:
    """The counter columns, as a participant with one session contributes them."""
    day = date(2000, 1, 1)
    session = SessionRecord(SESSION_TYPES[0], "attended", None, None, ())
    blank = ParticipantRecords(0, "", 0, "", "single", Status.RANDOMISED, day, sessions=(session,))
    outcomes = participant_outcomes(blank, today=day)
    return list(_participant_counters(outcomes)), list(next(iter(_session_counters(outcomes)))[1])


class _Table:
    """Counters summed per breakdown cell."""

    def __init__(self, keys: list[str], counters: list[str]):
        self.keys = keys
        self.counters = counters
        self.cells: dict[tuple, list[int]] = {}

    def add(self, key: tuple, values: Mapping[str, int]) -> None:
        # The counters come out of one function, so the values are always in column order.
        cell = self.cells.get(key)
        if cell is None:
            self.cells[key] = [int(v) for v in values.values()]
        else:
            self.cells[key] = [c + v for c, v in zip(cell, values.values(), strict=True)]

    def document(self) -> dict:
        return {
            "columns": self.keys + self.counters,
            "rows": [[*key, *values] for key, values in self.cells.items()],
        }


def outcome_tables(
    outcomes: Iterable[ParticipantOutcomes], progress=lambda done: None
) -> tuple[dict, dict]:
    """The participants table (site, arm, month) and the sessions table (+ practitioner)."""
    participant_columns, session_columns = _counter_names()
    participants = _Table(["site_id", "arm", "month"], participant_columns)
    sessions = _Table(["site_id", "arm", "month", "practitioner_id"], session_columns)
    for done, o in enumerate(outcomes, start=1):
        key = (o.records.site_id, o.records.arm, o.records.randomised_month)
        participants.add(key, _participant_counters(o))
        for practitioner_id, counters in _session_counters(o):
            sessions.add((*key, practitioner_id), counters)
        if done % PROGRESS_EVERY == 0:
            progress(done)
    return participants.document(), sessions.document()


def snapshot_outcome_tables(
    *, today: date, time_zone: str, expected_overrides: dict | None, progress=lambda done: None
) -> tuple[dict, dict]:
    """The snapshot's participants and sessions tables for every randomised participant."""
    outcomes = outcomes_for(
        randomised_participants(),
        today=today,
        time_zone=time_zone,
        expected_bcts_overrides=expected_overrides,
    )
    return outcome_tables(outcomes, progress)
