"""stats.intervals: the intervals pages show beside unit rates, checked against hand values."""

import math

import numpy as np
import pandas as pd
import pytest

from svc_analysis.stats import intervals

Z = 1.959964  # the 97.5% normal quantile


def test_exact_poisson_interval_of_three_complaints():
    # Garwood: lower = chi2(0.025; 2x3 df) / 2 = 0.6187, upper = chi2(0.975; 2x4 df) / 2 = 8.7673 (the
    # textbook table for x = 3: 0.619-8.77); per 550 customers x 10,000: 11.25-159.4 per 10,000
    lower, upper = intervals.poisson_rate([3], [550], scale=10000)
    assert lower[0] == pytest.approx(0.6186721 / 550 * 10000, rel=1e-6)
    assert upper[0] == pytest.approx(8.7672731 / 550 * 10000, rel=1e-6)
    # no complaint: the lower end is 0, the upper -ln(0.025) = 3.689 events; no customer: no interval
    lower, upper = intervals.poisson_rate([0, 2], [1000, 0])
    assert lower[0] == 0 and upper[0] == pytest.approx(-math.log(0.025) / 1000, rel=1e-6)
    assert np.isnan(lower[1]) and np.isnan(upper[1])


def test_reduction_against_a_fixed_base_rate():
    # base 100 per 10,000 given in params: 1 - (11.25 ... 159.4) / 100 = -0.594 ... 0.8875
    lower, upper = intervals.reduction(3, 550, None, None, base_rate=100, scale=10000)
    assert lower == pytest.approx(1 - 8.7672731 / 550 * 10000 / 100, rel=1e-6)
    assert upper == pytest.approx(1 - 0.6186721 / 550 * 10000 / 100, rel=1e-6)


def test_reduction_against_a_counted_base_year():
    # 2 complaints among 1,000 customers this year against 8 among 1,000 in the base year: given 10 in
    # all, this year's share is binomial; Clopper-Pearson for 2 of 10 is 0.02521-0.55610 (beta quantiles),
    # ratio = p / (1 - p) x 1000 / 1000 = 0.02586-1.2531, reduction 1 - ratio = -0.2531 ... 0.9741
    lower, upper = intervals.reduction(2, 1000, 8, 1000)
    assert lower == pytest.approx(1 - 0.5560955 / (1 - 0.5560955), rel=1e-6)
    assert upper == pytest.approx(1 - 0.0252107 / (1 - 0.0252107), rel=1e-6)
    assert lower < 0.75 < upper  # the point reduction 1 - 2/8 lies inside
    assert all(math.isnan(v) for v in intervals.reduction(0, 1000, 0, 1000))  # nothing to compare


def test_kpi_intervals_by_kind():
    rows = pd.DataFrame({
        "metric": ["share", "share", "share", "rate", "other"],
        "value": [0.8, float("nan"), 1.2, 3 / 550 * 10000, 0.5],
        "numerator": [8, 0, 12, 3, 1], "denominator": [10, 0, 10, 550, 2],
    })
    out = intervals.kpi_intervals(rows, {"share": "wilson", "rate": "poisson"}, scales={"rate": 10000})
    # Wilson 8 of 10: centre (0.8 + z²/20) / (1 + z²/10), half z·sqrt(0.8·0.2/10 + z²/400) / (1 + z²/10)
    centre = (0.8 + Z ** 2 / 20) / (1 + Z ** 2 / 10)
    half = Z * math.sqrt(0.016 + Z ** 2 / 400) / (1 + Z ** 2 / 10)
    assert out.loc[0, "lower"] == pytest.approx(centre - half, rel=1e-5)
    assert out.loc[0, "upper"] == pytest.approx(centre + half, rel=1e-5)
    assert out.loc[1:2, "lower"].isna().all()  # no value; 12 of 10 is not a share of counts
    assert out.loc[3, "upper"] == pytest.approx(8.7672731 / 550 * 10000, rel=1e-6)
    assert pd.isna(out.loc[4, "lower"])  # no interval declared for it
    with pytest.raises(ValueError, match="wilson, poisson"):
        intervals.kpi_intervals(rows, {"share": "normal"})


def test_a_reduction_interval_wider_than_its_limit_is_not_printed():
    # a small unit: 3 complaints among 2,500 customers this year against 1 among 3,000 in the base year.
    # Given 4 in all, Clopper-Pearson's upper end for 3 of 4 is the 97.5% quantile of Beta(4, 1), whose
    # CDF is p^4: 0.975^(1/4) = 0.99369; ratio = p / (1 - p) x 3000 / 2500 = 188.97, so the reduction's
    # lower end is 1 - 188.97 = -187.97 (a page would print -18797%): far beyond a 100-point limit
    q = 0.975 ** 0.25
    lower, upper = intervals.reduction(3, 2500, 1, 3000)
    assert lower == pytest.approx(1 - q / (1 - q) * 3000 / 2500, rel=1e-6)
    rows = pd.DataFrame({"metric": ["complaint_rate_reduction", "complaint_rate_reduction", "satisfaction_rate"],
                         "lower": [lower, 0.31, 0.0], "upper": [upper, 0.48, 1.0]})
    out = intervals.too_wide(rows, {"complaint_rate_reduction": 1.0})
    assert out["too_wide"].tolist() == [True, False, False]  # 0.17 wide is shown; no limit for the share
    assert out.loc[0, ["lower", "upper"]].isna().all()  # the absurd bounds are gone
    assert (out.loc[1, "lower"], out.loc[1, "upper"]) == (0.31, 0.48)
    # an open interval (no base-year complaint: the upper ratio is infinite) is too wide as well
    open_rows = pd.DataFrame({"metric": ["complaint_rate_reduction"], "lower": [-math.inf], "upper": [0.9]})
    assert intervals.too_wide(open_rows, {"complaint_rate_reduction": 1.0})["too_wide"].tolist() == [True]
