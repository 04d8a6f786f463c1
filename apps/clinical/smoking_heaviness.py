"""Smoking at follow-up: cigarettes per day and the HSI of those still smoking at 3 and 6 months.

Pure. The ESCAPE protocol's secondary outcome: among participants still smoking, how much they
smoke, against their baseline. Both questions are asked at the 3- and 6-month follow-ups of
anyone who smoked in the last 7 days; either may be left blank. A value counts at a follow-up
from the report that decides that follow-up's smoking status (participant_outcomes'
report_in_window: labelled with the timepoint and dated inside its window), so the smoking
status and the heaviness always come from one report.
"""

from collections.abc import Mapping

from apps.clinical import schedule
from apps.clinical.continuous_outcomes import BASELINE, COMPARISON_TIMEPOINTS
from apps.clinical.hsi import heaviness_of_smoking_index
from apps.clinical.participant_records import BaselineRecord, SmokingReportRecord
from apps.core.errors import DomainError

CIGARETTES_PER_DAY = "cpd"
HSI = "hsi"
SMOKING_MEASURES: tuple[str, ...] = (CIGARETTES_PER_DAY, HSI)
HEAVINESS_TIMEPOINTS: tuple[str, ...] = (schedule.MONTH3, schedule.MONTH6)
MAX_CIGARETTES_PER_DAY = 100
MAX_MINUTES_TO_FIRST = 1440


def asks_heaviness(timepoint: str) -> bool:
    """Whether a report at this timepoint asks cigarettes per day and time to first cigarette
    (of those who smoked in the last 7 days)."""
    return timepoint in HEAVINESS_TIMEPOINTS


def heaviness_errors(
    timepoint: str,
    smoked_last_7_days: bool,
    cigarettes_per_day: int | None,
    minutes_to_first_cigarette: int | None,
) -> list[DomainError]:
    """Every rule the two answers break, each naming its field (empty when they may be stored)."""
    answers = {
        "cigarettes_per_day": (cigarettes_per_day, MAX_CIGARETTES_PER_DAY, "Cigarettes per day"),
        "minutes_to_first_cigarette": (
            minutes_to_first_cigarette,
            MAX_MINUTES_TO_FIRST,
            "Minutes to the first cigarette",
        ),
    }
    errors = []
    for field, (value, high, label) in answers.items():
        if value is None:
            continue
        if not asks_heaviness(timepoint):
            errors.append(
                DomainError(f"{label} is asked only at the 3- and 6-month follow-ups.", field=field)
            )
        elif not smoked_last_7_days:
            errors.append(
                DomainError(
                    f"Leave {label.lower()} blank: the participant has not smoked in the last "
                    "7 days.",
                    field=field,
                )
            )
        elif not 0 <= value <= high:
            errors.append(DomainError(f"{label} must be from 0 to {high}.", field=field))
    return errors


def smoking_heaviness(
    baseline: BaselineRecord | None, reports: Mapping[str, SmokingReportRecord | None]
) -> dict[str, dict[str, int | None]]:
    """Cigarettes per day and HSI at baseline, 3 and 6 months (None where none counts).

    `reports` holds each follow-up's deciding report; a follow-up counts only for someone who
    smoked in the last 7 days (a participant not smoking has no heaviness to measure).
    """
    cpd = dict.fromkeys(COMPARISON_TIMEPOINTS)
    hsi = dict.fromkeys(COMPARISON_TIMEPOINTS)
    if baseline is not None:
        cpd[BASELINE] = baseline.cigarettes_per_day
        hsi[BASELINE] = _hsi(baseline.minutes_to_first_cigarette, baseline.cigarettes_per_day)
    for tp in HEAVINESS_TIMEPOINTS:
        report = reports.get(tp)
        if report is None or not report.smoked_last_7_days:
            continue
        cpd[tp] = report.cigarettes_per_day
        hsi[tp] = _hsi(report.minutes_to_first_cigarette, report.cigarettes_per_day)
    return {CIGARETTES_PER_DAY: cpd, HSI: hsi}


def _hsi(minutes: int | None, per_day: int | None) -> int | None:
    if minutes is None or per_day is None:
        return None
    return heaviness_of_smoking_index(minutes, per_day).score
