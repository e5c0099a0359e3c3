"""campaign.curves and campaign.forecast: elapsed share, paths by kind, pace and the one status, the
forecast that agrees with it (hand-checked values)."""

import math
from datetime import date

import numpy as np
import pytest
from scipy import stats

from svc_analysis.campaign import curves as cc
from svc_analysis.campaign import forecast as fc

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
    for curve in ("linear", "front_loaded", "back_loaded"):
        assert cc.curve_share(curve, date(2026, 3, 1), DEC31, "2026-02", 2.0) == 0
    with pytest.raises(ValueError, match="unknown progress curve 'steep'"):
        cc.curve_share("steep", JAN1, DEC31, "2026-03", 2.0)


def test_a_level_kpi_owes_its_whole_target_from_the_start_a_growth_kpi_follows_its_curve():
    assert cc.path_share("level", None, JAN1, DEC31, "2026-01", 2.0) == 1.0
    assert cc.path_share("level", None, date(2026, 3, 1), DEC31, "2026-02", 2.0) == 0.0  # not started
    assert cc.path_share("growth", "linear", JAN1, DEC31, "2026-06", 2.0) == pytest.approx(181 / 365)


def test_expected_progress_with_a_baseline():
    # share KPI from 0.40 to 0.50, half way: 0.45 of 0.50 = 0.9
    assert cc.expected_progress(0.5, 0.40, 0.50) == pytest.approx(0.9)
    assert cc.expected_progress(0.5, 0.0, 300) == 0.5


@pytest.mark.parametrize("progress,expected,status", [
    (0.80, 0.80, "on_track"), (0.90, 0.80, "on_track"),   # at or past the expected progress
    (0.79, 0.80, "at_risk"),                               # pace 0.9875: below the plan is never on track
    (0.64, 0.80, "at_risk"),                               # pace 0.80 exactly
    (0.63, 0.80, "behind"), (0.0, 0.80, "behind"),
    (0.0, 0.0, "on_track"),                                # nothing expected yet
])
def test_status_is_on_track_exactly_at_or_past_the_expected_progress(progress, expected, status):
    assert cc.status(progress, expected, cc.pace(progress, expected), 0.80) == status


def test_lobby_manager_presence_at_097_of_a_100_percent_standing_rule_is_not_on_track():
    """The November finding: 0.970 against a level target of 1.0 fails in kpis.csv, so it can never read
    正常. Level: expected 1.0 every month; pace 0.97 / 1.0 = 0.97 >= 0.80 -> at risk (进度预警)."""
    share = cc.path_share("level", None, JAN1, DEC31, "2026-11", 2.0)
    expected = cc.expected_progress(share, 0.0, 1.0)
    progress = 0.970 / 1.0
    assert (share, expected) == (1.0, 1.0)
    assert not cc.on_plan(progress, expected)
    assert cc.status(progress, expected, cc.pace(progress, expected), 0.80) == "at_risk"
    assert fc.point(0.970, 0.0, share) == pytest.approx(0.970)  # a level stays where it is: forecast to miss


def test_a_growth_share_from_its_baseline():
    """Baseline 0.40, target 0.60, linear over 2026, October actual 0.55. By Oct 31, 304 of 365 days:
    expected value 0.40 + 0.20 x 304/365 = 0.566575, expected progress 0.566575 / 0.60 = 0.944292;
    progress 0.55 / 0.60 = 0.916667 < 0.944292: not on track; pace = gain 0.15 / planned gain
    0.166575 = 0.900493 >= 0.80 -> at risk; forecast 0.40 + 0.15 x 365/304 = 0.580099 < 0.60."""
    share = cc.path_share("growth", "linear", JAN1, DEC31, "2026-10", 2.0)
    expected = cc.expected_progress(share, 0.40, 0.60)
    progress = 0.55 / 0.60
    pace = cc.pace(progress, expected, "up", 0.40 / 0.60)
    assert share == pytest.approx(304 / 365)
    assert expected == pytest.approx((0.40 + 0.20 * 304 / 365) / 0.60)
    assert expected == pytest.approx(0.944292, abs=1e-6)
    assert pace == pytest.approx(0.15 / (0.20 * 304 / 365)) and pace == pytest.approx(0.900493, abs=1e-6)
    assert cc.status(progress, expected, pace, 0.80) == "at_risk"
    point = fc.point(0.55, 0.40, share)
    assert point == pytest.approx(0.40 + 0.15 * 365 / 304) and fc.meets(point, 0.60) is False
    # the old path from zero: expected 304/365 = 0.8329 < 0.9167 read on track with a forecast miss
    assert progress > cc.expected_progress(share, 0.0, 0.60)


def test_pace_for_a_down_kpi():
    assert cc.pace(0.5, 0.4, "down") == pytest.approx(0.8)
    assert cc.pace(0.0, 0.4, "down") == math.inf
    assert cc.status(0.5, 0.4, cc.pace(0.5, 0.4, "down"), 0.80, "down") == "at_risk"  # above a ceiling path
    assert cc.status(0.3, 0.4, cc.pace(0.3, 0.4, "down"), 0.80, "down") == "on_track"


def test_nothing_planned_yet_below_the_start_is_behind():
    assert cc.pace(0.5, 0.6, "up", base=0.6) == -math.inf  # fell below the baseline before any gain was due
    assert cc.pace(0.6, 0.6, "up", base=0.6) == math.inf
    assert math.isnan(fc.point(0.3, 0.36, 0.0)) and fc.meets(math.nan, 0.6) is None


@pytest.mark.parametrize("actual,start,share,target", [
    (30, 0, 0.25, 100), (20, 0, 0.25, 100), (0.55, 0.40, 304 / 365, 0.60), (0.56, 0.40, 0.8, 0.60),
    (0.97, 0, 1.0, 1.0), (1.0, 0, 1.0, 1.0), (25, 0, 0.25, 100),
])
def test_the_forecast_meets_exactly_when_the_row_is_on_track(actual, start, share, target):
    """The rule of docs/campaign.md: never on track and forecast to miss, nor behind and forecast to make it."""
    expected = cc.expected_progress(share, start, target)
    on_track = cc.status(actual / target, expected, cc.pace(actual / target, expected, "up", start / target),
                         0.80) == "on_track"
    assert fc.meets(fc.point(actual, start, share), target) is on_track


def test_months_left():
    assert cc.months_left("2026-10", DEC31) == 2
    assert cc.months_left("2026-12", DEC31) == 0
    assert cc.months_left("2026-10", JUN30) == 0


def test_sum_range_against_a_hand_calculation():
    amounts = [10, 12, 8, 10]          # mean 10, sd = sqrt(8/3), n = 4, R = 2
    half = stats.norm.ppf(0.90) * math.sqrt(8 / 3) * math.sqrt(2 + 4 / 4)
    assert fc.spread_sum(amounts, 2, 0.80) == pytest.approx(half)
    assert fc.forecast_range(60, half, 40, floor_at_actual=True) == (pytest.approx(60 - half), pytest.approx(60 + half))


def test_sum_range_never_below_the_actual_and_none_at_the_deadline():
    assert fc.forecast_range(90, 100, 30, floor_at_actual=True) == (30, 190)  # nothing built is un-built
    assert fc.spread_sum([5, 5], 0, 0.8) == 0 and fc.spread_sum([5], 3, 0.8) == 0
    assert all(math.isnan(v) for v in fc.forecast_range(math.nan, 1, 0, True))


def test_latest_range_matches_an_ols_prediction_interval():
    values = [0.40, 0.41, 0.43, 0.42, 0.45]
    x = np.arange(5.0)
    fit = stats.linregress(x, values)
    resid = np.array(values) - (fit.intercept + fit.slope * x)
    s_e = math.sqrt((resid ** 2).sum() / 3)
    half = stats.norm.ppf(0.90) * s_e * math.sqrt(1 + 1 / 5 + (7 - 2) ** 2 / 10)
    assert fc.spread_latest(values, 3, 0.80) == pytest.approx(half)
    assert fc.spread_latest([0.3, 0.4], 4, 0.8) == 0 and fc.spread_latest(values, 0, 0.8) == 0
