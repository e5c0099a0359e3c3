"""Campaign progress (DOMAIN.md §6; seeds 000, 003, 004; DATA_CONTRACT metric campaign_progress).

For every KPI in params ``campaign.kpis`` and every unit carrying it (campaign_targets), at the
report month's end:

- actual to date: ``sum`` adds the month's own amounts (campaign_actuals.value) from the KPI's start
  month to the report month; ``latest`` takes the most recent reported value in that span; ``ratio``
  divides the actuals of its numerator and denominator KPIs. A KPI with no actuals yet has actual 0
  (progress 0, not missing: nothing reported means nothing achieved). Units above the carrying level
  add their members' figures (a level value stands until its unit reports a new one).
- progress = actual / target; expected = the share of the target the KPI's path expects at month end;
  pace and status (the row's one judgment): campaign.curves; the forecast at the deadline, which agrees
  with the status: campaign.forecast.
- KPI rows ``campaign_progress:<kpi_id>``: value = progress, numerator = actual, denominator =
  the unit's target, target = expected, status = the board's status, meets_target = progress >= expected
  (down: <=), i.e. true exactly when the status is on_track.
- A growth share whose baseline params leave empty (``baseline: null``: the office has not reported
  where it started) has no path: its progress is shown, with no expected progress, no pace, no
  forecast and status no_target (pages: 基数未填报). A made-up start would be a false judgment.

A report month before every KPI's start or after every deadline is outside the campaign
(``campaign_state``): no progress rows. A KPI not started by the month end has no row either.
The warehouse work is one small Ibis query through engine.warehouse.engine (campaign_actuals holds a few
values per KPI, unit and month).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svc_analysis.campaign import curves as cc
from svc_analysis.campaign import forecast as fc
from svc_analysis.campaign import targets as ct
from svc_analysis.engine import kpis, warehouse
from svc_analysis.core import periods
from svc_analysis.core import status as st

AREA = "campaign"
METRIC_PREFIX = "campaign_progress:"
BOARD_COLUMNS = ["kpi_id", "name", "unit_of_measure", "kind", "level", "unit_id", "start", "deadline", "target",
                 "actual", "month_value", "progress", "expected", "pace", "status", "deadline_passed",
                 "forecast", "forecast_low", "forecast_high", "forecast_meets", "baseline_missing"]


def campaign_state(campaign, month: str) -> str:
    """'before' (the month ends before every KPI starts), 'over' (it starts after every deadline), else 'in_force'."""
    month = periods.parse_month(month)
    if periods.month_end(month) < min(k.start for k in campaign.kpis):
        return "before"
    if periods.month_start(month) > max(k.deadline for k in campaign.kpis):
        return "over"
    return "in_force"


def monthly_actuals(con, kpi_ids: list[str], first: str, last: str) -> pd.DataFrame:
    """campaign_actuals rows (kpi_id, unit_id, month, value) of the KPIs for months first..last, summed
    per kpi, unit and month (a unit sending two rows for one month reports their total)."""
    if not kpi_ids:
        return pd.DataFrame(columns=["kpi_id", "unit_id", "month", "value"])
    t = warehouse.engine(con).table("campaign_actuals")
    t = t.filter(t.month.between(periods.parse_month(first), periods.parse_month(last)), t.kpi_id.isin(list(kpi_ids)))
    expr = t.group_by(["kpi_id", "unit_id", "month"]).aggregate(value=t.value.sum())
    return expr.order_by(["kpi_id", "unit_id", "month"]).to_pandas()


def unmatched_actuals(con, campaign, tree: pd.DataFrame, month: str) -> pd.DataFrame:
    """Actual rows up to the month that no KPI row can use: a kpi_id not in params, or a unit_id that
    is not a unit of the level carrying the KPI. Shown by the notebook so that nothing is lost silently."""
    t = warehouse.engine(con).table("campaign_actuals")
    rows = (t.filter(t.month <= periods.parse_month(month)).select("kpi_id", "unit_id", "month", "value")
            .order_by(["kpi_id", "unit_id", "month"]).to_pandas())
    known = {k.id: k for k in campaign.kpis}
    valid = {"province": {ct.PROVINCE}, "branch": set(tree["branch"]), "outlet": set(tree["outlet_id"])}
    reasons = [("kpi_id 不在活动参数中" if k not in known else
                f"unit_id 不是{known[k].units}层级的单位" if u not in valid[known[k].units] else None)
               for k, u in zip(rows["kpi_id"], rows["unit_id"])]
    rows["reason"] = reasons
    return rows[rows["reason"].notna()].reset_index(drop=True)


def _ffill(values: np.ndarray) -> np.ndarray:
    """Carry the last reported value forward (NaN until the first report); a year has 12 months at most."""
    out = values.copy()
    for i in range(1, out.size):
        if np.isnan(out[i]):
            out[i] = out[i - 1]
    return out


def _series(actuals: pd.DataFrame, kpi_id: str, months: list[str]) -> dict[str, np.ndarray]:
    """unit -> the month values over ``months`` (NaN where the unit sent nothing)."""
    position = {m: i for i, m in enumerate(months)}
    out: dict[str, np.ndarray] = {}
    own = actuals[actuals["kpi_id"] == kpi_id]
    for unit, month, value in zip(own["unit_id"], own["month"], own["value"]):
        if month in position:
            out.setdefault(unit, np.full(len(months), np.nan))[position[month]] = value
    return out


def _paths(kpi, actuals: pd.DataFrame, members: pd.DataFrame, months: list[str]) -> dict:
    """unit (level, unit_id) -> (amounts per month or None, actual-to-date per month, reported mask)."""
    series = _series(actuals, kpi.id, months)
    empty = np.full(len(months), np.nan)
    groups: dict[tuple[str, str], list[str]] = {}
    for level, unit, member in members.itertuples(index=False):
        groups.setdefault((level, unit), []).append(member)
    out = {}
    for key, names in groups.items():
        values = np.vstack([series.get(name, empty) for name in names]) if names else empty[None, :]
        reported = (~np.isnan(values)).any(axis=0)
        if kpi.combine == "sum":
            amounts = np.nan_to_num(values).sum(axis=0)
            out[key] = (amounts.tolist(), np.cumsum(amounts).tolist(), reported)
        else:  # latest: each member's value stands until it reports again
            filled = np.vstack([_ffill(row) for row in values])
            level_values = np.where(np.isnan(filled).all(axis=0), np.nan, np.nansum(filled, axis=0))
            out[key] = (None, level_values.tolist(), reported)
    return out


def _ratio_paths(kpi, parts: dict[str, dict]) -> dict:
    num, den = parts[kpi.numerator], parts[kpi.denominator]
    out = {}
    for key in num.keys() & den.keys():
        path = [n / d if d and not pd.isna(d) and not pd.isna(n) else float("nan")
                for n, d in zip(num[key][1], den[key][1])]
        out[key] = (None, path, num[key][2] & den[key][2])
    return out


def _row(kpi, level: str, unit: str, target: float, path, month: str, campaign) -> dict:
    amounts, to_date, reported = path
    now = to_date[-1] if to_date else float("nan")
    actual = 0.0 if pd.isna(now) else float(now)
    if amounts is not None:
        month_value = float(amounts[-1]) if amounts else 0.0
    else:
        month_value = float(to_date[-1]) if to_date and reported[-1] else float("nan")
    if kpi.baseline_missing:
        return _unjudged_row(kpi, level, unit, target, actual, month_value, month)
    share = cc.path_share(kpi.kind, kpi.curve, kpi.start, kpi.deadline, month, campaign.curve_power, kpi.expected)
    expected = cc.expected_progress(share, kpi.start_value, target)
    progress = actual / target
    pace = cc.pace(progress, expected, kpi.direction, kpi.start_value / target)
    status = cc.status(progress, expected, pace, campaign.status_thresholds.at_risk, kpi.direction)
    passed = periods.month_end(month) >= kpi.deadline
    remaining = cc.months_left(month, kpi.deadline)  # 0 once the deadline month is reached: no range
    point = fc.point(actual, kpi.start_value, share)
    if amounts is not None:
        half = fc.spread_sum(amounts, remaining, campaign.forecast_interval)
        low, high = fc.forecast_range(point, half, actual, floor_at_actual=min(amounts, default=0) >= 0)
    else:
        points = [v for v, r in zip(to_date, reported) if r and not pd.isna(v)]
        low, high = fc.forecast_range(point, fc.spread_latest(points, remaining, campaign.forecast_interval),
                                      actual, floor_at_actual=False)
    return {"kpi_id": kpi.id, "name": kpi.name, "unit_of_measure": kpi.unit_of_measure, "kind": kpi.kind,
            "level": level, "unit_id": unit, "start": kpi.start, "deadline": kpi.deadline, "target": target,
            "actual": actual, "month_value": month_value, "progress": progress, "expected": expected,
            "pace": pace, "status": status, "deadline_passed": passed, "forecast": point, "forecast_low": low,
            "forecast_high": high, "forecast_meets": fc.meets(point, target, kpi.direction), "baseline_missing": False}


def _unjudged_row(kpi, level: str, unit: str, target: float, actual: float, month_value: float, month: str) -> dict:
    """A board row without a path (a growth share whose baseline is not reported): progress shown,
    no expected progress, pace or forecast, status no_target (module docstring)."""
    nan = float("nan")
    return {"kpi_id": kpi.id, "name": kpi.name, "unit_of_measure": kpi.unit_of_measure, "kind": kpi.kind,
            "level": level, "unit_id": unit, "start": kpi.start, "deadline": kpi.deadline, "target": target,
            "actual": actual, "month_value": month_value, "progress": actual / target, "expected": nan,
            "pace": nan, "status": st.NO_TARGET, "deadline_passed": periods.month_end(month) >= kpi.deadline,
            "forecast": nan, "forecast_low": nan, "forecast_high": nan, "forecast_meets": None,
            "baseline_missing": True}


def progress_board(con, campaign, tree: pd.DataFrame, month: str, scope_level: str = ct.PROVINCE,
                   scope_name: str = ct.PROVINCE) -> pd.DataFrame:
    """One row per KPI in force and unit carrying it (BOARD_COLUMNS), in params order, province first.

    ``tree`` is the whole outlet tree (a branch's part of a province target needs every branch);
    ``scope_level``/``scope_name`` limit the rows to a scoped run's units.
    """
    month = periods.parse_month(month)
    if campaign_state(campaign, month) != "in_force":
        return pd.DataFrame(columns=BOARD_COLUMNS)
    started = [k for k in campaign.kpis if k.start <= periods.month_end(month)]
    first = periods.parse_month(min((k.start for k in campaign.kpis), default=periods.month_start(month)))
    actuals = monthly_actuals(con, [k.id for k in campaign.kpis], first, month)
    opened = ct.open_at_month_end(tree, month)
    paths: dict[str, dict] = {}
    for kpi in sorted(campaign.kpis, key=lambda k: k.combine == "ratio"):  # ratio parts first
        if kpi.combine == "ratio":
            paths[kpi.id] = _ratio_paths(kpi, paths)
        else:
            paths[kpi.id] = _paths(kpi, actuals, ct.members(kpi, tree, month, opened), cc.months_of(kpi.start, month))
    rows = []
    for kpi in started:
        targets = ct.unit_targets(kpi, tree, month, campaign.target_split, scope_level, scope_name, opened)
        for level, unit, target in targets.itertuples(index=False):
            path = paths[kpi.id].get((level, unit), ([0.0], [float("nan")], [False]))
            rows.append(_row(kpi, level, unit, target, path, month, campaign))
    return pd.DataFrame(rows, columns=BOARD_COLUMNS)


def kpi_rows(board: pd.DataFrame, month: str, directions: dict[str, str] | None = None) -> pd.DataFrame:
    """campaign_progress:<kpi_id> rows in the KPI table's columns from a progress board, each carrying the
    board's status (its one judgment) and the meets_target that status implies (core.status.MEETS: true
    exactly when on track, i.e. progress at or past the expected progress)."""
    directions = directions or {}
    rows = [kpis.kpi_row(month, AREA, METRIC_PREFIX + r.kpi_id, r.level, r.unit_id, r.progress,
                         numerator=r.actual, denominator=r.target, target=r.expected,
                         higher_is_better=directions.get(r.kpi_id, "up") == "up", status=r.status)
            for r in board.itertuples(index=False)]
    for row in rows:  # the board compared at 9 decimals: float noise must not split the two judgments
        row["meets_target"] = st.MEETS[row["status"]]
    return kpis.frame_of(rows)


def behind(board: pd.DataFrame) -> pd.DataFrame:
    """The rows at risk or behind (those forecast to miss their target: the forecast agrees with the
    status), worst pace first. A row without a path (no_target: baseline not reported) is not among them."""
    flagged = board[board["status"].isin([st.AT_RISK, st.BEHIND])]
    return flagged.sort_values(["pace", "kpi_id", "unit_id"]).reset_index(drop=True)


def history(con, campaign, tree: pd.DataFrame, month: str, scope_level: str = ct.PROVINCE,
            scope_name: str = ct.PROVINCE) -> pd.DataFrame:
    """The progress board at each month end from the campaign's first month to ``month`` (column
    ``month`` added): the burn-up charts' series."""
    month = periods.parse_month(month)
    first = periods.parse_month(min(k.start for k in campaign.kpis))
    frames = [progress_board(con, campaign, tree, m, scope_level, scope_name).assign(month=m)
              for m in periods.months_between(first, month)]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*BOARD_COLUMNS, "month"])
