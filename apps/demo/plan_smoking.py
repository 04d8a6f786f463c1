"""The demo plan's smoking course: who is abstinent when, their CO readings, and the smoking
report each follow-up records (the answers every path requires, clinical-rules.md 2nd ed.)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from apps.clinical import schedule
from apps.clinical.smoking_heaviness import asks_heaviness
from apps.demo.plan_types import ParticipantPlan


def co_reading(rng: random.Random, person: ParticipantPlan, *, abstinent: bool) -> int:
    """A CO reading in ppm: mostly non-smoker range when abstinent, else by cigarettes a day."""
    if abstinent:
        return rng.randint(1, 6) if rng.random() > 0.05 else rng.randint(10, 14)
    cigarettes = person.baseline["cigarettes_per_day"]
    return max(7, min(70, round(6 + cigarettes * 0.7 + rng.gauss(0, 5))))


class SmokingCourse:
    """Whether the participant is abstinent at each follow-up (quitters mostly stay quit)."""

    def __init__(self, rng: random.Random, person: ParticipantPlan, quitter: bool, cigs: int):
        self.cigarettes = cigs
        self.has_quit_date = person.quit_date is not None
        self.intervention = person.arm == "intervention"
        self.week4 = quitter
        if quitter:
            self.month3 = rng.random() < 0.65
        else:
            self.month3 = rng.random() < (0.06 if self.intervention else 0.07)
        self.month6 = rng.random() < (0.8 if self.month3 else 0.05)
        self.sustained = self.week4 and self.month3 and self.month6
        self.quit_date = person.quit_date
        self.randomised_on = person.randomised_on
        self.reported_stop: date | None = None  # the first stop date given at 3 or 6 months

    def known_reference(self) -> date | None:
        """The reference quit date known before the next follow-up."""
        return self.quit_date or self.reported_stop

    def stop_date(self, rng: random.Random, completed_on: date) -> date:
        """The stop date a participant not smoking gives at 3 or 6 months."""
        if self.known_reference() is not None:
            return self.known_reference()
        return min(self.randomised_on + timedelta(days=rng.randint(5, 60)), completed_on)

    def abstinent(self, timepoint: str) -> bool:
        return {"week4": self.week4, "month3": self.month3, "month6": self.month6}[timepoint]


def smoking_report(
    rng: random.Random, smoking: SmokingCourse, timepoint: str, completed_on: date
) -> dict:
    """The smoking status report a follow-up on `completed_on` records."""
    abstinent = smoking.abstinent(timepoint)
    cigarettes_7d = 0 if abstinent else max(1, round(smoking.cigarettes * rng.uniform(2, 7)))
    report = {
        "smoked_last_7_days": not abstinent,
        "cigarettes_last_7_days": cigarettes_7d,
        "quit_attempt_since_last_contact": abstinent or rng.random() < 0.3,
        "uses_e_cigarette": rng.random() < 0.2,
        "uses_stop_smoking_medication": smoking.intervention and rng.random() < 0.5,
    }
    if not abstinent and asks_heaviness(timepoint):
        # Derived, not drawn: the demo's random sequence (and so its shape) stays as it was.
        per_day = min(100, max(1, round(cigarettes_7d / 7)))
        report["cigarettes_per_day"] = per_day
        report["minutes_to_first_cigarette"] = 5 if per_day > 20 else 20 if per_day > 10 else 45
    known = smoking.known_reference()
    if known is not None and known + timedelta(days=14) < completed_on:
        if smoking.has_quit_date:
            since_day_14 = smoking.week4 if timepoint == schedule.WEEK4 else smoking.sustained
        else:
            since_day_14 = smoking.month3 and smoking.month6
        cigarettes = rng.choice([0, 0, 0, 1, 2, 4]) if since_day_14 else rng.randint(20, 400)
        if timepoint == schedule.WEEK4 and since_day_14:
            cigarettes = 0  # a 4-week quitter has not had a puff since day 14
        # Smoke free means not a puff; up to 5 cigarettes still count as sustained (RS6).
        report["smoke_free_since_day_14"] = cigarettes == 0
        report["cigarettes_since_day_14"] = cigarettes
    if abstinent and timepoint in (schedule.MONTH3, schedule.MONTH6):
        # (2nd ed.) Everyone not smoking at 3 or 6 months gives the date they stopped.
        stopped_on = smoking.stop_date(rng, completed_on)
        report["stopped_on"] = stopped_on
        late_enough = stopped_on + timedelta(days=14) < completed_on
        if known is None and timepoint == schedule.MONTH6 and late_enough:
            report["cigarettes_since_day_14"] = rng.choice([0, 0, 1, 2, 3, 8])
        smoking.reported_stop = smoking.reported_stop or stopped_on
    return report
