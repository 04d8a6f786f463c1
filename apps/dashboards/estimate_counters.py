"""(2nd ed.) The participants table's counters behind the estimates of metrics_estimates.py.

Each is one participant's contribution to an additive sum: a histogram of sessions attended
(median and IQR, and adherence at any protocol minimum), the per-participant totals, squares and
cross-products of expected and delivered BCTs (fidelity's cluster-robust interval), and the
PHQ-9/GAD-7 scores (and the cigarettes per day and HSI of those still smoking) at the fixed
timepoints with their squares and baseline cross-products (means, SDs, differences and the
baseline-adjusted OLS). Summed over any cells they give exactly
what the participants' own values would; no rule lives here (participant_outcomes() decides
which sessions and scores count).
"""

from apps.clinical.continuous_outcomes import BASELINE, COMPARISON_TIMEPOINTS, CONTINUOUS_MEASURES
from apps.clinical.participant_outcomes import ParticipantOutcomes
from apps.clinical.protocol import MAX_SESSIONS, SessionType
from apps.clinical.smoking_heaviness import SMOKING_MEASURES

# Sessions attended 0..MAX_SESSIONS; the last bucket holds MAX_SESSIONS or more.
ATTENDED_BUCKETS = tuple(range(MAX_SESSIONS + 1))
FIDELITY_GROUPS: tuple[str, ...] = ("all", *SessionType.values)
SHORT = {BASELINE: "b0", "month3": "m3", "month6": "m6"}
FOLLOW_UPS = tuple(tp for tp in COMPARISON_TIMEPOINTS if tp != BASELINE)
# Mood scores, then cigarettes per day and HSI of those still smoking: the same sums for each.
SCORED_MEASURES: tuple[str, ...] = (*CONTINUOUS_MEASURES, *SMOKING_MEASURES)


def attended_counter(sessions: int) -> str:
    """The histogram counter a number of sessions attended falls in."""
    return f"att_{min(sessions, MAX_SESSIONS)}"


def score_counter(measure: str, timepoint: str) -> str:
    """The prefix of a measure's counters at one comparison timepoint."""
    return f"{measure}_{SHORT[timepoint]}"


PARTS = ("n", "x", "y", "xx", "xy", "yy")
PAIR_PARTS = ("n", "b", "y", "bb", "by", "yy")
# Every counter's name, in the order estimate_counters() gives the values (built once: the
# snapshot calls it for every participant).
COUNTER_NAMES: tuple[str, ...] = (
    *(f"att_{k}" for k in ATTENDED_BUCKETS),
    *(f"fid_{group}_{part}" for group in FIDELITY_GROUPS for part in PARTS),
    *(
        name
        for measure in SCORED_MEASURES
        for name in (
            *(
                f"{score_counter(measure, tp)}_{part}"
                for tp in COMPARISON_TIMEPOINTS
                for part in ("n", "sum", "sumsq")
            ),
            *(
                f"{score_counter(measure, tp)}_pair_{part}"
                for tp in FOLLOW_UPS
                for part in PAIR_PARTS
            ),
        )
    ),
)


def estimate_counters(o: ParticipantOutcomes) -> dict[str, int]:
    """One participant's contribution to each estimate counter."""
    values = [0] * len(ATTENDED_BUCKETS)
    values[min(o.sessions_attended, MAX_SESSIONS)] = 1
    totals = {group: [0, 0] for group in FIDELITY_GROUPS}  # expected, delivered
    for s in o.sessions:
        if s.attended:
            for group in ("all", s.session.session_type):
                if group in totals:
                    totals[group][0] += s.bcts_expected
                    totals[group][1] += s.bcts_delivered
    for x, y in totals.values():
        values += (int(x > 0), x, y, x * x, x * y, y * y)
    for measure in SCORED_MEASURES:
        scores = o.fixed_scores[measure]
        for tp in COMPARISON_TIMEPOINTS:
            v = scores[tp]
            values += (0, 0, 0) if v is None else (1, v, v * v)
        b = scores[BASELINE]
        for tp in FOLLOW_UPS:
            y = scores[tp]
            if b is None or y is None:
                values += (0, 0, 0, 0, 0, 0)
            else:
                values += (1, b, y, b * b, b * y, y * y)
    return dict(zip(COUNTER_NAMES, values, strict=True))
