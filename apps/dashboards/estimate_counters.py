"""(2nd ed.) The participants table's counters behind the estimates of metrics_estimates.py.

Each is one participant's contribution to an additive sum: a histogram of sessions attended
(median and IQR, and adherence at any protocol minimum), the per-participant totals, squares and
cross-products of expected and delivered BCTs (fidelity's cluster-robust interval), and the
PHQ-9/GAD-7 scores at the fixed timepoints with their squares and baseline cross-products
(means, SDs, differences and the baseline-adjusted OLS). Summed over any cells they give exactly
what the participants' own values would; no rule lives here (participant_outcomes() decides
which sessions and scores count).
"""

from apps.clinical.continuous_outcomes import BASELINE, COMPARISON_TIMEPOINTS, CONTINUOUS_MEASURES
from apps.clinical.participant_outcomes import ParticipantOutcomes
from apps.clinical.protocol import MAX_SESSIONS, SessionType

# Sessions attended 0..MAX_SESSIONS; the last bucket holds MAX_SESSIONS or more.
ATTENDED_BUCKETS = tuple(range(MAX_SESSIONS + 1))
FIDELITY_GROUPS: tuple[str, ...] = ("all", *SessionType.values)
SHORT = {BASELINE: "b0", "month3": "m3", "month6": "m6"}
FOLLOW_UPS = tuple(tp for tp in COMPARISON_TIMEPOINTS if tp != BASELINE)


def attended_counter(sessions: int) -> str:
    """The histogram counter a number of sessions attended falls in."""
    return f"att_{min(sessions, MAX_SESSIONS)}"


def score_counter(measure: str, timepoint: str) -> str:
    """The prefix of a measure's counters at one comparison timepoint."""
    return f"{measure}_{SHORT[timepoint]}"


def estimate_counters(o: ParticipantOutcomes) -> dict[str, int]:
    """One participant's contribution to each estimate counter."""
    c: dict[str, int] = dict.fromkeys((f"att_{k}" for k in ATTENDED_BUCKETS), 0)
    c[attended_counter(o.sessions_attended)] = 1
    totals = {group: [0, 0] for group in FIDELITY_GROUPS}  # expected, delivered
    for s in o.sessions:
        if s.attended:
            for group in ("all", s.session.session_type):
                if group in totals:
                    totals[group][0] += s.bcts_expected
                    totals[group][1] += s.bcts_delivered
    for group, (x, y) in totals.items():
        c.update(
            {
                f"fid_{group}_n": x > 0,
                f"fid_{group}_x": x,
                f"fid_{group}_y": y,
                f"fid_{group}_xx": x * x,
                f"fid_{group}_xy": x * y,
                f"fid_{group}_yy": y * y,
            }
        )
    for measure in CONTINUOUS_MEASURES:
        scores = o.fixed_scores[measure]
        for tp in COMPARISON_TIMEPOINTS:
            value = scores[tp]
            key = score_counter(measure, tp)
            c[f"{key}_n"] = value is not None
            c[f"{key}_sum"] = value or 0
            c[f"{key}_sumsq"] = (value or 0) ** 2
        b = scores[BASELINE]
        for tp in FOLLOW_UPS:
            y = scores[tp]
            both = b is not None and y is not None
            key = f"{score_counter(measure, tp)}_pair"
            c.update(
                {
                    f"{key}_n": both,
                    f"{key}_b": b if both else 0,
                    f"{key}_y": y if both else 0,
                    f"{key}_bb": b * b if both else 0,
                    f"{key}_by": b * y if both else 0,
                    f"{key}_yy": y * y if both else 0,
                }
            )
    return {k: int(v) for k, v in c.items()}
