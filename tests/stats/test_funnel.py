import math

import numpy as np
import pandas as pd
import pytest

from svc_analysis.stats import funnel


def test_binomial_limit_by_hand():
    # n = 10, target 0.5: F(1) = 11/1024 < 0.025 <= F(2) = 56/1024, so the lower r = 2,
    # alpha = (56/1024 - 0.025) / (45/1024) = 30.4 / 45, lower limit = (2 - alpha) / 10 (the paper's formula)
    out = funnel.limits([10], 0.5, "proportion")
    alpha = (56 / 1024 - 0.025) / (45 / 1024)
    assert out["lower_95"][0] == pytest.approx((2 - alpha) / 10, rel=1e-9)
    # upper: F(7) = 968/1024 < 0.975 <= F(8) = 1013/1024, so r = 8, alpha = (1013/1024 - 0.975) / (45/1024)
    # = 14.6 / 45, limit = (8 + 1 - alpha) / 10 = 0.8676: by symmetry exactly 1 - the lower limit
    assert out["upper_95"][0] == pytest.approx((9 - 14.6 / 45) / 10, rel=1e-9)
    assert out["upper_95"][0] == pytest.approx(1 - out["lower_95"][0], rel=1e-9)


def test_poisson_limit_by_hand():
    expected = 4.0
    cdf = lambda k: sum(math.exp(-expected) * expected ** i / math.factorial(i) for i in range(k + 1))
    r = next(k for k in range(50) if cdf(k) >= 0.975)
    assert r == 8
    alpha = (cdf(8) - 0.975) / (cdf(8) - cdf(7))
    out = funnel.limits([20000], 4 / 20000, "rate")  # 2 per 10,000 among 20,000 customers
    assert out["upper_95"][0] * 20000 == pytest.approx(8 + 1 - alpha, rel=1e-9)


def test_a_count_drawn_above_a_limit_is_judged_above_it():
    # Issue 14: 8 of 10 at 0.5 lay above the paper's upper 95% limit (8 - 14.6/45)/10 = 0.768 but is not
    # remarkable: P(X >= 8) = (45 + 10 + 1)/1024 = 0.0547 > 0.025. The limit drawn now is 0.868, above it.
    out = funnel.limits([10], 0.5, "proportion")
    assert 0.8 < out["upper_95"][0]
    assert funnel.classify([0.8, 0.9], [10, 10], 0.5).tolist() == ["within", "above_95"]  # P(X >= 9) = 11/1024


@pytest.mark.parametrize("kind,target", [("rate", 5 / 10000), ("rate", 0.02), ("proportion", 0.9),
                                         ("proportion", 0.3)])
def test_beyond_the_drawn_limit_is_the_exact_one_sided_test(kind, target):
    # for every size and every possible count: above the drawn limit <=> P(X >= count) < tail, below
    # <=> P(X <= count) < tail, with the tails from scipy directly (not from the interpolation)
    from scipy import stats

    sizes = [1, 5, 37, 100, 550, 2000] if kind == "proportion" else [100, 550, 2000, 20000]
    for n in sizes:
        dist = stats.binom(n, target) if kind == "proportion" else stats.poisson(n * target)
        counts = np.arange(0, (n if kind == "proportion" else int(n * target * 4 + 12)) + 1)
        bounds = funnel.limits([n] * len(counts), target, kind)
        for level, tail in (("95", 0.025), ("99.8", 0.001)):
            drawn_above = counts / n > bounds[f"upper_{level}"].to_numpy()
            drawn_below = counts / n < bounds[f"lower_{level}"].to_numpy()
            assert (drawn_above == (dist.sf(counts - 1) < tail)).all(), (n, level)
            assert (drawn_below == (dist.cdf(counts) < tail)).all(), (n, level)


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
    # from the minimum volume, through the units' own sizes
    c = funnel.curve(5000, 0.9, min_size=100, sizes=[40, 123, 4321])
    assert c["size"].min() == 100 and {123, 4321} <= set(c["size"]) and 40 not in set(c["size"])


def test_a_unit_below_the_minimum_volume_is_not_judged():
    labels = funnel.classify([0.5, 0.5], [1000, 1000], 0.9, judged=[True, False])
    assert labels.tolist() == ["below_99.8", "small_sample"]


def test_issue_unit_of_550_customers():
    # centre 5 complaints per 10,000 customers; a unit served 550: expected 0.275 complaints.
    # Poisson(0.275): P(0) = e^-0.275 = 0.759572, P(1) = 0.208882, P(2) = 0.028721, P(3) = 0.002633,
    # so F(2) = 0.997176 < 0.999 <= F(3) = 0.999809: r = 3, alpha = (0.999809 - 0.999) / 0.002633 = 0.3073,
    # upper 99.8% limit = (3 + 1 - 0.3073) / 550 = 67.1 per 10,000. 4 complaints (72.7 per 10,000):
    # P(X >= 4) = 1 - 0.999809 = 0.000191 < 0.001, above; 3 complaints (54.5): P(X >= 3) = 0.002824,
    # above the 95% limit only (the paper's (3 - 0.3073) / 550 = 49.0 would have drawn it above 99.8%).
    out = funnel.compare(pd.DataFrame({"unit": ["甲", "乙", "丙", "丁"], "served": [550, 550, 20000, 20000],
                                       "complaints": [4, 3, 10, 10]}),
                         size="served", count="complaints", centre=5 / 10000, kind="rate")
    upper = funnel.limits([550], 5 / 10000, "rate")["upper_99.8"][0] * 10000
    assert upper == pytest.approx((4 - (0.999809 - 0.999) / 0.002633) / 550 * 10000, abs=0.05)
    assert upper == pytest.approx(67.1, abs=0.05)
    assert out.units["funnel"].tolist() == ["above_99.8", "above_95", "within", "within"]
    assert out.named("above")["unit"].tolist() == ["甲", "乙"]


def test_a_perfect_small_unit_is_not_remarkable():
    # 5 of 5 at target 0.9: P(X >= 5) = 0.9^5 = 0.59, so within, although 1.0 lies above the
    # interpolated 95% limit (5 - 0.042) / 5; 50 of 50: 0.9^50 = 0.005 < 0.025, so above the 95% limit
    # but not the 99.8% one (0.005 > 0.001)
    assert 0.9 ** 5 == pytest.approx(0.59049)
    labels = funnel.classify([1.0, 1.0, 0.0], [5, 50, 5], 0.9)
    assert labels.tolist() == ["within", "above_95", "below_99.8"]  # 0 of 5: P(X <= 0) = 1e-5
