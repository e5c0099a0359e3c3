"""Charts and display tables of the queue notebook (50_queue), from the frames of queue.py,
queue_monitor.py, peaks.py, staffing.py and queue_business.py. No figure is computed here: only
labels, formats (plotting: percents, 无数据 for missing) and drawing; and the notebook's sections
(Page and one function per section) so the notebook only calls and shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from svc_analysis.core import status
from svc_analysis.core.period import Period
from svc_analysis.engine.scope import Scope
from svc_analysis.queue import business as business_mod
from svc_analysis.queue import monitor, peaks, queue, windows
from svc_analysis.stats import intervals, proportions
from svc_analysis.views import kpi_display, plotting
from svc_analysis.engine.scope import LEVEL_LABELS

LABELS = {
    "level": "层级", "unit_id": "单位", "outlet_id": "网点编号", "outlet_name": "网点名称", "subbranch": "支行",
    "branch": "二级分行", "tickets": "取号数", "served": "已叫号客户", "unserved": "未办理离开",
    "overtime": "超时客户", "mean_wait": "平均等候(分钟)", "p90_wait": "90%分位等候(分钟)",
    "overtime_share": "超时占比", "unserved_share": "未办理离开占比", "rank": "本月排名", "share": "取号占比",
    "interval": "超时占比 95% 区间",
    "business_type": "业务类型", "mean_service": "平均办理(分钟)", "p90_service": "90%分位办理(分钟)",
    "label": "时段", "arrivals": "每网点每小时到达", "efficiency_complaints": "效率类投诉",
    "complaints_per_10k": "每万名客户效率投诉", "survey_efficiency": "问卷效率评分", "survey_answers": "问卷份数",
    "service_minutes": "平均办理(分钟)", "weekday_max": "工作日最多需", "weekday_peak_hour": "工作日高峰(时)",
    "weekday_min": "工作日最少需", "weekend_max": "周末最多需", "weekend_peak_hour": "周末高峰(时)",
    "weekend_min": "周末最少需",
}
LEVEL_ZH = LEVEL_LABELS  # the level names of engine.scope, one spelling for every page
PERCENT = ("overtime_share", "unserved_share", "share")
SMALL_SAMPLE = status.label(status.SMALL_SAMPLE)
# the interval each published share takes (stats.intervals): shares of counted customers and tickets
INTERVALS = {"overtime_wait_share": "wilson", "unserved_share": "wilson"}
HEADLINE_METRICS = ["avg_wait_minutes", "p90_wait_minutes", "overtime_wait_share", "unserved_share"]


def _rounded(frame: pd.DataFrame, digits: int = 1) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if col not in PERCENT and pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(digits)
    return out


def table(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """A queue frame ready to show: chosen columns, Chinese headers, shares as percents (无数据 when
    missing), minutes to one decimal, counts as integers."""
    out = frame[columns] if columns else frame
    out = _rounded(out)
    for col in ("tickets", "served", "unserved", "overtime"):
        if col in out.columns:
            out[col] = out[col].astype("int64")
    if "level" in out.columns:
        if "unit_id" in out.columns:
            out["unit_id"] = out["unit_id"].where(out["level"] != "province", LEVEL_ZH["province"])
        out["level"] = out["level"].map(LEVEL_ZH)
    return plotting.display_frame(out, LABELS, percent=PERCENT)


def _ranked(share, rank, small) -> str:
    if pd.isna(share):
        return plotting.NO_DATA
    return f"{plotting.fmt_pct(share)}（{SMALL_SAMPLE if small is True else rank}）"


def ranking_display(rank_table: pd.DataFrame, level: str) -> pd.DataFrame:
    """The 周通报 table: unit, names, month served / share with its 95% Wilson interval / rank, then
    each week as '70.9%（1）'; a unit or week below the minimum volume shows 样本不足 instead of a rank."""
    names = ["unit_id", "outlet_name", "subbranch", "branch"] if level == "outlet" else ["unit_id", "branch"]
    out = rank_table[names + ["served", "overtime_share"]].copy()
    small = rank_table["small"].fillna(False).astype(bool) if "small" in rank_table else pd.Series(False, out.index)
    served = rank_table["served"].to_numpy()
    lower, upper = proportions.wilson(np.rint(rank_table["overtime"].to_numpy()), served)
    out["interval"] = [("" if s or pd.isna(lo) else f"{plotting.fmt_pct(lo)}–{plotting.fmt_pct(hi)}")
                       for s, lo, hi in zip(small, lower, upper)]
    out["rank"] = rank_table["rank"]
    for col in [c for c in rank_table.columns if c.endswith(" 排名")]:
        week = col[: -len(" 排名")]
        share, rank = rank_table[f"{week} 超时占比"], rank_table[col]
        week_small = rank_table.get(f"{week} 样本不足", pd.Series(False, rank_table.index))
        out[week] = [_ranked(s, r, bool(w) if pd.notna(w) else False) for s, r, w in zip(share, rank, week_small)]
    out["rank"] = [SMALL_SAMPLE if s else (plotting.NO_DATA if pd.isna(r) else r) for s, r in zip(small, out["rank"])]
    labels = dict(LABELS, unit_id="网点编号" if level == "outlet" else "支行")
    return plotting.display_frame(out, labels, percent=PERCENT)


def plot_heatmap(wide: pd.DataFrame, tolerance: float):
    """Calendar heatmap: overtime share per outlet (rows) and day (columns); grey = closed or no data."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    height = max(2.0, 0.45 * len(wide) + 1.2)
    fig, ax = plt.subplots(figsize=(plotting.FIGURE_SIZE[0], height))
    if wide.empty:
        ax.text(0.5, 0.5, plotting.NO_DATA, ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    ax.set_facecolor("#dddddd")  # NaN cells: closed or no called ticket
    vmax = max(0.5, float(np.nanmax(wide.to_numpy(dtype=float))) if wide.notna().any().any() else 0.5)
    sns.heatmap(wide.astype(float), ax=ax, cmap="Reds", vmin=0, vmax=vmax, linewidths=0.5, linecolor="white",
                cbar_kws={"format": plotting.percent_formatter(0), "label": "超时占比"})
    ax.set_xlabel("日（灰色：未营业或无叫号记录）")
    ax.set_ylabel("")
    ax.set_title(f"每日超时客户占比（超时网点判定线 {plotting.fmt_pct(tolerance)}）", fontsize="medium")
    fig.tight_layout()
    return fig


def plot_weekday_hour(arrivals: pd.DataFrame, waits: pd.DataFrame, title: str = ""):
    """Two heatmaps side by side: arrivals per outlet-hour and mean wait, weekday x hour (peaks.pivot)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    fig, axes = plt.subplots(1, 2, figsize=(plotting.FIGURE_SIZE[0], 3.6))
    for ax, frame, cmap, label in ((axes[0], arrivals, "Blues", "每网点每小时到达人数"),
                                   (axes[1], waits, "Oranges", "平均等候(分钟)")):
        ax.set_title(label, fontsize="medium")
        if frame.empty or frame.isna().all().all():  # seaborn cannot scale colours on no value
            plotting.no_data(ax, plotting.NO_DATA_MONTH)
            continue
        ax.set_facecolor("#dddddd")
        sns.heatmap(frame.astype(float), ax=ax, cmap=cmap, annot=True, fmt=".0f", cbar=False,
                    annot_kws={"fontsize": 7}, linewidths=0.5, linecolor="white")
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(axis="x", labelrotation=0, labelsize=7)
        ax.tick_params(axis="y", labelrotation=0)
    if title:
        fig.suptitle(title, fontsize="medium")
    fig.tight_layout()
    return fig


def plot_business_types(types: pd.DataFrame, threshold: float):
    """Mean and 90th-percentile wait, and mean service time, per business type (horizontal bars)."""
    import matplotlib.pyplot as plt

    frame = types.sort_values("tickets")
    y = np.arange(len(frame))
    fig, axes = plt.subplots(1, 2, figsize=plotting.FIGURE_SIZE, sharey=True)
    if frame.empty:
        for ax, label in zip(axes, ("等候时间(分钟)", "平均办理时间(分钟)")):
            ax.set_title(label, fontsize="medium")
            plotting.no_data(ax, plotting.NO_DATA_MONTH)
        return fig
    axes[0].barh(y - 0.2, frame["mean_wait"], height=0.4, color=plotting.PALETTE[0], label="平均")
    axes[0].barh(y + 0.2, frame["p90_wait"], height=0.4, color=plotting.PALETTE[2], label="90%分位")
    axes[0].axvline(threshold, color=plotting.HIGHLIGHT, linestyle="--", linewidth=1, label=f"超时线 {threshold:g} 分钟")
    axes[0].set_title("等候时间(分钟)", fontsize="medium")
    axes[0].legend(fontsize="small", loc="lower right")
    axes[1].barh(y, frame["mean_service"], height=0.6, color=plotting.PALETTE[1])
    axes[1].set_title("平均办理时间(分钟)", fontsize="medium")
    axes[0].set_yticks(y, frame["business_type"])
    fig.tight_layout()
    return fig


def plot_complaint_link(link: pd.DataFrame, tolerance: float, label_top: int = 3):
    """Scatter per outlet: overtime share (x) against efficiency complaints per 10,000 served (y);
    outlets above the tolerance in the highlight colour, the worst few named."""
    import matplotlib.pyplot as plt

    rows = link[link["served"] > 0]
    fig, ax = plt.subplots()
    if rows.empty:
        plotting.no_data(ax)
        return fig
    over = rows["overtime_share"] > tolerance
    ax.scatter(rows.loc[~over, "overtime_share"], rows.loc[~over, "complaints_per_10k"], color=plotting.PALETTE[0],
               label="其他网点", s=25)
    ax.scatter(rows.loc[over, "overtime_share"], rows.loc[over, "complaints_per_10k"], color=plotting.HIGHLIGHT,
               label=f"超时占比高于 {plotting.fmt_pct(tolerance)}", s=35, marker="D")
    ax.axvline(tolerance, color=plotting.PALETTE[5], linestyle=":", linewidth=1)
    for _, row in rows.sort_values("overtime_share", ascending=False).head(label_top).iterrows():
        ax.annotate(row["outlet_name"], (row["overtime_share"], row["complaints_per_10k"]), fontsize=8,
                    xytext=(4, 4), textcoords="offset points")
    ax.xaxis.set_major_formatter(plotting.percent_formatter(0))
    ax.set_xlabel("超时客户占比")
    ax.set_ylabel("每万名客户效率类投诉(件)")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def plot_staffing(plan: pd.DataFrame, outlet_id: str, title: str = ""):
    """Windows needed (steps) and average busy counters (offered load, dashed) by hour, weekday and
    weekend, for one outlet (staffing.staffing_plan rows)."""
    import matplotlib.pyplot as plt

    part = plan[plan["outlet_id"] == outlet_id]
    fig, axes = plt.subplots(1, 2, figsize=(plotting.FIGURE_SIZE[0], 3.2), sharey=True)
    for ax, (day_type, label) in zip(axes, (("weekday", "工作日"), ("weekend", "周末"))):
        sub = part[part["day_type"] == day_type].sort_values("hour")
        ax.set_title(label, fontsize="medium")
        if sub.empty:
            ax.text(0.5, 0.5, plotting.NO_DATA, ha="center", va="center", transform=ax.transAxes)
            continue
        ax.step(sub["hour"], sub["windows_needed"].astype(float), where="mid", color=plotting.PALETTE[0],
                label="需开窗口数")
        ax.plot(sub["hour"], sub["load"], color=plotting.PALETTE[1], linestyle="--", label="平均忙碌窗口")
        ax.set_xlabel("时")
        ax.set_xticks(sub["hour"])
    axes[0].set_ylabel("窗口数")
    axes[0].set_ylim(bottom=0)
    if axes[0].get_legend_handles_labels()[0]:  # no line drawn: no legend (matplotlib would warn)
        axes[0].legend(fontsize="small")
    if title:
        fig.suptitle(title, fontsize="medium")
    fig.tight_layout()
    return fig


# --- notebook 50's sections: one call each, returning what the page shows --------------------------

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
