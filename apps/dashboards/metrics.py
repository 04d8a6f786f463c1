"""Feasibility metric definitions: pure functions over plain counts, dates and thresholds.

No ORM, no settings, no clock: callers pass counts and `today`. docs/metrics.md explains each
definition; tests/dashboards/test_metrics.py checks them against hand-computed cases.
"""

import calendar
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from scipy import stats

Z_95 = 1.959963984540054


GREEN = "green"
AMBER = "amber"
RED = "red"
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Proportion:
    """A count out of a denominator, as a percentage with its Wilson 95% interval."""

    numerator: int
    denominator: int
    percent: float | None
    ci_low: float | None
    ci_high: float | None

    @property
    def known(self) -> bool:
        """Whether there is a denominator to compute a percentage from."""
        return self.percent is not None


@dataclass(frozen=True, slots=True)
class MeanEstimate:
    """A mean with its standard deviation and t-based 95% interval."""

    n: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for successes/n as fractions (None when n is 0)."""
    _check_counts(successes, n)
    if n == 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion(numerator: int, denominator: int) -> Proportion:
    """numerator/denominator as a percentage with Wilson 95% CI (percent None when 0/0)."""
    interval = wilson_interval(numerator, denominator)
    if interval is None:
        return Proportion(numerator, denominator, None, None, None)
    return Proportion(
        numerator,
        denominator,
        100 * numerator / denominator,
        100 * interval[0],
        100 * interval[1],
    )


@lru_cache(maxsize=4096)  # a page asks for a few dozen, most of them more than once
def t_quantile_975(df: float) -> float:
    """The exact 97.5% quantile of Student's t with df degrees of freedom (any df above 0)."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    return float(stats.t.ppf(0.975, df))


def mean_estimate(n: int, total: float, sum_of_squares: float) -> MeanEstimate:
    """Mean, sample SD and 95% CI from n, the sum and the sum of squares of the values."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return MeanEstimate(0, None, None, None, None)
    mean = total / n
    if n == 1:
        return MeanEstimate(1, mean, None, None, None)
    variance = max(0.0, (sum_of_squares - n * mean * mean) / (n - 1))
    sd = math.sqrt(variance)
    half = t_quantile_975(n - 1) * sd / math.sqrt(n)
    return MeanEstimate(n, mean, sd, mean - half, mean + half)


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator/denominator, or None when the denominator is 0."""
    return None if not denominator else numerator / denominator


def traffic_light(
    percent: float | None, green_from: float | Decimal, amber_from: float | Decimal
) -> str:
    """Green at or above green_from, amber at or above amber_from, red below; unknown if None."""
    if percent is None:
        return UNKNOWN
    if Decimal(str(round(percent, 6))) >= Decimal(green_from):
        return GREEN
    if Decimal(str(round(percent, 6))) >= Decimal(amber_from):
        return AMBER
    return RED


# --------------------------------------------------------------------------------------------
# Screening, recruitment and retention (clinical-rules.md, "Feasibility metrics")
# --------------------------------------------------------------------------------------------


def eligibility_rate(eligible: int, screened: int) -> Proportion:
    """Eligible / screened (eligible includes eligible people who then declined)."""
    return proportion(eligible, screened)


def consent_rate(consented: int, eligible: int) -> Proportion:
    """Enrolment (consent) rate: consented / eligible."""
    return proportion(consented, eligible)


def retention(followed_up: int, due: int) -> Proportion:
    """Follow-ups completed at a timepoint / randomised participants who have reached it."""
    return proportion(followed_up, due)


def adherence(adherent: int, randomised: int) -> Proportion:
    """(2nd ed.) Intervention participants who attended the protocol minimum of sessions /
    intervention participants randomised, with its Wilson interval."""
    return proportion(adherent, randomised)


def attendance_share(attended: int, offered: int) -> Proportion:
    """Sessions attended / sessions offered: a session-level share, so no interval (2nd ed.)."""
    if attended > offered:
        raise ValueError("attended cannot exceed offered")
    return ratio_percent(attended, offered)


def data_completeness(present: int, expected: int) -> Proportion:
    """Expected measures present / expected."""
    return proportion(present, expected)


def measures_completeness(present: Sequence[int], participants_expected: int) -> Proportion:
    """Measures pooled: the sum of each measure's present count / participants x measures."""
    return data_completeness(sum(present), participants_expected * len(present))


def month_keys(first: date, last: date) -> list[str]:
    """Every YYYY-MM from the month of `first` to the month of `last`, inclusive."""
    if last < first:
        return []
    keys = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


@lru_cache(maxsize=1024)  # a page asks for each month once per site
def month_end(key: str) -> date:
    """The last day of a YYYY-MM month."""
    year, month = int(key[:4]), int(key[5:7])
    return date(year, month, calendar.monthrange(year, month)[1])


def expected_recruitment(target: int, opens_on: date, closes_on: date, on: date) -> float:
    """Target expected by the end of `on`, rising linearly over the recruitment window."""
    if target < 0:
        raise ValueError("target must not be negative")
    if on < opens_on:
        return 0.0
    if on >= closes_on:
        return float(target)
    window_days = (closes_on - opens_on).days + 1
    elapsed = (on - opens_on).days + 1
    return target * elapsed / window_days


def expected_recruitment_between(
    target: int, opens_on: date, closes_on: date, first: date | None, last: date
) -> float:
    """Target expected from `first` to `last` inclusive (from opening when first is None)."""
    if first is not None and last < first:
        return 0.0
    before = (
        0.0
        if first is None
        else expected_recruitment(target, opens_on, closes_on, first - timedelta(days=1))
    )
    return expected_recruitment(target, opens_on, closes_on, last) - before


def recruitment_period(month_from: str, month_to: str, today: date) -> tuple[date | None, date]:
    """First and last day a YYYY-MM month range covers, never past today (None: from the start)."""
    # Recruitment against target expects recruitment over these days only, like its numerator.
    first = date.fromisoformat(month_from + "-01") if month_from else None
    last = today
    if month_to:
        last = min(last, month_end(month_to))
    return first, last


def target_trajectory(
    target: int, opens_on: date, closes_on: date, months: Sequence[str]
) -> list[float]:
    """Cumulative target expected at the end of each YYYY-MM month (linear over the window)."""
    return [expected_recruitment(target, opens_on, closes_on, month_end(m)) for m in months]


def ratio_percent(numerator: int, denominator: int) -> Proportion:
    """numerator/denominator as a percentage that may pass 100 (not binomial: no interval)."""
    if numerator < 0 or denominator < 0:
        raise ValueError("counts must not be negative")
    if denominator == 0:
        return Proportion(numerator, denominator, None, None, None)
    return Proportion(numerator, denominator, 100 * numerator / denominator, None, None)


def recruitment_to_target(randomised: int, expected_by_now: float) -> Proportion:
    """Randomised against the target expected over the same period (by now, or in the months
    shown; the whole target once the window has closed).

    Over-recruitment shows above 100%; a target is not a sample, so there is no interval.
    """
    # The expected count is fractional mid-window; round up so 100% means "on trajectory".
    return ratio_percent(randomised, math.ceil(expected_by_now - 1e-9))


def months_open(opens_on: date, closes_on: date, today: date) -> float:
    """Months (30.44 days) a site has been recruiting by today, at least one day's worth."""
    end = min(today, closes_on)
    if end < opens_on:
        return 0.0
    return ((end - opens_on).days + 1) / 30.4375


def recruitment_rate(randomised: int, opens_on: date, closes_on: date, today: date) -> float | None:
    """Participants randomised per site per month while open (None before the site opens)."""
    months = months_open(opens_on, closes_on, today)
    return None if months == 0 else randomised / months


def cumulative(values: Iterable[float]) -> list[float]:
    """Running totals of a series."""
    total = 0.0
    out = []
    for value in values:
        total += value
        out.append(total)
    return out


# --------------------------------------------------------------------------------------------
# Workload and safety
# --------------------------------------------------------------------------------------------


def week_starts(today: date, weeks: int) -> list[date]:
    """Mondays of the last `weeks` complete weeks before the week containing today."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=weeks - i) for i in range(weeks)]


def workload_share(minutes_per_week: float, hours_per_week: float | Decimal) -> float | None:
    """Minutes of cessation work per week as a percentage of the hours available (None if 0)."""
    available = float(hours_per_week) * 60
    return None if available == 0 else 100 * minutes_per_week / available


def mean_duration_hours(total_seconds: float, n: int) -> float | None:
    """Mean of n durations given their total in seconds, in hours (None when n is 0)."""
    return None if n == 0 else total_seconds / n / 3600


def _check_counts(successes: int, n: int) -> None:
    if n < 0 or successes < 0:
        raise ValueError("counts must not be negative")
    if successes > n:
        raise ValueError("numerator cannot exceed denominator")
