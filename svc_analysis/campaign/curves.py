"""Where a campaign KPI should be by a month end, how far along it is, and its one judgment.

Pure functions over numbers and dates (no warehouse). Definitions (docs/campaign.md; DATA_CONTRACT.md
metric campaign_progress; params campaign):

- elapsed share t at a day: days from the KPI's start to that day, both included, over the days from
  start to deadline, both included; 0 before the start, 1 from the deadline on.
- the share of the way from the start value to the target expected at a month end (``path_share``), by the
  KPI's kind: level (a standing rule) 1 from the start on; cumulative and growth by the curve: linear t;
  front_loaded 1 - (1 - t)^p; back_loaded t^p (p = campaign.curve_power); monthly: the params' cumulative
  share of the month (0 before the start month, 1 after the deadline).
- expected progress = b + (1 - b) x share, with b = start value / target (the baseline of a growth share,
  0 otherwise): the share of the target a KPI should have reached at the month end. It is the target of
  campaign_progress rows.
- pace: the share of the planned gain achieved, (progress - b) / (expected - b) (direction down:
  expected / progress); 1 means exactly on the plan.
- status, the one judgment of a campaign row: on_track when progress is at or past expected (meets_target
  true); below it, at_risk while pace >= status_thresholds.at_risk, else behind. Nothing expected yet and
  nothing lost: on_track.
"""

from __future__ import annotations

import math
from datetime import date

from svc_analysis.core import periods
from svc_analysis.core import status as st

STATUSES = (st.ON_TRACK, st.AT_RISK, st.BEHIND)
STATUS_LABELS = {code: st.label(code) for code in STATUSES}  # 进度正常 / 进度预警 / 进度滞后 (core.status)
DECIMALS = 9  # float noise must not move a unit across the plan or a threshold


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
    raise ValueError(f"unknown progress curve {curve!r}: use linear, front_loaded, back_loaded or monthly")


def path_share(kind: str, curve: str | None, start: date, deadline: date, month: str, power: float,
               expected: list[float] | None = None) -> float:
    """The share of the way from the start value to the target expected at the end of ``month``: a level
    KPI (a standing rule) owes the whole target from its start on; cumulative and growth follow the curve."""
    if periods.month_end(month) < start:
        return 0.0
    if kind == "level":
        return 1.0
    return curve_share(curve, start, deadline, month, power, expected)


def expected_progress(share: float, baseline: float, target: float) -> float:
    """Expected actual / target at a month end when the path has covered ``share`` of the way from the
    start value ``baseline`` (0 for a count) to the target."""
    b = baseline / target if target else 0.0
    return b + (1.0 - b) * share


def on_plan(progress: float, expected: float, direction: str = "up") -> bool:
    """At or past the expected progress (down: at or below it), compared at DECIMALS decimals."""
    gap = round(progress - expected, DECIMALS)
    return gap >= 0 if direction == "up" else gap <= 0


def pace(progress: float, expected: float, direction: str = "up", base: float = 0.0) -> float:
    """The share of the planned gain achieved: (progress - base) / (expected - base), base = start value /
    target (0 for a count: progress / expected). Down: expected / progress. Nothing planned yet: +inf
    when nothing was lost, -inf when the figure fell below its start."""
    if direction == "down":
        return math.inf if progress <= 0 else expected / progress
    planned, gained = expected - base, progress - base
    if round(planned, DECIMALS) <= 0:
        return math.inf if round(gained, DECIMALS) >= 0 else -math.inf
    return gained / planned


def status(progress: float, expected: float, pace_value: float, at_risk: float, direction: str = "up") -> str:
    """The campaign row's one judgment (core.status codes): on_track at or past the expected progress
    (so meets_target is true exactly then); below it at_risk while the pace is >= ``at_risk``
    (campaign.status_thresholds), else behind. The pace is compared at DECIMALS decimals."""
    if on_plan(progress, expected, direction):
        return st.ON_TRACK
    pace_value = round(pace_value, DECIMALS) if math.isfinite(pace_value) else pace_value
    return st.AT_RISK if pace_value >= at_risk else st.BEHIND


def months_left(month: str, deadline: date) -> int:
    """Whole months after ``month`` up to the deadline's month (0 in or after it)."""
    return max(0, month_index(date(int(month[:4]), int(month[5:]), 1), periods.parse_month(deadline)))


def months_of(start: date, month: str) -> list[str]:
    """The months from the KPI's start month to ``month`` inclusive (empty before the start)."""
    return periods.months_between(periods.parse_month(start), month)
