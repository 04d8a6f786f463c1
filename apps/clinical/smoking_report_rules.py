"""The answers a smoking status report must have, the same on every path (staff form, patient
questionnaire, API): pure, so each path checks by one rule and reports every gap at once."""

from dataclasses import dataclass
from datetime import date, timedelta

from apps.clinical import schedule
from apps.clinical.questionnaire_content import (
    MAX_CIGARETTES_7_DAYS,
    MAX_CIGARETTES_SINCE_DAY_14,
    SINCE_DAY,
    asks_cigarettes_since_stop,
    asks_since_day_14,
    asks_stop_date,
    last_7_days_after_day_14,
    since_day_14,
)
from apps.clinical.smoking_heaviness import heaviness_errors
from apps.core.errors import DomainError

FOLLOW_UP_TIMEPOINTS: tuple[str, ...] = schedule.TIMEPOINTS


@dataclass(frozen=True, slots=True)
class SmokingReportAnswers:
    """One report's answers, with what was known before it was taken."""

    timepoint: str
    completed_on: date
    screened_on: date
    # The reference quit date known before this report: the session quit date, or a stop date
    # reported at an earlier follow-up.
    known_reference: date | None
    smoked_last_7_days: bool
    cigarettes_last_7_days: int | None
    smoke_free_since_day_14: bool | None
    cigarettes_since_day_14: int | None
    stopped_on: date | None
    cigarettes_per_day: int | None = None
    minutes_to_first_cigarette: int | None = None


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def smoking_report_errors(answers: SmokingReportAnswers) -> list[DomainError]:
    """Every rule the report breaks, each naming its field (empty when it may be stored)."""
    a = answers
    errors = _last_7_days_errors(a)
    follow_up = a.timepoint in FOLLOW_UP_TIMEPOINTS
    if follow_up and asks_since_day_14(a.known_reference, a.completed_on):
        errors += _since_day_14_errors(a)
    if a.cigarettes_since_day_14 is not None and a.cigarettes_since_day_14 < 0:
        errors.append(
            DomainError(
                "Cigarettes since day 14 cannot be negative.", field="cigarettes_since_day_14"
            )
        )
    if a.smoke_free_since_day_14 and a.cigarettes_since_day_14:
        errors.append(
            DomainError(
                "Smoke free since day 14 means not a puff: cigarettes since day 14 must be 0 "
                "(record smoke free as No; up to 5 cigarettes can still count as sustained "
                "abstinence at 6 months).",
                field="cigarettes_since_day_14",
            )
        )
    elif (
        a.smoke_free_since_day_14
        and a.smoked_last_7_days
        and last_7_days_after_day_14(a.known_reference, a.completed_on)
    ):
        errors.append(
            DomainError(
                "Smoke free since day 14 contradicts smoking in the last 7 days, which all fall "
                "after day 14.",
                field="smoked_last_7_days",
            )
        )
    heaviness = heaviness_errors(
        a.timepoint, a.smoked_last_7_days, a.cigarettes_per_day, a.minutes_to_first_cigarette
    )
    return errors + _stop_date_errors(a) + heaviness


def _last_7_days_errors(a: SmokingReportAnswers) -> list[DomainError]:
    count = a.cigarettes_last_7_days
    if a.smoked_last_7_days and not (count and 1 <= count <= MAX_CIGARETTES_7_DAYS):
        message = (
            f"Cigarettes in the last 7 days must be from 1 to {MAX_CIGARETTES_7_DAYS} when the "
            "participant has smoked."
        )
    elif not a.smoked_last_7_days and count:
        message = "Cigarettes in the last 7 days must be 0 when the participant has not smoked."
    else:
        return []
    return [DomainError(message, field="cigarettes_last_7_days")]


def _since_day_14_errors(a: SmokingReportAnswers) -> list[DomainError]:
    since = since_day_14(a.known_reference)
    if a.smoke_free_since_day_14 is None and a.cigarettes_since_day_14 is None:
        return [
            DomainError(
                f"Answer whether the participant has smoked at all, even a puff, since "
                f"{_day(since)} (14 days after the quit date).",
                field="smoke_free_since_day_14",
            )
        ]
    if a.smoke_free_since_day_14 is False and not (
        a.cigarettes_since_day_14 and 1 <= a.cigarettes_since_day_14 <= MAX_CIGARETTES_SINCE_DAY_14
    ):
        return [
            DomainError(
                f"Cigarettes since {_day(since)} must be from 1 to "
                f"{MAX_CIGARETTES_SINCE_DAY_14} when the participant has smoked.",
                field="cigarettes_since_day_14",
            )
        ]
    return []


def _stop_date_errors(a: SmokingReportAnswers) -> list[DomainError]:
    if a.stopped_on is None:
        if asks_stop_date(a.timepoint) and a.smoked_last_7_days is False:
            return [
                DomainError(
                    "Give the date the participant stopped smoking: it is asked of everyone "
                    "not smoking at the 3- and 6-month follow-ups.",
                    field="stopped_on",
                )
            ]
        return []
    if not asks_stop_date(a.timepoint):
        return [
            DomainError(
                "A stop date is recorded only at the 3- and 6-month follow-ups.",
                field="stopped_on",
            )
        ]
    if a.smoked_last_7_days:
        return [
            DomainError(
                "Leave the stop date blank: the participant smoked in the last 7 days.",
                field="stopped_on",
            )
        ]
    errors = []
    if a.stopped_on > a.completed_on:
        errors.append(
            DomainError(
                "The stop date cannot be after the date of the follow-up.", field="stopped_on"
            )
        )
    elif a.stopped_on < a.screened_on:
        errors.append(
            DomainError(
                f"The stop date cannot be before the participant was screened "
                f"({_day(a.screened_on)}).",
                field="stopped_on",
            )
        )
    elif (
        asks_cigarettes_since_stop(a.timepoint, a.known_reference)
        and a.cigarettes_since_day_14 is None
        and a.stopped_on + timedelta(days=SINCE_DAY) < a.completed_on
    ):
        errors.append(
            DomainError(
                "Give the number of cigarettes smoked since two weeks after the stop date "
                "(0 if none, not even a puff).",
                field="cigarettes_since_day_14",
            )
        )
    return errors
