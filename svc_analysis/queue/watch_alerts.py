"""The daily watch's queue alerts 日监测、日督导 (issue 15; DOMAIN.md §5 "daily monitoring").

``con`` is the warehouse as known at the day's end (engine.as_of). Definitions as in queue.py and
monitor.py (wait = called_at − taken_at; a ticket belongs to the day it was taken; overtime = a wait
above [queue.overtime_wait_minutes]); params in brackets:

- overtime_day 当日超时等候: an outlet whose overtime share on the day (overtime tickets / tickets
  called) is above [queue.watch.overtime_share], judged only when it served at least
  [queue.watch.min_served] customers that day (volume-aware: three customers, one of them late, is
  not a 33 % day). Worst share first.
- no_queue_data 开门无排队数据: a staffed outlet open on the day (org.open_mask: opened_on ≤ day <
  closed_on; self-service banks have no queue) without a single ticket taken that day. A weekend day
  ([queue.peaks.weekend_days]) is skipped for an outlet that had no ticket on that weekday in the
  [queue.watch.trading_weeks] weeks before: the data show it does not trade then. Working days are
  never skipped (public holidays are not in the data: an outlet closed on a holiday is listed, which
  the reader recognises at a glance). When no expected outlet of the scope has any ticket, the feed
  itself is missing: one alert for the scope instead of one per outlet.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from svc_analysis.engine import measures
from svc_analysis.core.areas import WATCH_ALERT_COLUMNS
from svc_analysis.core.period import Period
from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope
from svc_analysis.queue.queue import tickets_between

ACTIONS = {
    "overtime_day": "核查当日窗口开放和排班，高峰时段启用弹性窗口、引导客户分流",
    "no_queue_data": "核实网点当日是否营业、排队叫号系统是否正常、数据是否已报送",
    "no_queue_feed": "核实排队叫号数据是否已按时报送并导入",
}


def day_counts(con, scope: Scope, day: Period, threshold: float) -> pd.DataFrame:
    """Per outlet of the scope with a ticket taken on the day: tickets, served (called), overtime."""
    t = tickets_between(con, *day.bounds, scope.outlets, threshold)
    return (t.group_by("outlet_id").aggregate(tickets=t.count(), served=measures.customers_served(t),
                                              overtime=t.count(where=t.overtime)).to_pandas())


def trading_on_weekday(con, scope: Scope, day: Period, weeks: int) -> set[str]:
    """The outlets with a ticket taken on the day's weekday in the ``weeks`` weeks before the day."""
    start = day.start - timedelta(days=7 * weeks)
    t = tickets_between(con, start, day.bounds[0], scope.outlets, 0.0)
    t = t.filter(t.taken_at.day_of_week.index() == day.start.weekday())
    return set(t.select("outlet_id").distinct().to_pandas()["outlet_id"])


def expected_outlets(con, params, scope: Scope, day: Period) -> pd.DataFrame:
    """The rows of the scope's tree expected to have queue data on the day (module docstring)."""
    tree = scope.tree_in_scope
    tree = tree[~tree["outlet_type"].isin(org.UNSTAFFED_TYPES) & org.open_mask(tree, day.start)]
    if day.start.weekday() in params.queue.peaks.weekend_days:
        tree = tree[tree["outlet_id"].isin(trading_on_weekday(con, scope, day, params.queue.watch.trading_weeks))]
    return tree.reset_index(drop=True)


def _row(rule_id: str, rule: str, subject: str, unit: str, figure: str, threshold: str) -> dict:
    return {"rule_id": rule_id, "subject": subject, "rule": rule, "unit": unit, "figure": figure,
            "threshold": threshold, "action": ACTIONS[rule_id]}


def overtime_alerts(counts: pd.DataFrame, params, scope: Scope) -> list[dict]:
    """overtime_day rows from day_counts, worst share first (ties: outlet id)."""
    q = params.queue
    judged = counts[counts["served"] >= q.watch.min_served].copy()
    judged["share"] = judged["overtime"] / judged["served"]
    hit = judged[judged["share"] > q.watch.overtime_share].sort_values(["share", "outlet_id"],
                                                                      ascending=[False, True])
    threshold = (f"当日超时客户占比高于 {q.watch.overtime_share:.0%}（等候超过 {q.overtime_wait_minutes:g} 分钟为超时，"
                 f"当日服务不少于 {q.watch.min_served} 人才判断）")
    return [_row("overtime_day", "当日超时等候", r.outlet_id, scope.outlet_label(r.outlet_id),
                 f"超时 {r.overtime} 人 / 已叫号 {r.served} 人，占 {r.share:.1%}", threshold)
            for r in hit.itertuples()]


def no_data_alerts(counts: pd.DataFrame, expected: pd.DataFrame, scope: Scope) -> list[dict]:
    """no_queue_data rows (or one no_queue_feed row when no expected outlet has any ticket)."""
    missing = expected[~expected["outlet_id"].isin(set(counts["outlet_id"]))]
    if missing.empty:
        return []
    if len(missing) == len(expected) and len(expected) > 1:
        return [_row("no_queue_feed", "无排队数据", "*", scope.label,
                     f"{len(expected)} 个应营业网点当日均无取号记录", "营业网点每日应有排队数据")]
    return [_row("no_queue_data", "开门无排队数据", r.outlet_id, scope.outlet_label(r.outlet_id),
                 "当日无取号记录", "营业网点每日应有排队数据")
            for r in missing.sort_values("outlet_id").itertuples()]


def alerts(con, params, scope: Scope, day: Period) -> pd.DataFrame:
    """Every queue alert of ``day`` (WATCH_ALERT_COLUMNS): overtime outlets, then missing data."""
    if day.kind != "day":
        raise ValueError(f"日监测按天计算，报告期 {day.key} 不是一天 (the watch takes a day, not {day.kind})")
    counts = day_counts(con, scope, day, params.queue.overtime_wait_minutes)
    rows = overtime_alerts(counts, params, scope) + no_data_alerts(counts, expected_outlets(con, params, scope, day),
                                                                    scope)
    return pd.DataFrame(rows, columns=list(WATCH_ALERT_COLUMNS))
