"""The synthetic pilot's measure rows for one site, scored by the pure scorers."""

from __future__ import annotations

from datetime import timedelta

from apps.clinical import scoring
from apps.demo.plan_types import MeasureSet
from apps.outcomes.models import (
    COReading,
    GAD7Response,
    PHQ9Response,
    SafetyAlert,
    SmokingStatusReport,
)


class SiteMeasures:
    """Collects measure rows for one site; scores come from the pure scorers."""

    def __init__(self):
        self.phq9: list[PHQ9Response] = []
        self.phq9_plans: list[MeasureSet] = []
        self.gad7: list[GAD7Response] = []
        self.smoking: list[SmokingStatusReport] = []
        self.co_readings: list[COReading] = []

    def pair(self, participant, plan: MeasureSet, timepoint, source, recorder, **link) -> None:
        phq9 = scoring.score_phq9(plan.phq9)
        gad7 = scoring.score_gad7(plan.gad7)
        common = {
            "participant": participant,
            "completed_on": plan.taken_on,
            "timepoint": timepoint,
            "source": source,
            "recorded_by": recorder,
            "scoring_version": scoring.SCORING_VERSION,
            **link,
        }
        self.phq9.append(
            PHQ9Response(
                **common,
                **{f"item{i}": v for i, v in enumerate(phq9.items, start=1)},
                difficulty=scoring.check_phq9_difficulty(plan.phq9_difficulty),
                total=phq9.total,
                severity=phq9.severity,
                risk=phq9.risk,
            )
        )
        self.phq9_plans.append(plan)
        self.gad7.append(
            GAD7Response(
                **common,
                **{f"item{i}": v for i, v in enumerate(gad7.items, start=1)},
                total=gad7.total,
                severity=gad7.severity,
            )
        )

    def co(self, participant, ppm, taken_at, timepoint, source, taken_by, **link) -> None:
        self.co_readings.append(
            COReading(
                participant=participant,
                ppm=scoring.validate_co_ppm(ppm),
                taken_at=taken_at,
                timepoint=timepoint,
                source=source,
                taken_by=taken_by,
                **link,
            )
        )

    def tables(self):
        return [
            (PHQ9Response, self.phq9),
            (GAD7Response, self.gad7),
            (SmokingStatusReport, self.smoking),
            (COReading, self.co_readings),
        ]

    def alerts(self, lead) -> list[SafetyAlert]:
        """An alert per risky PHQ-9 (after the PHQ-9 rows have their ids)."""
        alerts = []
        for response, plan in zip(self.phq9, self.phq9_plans, strict=True):
            if not response.risk:
                continue
            alert = plan.alert
            assert alert is not None, "every risky PHQ-9 in the plan has an alert"
            acknowledged = alert.acknowledged_at is not None
            by = lead if alert.acknowledged_by == "lead" else response.participant.assigned_pwp
            alerts.append(
                SafetyAlert(
                    participant=response.participant,
                    phq9=response,
                    item9=response.item9,
                    raised_at=alert.raised_at,
                    notified_at=alert.raised_at + timedelta(minutes=2),
                    acknowledged_at=alert.acknowledged_at,
                    acknowledged_by=by if acknowledged else None,
                    action_taken=alert.action_taken,
                    time_to_acknowledge=(alert.acknowledged_at - alert.raised_at)
                    if acknowledged
                    else None,
                )
            )
        return alerts
