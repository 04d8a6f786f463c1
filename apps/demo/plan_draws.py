"""The demo plan's random draws: moods, score items, session lengths, BCTs, medication, alerts.

Leaf helpers of plan.py; the order plan.py calls them in is what keeps a seed reproducible.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from apps.clinical.protocol import BCT, DEFAULT_EXPECTED_BCTS, SessionType
from apps.demo.plan_types import LONDON, AlertPlan, MeasureSet

ACTIONS_TAKEN = (
    "Phoned the participant the same day; no current plans or intent. Safety plan reviewed.",
    "Discussed at the session; passive thoughts only, protective factors in place. "
    "Informed the step 2 supervisor.",
    "Called and completed a risk assessment; low risk. Crisis line details given.",
    "Reviewed with the site lead; GP informed with consent and follow-up call booked.",
)


def spread(rng: random.Random, total: int, count: int) -> list[int]:
    """`count` answers of 0-3 adding up to `total` (which must fit)."""
    total = max(0, min(total, 3 * count))
    items = [0] * count
    for _ in range(total):
        index = rng.choice([i for i, v in enumerate(items) if v < 3])
        items[index] += 1
    return items


class Mood:
    """A participant's PHQ-9/GAD-7 trajectory: a starting level that drifts week by week."""

    def __init__(self, rng: random.Random, start: date):
        self.rng = rng
        self.start = start
        self.phq = max(4, min(25, rng.gauss(14, 4.5)))
        self.gad = max(3, min(20, rng.gauss(12, 4)))
        self.slope = rng.gauss(-0.4, 0.35)
        self.risk_occasions = 0
        if rng.random() < 0.06:
            self.risk_occasions = rng.choice([1, 1, 2])

    def measure(self, day: date, allow_risk: bool = True) -> MeasureSet:
        weeks = (day - self.start).days / 7
        phq = round(self.phq + self.slope * min(weeks, 20) + self.rng.gauss(0, 1.6))
        gad = round(self.gad + self.slope * 0.8 * min(weeks, 20) + self.rng.gauss(0, 1.5))
        phq, gad = max(0, min(26, phq)), max(0, min(21, gad))
        item9 = 0
        if allow_risk and self.risk_occasions and self.rng.random() < 0.35:
            self.risk_occasions -= 1
            item9 = self.rng.choice([1, 1, 2])
        phq9 = spread(self.rng, phq - item9, 8) + [item9]
        return MeasureSet(
            taken_on=day,
            phq9=phq9,
            gad7=spread(self.rng, gad, 7),
            phq9_difficulty=draw_difficulty(phq, day),
        )


def draw_difficulty(phq9_total: int, day: date) -> int | None:
    """The optional difficulty answer: skipped below 5 and on one day in three, else by total.

    Derived without the random stream, so adding it left every other planned value unchanged.
    """
    if phq9_total < 5 or day.toordinal() % 3 == 0:
        return None
    return min(3, phq9_total // 7)


def alert_for(rng: random.Random, measures: MeasureSet, when: datetime, today: date) -> None:
    """Plan the safety alert a risk answer raises (acknowledged unless it is recent)."""
    if measures.phq9[8] == 0:
        return
    alert = AlertPlan(raised_at=when)
    if when.date() < today - timedelta(days=2):
        alert.acknowledged_at = when + timedelta(minutes=rng.randint(15, 26 * 60))
        alert.acknowledged_by = "pwp" if rng.random() < 0.7 else "lead"
        alert.action_taken = rng.choice(ACTIONS_TAKEN)
    measures.alert = alert


def draw_time(day: date, rng: random.Random) -> datetime:
    """A time in clinic hours on `day`, London time."""
    return datetime.combine(day, time(rng.randint(9, 16), rng.choice([0, 15, 30, 45])), LONDON)


def draw_duration(rng: random.Random, session_type: str) -> int:
    """A session length in minutes, typical for its type."""
    if session_type in (SessionType.PRE_QUIT, SessionType.QUIT_DAY):
        return rng.choice([10, 12, 15, 15, 15, 20, 20, 25, 30])
    return rng.choice([5, 5, 8, 10, 10, 10, 12, 15])


def draw_bcts(rng: random.Random, session_type: str) -> list[str]:
    """The BCTs a session records: most of those expected, at least one."""
    expected = DEFAULT_EXPECTED_BCTS[session_type]
    # An attended session delivers at least one of its expected techniques.
    delivered = [code for code in expected if rng.random() < 0.88] or list(expected)[:1]
    extras = [code for code in BCT.values if code not in expected]
    delivered += [code for code in rng.sample(extras, 2) if rng.random() < 0.15]
    return sorted(set(delivered))


def draw_pharmacotherapy(rng: random.Random) -> list[tuple[str, str]]:
    """The stop-smoking medication a session records (provided or recommended)."""
    choice = rng.choices(
        ["combination", "varenicline", "ecig", "patch", "none"], [45, 22, 10, 13, 10]
    )[0]
    if choice == "combination":
        short = rng.choice(["nrt_gum", "nrt_lozenge", "nrt_mouth_spray", "nrt_inhalator"])
        return [("nrt_patch", "provided"), (short, "provided")]
    if choice == "varenicline":
        return [("varenicline", "recommended")]
    if choice == "ecig":
        return [("e_cigarette", "recommended")]
    if choice == "patch":
        return [("nrt_patch", "provided")]
    return []
