"""Data-quality rules that raise data queries by themselves: pure functions over a participant's
records, each finding named by a key so it is raised once.

Which rules run, and the PHQ-9 jump threshold, are pilot configuration
(`Pilot.data_quality_rules`, merged over DEFAULT_RULES).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from apps.clinical.scoring import CO_SMOKER_FROM_PPM

DEFAULT_RULES: dict[str, bool | int] = {
    "co_contradicts_report": True,
    "follow_up_out_of_window": True,
    "phq9_jump": 15,  # the smallest change between consecutive PHQ-9 totals that is queried
    "missing_baseline": True,
    "consent_superseded": True,
}
BASELINE_MEASURES = {"phq9": "PHQ-9", "gad7": "GAD-7", "smoking": "smoking status", "co": "CO"}


@dataclass(frozen=True)
class Finding:
    """What a rule found: its key (one query per key, ever), what it is about, the question."""

    rule: str
    key: str
    about: str
    text: str


def active_rules(overrides: dict | None) -> dict[str, bool | int]:
    """The pilot's rules: the defaults with its overrides (false switches a rule off)."""
    return {**DEFAULT_RULES, **{k: v for k, v in (overrides or {}).items() if k in DEFAULT_RULES}}


def co_contradictions(
    reports: Iterable[tuple[date, bool]], readings: Iterable[tuple[str, date, int]]
) -> Iterator[Finding]:
    """A CO reading of a smoker (10 ppm or more) on a day no smoking was reported."""
    no_smoking_days = {day for day, smoked in reports if not smoked}
    for key, day, ppm in readings:
        if day in no_smoking_days and ppm >= CO_SMOKER_FROM_PPM:
            yield Finding(
                "co_contradicts_report",
                f"co:{key}",
                f"CO reading of {day:%-d %b %Y}, {ppm} ppm",
                f"CO {ppm} ppm on {day:%-d %b %Y} with a report of no smoking in the past 7 days "
                "that day: please check the reading and the report.",
            )


def phq9_jumps(totals: Iterable[tuple[str, date, int]], threshold: int) -> Iterator[Finding]:
    """Consecutive PHQ-9 totals (by date) that differ by `threshold` or more."""
    ordered = sorted(totals, key=lambda t: (t[1], t[0]))
    for (_, before_day, before), (key, day, total) in zip(ordered, ordered[1:], strict=False):
        if abs(total - before) >= threshold:
            yield Finding(
                "phq9_jump",
                f"phq9:{key}",
                f"PHQ-9 of {day:%-d %b %Y}, total {total}",
                f"PHQ-9 total went from {before} ({before_day:%-d %b %Y}) to {total} "
                f"({day:%-d %b %Y}), a change of {abs(total - before)}: please check both.",
            )


def missing_baseline(present: set[str]) -> Iterator[Finding]:
    """Each baseline measure a randomised participant does not have."""
    for code, name in BASELINE_MEASURES.items():
        if code not in present:
            yield Finding(
                "missing_baseline",
                f"baseline:{code}",
                f"Baseline {name}",
                f"No baseline {name} is recorded: please record it, or say why it is missing.",
            )
