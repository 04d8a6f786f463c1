"""(2nd ed.) Estimates that need more than a count: clustered fidelity, spreads, arm differences.

Pure functions over additive sums, like metrics.py: each takes sums a snapshot cell can hold
(counts, totals, sums of squares and cross-products over participants), so a filtered page
adds cells up and gets exactly what the per-participant values would give. docs/metrics.md
explains each; tests/dashboards/test_metrics_estimates.py checks them against numpy and hand
examples.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from apps.dashboards.metrics import Proportion, t_quantile_975


@dataclass(frozen=True, slots=True)
class Spread:
    """A median with its interquartile range (quartiles by linear interpolation)."""

    n: int
    median: float | None
    q1: float | None
    q3: float | None


@dataclass(frozen=True, slots=True)
class Summary:
    """A mean with its sample standard deviation (no interval: a description of an arm)."""

    n: int
    mean: float | None
    sd: float | None


@dataclass(frozen=True, slots=True)
class Difference:
    """A difference in means (intervention minus control) with its t-based 95% interval."""

    n_intervention: int
    n_control: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    df: int | None


@dataclass(frozen=True, slots=True)
class PairSums:
    """One arm's sums over participants with a baseline score b and a follow-up score y."""

    n: int
    b: float
    y: float
    bb: float
    by: float
    yy: float


NO_DIFFERENCE = (None, None, None, None)


def clustered_proportion(
    clusters: int, numerator: int, denominator: int, nn: int, nd: int, dd: int
) -> Proportion:
    """A ratio of totals over clusters (participants) with its cluster-robust 95% interval.

    numerator/denominator is the ratio estimator R = sum(y)/sum(x); its linearisation variance
    treats each cluster's residual y - R x as one observation:
    var(R) = n / (n - 1) * sum((y - R x)^2) / sum(x)^2, with sum((y - R x)^2) = yy - 2R xy + R^2 xx
    (nn, nd, dd are the sums of y^2, x y and x^2 over clusters). The interval is R +/- t(n - 1)
    standard errors, kept inside 0-100%; fewer than two clusters give none.
    """
    if denominator <= 0:
        return Proportion(numerator, denominator, None, None, None)
    r = numerator / denominator
    percent = 100 * numerator / denominator  # as proportion() computes it
    if clusters < 2:
        return Proportion(numerator, denominator, percent, None, None)
    residual = max(0.0, nn - 2 * r * nd + r * r * dd)
    se = math.sqrt(clusters / (clusters - 1) * residual) / denominator
    half = t_quantile_975(clusters - 1) * se
    low, high = max(0.0, r - half), min(1.0, r + half)
    return Proportion(numerator, denominator, percent, 100 * low, 100 * high)


def histogram_quantile(counts: Sequence[int], q: float) -> float | None:
    """The q-quantile of values 0, 1, 2... given how many took each (linear interpolation).

    The same as numpy.quantile(values, q) with its default method: position h = (n - 1) q in
    the sorted values, between the values at floor(h) and ceil(h). None when there are none.
    """
    n = sum(counts)
    if n == 0:
        return None
    h = (n - 1) * q
    low, high = _value_at(counts, math.floor(h)), _value_at(counts, math.ceil(h))
    return low + (h - math.floor(h)) * (high - low)


def _value_at(counts: Sequence[int], position: int) -> int:
    """The value at a 0-based position of the sorted values a histogram counts."""
    seen = 0
    for value, count in enumerate(counts):
        seen += count
        if position < seen:
            return value
    raise ValueError("position beyond the values counted")


def spread(counts: Sequence[int]) -> Spread:
    """Median and quartiles of values 0, 1, 2... given how many took each."""
    n = sum(counts)
    if n == 0:
        return Spread(0, None, None, None)
    q1, median, q3 = (histogram_quantile(counts, q) for q in (0.25, 0.5, 0.75))
    return Spread(n, median, q1, q3)


def summary(n: int, total: float, sum_of_squares: float) -> Summary:
    """Mean and sample SD from n, the sum and the sum of squares (SD None below n = 2)."""
    if n <= 0:
        return Summary(0, None, None)
    mean = total / n
    if n == 1:
        return Summary(1, mean, None)
    return Summary(n, mean, math.sqrt(max(0.0, sum_of_squares - n * mean * mean) / (n - 1)))


def mean_change(pair: PairSums) -> Summary:
    """The mean (SD) of follow-up minus baseline among participants with both."""
    return summary(pair.n, pair.y - pair.b, pair.yy - 2 * pair.by + pair.bb)


def mean_difference(
    n1: int, sum1: float, sumsq1: float, n0: int, sum0: float, sumsq0: float
) -> Difference:
    """Mean of arm 1 minus mean of arm 0, with the pooled-variance t interval (n1 + n0 - 2 df).

    The same estimate and interval as ordinary least squares of score ~ arm.
    """
    df = n1 + n0 - 2
    if n1 < 1 or n0 < 1 or df < 1:
        return Difference(n1, n0, *NO_DIFFERENCE)
    mean1, mean0 = sum1 / n1, sum0 / n0
    within = max(0.0, sumsq1 - n1 * mean1 * mean1) + max(0.0, sumsq0 - n0 * mean0 * mean0)
    se = math.sqrt(within / df * (1 / n1 + 1 / n0))
    return _difference(n1, n0, mean1 - mean0, se, df)


def adjusted_difference(arm1: PairSums, arm0: PairSums) -> Difference:
    """Arm 1 minus arm 0 adjusted for baseline: the arm coefficient of OLS y ~ arm + baseline.

    With a common slope, the arm coefficient is the difference in follow-up means less the slope
    times the difference in baseline means; the slope is the pooled within-arm regression of y
    on b. Its standard error is sigma * sqrt(1/n1 + 1/n0 + (mean b1 - mean b0)^2 / Sbb), with
    sigma^2 the residual sum of squares over n - 3 degrees of freedom: exactly OLS's, from sums.
    None when n < 4, an arm is empty, or the baseline scores do not vary within the arms.
    """
    n1, n0 = arm1.n, arm0.n
    df = n1 + n0 - 3
    if n1 < 1 or n0 < 1 or df < 1:
        return Difference(n1, n0, *NO_DIFFERENCE)
    sbb = _centred(arm1.bb, arm1.b, arm1.b, n1) + _centred(arm0.bb, arm0.b, arm0.b, n0)
    sby = _centred(arm1.by, arm1.b, arm1.y, n1) + _centred(arm0.by, arm0.b, arm0.y, n0)
    syy = _centred(arm1.yy, arm1.y, arm1.y, n1) + _centred(arm0.yy, arm0.y, arm0.y, n0)
    if sbb <= 1e-9 * max(1.0, arm1.bb + arm0.bb):
        return Difference(n1, n0, *NO_DIFFERENCE)
    slope = sby / sbb
    baseline_gap = arm1.b / n1 - arm0.b / n0
    estimate = arm1.y / n1 - arm0.y / n0 - slope * baseline_gap
    sigma2 = max(0.0, syy - slope * sby) / df
    se = math.sqrt(sigma2 * (1 / n1 + 1 / n0 + baseline_gap * baseline_gap / sbb))
    return _difference(n1, n0, estimate, se, df)


def _centred(cross: float, first: float, second: float, n: int) -> float:
    """Sum of (u - mean u)(v - mean v) from sum(u v), sum(u), sum(v) and n."""
    return cross - first * second / n


def _difference(n1: int, n0: int, estimate: float, se: float, df: int) -> Difference:
    half = t_quantile_975(df) * se
    return Difference(n1, n0, estimate, estimate - half, estimate + half, df)
