"""(2nd ed.) PHQ-9 and GAD-7 at the fixed timepoints the arms are compared at: pure rules.

A score counts at baseline when it is labelled baseline; at 3 or 6 months only when it is
labelled with that timepoint and dated inside its window, as measure presence treats records
(participant_outcomes._measures_present). Of several that count, the latest (by date, then
recording order) is the one used.
"""

from collections.abc import Mapping, Sequence
from datetime import date

from apps.clinical import schedule
from apps.clinical.participant_records import QuestionnaireRecord

BASELINE = "baseline"
# The timepoints the arms are compared at, and the measures compared.
COMPARISON_TIMEPOINTS: tuple[str, ...] = (BASELINE, schedule.MONTH3, schedule.MONTH6)
CONTINUOUS_MEASURES: tuple[str, ...] = ("phq9", "gad7")

Window = tuple[date, date] | None
Scores = Mapping[str, Mapping[str, int | None]]  # measure -> timepoint -> total (None: none)


def score_at(
    responses: Sequence[QuestionnaireRecord], timepoint: str, window: Window
) -> int | None:
    """The total that counts at a timepoint: labelled with it and (after baseline) in its window."""
    counting = [r for r in responses if r.timepoint == timepoint and _counts(timepoint, window, r)]
    if not counting:
        return None
    # sorted() keeps recording order among records of one day, so the later-recorded one wins.
    return sorted(counting, key=lambda r: r.completed_on)[-1].total


def _counts(timepoint: str, window: Window, r: QuestionnaireRecord) -> bool:
    """Baseline records always count; a follow-up's only inside its window."""
    if timepoint == BASELINE:
        return True
    return window is not None and window[0] <= r.completed_on <= window[1]


def fixed_timepoint_scores(
    phq9: Sequence[QuestionnaireRecord],
    gad7: Sequence[QuestionnaireRecord],
    windows: Mapping[str, Window],
) -> dict[str, dict[str, int | None]]:
    """PHQ-9 and GAD-7 totals at baseline, 3 and 6 months (None where none counts)."""
    return {"phq9": _scores(phq9, windows), "gad7": _scores(gad7, windows)}


def _scores(
    responses: Sequence[QuestionnaireRecord], windows: Mapping[str, Window]
) -> dict[str, int | None]:
    """score_at() for every comparison timepoint in one pass (the snapshot runs it for all)."""
    best: dict[str, QuestionnaireRecord] = {}
    for r in responses:  # recording order: on a tie of dates the later-recorded one wins
        tp = r.timepoint
        if tp in _COMPARED and _counts(tp, windows.get(tp), r):
            held = best.get(tp)
            if held is None or r.completed_on >= held.completed_on:
                best[tp] = r
    return {tp: best[tp].total if tp in best else None for tp in COMPARISON_TIMEPOINTS}


_COMPARED = frozenset(COMPARISON_TIMEPOINTS)
