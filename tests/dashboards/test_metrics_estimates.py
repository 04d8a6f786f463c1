"""(2nd ed.) Exact t quantiles, adherence, clustered fidelity and the between-arm estimates,
against hand-computed values and numpy."""

import math
import random

import numpy as np
import pytest
from scipy import stats

from apps.dashboards import metrics
from apps.dashboards import metrics_estimates as est


@pytest.mark.parametrize(
    ("df", "quantile"),
    [(1, 12.7062), (2, 4.3027), (10, 2.2281), (30, 2.0423), (39, 2.0227), (120, 1.9799)],
)
def test_t_quantile_is_exact_at_any_degrees_of_freedom(df, quantile):
    assert round(metrics.t_quantile_975(df), 4) == quantile


def test_t_quantile_above_30_df_is_not_the_normal_value():
    # The old table switched to 1.96 above 30 df: 3% too narrow at n = 40.
    assert metrics.t_quantile_975(39) > metrics.Z_95 * 1.03
    with pytest.raises(ValueError, match="positive"):
        metrics.t_quantile_975(0)


def test_mean_change_interval_at_n_40_uses_t_on_39_df():
    values = [(-1) ** i * (i % 7) for i in range(40)]
    n, total, squares = len(values), sum(values), sum(v * v for v in values)
    e = metrics.mean_estimate(n, total, squares)
    sd = float(np.std(values, ddof=1))
    half = 2.022691 * sd / math.sqrt(40)
    assert e.sd == pytest.approx(sd)
    assert (e.ci_low, e.ci_high) == pytest.approx((e.mean - half, e.mean + half), abs=1e-5)


def test_adherence_is_participants_with_the_minimum_over_randomised_with_wilson():
    # By hand: p = 0.5, n = 10 -> Wilson 23.66% to 76.34%.
    p = metrics.adherence(5, 10)
    assert p.percent == pytest.approx(50)
    assert (round(p.ci_low, 2), round(p.ci_high, 2)) == (23.66, 76.34)


def test_attendance_share_is_sessions_without_an_interval():
    share = metrics.attendance_share(3, 5)
    assert share.percent == pytest.approx(60) and share.ci_low is None and share.ci_high is None
    with pytest.raises(ValueError, match="cannot exceed"):
        metrics.attendance_share(6, 5)


def _histogram(values: list[int]) -> list[int]:
    counts = [0] * (max(values) + 1)
    for v in values:
        counts[v] += 1
    return counts


def test_median_and_iqr_from_a_histogram_by_hand():
    # Sorted 0 1 1 2 4 4 6: median 2; quartiles at positions 1.5 and 4.5 -> 1 and 4.
    s = est.spread(_histogram([4, 1, 0, 6, 2, 1, 4]))
    assert (s.n, s.median, s.q1, s.q3) == (7, 2, 1, 4)
    # 0 0 1 2: median 0.5, q1 at 0.75 -> 0, q3 at 2.25 -> 1.25.
    s = est.spread(_histogram([0, 0, 1, 2]))
    assert (s.median, s.q1, s.q3) == (0.5, 0, 1.25)
    assert est.spread([0, 0]) == est.Spread(0, None, None, None)


def test_histogram_quantiles_equal_numpys_default_quantiles():
    rng = random.Random(7)
    for _ in range(50):
        values = [rng.randrange(13) for _ in range(rng.randrange(1, 60))]
        counts = _histogram(values)
        for q in (0.25, 0.5, 0.75):
            assert est.histogram_quantile(counts, q) == pytest.approx(np.quantile(values, q))


def _cluster_sums(pairs: list[tuple[int, int]]) -> tuple[int, ...]:
    """(clusters, sum y, sum x, sum y^2, sum x y, sum x^2) of (expected x, delivered y) pairs."""
    pairs = [(x, y) for x, y in pairs if x > 0]
    return (
        len(pairs),
        sum(y for _, y in pairs),
        sum(x for x, _ in pairs),
        sum(y * y for _, y in pairs),
        sum(x * y for x, y in pairs),
        sum(x * x for x, _ in pairs),
    )


def test_clustered_fidelity_by_hand():
    # Ten participants with 10 BCTs expected each: five delivered all, five none. R = 0.5;
    # residuals +-5, sum of squares 250; var = 10/9 * 250 / 100^2; t(9) = 2.2622.
    p = est.clustered_proportion(*_cluster_sums([(10, 10)] * 5 + [(10, 0)] * 5))
    se = math.sqrt(10 / 9 * 250) / 100
    assert p.percent == pytest.approx(50)
    assert p.ci_low == pytest.approx(100 * (0.5 - 2.262157 * se), abs=1e-4)
    assert p.ci_high == pytest.approx(100 * (0.5 + 2.262157 * se), abs=1e-4)


def test_clustered_fidelity_is_wider_than_the_naive_interval_for_clustered_data():
    # Delivery that depends on the participant (all or almost nothing) is clustered: the
    # interval treating 200 BCTs as independent is far too narrow.
    pairs = [(10, 10), (10, 9), (10, 1), (10, 0)] * 5
    clustered = est.clustered_proportion(*_cluster_sums(pairs))
    naive = metrics.proportion(sum(y for _, y in pairs), sum(x for x, _ in pairs))
    assert clustered.percent == pytest.approx(naive.percent)
    assert clustered.ci_high - clustered.ci_low > 2 * (naive.ci_high - naive.ci_low)


def test_clustered_fidelity_matches_a_direct_sandwich_computation():
    rng = random.Random(3)
    pairs = []
    for _ in range(40):
        x = rng.randrange(1, 30)
        pairs.append((x, rng.randrange(x + 1)))
    x = np.array([p[0] for p in pairs], float)
    y = np.array([p[1] for p in pairs], float)
    r = y.sum() / x.sum()
    se = math.sqrt(len(x) / (len(x) - 1) * ((y - r * x) ** 2).sum()) / x.sum()
    half = stats.t.ppf(0.975, len(x) - 1) * se
    p = est.clustered_proportion(*_cluster_sums(pairs))
    assert (p.ci_low, p.ci_high) == pytest.approx((100 * (r - half), 100 * (r + half)))


def test_clustered_fidelity_needs_two_clusters_and_stays_inside_0_to_100():
    one = est.clustered_proportion(*_cluster_sums([(8, 6)]))
    assert one.percent == pytest.approx(75) and one.ci_low is None
    wide = est.clustered_proportion(*_cluster_sums([(15, 13), (8, 4)]))
    assert (wide.ci_low, wide.ci_high) == (0.0, 100.0)
    assert not est.clustered_proportion(0, 0, 0, 0, 0, 0).known


def _ols(y, columns):
    """Coefficients and standard errors of OLS with an intercept, by numpy.linalg.lstsq."""
    x = np.column_stack([np.ones(len(y)), *columns])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    residuals = y - x @ beta
    sigma2 = residuals @ residuals / (len(y) - x.shape[1])
    return beta, np.sqrt(np.diag(sigma2 * np.linalg.inv(x.T @ x)))


def _arm_data(seed: int, n1: int, n0: int):
    rng = np.random.default_rng(seed)
    b = rng.integers(5, 27, n1 + n0).astype(float)
    arm = np.array([1.0] * n1 + [0.0] * n0)
    y = np.clip(np.round(0.6 * b - 2 * arm + rng.normal(0, 4, n1 + n0)), 0, 27)
    return b, arm, y


def _pair_sums(b, y) -> est.PairSums:
    return est.PairSums(len(b), b.sum(), y.sum(), (b * b).sum(), (b * y).sum(), (y * y).sum())


def test_unadjusted_difference_equals_ols_on_arm():
    b, arm, y = _arm_data(1, 23, 19)
    beta, se = _ols(y, [arm])
    y1, y0 = y[arm == 1], y[arm == 0]
    d = est.mean_difference(len(y1), y1.sum(), (y1**2).sum(), len(y0), y0.sum(), (y0**2).sum())
    half = stats.t.ppf(0.975, 40) * se[1]
    assert d.df == 40 and d.estimate == pytest.approx(beta[1])
    assert (d.ci_low, d.ci_high) == pytest.approx((beta[1] - half, beta[1] + half))


def test_baseline_adjusted_difference_equals_ols_by_lstsq():
    b, arm, y = _arm_data(2, 31, 27)
    beta, se = _ols(y, [arm, b])
    d = est.adjusted_difference(
        _pair_sums(b[arm == 1], y[arm == 1]), _pair_sums(b[arm == 0], y[arm == 0])
    )
    half = stats.t.ppf(0.975, 58 - 3) * se[1]
    assert d.df == 55 and d.estimate == pytest.approx(beta[1])
    assert (d.ci_low, d.ci_high) == pytest.approx((beta[1] - half, beta[1] + half))


def test_baseline_adjusted_difference_by_hand():
    # Intervention (b, y) = (0, 1), (2, 3); control (0, 0), (2, 2): slope 1, so the arms differ
    # by exactly 1 at every baseline, and the fit has no residual.
    arm1 = _pair_sums(np.array([0.0, 2.0]), np.array([1.0, 3.0]))
    arm0 = _pair_sums(np.array([0.0, 2.0]), np.array([0.0, 2.0]))
    d = est.adjusted_difference(arm1, arm0)
    assert (d.estimate, d.ci_low, d.ci_high, d.df) == (1.0, 1.0, 1.0, 1)


def test_differences_are_not_estimable_without_enough_data():
    assert est.mean_difference(1, 8, 64, 1, 12, 144).estimate is None  # 0 df
    assert est.mean_difference(3, 9, 29, 0, 0, 0).estimate is None  # one arm only
    same_baseline = _pair_sums(np.array([10.0, 10.0]), np.array([4.0, 6.0]))
    d = est.adjusted_difference(same_baseline, same_baseline)
    assert d.estimate is None and (d.n_intervention, d.n_control) == (2, 2)


def test_summary_is_mean_and_sample_sd():
    values = [-8, 8, 12]
    s = est.summary(3, sum(values), sum(v * v for v in values))
    assert s.mean == pytest.approx(4) and s.sd == pytest.approx(np.std(values, ddof=1))
    assert est.summary(1, 5, 25) == est.Summary(1, 5.0, None)
    assert est.summary(0, 0, 0) == est.Summary(0, None, None)
