"""Abstinence outcomes of one participant: the 4-week check, and which report and CO readings
decide 7-day point prevalence and RS6 (clinical-rules.md, second edition).

Pure, like participant_outcomes(), which calls these; windows come from its timepoints.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from apps.clinical import schedule, scoring
from apps.clinical.participant_records import (
    COReadingRecord,
    ParticipantRecords,
    SmokingReportRecord,
)


@dataclass(frozen=True, slots=True)
class FourWeekCheck:
    """The 4-week check report and CO reading that count (Russell Standard window)."""

    outcome: str  # a scoring QUIT_*/NOT_QUIT/NOT_KNOWN code
    assessed_on: date | None
    day: int | None  # days after the quit date
    smoke_free_since_day_14: bool | None
    co_ppm: int | None


def four_week_check(
    quit_date: date | None,
    reports: Sequence[SmokingReportRecord],
    co_readings: Sequence[COReadingRecord],
) -> FourWeekCheck | None:
    """The Russell Standard 4-week outcome; None without a quit date.

    The latest week-4 report inside days 25-42 after the quit date counts (else the latest
    outside it, which is not known). (2nd ed.) The CO that decides is the highest reading taken
    inside the window from day 14 to the report, whatever its timepoint label: one of 10 ppm or
    more contradicts a report of not a puff.
    """
    if quit_date is None:
        return None
    week4 = [r for r in reports if r.timepoint == schedule.WEEK4]
    in_window = [r for r in week4 if scoring.is_in_four_week_window(quit_date, r.completed_on)]
    chosen = latest(in_window or week4, key=lambda r: r.completed_on)
    window_co = [c for c in co_readings if scoring.is_in_four_week_window(quit_date, c.taken_on)]
    if chosen is not None and in_window:
        since = quit_date + timedelta(days=scoring.ABSTINENT_FROM_DAY)
        window_co = [c for c in window_co if since <= c.taken_on <= chosen.completed_on]
    co_ppm = scoring.deciding_co([c.ppm for c in window_co])
    if chosen is None:
        return FourWeekCheck(scoring.NOT_KNOWN, None, None, None, co_ppm)
    return FourWeekCheck(
        outcome=scoring.four_week_quit_outcome(
            quit_date, chosen.completed_on, chosen.smoke_free_since_day_14, co_ppm
        ),
        assessed_on=chosen.completed_on,
        day=scoring.days_since_quit(quit_date, chosen.completed_on),
        smoke_free_since_day_14=chosen.smoke_free_since_day_14,
        co_ppm=co_ppm,
    )


def report_in_window(
    records: ParticipantRecords, timepoint: str, window: tuple[date, date] | None
) -> SmokingReportRecord | None:
    """(2nd ed.) The latest report for a follow-up dated inside its window (else none counts)."""
    if window is None:
        return None
    opens_on, closes_on = window
    return latest(
        [
            r
            for r in records.smoking_reports
            if r.timepoint == timepoint and opens_on <= r.completed_on <= closes_on
        ],
        key=lambda r: r.completed_on,
    )


def deciding_reading(
    records: ParticipantRecords,
    window: tuple[date, date] | None,
    report: SmokingReportRecord | None,
    *,
    days_back: int | None = None,
    since: date | None = None,
) -> int | None:
    """(2nd ed.) The highest CO taken inside the timepoint's window from the date the report
    says smoking stopped (`days_back` before it, or `since`) to the report; None without one."""
    if report is None or window is None:
        return None
    opens_on, closes_on = window
    start = max(opens_on, since or report.completed_on - timedelta(days=days_back or 0))
    return scoring.deciding_co(
        [
            c.ppm
            for c in records.co_readings
            if start <= c.taken_on <= min(report.completed_on, closes_on)
        ]
    )


# (2nd ed.) The follow-ups that ask the stop date of everyone not smoking.
STOP_DATE_TIMEPOINTS: tuple[str, ...] = (schedule.MONTH3, schedule.MONTH6)


def reference_quit_date(
    quit_date: date | None, reports: Sequence[SmokingReportRecord]
) -> date | None:
    """(2nd ed.) The session quit date; otherwise the earliest stop date reported at 3 or 6
    months; None when neither exists."""
    if quit_date is not None:
        return quit_date
    stopped = [
        r.stopped_on for r in reports if r.timepoint in STOP_DATE_TIMEPOINTS and r.stopped_on
    ]
    return min(stopped, default=None)


def rs6(
    records: ParticipantRecords,
    report: SmokingReportRecord | None,
    window: tuple[date, date] | None,
) -> bool:
    """Russell Standard sustained abstinence at 6 months, from the report that counts.

    (2nd ed.) Counted from 14 days after the reference quit date, in both arms. No reference
    date, or one less than 14 days before the report (no span to have stayed abstinent over),
    counts as smoking.
    """
    reference = reference_quit_date(records.quit_date, records.smoking_reports)
    if reference is None or report is None:
        return False
    since = reference + timedelta(days=scoring.ABSTINENT_FROM_DAY)
    if since > report.completed_on:
        return False
    return scoring.sustained_abstinence_6m(
        field_of(report, "cigarettes_since_day_14"),
        deciding_reading(records, window, report, since=since),
        smoke_free_since_day_14=field_of(report, "smoke_free_since_day_14"),
    )


def latest(items: Sequence, *, key):
    """The latest item by `key`; among equals the one recorded last (input is in that order)."""
    return sorted(items, key=key)[-1] if items else None


def field_of(record, name: str = "ppm"):
    """A record's field, or None without a record."""
    return None if record is None else getattr(record, name)
