"""Complaint counts and rates: the month's KPI rows, the trend, breakdowns, the base-year reduction.

Definitions (DATA_CONTRACT.md "Output"; DOMAIN.md §1; seeds 000, 002, 003):

- complaints_total: complaints received (received_at) in the month; complaints_responsible: of them,
  responsible (target [complaints.responsible_target] = 0, "zero responsible complaints", seed 000).
- customers served: tickets taken (taken_at) in the period that were called (called_at not empty;
  engine.measures, the one definition).
- complaint_rate_per_10k = complaints_total / customers served x [complaints.per_customers]. A unit
  with no customers served has no rate (empty, 无数据), never 0 or infinity.
- complaint_rate_reduction = 1 - (year-to-date rate / base-year rate), both per 10,000 served,
  year to date = 1 January of the report year to month end; base year [complaints.base_year]; its
  rate from data, or [complaints.base_year_rate_per_10k] for every unit when given (the data is
  gone). numerator = year-to-date rate, denominator = base-year rate (per 10,000). Target 0.40.
- praises_total: praises received in the month.

complaints_total, complaints_responsible, complaint_rate_per_10k and praises_total count events by
their own time stamp, so they are defined for any period (a week, a day: the same counts over its
days; the sum over a month's days is the month's figure); the reduction stays year-to-date monthly.

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
from svc_analysis.core.period import Period
from svc_analysis.engine import kpis, measures
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
    """Customers served (engine.measures) as rows: tickets taken in [start, end) that were called."""
    return measures.served(scoped(con, "tickets", start, end, outlets, time="taken_at"))


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


def month_kpis(con, month: Period | str, tree: pd.DataFrame, *, per_customers: float, responsible_target: float,
               scope_level: str | None = None, outlets=None) -> pd.DataFrame:
    """KPI rows complaints_total, complaints_responsible, complaint_rate_per_10k, praises_total.

    month: a Period (a month, an ISO week, a day: the counts over its days [start, end)) or a month
    YYYY-MM; kpis.csv's month and period follow it (engine.kpis.rollup).
    tree: the scope's outlet tree (ctx.scope_tree); every level from the scope down.
    """
    period = Period.parse(month)
    start, end = period.bounds
    frame = rate_frame(con, start, end, outlets)
    common = dict(month=period, area=AREA, scope_level=None if scope_level == "province" else scope_level)
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


def reduction_parts(con, month: str, tree: pd.DataFrame, *, base_year: int, base_rate: float | None,
                    per_customers: float, scope_level: str | None = None, outlets=None) -> pd.DataFrame:
    """What the reduction is made of, per (level, unit_id): ytd_complaints, ytd_served, ytd_rate (year
    to date), base_complaints, base_served (the base year, from data), base_rate (from data, or the
    params' rate for every unit when given; empty when zero or missing), base_given (the rate is the
    params'), value (1 − ytd_rate / base_rate; empty when the report year is not after the base year).
    """
    month = parse_month(month)
    year = int(month[:4])
    ytd = rate_frame(con, month_bounds(f"{year}-01")[0], month_bounds(month)[1], outlets)
    base = rate_frame(con, month_bounds(f"{base_year}-01")[0], month_bounds(f"{base_year}-12")[1], outlets)
    level = None if scope_level == "province" else scope_level
    parts = {}
    for name, frame, column in (("ytd_complaints", ytd, "complaints"), ("ytd_served", ytd, "served"),
                                ("base_complaints", base, "complaints"), ("base_served", base, "served")):
        rows = kpis.rollup(frame[["outlet_id", column]].rename(columns={column: "value"}), tree, month=month,
                           area=AREA, metric=name, kind="count", scope_level=level)
        parts[name] = rows.set_index(["level", "unit_id"])["value"]
    out = pd.DataFrame(parts)
    out["ytd_rate"] = out["ytd_complaints"] / out["ytd_served"].where(out["ytd_served"] > 0) * per_customers
    if base_rate is not None:
        base_value = pd.Series(float(base_rate), index=out.index)
    else:
        base_value = out["base_complaints"] / out["base_served"].where(out["base_served"] > 0) * per_customers
    out["base_rate"] = base_value.where(base_value > 0)
    out["base_given"] = base_rate is not None
    out["value"] = 1 - out["ytd_rate"] / out["base_rate"]
    if year <= base_year:
        out["value"] = float("nan")
    return out


def reduction_counts(con, month: str, tree: pd.DataFrame, *, base_year: int, scope_level: str | None = None,
                     outlets=None) -> pd.DataFrame:
    """The counts behind complaint_rate_reduction (reduction_parts), indexed by (level, unit_id): ytd_c,
    ytd_s (complaints and customers served from January to ``month``), base_c, base_s (the base year)."""
    parts = reduction_parts(con, month, tree, base_year=base_year, base_rate=None, per_customers=10_000,
                            scope_level=scope_level, outlets=outlets)
    return parts[["ytd_complaints", "ytd_served", "base_complaints", "base_served"]].set_axis(
        ["ytd_c", "ytd_s", "base_c", "base_s"], axis=1)


def reduction_kpis(con, month: str, tree: pd.DataFrame, *, base_year: int, base_rate: float | None,
                   target: float, per_customers: float, scope_level: str | None = None,
                   outlets=None, min_volume: float | None = None,
                   min_events: float | None = None) -> pd.DataFrame:
    """KPI rows complaint_rate_reduction at every level (definition in the module docstring; the
    parts in reduction_parts).

    No value when the report year is not after the base year, when the unit served nobody this
    year, or when the base-year rate is missing or zero (nothing to reduce from). min_volume
    (params volumes.min_denominator): a unit that served fewer customers this year, or in the base
    year when its rate comes from the data, is shown but not judged (small_sample). min_events
    (params volumes.min_events): likewise a unit with fewer complaints in the base year behind its
    base rate (only when that rate comes from the data): one complaint more or less must not turn a
    sub-branch's reduction from +50% into -150%.
    """
    month = parse_month(month)
    parts = reduction_parts(con, month, tree, base_year=base_year, base_rate=base_rate,
                            per_customers=per_customers, scope_level=scope_level, outlets=outlets)
    rows = [kpis.kpi_row(month, AREA, "complaint_rate_reduction", lv, unit, r.value,
                         numerator=r.ytd_rate, denominator=r.base_rate, target=target)
            for (lv, unit), r in parts[["value", "ytd_rate", "base_rate"]].iterrows()]
    served = parts["ytd_served"] if base_rate is not None else parts[["ytd_served", "base_served"]].min(axis=1)
    frame = kpis.frame_of(rows)
    frame = kpis.small_sample(frame, min_volume, volume=pd.Series(served.to_numpy(), index=frame.index))
    if base_rate is not None:  # the params' province rate: no unit's few complaints behind it
        return frame
    return kpis.small_sample(frame, min_events,
                             volume=pd.Series(parts["base_complaints"].to_numpy(), index=frame.index))


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


def breakdown(con, month: Period | str, by: str, outlets=None) -> pd.DataFrame:
    """Complaints of the month (or of any Period: a week's 周汇总) by one column (channel, category,
    product, responsible, complexity).

    Columns: key, label, complaints, responsible, share, cum_share (Pareto order: largest first).
    """
    allowed = ("channel", "category", "product", "responsible", "complexity")
    if by not in allowed:
        raise ValueError(f"breakdown by must be one of {', '.join(allowed)}, not {by!r}")
    start, end = Period.parse(month).bounds
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


def descriptions(con, start: datetime, end: datetime, outlets=None) -> pd.Series:
    """Complaint texts (description) received in [start, end), for keyword analysis (text.top_terms)."""
    rows = scoped(con, "complaints", start, end, outlets).filter(_.description.notnull())
    return rows.select("description").to_pandas()["description"]
