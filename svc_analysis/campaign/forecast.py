"""Where a campaign KPI will end up at its deadline, in agreement with its status (docs/campaign.md).

Pure functions over numbers. The rule (one for every kind of KPI):

- point: the start value plus the gain so far carried to the deadline at the same pace against the plan,
  start + (actual - start) / share, share being the part of the way from the start value to the target
  the KPI's path expects by the month end (campaign.curves.path_share). So the forecast reaches the target
  exactly when progress is at or past the expected progress: **a row on track is forecast to make its
  target, a row at risk or behind to miss it**; the forecast never contradicts the status. A level KPI
  (share 1) and a KPI past its deadline: the forecast is the actual. Nothing planned yet (share 0): no
  forecast (empty, not judged).
- range: a normal prediction interval covering campaign.forecast_interval around the point, its width
  from the month-to-month variation of the reported figures: sum KPIs z s sqrt(R + R^2/n) (n months
  observed, s the standard deviation of their amounts, R months left; the low end never below the actual
  when no amount is negative); latest KPIs z s_e sqrt(1 + 1/n + (x0 - mean x)^2 / Sxx) of the
  least-squares line through the reported values (x0 = the deadline month). No month left: no range.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np


def point(actual: float, start_value: float, share: float) -> float:
    """The forecast at the deadline: start + (actual - start) / share; NaN when nothing is planned yet."""
    if share <= 0:
        return math.nan
    return start_value + (actual - start_value) / share


def meets(forecast: float, target: float, direction: str = "up") -> bool | None:
    """Whether the forecast reaches the target (down: stays at or below it); None without a forecast.
    Compared at 9 decimals, as the status is (campaign.curves.DECIMALS)."""
    if forecast is None or math.isnan(forecast):
        return None
    gap = round(forecast - target, 9)
    return gap >= 0 if direction == "up" else gap <= 0


def _z(interval: float) -> float:
    return NormalDist().inv_cdf(0.5 + interval / 2)


def spread_sum(amounts: list[float], remaining: int, interval: float) -> float:
    """Half-width of the range of a sum KPI: z s sqrt(R + R^2/n) over the monthly amounts since the start
    (a month without a report counts as 0); 0 with no month left or fewer than two months observed."""
    n = len(amounts)
    if remaining <= 0 or n < 2:
        return 0.0
    spread = float(np.std(amounts, ddof=1))
    return _z(interval) * spread * math.sqrt(remaining + remaining ** 2 / n)


def spread_latest(values: list[float], remaining: int, interval: float) -> float:
    """Half-width of the range of a latest KPI: the prediction interval of the least-squares line through
    the reported values (months without a report left out) at ``remaining`` months after the last;
    0 with no month left or fewer than three values (no residual to measure)."""
    n = len(values)
    if remaining <= 0 or n < 3:
        return 0.0
    x = np.arange(n, dtype=float)
    y = np.asarray(values, dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    residual = y - (intercept + slope * x)
    s_e = math.sqrt(float(residual @ residual) / (n - 2))
    x0 = n - 1 + remaining
    sxx = float(((x - x.mean()) ** 2).sum())
    return _z(interval) * s_e * math.sqrt(1 + 1 / n + (x0 - x.mean()) ** 2 / sxx)


def forecast_range(point_value: float, half: float, actual: float, floor_at_actual: bool) -> tuple[float, float]:
    """(low, high) = point -/+ half; the low end never below the actual when ``floor_at_actual`` (a sum
    KPI with no negative amount: nothing built can be un-built). NaN without a point."""
    if math.isnan(point_value):
        return math.nan, math.nan
    low = point_value - half
    if floor_at_actual:
        low = max(low, actual)
    return low, point_value + half
