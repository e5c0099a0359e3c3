"""Queue efficiency 服务效率 (DOMAIN.md §5; seeds 001, 003, 004): wait statistics and the KPI rows.

Definitions (DATA_CONTRACT.md; params in brackets):
- a ticket belongs to the month in which it was taken (taken_at in [month start, next month start));
- wait = called_at − taken_at in minutes, from the two timestamps (a wait across midnight is just
  longer, never negative; engine.measures.wait_minutes); a ticket with no called_at is a customer who
  left unserved and has no wait;
- customers served = tickets of the month that were called (engine.measures, the one definition);
- overtime 超时等候: a wait longer than [queue.overtime_wait_minutes] (default 20: the bank's own
  choice, no public standard sets it);
- overtime outlet 超时网点: an outlet whose overtime share in the month is above
  [queue.overtime_outlet_share]; goal [queue.overtime_outlets_target] = 0 (超时网点零发生).

KPI rows (docs/kpis.md): avg_wait_minutes = wait minutes / customers served, overtime_wait_share =
overtime tickets / customers served, unserved_share = tickets not called / tickets, overtime_outlets =
count of overtime outlets (numerator; denominator = the outlets that served a customer in the month,
shown as "25 / 48"): all roll up by adding numerators and denominators (kpis.rollup).
p90_wait_minutes, the 90th percentile of waits (DuckDB quantile_cont: linear interpolation between
order statistics, as numpy's default percentile), does not add up: the engine computes it over each
unit's own tickets at every level.

The outlets that count (counting_outlets): staffed outlets open on at least one day of the month,
plus any outlet with tickets in the month, so no ticket is left out of a roll-up.

Every figure here is defined over any run of days: the functions that take ``month`` also take a
core.period.Period (an ISO week for the weekly bulletin 周通报, a day), the same definitions over the
period's days [start, end); the sums over a month's days add up to the month's.
"""

from __future__ import annotations

import ibis
import pandas as pd

from svc_analysis.engine import measures
from svc_analysis.engine import kpis
from svc_analysis.engine import org
from svc_analysis.views import plotting
from svc_analysis.engine import warehouse
from svc_analysis.core.period import Period
from svc_analysis.core.safety import md, md_list

AREA = "queue"
PERCENTILE = 0.9  # p90_wait_minutes: the percentile is part of the metric's name
NAMES_IN_TEXT = 5  # presentation only: a sentence names the worst few, the table lists the rest
STATS_COLUMNS = ["tickets", "served", "unserved", "wait_minutes", "overtime", "p90_wait"]


class QueueDataError(ValueError):
    """Tickets the queue figures cannot use (the message names the table, row key and column)."""


def tickets_between(con, start, end, outlets: list[str] | None, threshold: float):
    """The tickets taken in [start, end) at ``outlets`` (None = all), an Ibis expression over the
    tickets table (warehouse.engine) with ``day`` (the date taken), ``wait`` (minutes, NULL when not
    called) and ``overtime`` (wait > threshold; NULL when not called)."""
    t = warehouse.engine(con).table("tickets")
    t = org.scope_filter(t.filter(t.taken_at >= start, t.taken_at < end), outlets)
    wait = measures.wait_minutes(t)
    return t.mutate(day=t.taken_at.date(), wait=wait, overtime=wait > float(threshold))


def month_tickets(con, month: Period | str, outlets: list[str] | None, threshold: float):
    """tickets_between over the report month (a ticket belongs to the month it was taken in), or over
    any Period's days (a week, a day)."""
    start, end = Period.parse(month).bounds
    return tickets_between(con, start, end, outlets, threshold)


def check_waits(con, month: Period | str, outlets: list[str] | None = None) -> None:
    """Raise QueueDataError when a ticket of the month was called before it was taken.

    Ingest sets such rows aside (contract rule ``called_after_taken``); one in the warehouse means it
    was written around ingest, and a negative wait would bend every figure, so nothing is computed.
    """
    t = month_tickets(con, month, outlets, 0.0)
    t = t.filter(t.wait < 0)
    # the first such ticket by taken_at (a window + filter: first(order_by=) is refused on Spark)
    t = t.mutate(n=t.ticket_id.count().over(ibis.window()),
                 place=ibis.row_number().over(order_by=[t.taken_at, t.ticket_id]))
    found = t.filter(t.place == 0).select("n", "ticket_id", "outlet_id", "taken_at").to_pandas()
    if len(found):
        bad = found.iloc[0]
        raise QueueDataError(
            f"table tickets: {int(bad['n'])} row(s) of {Period.parse(month).key} have column called_at before taken_at, e.g. "
            f"ticket {bad['ticket_id']} at outlet {bad['outlet_id']} taken {bad['taken_at']}; re-load them "
            f"with `svc ingest`, which sets such rows aside (rule called_after_taken)")


def counting_outlets(con, tree: pd.DataFrame, month: Period | str) -> pd.DataFrame:
    """The rows of ``tree`` (the scope's outlet tree) that count for the month, or any Period (module docstring)."""
    period = Period.parse(month)
    first, last = period.start, period.last_day
    opened = tree["opened_on"].map(lambda d: d is None or pd.isna(d) or d <= last)
    not_closed = tree["closed_on"].map(lambda d: d is None or pd.isna(d) or d > first)
    t = month_tickets(con, month, tree["outlet_id"].tolist(), 0.0)
    with_tickets = set(t.select("outlet_id").distinct().to_pandas()["outlet_id"])
    staffed = ~tree["outlet_type"].isin(org.UNSTAFFED_TYPES)
    keep = (staffed & opened & not_closed) | tree["outlet_id"].isin(with_tickets)
    return tree[keep.astype(bool)].reset_index(drop=True)


def _aggregates(t) -> dict:
    """STATS_COLUMNS (and negative_waits, for check_waits) as Ibis reductions over month_tickets."""
    return {"tickets": t.count(), "served": measures.customers_served(t), "unserved": t.count() - measures.customers_served(t),
            "wait_minutes": t.wait.sum().fill_null(0), "overtime": t.count(where=t.overtime),
            "p90_wait": t.wait.quantile(PERCENTILE), "negative_waits": t.count(where=t.wait < 0)}


def outlet_stats(con, month: Period | str, threshold: float, outlets: list[str] | None = None) -> pd.DataFrame:
    """Per outlet with tickets in the month: tickets, served, unserved, wait_minutes (sum), overtime,
    p90_wait, and the ratios mean_wait, overtime_share (of served) and unserved_share (of tickets)."""
    t = month_tickets(con, month, outlets, threshold)
    frame = t.group_by("outlet_id").aggregate(**_aggregates(t)).order_by("outlet_id").to_pandas()
    return add_ratios(frame)


def add_ratios(frame: pd.DataFrame) -> pd.DataFrame:
    """mean_wait, overtime_share, unserved_share from the sums; NaN (无数据) where the base is 0."""
    out = frame.copy()
    served = out["served"].where(out["served"] > 0)
    out["mean_wait"] = out["wait_minutes"] / served
    out["overtime_share"] = out["overtime"] / served
    out["unserved_share"] = out["unserved"] / out["tickets"].where(out["tickets"] > 0)
    return out


def level_stats(con, month: Period | str, threshold: float, tree: pd.DataFrame,
                scope_level: str = org.PROVINCE) -> pd.DataFrame:
    """STATS_COLUMNS and ratios for every unit of every published level, the percentile in the engine.

    ``tree``: the outlets that count (counting_outlets). Units with no tickets appear with zero counts
    and no p90. Columns: level, unit_id, STATS_COLUMNS, mean_wait, overtime_share, unserved_share.
    """
    mapping = tree[["outlet_id", "subbranch", "branch"]].astype(str)
    t = month_tickets(con, month, mapping["outlet_id"].tolist(), threshold)
    t = t.join(ibis.memtable(mapping), "outlet_id")
    # one group-by per level (GROUPING SETS has no Ibis form), unioned into one round trip
    parts = [t.aggregate(level=ibis.literal(org.PROVINCE), unit_id=ibis.literal("province"), **_aggregates(t))]
    for level in ("branch", "subbranch", "outlet"):
        column = kpis.LEVEL_COLUMNS[level]
        parts.append(t.group_by(level=ibis.literal(level), unit_id=t[column]).aggregate(**_aggregates(t)))
    raw = ibis.union(*parts).to_pandas()
    units = []
    for level in kpis.levels_for_scope(None if scope_level == org.PROVINCE else scope_level):
        names = ["province"] if level == org.PROVINCE else sorted(set(mapping[kpis.LEVEL_COLUMNS[level]]))
        units.append(pd.DataFrame({"level": level, "unit_id": names}))
    frame = pd.concat(units, ignore_index=True).merge(raw, on=["level", "unit_id"], how="left")
    counts = ["tickets", "served", "unserved", "wait_minutes", "overtime", "negative_waits"]
    frame[counts] = frame[counts].astype("float64").fillna(0.0)
    frame["p90_wait"] = frame["p90_wait"].astype("float64")
    return add_ratios(frame)


def wait_kpis(con, month: Period | str, tree: pd.DataFrame, *, threshold: float, tolerance: float,
              outlets_target: int, scope_level: str = org.PROVINCE, levels: pd.DataFrame | None = None
              ) -> pd.DataFrame:
    """The queue KPI rows at every level (module docstring), from the outlets that count in ``tree``.

    threshold [queue.overtime_wait_minutes]; tolerance [queue.overtime_outlet_share], also the
    target of overtime_wait_share (lower is better); outlets_target [queue.overtime_outlets_target].
    levels: level_stats for the same month, threshold, tree and scope when the caller already has
    them (saves one pass over the month's tickets); computed here otherwise.
    """
    if levels is None:
        levels = level_stats(con, month, threshold, tree, scope_level)
    if levels["negative_waits"].sum() > 0:  # counted in the same pass; check_waits names a ticket
        check_waits(con, month, tree["outlet_id"].tolist())
    per = levels[levels["level"] == "outlet"].rename(columns={"unit_id": "outlet_id"})
    scoped = None if scope_level == org.PROVINCE else scope_level
    period = Period.parse(month)  # a week publishes its key as period, the month of its last day as month
    common = {"month": period, "area": AREA, "scope_level": scoped}

    def ratio(metric, num, den, target=None):
        part = per.rename(columns={num: "numerator", den: "denominator"})
        return kpis.rollup(part, tree, metric=metric, target=target, higher_is_better=False, **common)

    p90 = pd.DataFrame({"month": period.month_key, "period": period.key, "area": AREA, "metric": "p90_wait_minutes",
                        "level": levels["level"], "unit_id": levels["unit_id"], "value": levels["p90_wait"], "numerator": float("nan"),
                        "denominator": float("nan"), "target": float("nan"),
                        "meets_target": pd.array([pd.NA] * len(levels), dtype="boolean")})
    return pd.concat([
        ratio("avg_wait_minutes", "wait_minutes", "served"),
        ratio("overtime_wait_share", "overtime", "served", target=tolerance),
        kpis.complete(p90),
        ratio("unserved_share", "unserved", "tickets"),
        overtime_outlet_rows(per, tree, tolerance, outlets_target, common),
    ], ignore_index=True)


def overtime_outlet_rows(per: pd.DataFrame, tree: pd.DataFrame, tolerance: float, outlets_target: int,
                         common: dict) -> pd.DataFrame:
    """overtime_outlets rows: value = the count of overtime outlets (overtime share above ``tolerance``),
    judged against ``outlets_target``; numerator = that count, denominator = the outlets that served a
    customer in the month (the outlets judged), so a reader sees "25 of 48" (issue 14)."""
    flag = (per["overtime_share"] > tolerance).astype("float64")
    counts = kpis.rollup(per.assign(value=flag), tree, metric="overtime_outlets", kind="count",
                         target=outlets_target, higher_is_better=False, **common)
    judged = kpis.rollup(per.assign(numerator=flag, denominator=(per["served"] > 0).astype("float64")), tree,
                         metric="overtime_outlets", **common)
    keys = ["level", "unit_id"]
    counts = counts.drop(columns=["numerator", "denominator"]).merge(
        judged[keys + ["numerator", "denominator"]], on=keys, how="left")
    return counts[kpis.KPI_COLUMNS]


def overtime_outlets(stats: pd.DataFrame, tree: pd.DataFrame, tolerance: float) -> pd.DataFrame:
    """The overtime outlets (overtime share above ``tolerance``) from outlet rows of level_stats or
    outlet_stats, worst first, with their names and place in the tree."""
    rows = stats.rename(columns={"unit_id": "outlet_id"})
    if "level" in rows.columns:
        rows = rows[rows["level"] == "outlet"]
    rows = rows[rows["overtime_share"] > tolerance].drop(columns=["level"], errors="ignore")
    names = tree[["outlet_id", "outlet_name", "subbranch", "branch"]]
    return (names.merge(rows, on="outlet_id").sort_values(["overtime_share", "outlet_id"], ascending=[False, True])
            .reset_index(drop=True))


def summary_levels(levels: pd.DataFrame, scope_level: str = org.PROVINCE) -> pd.DataFrame:
    """The rows of level_stats for the scope's own unit and the level just below it (the headline table)."""
    order = list(kpis.LEVELS)
    below = order[min(order.index(scope_level) + 1, len(order) - 1)]
    return levels[levels["level"].isin([scope_level, below])].reset_index(drop=True)


def kpi_value(rows: pd.DataFrame, metric: str, level: str, unit_id: str):
    """One figure from KPI rows (None when the row is missing or has no value)."""
    hit = rows[(rows["metric"] == metric) & (rows["level"] == level) & (rows["unit_id"] == unit_id)]
    return None if hit.empty or pd.isna(hit["value"].iloc[0]) else float(hit["value"].iloc[0])


def headline_sentence(rows: pd.DataFrame, level: str, unit_id: str, label: str, *, threshold: float,
                      tolerance: float, outlets_target: int, overtime_outlets: list[str]) -> str:
    """The month in one paragraph (Chinese), from wait_kpis rows for the scope's own unit.

    overtime_outlets: names worst first (overtime_outlets()); the first NAMES_IN_TEXT are named.
    """
    def get(metric):
        return kpi_value(rows, metric, level, unit_id)

    avg, p90 = get("avg_wait_minutes"), get("p90_wait_minutes")
    if avg is None:
        return f"{md(label)}本月没有已叫号的排队记录，等候指标均为{plotting.NO_DATA}。"
    count = int(get("overtime_outlets") or 0)
    goal = "达到" if count <= outlets_target else "未达到"
    named = f"：{md_list(overtime_outlets[:NAMES_IN_TEXT])}" if overtime_outlets else ""
    if len(overtime_outlets) > NAMES_IN_TEXT:
        named += f" 等（超时占比最高的 {NAMES_IN_TEXT} 个）"
    return (f"{md(label)}本月客户平均等候 **{avg:.1f} 分钟**，90% 的客户在 **{p90:.1f} 分钟**内被叫号；"
            f"等候超过 {threshold:g} 分钟（超时标准为本行自定，无公开的统一标准）的客户占 "
            f"**{plotting.fmt_pct(get('overtime_wait_share'))}**，取号后未办理离开的占 "
            f"**{plotting.fmt_pct(get('unserved_share'))}**。超时客户占比高于 {plotting.fmt_pct(tolerance)} "
            f"的超时网点 **{count} 个**（目标 {outlets_target} 个，{goal}目标）{named}。")
