"""campaign_curves: elapsed share, curves, pace/status, run-rate forecasts (hand-checked values)."""

import math
from datetime import date

import numpy as np
import pytest
from scipy import stats

from svc_analysis.campaign import curves as cc

JAN1, JUN30, DEC31 = date(2026, 1, 1), date(2026, 6, 30), date(2026, 12, 31)


def test_elapsed_share_counts_days_inclusive():
    # Jan 1 .. Jun 30 = 181 days; by Jan 31: 31 days
    assert cc.elapsed_share(JAN1, JUN30, date(2026, 1, 31)) == pytest.approx(31 / 181)
    assert cc.elapsed_share(JAN1, JUN30, date(2025, 12, 31)) == 0.0
    assert cc.elapsed_share(JAN1, JUN30, date(2026, 10, 31)) == 1.0  # past the deadline


@pytest.mark.parametrize("curve,expected", [
    ("linear", 181 / 365),              # Jan 1 .. Jun 30 of 365 days
    ("front_loaded", 1 - (184 / 365) ** 2),
    ("back_loaded", (181 / 365) ** 2),
    ("immediate", 1.0),
])
def test_curves_at_june(curve, expected):
    assert cc.curve_share(curve, JAN1, DEC31, "2026-06", 2.0) == pytest.approx(expected)


def test_front_loaded_is_ahead_of_linear_is_ahead_of_back_loaded():
    shares = [cc.curve_share(c, JAN1, DEC31, "2026-04", 2.0) for c in ("front_loaded", "linear", "back_loaded")]
    assert shares[0] > shares[1] > shares[2]


def test_monthly_curve_reads_the_month_and_holds_after_the_deadline():
    plan = [0, 0, 0.5, 1]  # Jan..Apr
    assert cc.curve_share("monthly", JAN1, date(2026, 4, 30), "2026-02", 2.0, plan) == 0
    assert cc.curve_share("monthly", JAN1, date(2026, 4, 30), "2026-03", 2.0, plan) == 0.5
    assert cc.curve_share("monthly", JAN1, date(2026, 4, 30), "2026-09", 2.0, plan) == 1
    assert cc.curve_share("monthly", JAN1, date(2026, 4, 30), "2025-12", 2.0, plan) == 0
    with pytest.raises(ValueError, match="expected"):
        cc.curve_share("monthly", JAN1, DEC31, "2026-03", 2.0)


def test_every_curve_is_zero_before_the_start_and_unknown_curves_fail():
    for curve in ("linear", "front_loaded", "back_loaded", "immediate"):
        assert cc.curve_share(curve, date(2026, 3, 1), DEC31, "2026-02", 2.0) == 0
    with pytest.raises(ValueError, match="unknown progress curve 'steep'"):
        cc.curve_share("steep", JAN1, DEC31, "2026-03", 2.0)


def test_expected_progress_with_a_baseline():
    # share KPI from 0.40 to 0.50, half way: 0.45 of 0.50 = 0.9
    assert cc.expected_progress(0.5, 0.40, 0.50) == pytest.approx(0.9)
    assert cc.expected_progress(0.5, 0.0, 300) == 0.5


@pytest.mark.parametrize("progress,expected,status", [
    (0.80, 0.80, "on_track"), (0.76, 0.80, "on_track"),   # 0.95 exactly
    (0.75, 0.80, "at_risk"), (0.64, 0.80, "at_risk"),      # 0.9375; 0.80 exactly
    (0.63, 0.80, "behind"), (0.0, 0.80, "behind"),
    (0.0, 0.0, "on_track"),                                # nothing expected yet
])
def test_status_thresholds(progress, expected, status):
    assert cc.status(cc.pace(progress, expected), 0.95, 0.80) == status


def test_pace_for_a_down_kpi():
    assert cc.pace(0.5, 0.4, "down") == pytest.approx(0.8)
    assert cc.pace(0.0, 0.4, "down") == math.inf


def test_months_left():
    assert cc.months_left("2026-10", DEC31) == 2
    assert cc.months_left("2026-12", DEC31) == 0
    assert cc.months_left("2026-10", JUN30) == 0


def test_forecast_sum_against_a_hand_calculation():
    amounts = [10, 12, 8, 10]          # 40 done, mean 10, sd = sqrt(8/3)
    point, low, high = cc.forecast_sum(amounts, 2, 0.80)
    assert point == pytest.approx(60)
    half = stats.norm.ppf(0.90) * math.sqrt(8 / 3) * math.sqrt(2 + 4 / 4)
    assert (low, high) == (pytest.approx(60 - half), pytest.approx(60 + half))


def test_forecast_sum_never_below_the_actual_and_stops_at_the_deadline():
    assert cc.forecast_sum([0, 0, 30], 9, 0.99)[1] == 30  # a wide range is cut at what is already built
    assert cc.forecast_sum([5, 5], 0, 0.8) == (10, 10, 10)
    assert cc.forecast_sum([], 3, 0.8) == (0, 0, 0)


def test_forecast_latest_matches_an_ols_prediction_interval():
    values = [0.40, 0.41, 0.43, 0.42, 0.45]
    point, low, high = cc.forecast_latest(values, 3, 0.80)
    x = np.arange(5.0)
    fit = stats.linregress(x, values)
    assert point == pytest.approx(fit.intercept + fit.slope * 7)
    resid = np.array(values) - (fit.intercept + fit.slope * x)
    s_e = math.sqrt((resid ** 2).sum() / 3)
    half = stats.norm.ppf(0.90) * s_e * math.sqrt(1 + 1 / 5 + (7 - 2) ** 2 / 10)
    assert high - point == pytest.approx(half) and point - low == pytest.approx(half)
    assert cc.forecast_latest([0.3], 4, 0.8) == (0.3, 0.3, 0.3)
    assert cc.forecast_latest([], 4, 0.8) == (0, 0, 0)
