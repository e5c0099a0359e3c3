import math

import numpy as np
import pytest

from svc_analysis.stats import funnel


def test_binomial_limit_by_hand():
    # n = 10, target 0.5: F(7) = 968/1024, F(8) = 1013/1024, so r_0.975 = 8,
    # alpha = (1013/1024 - 0.975) / (45/1024) = 14.6 / 45, limit = (8 - alpha) / 10
    out = funnel.limits([10], 0.5, "proportion")
    assert out["upper_95"][0] == pytest.approx((8 - 14.6 / 45) / 10, rel=1e-9)
    # by symmetry the lower limit mirrors it: F(1) = 11/1024 < 0.025 <= F(2) = 56/1024
    alpha = (56 / 1024 - 0.025) / (45 / 1024)
    assert out["lower_95"][0] == pytest.approx((2 - alpha) / 10, rel=1e-9)


def test_poisson_limit_by_hand():
    expected = 4.0
    cdf = lambda k: sum(math.exp(-expected) * expected ** i / math.factorial(i) for i in range(k + 1))
    r = next(k for k in range(50) if cdf(k) >= 0.975)
    assert r == 8
    alpha = (cdf(8) - 0.975) / (cdf(8) - cdf(7))
    out = funnel.limits([20000], 4 / 20000, "rate")  # 2 per 10,000 among 20,000 customers
    assert out["upper_95"][0] * 20000 == pytest.approx(8 - alpha, rel=1e-9)


def test_large_units_approach_the_normal_limits():
    n, p = 1_000_000, 0.9
    out = funnel.limits([n], p, "proportion")
    half = 1.959964 * math.sqrt(p * (1 - p) / n)
    assert out["upper_95"][0] == pytest.approx(p + half, abs=2e-5)
    assert out["lower_95"][0] == pytest.approx(p - half, abs=2e-5)
    assert out["upper_99.8"][0] > out["upper_95"][0]


def test_limits_narrow_as_units_grow_and_size_zero_has_none():
    out = funnel.limits([0, 50, 500, 5000], 0.9)
    assert np.isnan(out.loc[0, "upper_95"]) and np.isnan(out.loc[0, "lower_99.8"])
    widths = (out["upper_95"] - out["lower_95"]).iloc[1:].to_numpy()
    assert widths[0] > widths[1] > widths[2]


def test_classify():
    # 1,000 ratings at target 0.90: 95% limits about 0.881-0.918, 99.8% about 0.870-0.928
    labels = funnel.classify([0.95, 0.92, 0.90, 0.875, 0.80, 0.5], [1000, 1000, 1000, 1000, 1000, 0], 0.9)
    assert labels.tolist() == ["above_99.8", "above_95", "within", "below_95", "below_99.8", "no_data"]


def test_bad_arguments():
    with pytest.raises(ValueError, match="0-1"):
        funnel.limits([10], 90)
    with pytest.raises(ValueError, match="kind"):
        funnel.limits([10], 0.9, "mean")


def test_curve_spans_the_range():
    c = funnel.curve(5000, 0.9)
    assert c["size"].min() == 1 and c["size"].max() == pytest.approx(5000)


def test_a_perfect_small_unit_is_not_remarkable():
    # 5 of 5 at target 0.9: P(X >= 5) = 0.9^5 = 0.59, so within, although 1.0 lies above the
    # interpolated 95% limit (5 - 0.042) / 5; 50 of 50: 0.9^50 = 0.005 < 0.025, so above the 95% limit
    # but not the 99.8% one (0.005 > 0.001)
    assert 0.9 ** 5 == pytest.approx(0.59049)
    labels = funnel.classify([1.0, 1.0, 0.0], [5, 50, 5], 0.9)
    assert labels.tolist() == ["within", "above_95", "below_99.8"]  # 0 of 5: P(X <= 0) = 1e-5
