"""Recruitment forecast: when a target is reached at the rate so far, with a prediction interval.

Pure functions over counts and dates (no ORM, no clock). The model, in docs/metrics.md:
recruitment at a site is a Poisson process with a constant monthly rate; the rate's uncertainty
is its posterior after the months open so far (Jeffreys prior, so Gamma(n + 1/2, months open)).
The time to recruit the R participants still needed is then b·(R/a)·F(2R, 2a) months, a scaled
F distribution, so the 80% prediction interval is two F quantiles: no simulation, no seed.
Several sites add their rates; their sum is matched to one Gamma by its mean and variance.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from scipy import stats

from apps.dashboards.metrics import months_open

DAYS_PER_MONTH = 30.4375
JEFFREYS_SHAPE = 0.5
INTERVAL = 0.80
# Past this many months ahead a date is not a forecast anyone can plan with.
HORIZON_MONTHS = 120

REACHED = "reached"
FORECAST = "forecast"
NOT_OPEN = "not_open"
NONE_YET = "none_yet"
CLOSED_SHORT = "closed_short"
BEYOND_HORIZON = "beyond_horizon"

STATUS_TEXT = {
    REACHED: "Target reached",
    FORECAST: "Forecast at the rate so far",
    NOT_OPEN: "Not open yet: no rate to forecast from",
    NONE_YET: "No one recruited yet: no rate to forecast from",
    CLOSED_SHORT: "Recruitment window closed before the target",
    BEYOND_HORIZON: "Not within ten years at the rate so far",
}


@dataclass(frozen=True, slots=True)
class SiteRecruitment:
    """What the forecast needs of a site: its target, window and recruitment so far."""

    target: int
    opens_on: date
    closes_on: date
    recruited: int


@dataclass(frozen=True, slots=True)
class Forecast:
    """When the target is reached at the rate so far, its 80% interval, and the rate needed."""

    status: str
    recruited: int
    target: int
    rate_per_month: float | None
    reached_on: date | None
    interval_from: date | None
    interval_to: date | None
    needed_per_month: float | None
    closes_on: date

    @property
    def text(self) -> str:
        """What the status means, in words for a table cell."""
        return STATUS_TEXT[self.status]


@dataclass(frozen=True, slots=True)
class _Rate:
    shape: float
    rate: float
    point: float


def forecast_site(site: SiteRecruitment, as_of: date) -> Forecast:
    """The forecast for one site as of a date."""
    return _forecast([site], as_of)


def forecast_overall(sites: Sequence[SiteRecruitment], as_of: date) -> Forecast:
    """The forecast for several sites together: their rates add (sites not open add none)."""
    if not sites:
        raise ValueError("a forecast needs at least one site")
    return _forecast(list(sites), as_of)


def needed_per_month(remaining: int, as_of: date, closes_on: date) -> float | None:
    """Recruits per month needed from the day after as_of to meet the target by closes_on."""
    if remaining <= 0:
        return 0.0
    months_left = (closes_on - as_of).days / DAYS_PER_MONTH
    return None if months_left <= 0 else remaining / months_left


def time_to_target_quantile(remaining: int, shape: float, rate: float, q: float) -> float:
    """Months until `remaining` more recruits, at quantile q of the predictive distribution."""
    if remaining <= 0:
        return 0.0
    if shape <= 0 or rate <= 0 or not 0 < q < 1:
        raise ValueError("shape and rate must be positive and q inside (0, 1)")
    return rate * (remaining / shape) * float(stats.f.ppf(q, 2 * remaining, 2 * shape))


def predicted_cumulative(
    recruited: int, shape: float, rate: float, months_ahead: float, q: float
) -> float:
    """Quantile q of the cumulative count months_ahead from now (negative binomial)."""
    if months_ahead <= 0:
        return float(recruited)
    p = rate / (rate + months_ahead)
    return recruited + float(stats.nbinom.ppf(q, shape, p))


def add_months(day: date, months: float) -> date:
    """A day so many (30.44-day) months after another."""
    return day + timedelta(days=round(months * DAYS_PER_MONTH))


def combined_rate(sites: Sequence[SiteRecruitment], as_of: date) -> tuple[float, float, float]:
    """Shape, rate and point estimate of the summed monthly rate of the sites still open."""
    rate = _combined(sites, as_of)
    return (0.0, 0.0, 0.0) if rate is None else (rate.shape, rate.rate, rate.point)


def _forecast(sites: list[SiteRecruitment], as_of: date) -> Forecast:
    recruited = sum(s.recruited for s in sites)
    target = sum(s.target for s in sites)
    closes_on = max(s.closes_on for s in sites)
    remaining = target - recruited
    rate = _combined(sites, as_of)

    def result(status: str, **dates) -> Forecast:
        return Forecast(
            status=status,
            recruited=recruited,
            target=target,
            rate_per_month=None if rate is None else rate.point,
            reached_on=dates.get("reached_on"),
            interval_from=dates.get("interval_from"),
            interval_to=dates.get("interval_to"),
            needed_per_month=needed_per_month(remaining, as_of, closes_on),
            closes_on=closes_on,
        )

    if remaining <= 0:
        return result(REACHED)
    if all(as_of < s.opens_on for s in sites):
        return result(NOT_OPEN)
    if rate is None:
        return result(CLOSED_SHORT)
    if rate.point == 0:
        return result(NONE_YET)
    central = remaining / rate.point
    low = time_to_target_quantile(remaining, rate.shape, rate.rate, (1 - INTERVAL) / 2)
    high = time_to_target_quantile(remaining, rate.shape, rate.rate, (1 + INTERVAL) / 2)
    if central > HORIZON_MONTHS:
        return result(BEYOND_HORIZON)
    return result(
        FORECAST,
        reached_on=add_months(as_of, central),
        interval_from=add_months(as_of, low),
        interval_to=None if high > HORIZON_MONTHS else add_months(as_of, high),
    )


def _combined(sites: Sequence[SiteRecruitment], as_of: date) -> _Rate | None:
    # A site whose window has closed recruits no more: its rate does not carry forward.
    posteriors = []
    for s in sites:
        exposure = months_open(s.opens_on, s.closes_on, as_of)
        if exposure > 0 and as_of < s.closes_on:
            posteriors.append((s.recruited + JEFFREYS_SHAPE, exposure, s.recruited / exposure))
    if not posteriors:
        return None
    mean = sum(a / b for a, b, _ in posteriors)
    variance = sum(a / (b * b) for a, b, _ in posteriors)
    return _Rate(
        shape=mean * mean / variance,
        rate=mean / variance,
        point=sum(point for *_, point in posteriors),
    )
