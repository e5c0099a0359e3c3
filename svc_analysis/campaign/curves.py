"""Where a campaign KPI should be by a month end, how far along it is, and where it will end up.

Pure functions over numbers and dates (no warehouse). Definitions (docs/campaign.md; DATA_CONTRACT.md
metric campaign_progress; params campaign):

- elapsed share t at a day: days from the KPI's start to that day, both included, over the days from
  start to deadline, both included; 0 before the start, 1 from the deadline on.
- expected share of the path by curve: linear t; front_loaded 1 - (1 - t)^p; back_loaded t^p
  (p = campaign.curve_power); immediate 1 from the start on (a standing rule such as 大堂经理100%值班);
  monthly: the params' cumulative share of the month (0 before the start month, 1 after the deadline).
- expected progress = b + (1 - b) x share, with b = baseline / target (0 by default): the share of the
  target a KPI should have reached at the month end. It is the target of campaign_progress rows.
- pace = progress / expected progress (direction up; down: expected / progress); status on_track at
  pace >= status_thresholds.on_track, at_risk at >= at_risk, else behind. Nothing expected yet: on_track.
- forecast at the deadline from the run rate, with a normal prediction interval (campaign.forecast_interval):
  sum KPIs: actual + R x mean monthly amount, range +- z s sqrt(R + R^2/n) (n months observed, s their
  standard deviation, R months left); latest KPIs: least-squares line through the reported values,
  extrapolated R months, range +- z s_e sqrt(1 + 1/n + (x0 - mean x)^2 / Sxx).
"""

from __future__ import annotations

import math
from datetime import date
from statistics import NormalDist

import numpy as np

from svc_analysis.core import periods

STATUSES = ("on_track", "at_risk", "behind")
STATUS_LABELS = {"on_track": "正常", "at_risk": "预警", "behind": "滞后"}


def elapsed_share(start: date, deadline: date, on: date) -> float:
    """t in [0, 1]: share of the KPI's days (start..deadline, inclusive) elapsed by the end of day ``on``."""
    if on < start:
        return 0.0
    total = (deadline - start).days + 1
    return min(1.0, ((on - start).days + 1) / total)


def month_index(start: date, month: str) -> int:
    """0 for the start's month, 1 for the next ... (negative before it)."""
    first = periods.parse_month(start)
    y0, m0 = int(first[:4]), int(first[5:])
    y1, m1 = int(month[:4]), int(month[5:])
    return (y1 - y0) * 12 + (m1 - m0)


def curve_share(curve: str, start: date, deadline: date, month: str, power: float,
                expected: list[float] | None = None) -> float:
    """The share of the way from baseline to target the curve expects at the end of ``month``."""
    end = periods.month_end(month)
    if end < start:
        return 0.0
    if curve == "immediate":
        return 1.0
    if curve == "monthly":
        if not expected:
            raise ValueError("curve monthly needs the expected cumulative shares")
        index = month_index(start, month)
        return float(expected[min(index, len(expected) - 1)])
    t = elapsed_share(start, deadline, end)
    if curve == "linear":
        return t
    if curve == "front_loaded":
        return 1.0 - (1.0 - t) ** power
    if curve == "back_loaded":
        return t ** power
    raise ValueError(f"unknown progress curve {curve!r}: use linear, front_loaded, back_loaded, "
                     f"immediate or monthly")


def expected_progress(share: float, baseline: float, target: float) -> float:
    """Expected actual / target at a month end when the curve has covered ``share`` of the way."""
    b = baseline / target if target else 0.0
    return b + (1.0 - b) * share


def pace(progress: float, expected: float, direction: str = "up") -> float:
    """How far along against the plan: progress / expected (down: expected / progress); nothing due: inf."""
    if direction == "down":
        return math.inf if progress <= 0 else expected / progress
    return math.inf if expected <= 0 else progress / expected


def status(pace_value: float, on_track: float, at_risk: float) -> str:
    """on_track / at_risk / behind from the pace and the params' thresholds (campaign.status_thresholds).

    The pace is rounded to 9 decimals first, so 0.64 / 0.80 counts as exactly 0.80 (float noise
    must not move a unit across a threshold).
    """
    pace_value = round(pace_value, 9) if math.isfinite(pace_value) else pace_value
    if pace_value >= on_track:
        return "on_track"
    if pace_value >= at_risk:
        return "at_risk"
    return "behind"


def months_left(month: str, deadline: date) -> int:
    """Whole months after ``month`` up to the deadline's month (0 in or after it)."""
    return max(0, month_index(date(int(month[:4]), int(month[5:]), 1), periods.parse_month(deadline)))


def _z(interval: float) -> float:
    return NormalDist().inv_cdf(0.5 + interval / 2)


def forecast_sum(amounts: list[float], remaining: int, interval: float) -> tuple[float, float, float]:
    """(point, low, high) of the total at the deadline: actual + remaining months at the mean monthly amount.

    ``amounts`` are the monthly amounts since the start (a month without a report counts as 0). The
    low end never goes below the actual when no amount is negative (nothing can be un-built).
    """
    done = float(sum(amounts))
    n = len(amounts)
    if remaining <= 0 or n == 0:
        return done, done, done
    mean = done / n
    spread = float(np.std(amounts, ddof=1)) if n > 1 else 0.0
    half = _z(interval) * spread * math.sqrt(remaining + remaining ** 2 / n)
    point = done + remaining * mean
    low = point - half
    if min(amounts) >= 0:
        low = max(low, done)
    return point, low, point + half


def forecast_latest(values: list[float], remaining: int, interval: float) -> tuple[float, float, float]:
    """(point, low, high) of a level KPI at the deadline: the least-squares trend of the reported values.

    ``values`` are the reported month values in order (months without a report left out by the
    caller). One value: it stays (no trend to extend, no range).
    """
    n = len(values)
    if n == 0:
        return 0.0, 0.0, 0.0
    last = float(values[-1])
    if remaining <= 0 or n == 1:
        return last, last, last
    x = np.arange(n, dtype=float)
    y = np.asarray(values, dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    x0 = n - 1 + remaining
    point = float(intercept + slope * x0)
    if n > 2:
        residual = y - (intercept + slope * x)
        s_e = math.sqrt(float(residual @ residual) / (n - 2))
        sxx = float(((x - x.mean()) ** 2).sum())
        half = _z(interval) * s_e * math.sqrt(1 + 1 / n + (x0 - x.mean()) ** 2 / sxx)
    else:
        half = 0.0
    return point, point - half, point + half


def months_of(start: date, month: str) -> list[str]:
    """The months from the KPI's start month to ``month`` inclusive (empty before the start)."""
    return periods.months_between(periods.parse_month(start), month)
