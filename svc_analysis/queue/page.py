"""The sections of the queue notebook (50_queue): the Page of shared frames, computed once for the
run's scope and period, and one function per section returning what the page shows (tables from
queue.views, charts from queue.charts), so the notebook only calls and shows. No figure is computed
here: the area's KPI rows come in (area.kpi_rows), the rest from queue.py, monitor.py, peaks.py,
windows.py and business.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from svc_analysis.core.period import Period
from svc_analysis.engine.scope import Scope
from svc_analysis.queue import business as business_mod
from svc_analysis.queue import monitor, peaks, queue, windows
from svc_analysis.queue.charts import (plot_business_types, plot_complaint_link, plot_heatmap, plot_staffing,
                                       plot_weekday_hour)
from svc_analysis.queue.views import LEVEL_ZH, ranking_display, table
from svc_analysis.stats import intervals
from svc_analysis.views import kpi_display

# the interval each published share takes (stats.intervals): shares of counted customers and tickets
INTERVALS = {"overtime_wait_share": "wilson", "unserved_share": "wilson"}
HEADLINE_METRICS = ["avg_wait_minutes", "p90_wait_minutes", "overtime_wait_share", "unserved_share"]

OVERTIME_COLUMNS = ["outlet_id", "outlet_name", "subbranch", "branch", "served", "mean_wait", "p90_wait",
                    "overtime_share", "unserved_share"]


@dataclass
class Page:
    """The frames notebook 50's sections share, computed once for the run's scope and period.

    tree: the outlets that count (queue.counting_outlets); levels: queue.level_stats; rows: the area's
    KPI rows (area.kpi_rows, what the notebook publishes); worst: the heat map's outlets; focus: the
    outlets drawn one by one (params queue.peak_outlets, else the worst)."""

    con: object
    scope: Scope
    month: str
    qp: object
    per_customers: float
    rows: pd.DataFrame
    tree: pd.DataFrame
    levels: pd.DataFrame
    late: pd.DataFrame
    worst: list[str]
    focus: list[str]
    min_served: float | None = None  # params volumes: below it a unit's overtime share is not ranked

    @property
    def names(self) -> pd.Series:
        return self.tree.set_index("outlet_id")["outlet_name"]

    def title(self, outlet_id: str, what: str) -> str:
        return f"{self.names[outlet_id]}（{outlet_id}）：{what}"


def page(con, params, scope: Scope, period: Period, rows: pd.DataFrame) -> Page:
    """The shared frames of notebook 50 (``rows``: the area's KPI rows for the same scope and period)."""
    qp, month = params.queue, period.month_key
    tree = queue.counting_outlets(con, scope.tree_in_scope, month)
    levels = queue.level_stats(con, month, qp.overtime_wait_minutes, tree, scope.level)
    worst = monitor.worst_outlets(levels, qp.heatmap_outlets)
    return Page(con, scope, month, qp, params.complaints.per_customers, rows, tree, levels,
                queue.overtime_outlets(levels, tree, qp.overtime_outlet_share), worst,
                peaks.focus_outlets(qp.peak_outlets, worst, tree["outlet_id"].tolist()),
                params.volumes.minimum("overtime_wait_share"))


def headline(p: Page) -> tuple[str, kpi_display.KpiTable]:
    """The month in one paragraph, and the KPI rows of the scope's own unit and the level below it
    (views.kpi_display.wide: each share with its 95% Wilson interval and its status word)."""
    qp, s = p.qp, p.scope
    text = queue.headline_sentence(p.rows, s.level, s.unit_id, s.label, threshold=qp.overtime_wait_minutes,
                                   tolerance=qp.overtime_outlet_share, outlets_target=qp.overtime_outlets_target,
                                   overtime_outlets=p.late["outlet_name"].tolist())
    order = list(LEVEL_ZH)
    below = order[min(order.index(s.level) + 1, len(order) - 1)]
    rows = p.rows[p.rows["level"].isin([s.level, below]) & p.rows["metric"].isin(HEADLINE_METRICS)]
    shown = intervals.kpi_intervals(rows, INTERVALS)
    names = dict(zip(p.tree["outlet_id"], p.tree["outlet_name"])) if below == "outlet" else {}
    return text, kpi_display.wide(shown, HEADLINE_METRICS, names=names, index_name="单位",
                                  volumes={"overtime_wait_share": "已叫号客户"})


def overtime_table(p: Page) -> pd.DataFrame:
    """The overtime outlets, worst first (the first queue.ranking_top_n)."""
    return table(p.late.head(p.qp.ranking_top_n), OVERTIME_COLUMNS)


def heatmap(p: Page):
    """Daily overtime share of the worst outlets (a figure)."""
    daily = monitor.daily_overtime(p.con, p.month, p.tree[p.tree["outlet_id"].isin(p.worst)],
                                   p.qp.overtime_wait_minutes)
    return plot_heatmap(monitor.heatmap_frame(daily, p.worst, p.tree), p.qp.overtime_outlet_share)


def weekly_ranking(p: Page) -> list:
    """The 周通报: for outlets, then sub-branches, a sentence and the ranking table."""
    weekly = monitor.weekly_counts(p.con, p.month, p.tree, p.qp.overtime_wait_minutes)
    out = []
    for level, word in (("outlet", "网点"), ("subbranch", "支行")):
        rank = monitor.ranking_table(monitor.ranking(weekly, p.tree, level, p.min_served), p.tree, level)
        out += [monitor.ranking_sentence(rank, p.qp.overtime_outlet_share, word),
                ranking_display(rank.head(p.qp.ranking_top_n), level)]
    return out


def peak_hours(p: Page) -> tuple[str, pd.DataFrame]:
    """The scope's weekday × hour chart (drawn), a sentence and the peak periods' table."""
    pk = p.qp.peaks
    grid = peaks.weekday_hour(p.con, p.month, p.scope.outlets, p.qp.overtime_wait_minutes)
    summary = peaks.peak_summary(grid, pk.opening_hours, pk.noon_hours, pk.weekend_days)
    plot_weekday_hour(peaks.pivot(grid, "arrivals"), peaks.pivot(grid, "mean_wait"), f"{p.scope.label}：星期 × 小时")
    return (peaks.peak_sentence(summary, p.qp.overtime_wait_minutes),
            table(summary, ["label", "tickets", "arrivals", "mean_wait", "overtime_share"]))


def focus_peak_hours(p: Page) -> list:
    """The weekday × hour chart of each focus outlet (figures)."""
    out = []
    for outlet_id in p.focus:
        one = peaks.weekday_hour(p.con, p.month, [outlet_id], p.qp.overtime_wait_minutes)
        out.append(plot_weekday_hour(peaks.pivot(one, "arrivals"), peaks.pivot(one, "mean_wait"),
                                     p.title(outlet_id, "星期 × 小时")))
    return out


def staffing(p: Page) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the staffing plan per outlet and hour, the worst outlets' peak windows for reading)."""
    qp = p.qp
    load = windows.hourly_load(p.con, p.month, p.tree["outlet_id"].tolist(), qp.overtime_wait_minutes,
                               qp.peaks.weekend_days)
    plan = windows.staffing_plan(load, qp.overtime_wait_minutes, qp.staffing_service_level, qp.staffing_max_windows)
    return plan, table(windows.peak_windows(plan, p.tree, p.worst))


def staffing_charts(p: Page, plan: pd.DataFrame) -> list:
    """Windows needed per hour at each focus outlet (figures)."""
    return [plot_staffing(plan, o, p.title(o, "各小时需开窗口数")) for o in p.focus]


def business(p: Page) -> pd.DataFrame:
    """Business types: the chart (drawn) and the table."""
    types = business_mod.business_types(p.con, p.month, p.scope.outlets, p.qp.overtime_wait_minutes)
    plot_business_types(types, p.qp.overtime_wait_minutes)
    return table(types)


def complaint_link(p: Page) -> str:
    """Overtime share against efficiency complaints per outlet: the chart (drawn) and a sentence."""
    qp = p.qp
    first, last = business_mod.link_window(p.month, qp.complaint_link_months)
    link = business_mod.complaint_link(p.con, p.month, p.tree, qp.overtime_wait_minutes, qp.complaint_link_months,
                                       p.per_customers)
    plot_complaint_link(link, qp.overtime_outlet_share)
    return business_mod.link_sentence(link, business_mod.link_correlation(link), first, last)
