"""Complaint counts and rates: the month's KPI rows, the trend, breakdowns, the base-year reduction.

Definitions (DATA_CONTRACT.md "Output"; DOMAIN.md §1; seeds 000, 002, 003):

- complaints_total: complaints received (received_at) in the month; complaints_responsible: of them,
  responsible (target [complaints.responsible_target] = 0, "zero responsible complaints", seed 000).
- customers served: tickets taken (taken_at) in the period that were called (called_at not empty).
- complaint_rate_per_10k = complaints_total / customers served x [complaints.per_customers]. A unit
  with no customers served has no rate (empty, 无数据), never 0 or infinity.
- complaint_rate_reduction = 1 - (year-to-date rate / base-year rate), both per 10,000 served,
  year to date = 1 January of the report year to month end; base year [complaints.base_year]; its
  rate from data, or [complaints.base_year_rate_per_10k] for every unit when given (the data is
  gone). numerator = year-to-date rate, denominator = base-year rate (per 10,000). Target 0.40.
- praises_total: praises received in the month.

All counting runs in the engine, written once in Ibis (warehouse.engine: issue 2's engine rule);
``outlets`` (the scope's outlet ids, None = whole province) filters in the engine. Roll-ups add
numerators and denominators (kpis.rollup).
"""

from __future__ import annotations

from datetime import datetime

import ibis
import pandas as pd
from ibis import _

from svc_analysis.core import contract
from svc_analysis.engine import kpis
from svc_analysis.core.periods import add_months, month_bounds, months_back, parse_month
from svc_analysis.engine.warehouse import engine

AREA = "complaints"
LABELS = {"channel": contract.CHANNELS, "category": contract.CATEGORIES, "complexity": contract.COMPLEXITY}


def scoped(con, table: str, start, end, outlets=None, time: str = "received_at") -> ibis.Table:
    """Ibis rows of an event table with ``time`` in [start, end) (no lower bound when start is None),
    limited to the scope's outlets (None = whole province)."""
    t = engine(con).table(table)
    keep = [t[time] < end] if start is None else [t[time] >= start, t[time] < end]
    if outlets is not None:
        keep.append(t.outlet_id.isin(list(outlets)))
    return t.filter(*keep)


def _served(con, start, end, outlets) -> ibis.Table:
    """Customers served: tickets taken in [start, end) that were called."""
    return scoped(con, "tickets", start, end, outlets, time="taken_at").filter(_.called_at.notnull())


def label(kind: str, value) -> str:
    """Chinese label of a contract value (channel, category, complexity); the value itself otherwise."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "未填"
    return LABELS.get(kind, {}).get(value, (value,))[0]


def served_by_outlet(con, start: datetime, end: datetime, outlets=None) -> pd.DataFrame:
    """Customers served per outlet: tickets taken in [start, end) that were called. outlet_id, served."""
    return _served(con, start, end, outlets).group_by("outlet_id").agg(served=_.count()).to_pandas()


def counts_by_outlet(con, start: datetime, end: datetime, outlets=None) -> pd.DataFrame:
    """Complaints received in [start, end) per outlet: outlet_id, complaints, responsible."""
    return (scoped(con, "complaints", start, end, outlets).group_by("outlet_id")
            .agg(complaints=_.count(), responsible=_.count(where=_.responsible)).to_pandas())


def praises_by_outlet(con, start: datetime, end: datetime, outlets=None) -> pd.DataFrame:
    """Praises received in [start, end) per outlet: outlet_id, praises."""
    return scoped(con, "praises", start, end, outlets).group_by("outlet_id").agg(praises=_.count()).to_pandas()


def rate_frame(con, start: datetime, end: datetime, outlets=None) -> pd.DataFrame:
    """Per outlet with any complaint or customer served: outlet_id, complaints, responsible, served."""
    frame = counts_by_outlet(con, start, end, outlets).merge(
        served_by_outlet(con, start, end, outlets), on="outlet_id", how="outer")
    cols = ["complaints", "responsible", "served"]
    frame[cols] = frame[cols].astype("float64").fillna(0.0).astype("int64")
    return frame[["outlet_id", *cols]]


def month_kpis(con, month: str, tree: pd.DataFrame, *, per_customers: float, responsible_target: float,
               scope_level: str | None = None, outlets=None) -> pd.DataFrame:
    """KPI rows complaints_total, complaints_responsible, complaint_rate_per_10k, praises_total.

    tree: the scope's outlet tree (ctx.scope_tree); every level from the scope down.
    """
    start, end = month_bounds(month)
    frame = rate_frame(con, start, end, outlets)
    common = dict(month=month, area=AREA, scope_level=None if scope_level == "province" else scope_level)
    praises = praises_by_outlet(con, start, end, outlets).rename(columns={"praises": "value"})
    return pd.concat([
        kpis.rollup(frame.rename(columns={"complaints": "value"}), tree, metric="complaints_total",
                    kind="count", **common),
        kpis.rollup(frame[["outlet_id", "responsible"]].rename(columns={"responsible": "value"}), tree,
                    metric="complaints_responsible", kind="count", target=responsible_target,
                    higher_is_better=False, **common),
        kpis.rollup(frame.rename(columns={"complaints": "numerator", "served": "denominator"}), tree,
                    metric="complaint_rate_per_10k", scale=per_customers, **common),
        kpis.rollup(praises, tree, metric="praises_total", kind="count", **common),
    ], ignore_index=True)


def reduction_counts(con, month: str, tree: pd.DataFrame, *, base_year: int, scope_level: str | None = None,
                     outlets=None) -> pd.DataFrame:
    """The counts behind complaint_rate_reduction, indexed by (level, unit_id): ytd_c, ytd_s (complaints
    and customers served from January to ``month``), base_c, base_s (the same over the base year)."""
    month = parse_month(month)
    ytd = rate_frame(con, month_bounds(f"{month[:4]}-01")[0], month_bounds(month)[1], outlets)
    base = rate_frame(con, month_bounds(f"{base_year}-01")[0], month_bounds(f"{base_year}-12")[1], outlets)
    level = None if scope_level == "province" else scope_level
    parts = {}
    for name, frame, column in (("ytd_c", ytd, "complaints"), ("ytd_s", ytd, "served"),
                                ("base_c", base, "complaints"), ("base_s", base, "served")):
        rows = kpis.rollup(frame[["outlet_id", column]].rename(columns={column: "value"}), tree, month=month,
                           area=AREA, metric=name, kind="count", scope_level=level)
        parts[name] = rows.set_index(["level", "unit_id"])["value"]
    return pd.DataFrame(parts)


def reduction_kpis(con, month: str, tree: pd.DataFrame, *, base_year: int, base_rate: float | None,
                   target: float, per_customers: float, scope_level: str | None = None,
                   outlets=None, min_volume: float | None = None) -> pd.DataFrame:
    """KPI rows complaint_rate_reduction at every level (definition in the module docstring).

    No value when the report year is not after the base year, when the unit served nobody this
    year, or when the base-year rate is missing or zero (nothing to reduce from). min_volume
    (params volumes): a unit that served fewer customers this year, or in the base year when its
    rate comes from the data, is shown but not judged (small_sample): one complaint more or less
    must not turn a sub-branch's reduction from +50% into -150%.
    """
    month = parse_month(month)
    year = int(month[:4])
    out = reduction_counts(con, month, tree, base_year=base_year, scope_level=scope_level, outlets=outlets)
    ytd_rate = out["ytd_c"] / out["ytd_s"].where(out["ytd_s"] > 0) * per_customers
    if base_rate is not None:
        base_value = pd.Series(float(base_rate), index=out.index)
    else:
        base_value = out["base_c"] / out["base_s"].where(out["base_s"] > 0) * per_customers
    base_value = base_value.where(base_value > 0)
    value = 1 - ytd_rate / base_value
    if year <= base_year:
        value[:] = float("nan")
    rows = [kpis.kpi_row(month, AREA, "complaint_rate_reduction", lv, unit, value[(lv, unit)],
                         numerator=ytd_rate[(lv, unit)], denominator=base_value[(lv, unit)], target=target)
            for lv, unit in out.index]
    served = out["ytd_s"] if base_rate is not None else out[["ytd_s", "base_s"]].min(axis=1)
    frame = kpis.frame_of(rows)
    return kpis.small_sample(frame, min_volume, volume=pd.Series(served.to_numpy(), index=frame.index))


def monthly_trend(con, month: str, months: int, *, per_customers: float, rolling: int,
                  outlets=None) -> pd.DataFrame:
    """The last ``months`` months up to ``month``: month, complaints, responsible, served, rate, rolling_rate.

    rate = complaints / served x per_customers (empty without served); rolling_rate = the same over
    the ``rolling`` months ending in that month (sums, not an average of rates), empty until a full
    window of months with data exists in the frame.
    """
    span = months_back(parse_month(month), months + rolling - 1)
    start, end = month_bounds(span[0])[0], month_bounds(span[-1])[1]
    counts = (scoped(con, "complaints", start, end, outlets).group_by(month=_.received_at.strftime("%Y-%m"))
              .agg(complaints=_.count(), responsible=_.count(where=_.responsible)).to_pandas())
    served = (_served(con, start, end, outlets).group_by(month=_.taken_at.strftime("%Y-%m"))
              .agg(served=_.count()).to_pandas())
    frame = pd.DataFrame({"month": span}).merge(counts, on="month", how="left").merge(served, on="month", how="left")
    cols = ["complaints", "responsible", "served"]
    frame[cols] = frame[cols].astype("float64").fillna(0.0).astype("int64")
    den = frame["served"].where(frame["served"] > 0)
    frame["rate"] = frame["complaints"] / den * per_customers
    roll_c = frame["complaints"].rolling(rolling, min_periods=rolling).sum()
    roll_s = frame["served"].where(frame["served"] > 0).rolling(rolling, min_periods=rolling).sum()
    frame["rolling_rate"] = roll_c / roll_s * per_customers
    return frame.iloc[rolling - 1:].reset_index(drop=True)


def compare(trend: pd.DataFrame, month: str) -> pd.DataFrame:
    """This month against last month and the same month last year (rows from monthly_trend).

    Columns: period (本月 / 上月 / 去年同月), month, complaints, responsible, served, rate; a month
    outside the trend frame appears with empty figures.
    """
    month = parse_month(month)
    wanted = [("本月", month), ("上月", add_months(month, -1)), ("去年同月", add_months(month, -12))]
    frame = pd.DataFrame(wanted, columns=["period", "month"]).merge(trend, on="month", how="left")
    return frame[["period", "month", "complaints", "responsible", "served", "rate"]]


def breakdown(con, month: str, by: str, outlets=None) -> pd.DataFrame:
    """Complaints of the month by one column (channel, category, product, responsible, complexity).

    Columns: key, label, complaints, responsible, share, cum_share (Pareto order: largest first).
    """
    allowed = ("channel", "category", "product", "responsible", "complexity")
    if by not in allowed:
        raise ValueError(f"breakdown by must be one of {', '.join(allowed)}, not {by!r}")
    start, end = month_bounds(month)
    frame = (scoped(con, "complaints", start, end, outlets).group_by(key=_[by])
             .agg(complaints=_.count(), responsible=_.count(where=_.responsible))
             .order_by(ibis.desc("complaints"), ibis.asc("key", nulls_first=False)).to_pandas())
    if by == "responsible":
        frame["label"] = frame["key"].map({True: "责任性", False: "非责任性"}).fillna("未填")
    else:
        frame["label"] = [label(by, k) for k in frame["key"]]
    total = frame["complaints"].sum()
    frame["share"] = frame["complaints"] / total if total else float("nan")
    frame["cum_share"] = frame["share"].cumsum()
    return frame[["key", "label", "complaints", "responsible", "share", "cum_share"]]


def weekly_summary(con, month: str, by: str = "channel", outlets=None) -> pd.DataFrame:
    """周汇总: complaints per week of the month (Monday to Sunday, cut at the month's edges) by ``by``.

    One row per week (label 'MM-DD~MM-DD'), one column per value of ``by`` in Chinese, and 合计.
    Weeks without complaints appear with zeros; a month without complaints gives only 合计 = 0.
    """
    if by not in ("channel", "category"):
        raise ValueError(f"weekly_summary by must be channel or category, not {by!r}")
    start, end = month_bounds(month)
    counts = (scoped(con, "complaints", start, end, outlets)  # ISO weeks: Monday first
              .group_by(week=_.received_at.truncate("W").date(), key=_[by]).agg(n=_.count()).to_pandas())
    days = pd.date_range(start, end, inclusive="left")
    mondays = days.to_period("W-SUN").start_time.unique()
    weeks = pd.DataFrame({"week": mondays.date})
    weeks["周"] = [f"{max(m, start):%m-%d}~{min(m + pd.Timedelta(days=6), end - pd.Timedelta(days=1)):%m-%d}"
                  for m in mondays]
    if counts.empty:
        table = weeks.set_index("周")[[]]
    else:
        counts["week"] = pd.to_datetime(counts["week"]).dt.date
        counts["label"] = [label(by, k) for k in counts["key"]]
        table = counts.pivot_table(index="week", columns="label", values="n", aggfunc="sum", fill_value=0)
        table = weeks.merge(table, left_on="week", right_index=True, how="left").set_index("周").drop(columns="week")
        order = [label(by, k) for k in LABELS[by]]  # the contract's order, e.g. 热线 before 意见簿
        table = table[sorted(table.columns, key=lambda c: order.index(c) if c in order else len(order))]
        table = table.fillna(0).astype("int64")
    table["合计"] = table.sum(axis=1).astype("int64")
    table.columns.name = None
    return table


def descriptions(con, start: datetime, end: datetime, outlets=None) -> pd.Series:
    """Complaint texts (description) received in [start, end), for keyword analysis (text.top_terms)."""
    rows = scoped(con, "complaints", start, end, outlets).filter(_.description.notnull())
    return rows.select("description").to_pandas()["description"]
