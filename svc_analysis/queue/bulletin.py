"""周通报: the weekly queue bulletin (notebooks/weekly/51_queue_week), one call a section (DOMAIN.md §5:
"daily monitoring, weekly ranking"; goal 超时网点零发生).

The week is a core.period.Period (ISO week, Monday to Sunday); its figures are the area's own KPI rows
for the week (area.kpi_rows: the same definitions as the month's over the week's tickets, judged and
volume-checked there). Volume-aware, never a raw league table of tiny outlets:
- outlets are ranked by overtime share only when judged (status met / missed: at least the minimum
  customers served of params volumes.min_denominator.overtime_wait_share); smaller ones are listed
  apart, unranked, with 样本不足;
- a funnel (stats.funnel, Spiegelhalter 2005: exact binomial limits around the scope's own overtime
  share) says which outlets lie beyond what chance explains, whatever their size;
- the worst hours are the (day, hour) cells with the most overtime customers (a count: a busy hour
  weighs by its customers, an hour with one late customer does not top the list).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svc_analysis.engine import measures
from svc_analysis.core import status
from svc_analysis.core.period import Period
from svc_analysis.core.safety import md, md_list
from svc_analysis.engine.scope import LEVEL_LABELS, Scope
from svc_analysis.queue import queue
from svc_analysis.stats import funnel
from svc_analysis.views import plotting
from svc_analysis.views.plotting import display_frame, fmt_pct

WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
FUNNEL_LABELS = {"above_99.8": "显著偏高（99.8%）", "above_95": "偏高（95%）", "within": "正常范围",
                 "below_95": "偏低（95%）", "below_99.8": "显著偏低（99.8%）", "no_data": "无数据"}
_BELOW = {"province": "branch", "branch": "subbranch", "subbranch": "outlet"}
_LABELS = {"unit": "单位", "outlet_id": "网点编号", "outlet_name": "网点名称", "subbranch": "支行",
           "served": "已叫号客户", "overtime": "超时客户", "mean_wait": "平均等候(分钟)", "p90_wait": "90%分位等候(分钟)",
           "overtime_share": "超时占比", "unserved_share": "未办理离开占比", "rank": "本周排名", "funnel": "与总体相比",
           "status": "超时占比状态", "day": "日期", "weekday": "星期", "hour": "时段", "tickets": "取号数",
           "outlets": "有取号网点数"}
_PERCENT = ("overtime_share", "unserved_share")


def _markdown(text: str):
    from IPython.display import Markdown

    return Markdown(text)


def _minutes(values: pd.Series) -> list[str]:
    """Minutes to one decimal for a table; 无数据 where there is no figure (nobody called)."""
    return [plotting.NO_DATA if pd.isna(v) else f"{v:.1f}" for v in values]


def unit_figures(rows: pd.DataFrame, level: str) -> pd.DataFrame:
    """One row per unit of ``level`` from the week's KPI rows: served, overtime, mean_wait, p90_wait,
    overtime_share, unserved_share and the overtime share's status (the area's own judgment)."""
    part = rows[rows["level"] == level]
    value = part.pivot(index="unit_id", columns="metric", values="value")
    share = part[part["metric"] == "overtime_wait_share"].set_index("unit_id")
    return pd.DataFrame({
        "served": share["denominator"],
        "overtime": share["numerator"], "mean_wait": value["avg_wait_minutes"], "p90_wait": value["p90_wait_minutes"],
        "overtime_share": value["overtime_wait_share"], "unserved_share": value["unserved_share"],
        "status": share["status"]}).rename_axis("unit_id").reset_index()


def headline(rows: pd.DataFrame, scope: Scope, period: Period, params) -> tuple:
    """Section 一: the week in one paragraph and the scope's own unit with the level below it."""
    qp = params.queue
    own = unit_figures(rows, scope.level).set_index("unit_id").loc[scope.unit_id]
    late = rows[(rows["metric"] == "overtime_outlets") & (rows["level"] == scope.level)
                & (rows["unit_id"] == scope.unit_id)].iloc[0]
    if pd.isna(own["mean_wait"]):
        text = f"{md(scope.label)}{period.label}没有已叫号的排队记录，等候指标均为{plotting.NO_DATA}。"
    else:
        text = (f"{md(scope.label)}{period.label}已叫号客户 {own['served']:,.0f} 人，平均等候 **{own['mean_wait']:.1f} 分钟**，"
                f"90% 的客户在 **{own['p90_wait']:.1f} 分钟**内被叫号；等候超过 {qp.overtime_wait_minutes:g} 分钟的客户占 "
                f"**{fmt_pct(own['overtime_share'])}**（{status.label(own['status'])}），取号后未办理离开的占 "
                f"**{fmt_pct(own['unserved_share'])}**。本周超时客户占比高于 {fmt_pct(qp.overtime_outlet_share)} 的网点 "
                f"**{late['value']:.0f} 个**（目标 {qp.overtime_outlets_target} 个，{status.label(late['status'])}）。")
    levels = [scope.level] + ([_BELOW[scope.level]] if scope.level in _BELOW else [])
    table = pd.concat([unit_figures(rows, lv).assign(level=LEVEL_LABELS[lv]) for lv in levels], ignore_index=True)
    table["unit_id"] = table["unit_id"].where(table["unit_id"] != "province", LEVEL_LABELS["province"])
    table["status"] = table["status"].map(status.label)
    columns = ["level", "unit_id", "served", "mean_wait", "p90_wait", "overtime_share", "unserved_share", "status"]
    labels = dict(_LABELS, level="层级", unit_id="单位")
    table = table[columns].assign(mean_wait=_minutes(table["mean_wait"]), p90_wait=_minutes(table["p90_wait"]))
    return _markdown(text), display_frame(table.astype({"served": "int64"}), labels, percent=_PERCENT)


def outlet_frame(rows: pd.DataFrame, scope: Scope) -> tuple[pd.DataFrame, float]:
    """Outlets of the week with names, figures, funnel position and rank (judged outlets only, worst
    first, ties share the better rank). Returns (frame, the scope's own overtime share: the funnel's target)."""
    outlets = unit_figures(rows, "outlet").rename(columns={"unit_id": "outlet_id"})
    names = scope.tree_in_scope[["outlet_id", "outlet_name", "subbranch"]]
    frame = names.merge(outlets, on="outlet_id")
    served = frame["served"].sum()
    target = frame["overtime"].sum() / served if served > 0 else float("nan")
    frame["funnel"] = (funnel.classify(frame["overtime_share"], frame["served"], target, "proportion").to_numpy()
                       if served > 0 else "no_data")
    judged = frame["status"].isin(status.JUDGED)
    frame["rank"] = frame["overtime_share"].where(judged).rank(method="min", ascending=False).astype("Int64")
    return frame.sort_values(["rank", "served"], ascending=[True, False], na_position="last"), target


def plot_funnel(frame: pd.DataFrame, target: float):
    """Overtime share (y) against customers served (x) per outlet, with 95% and 99.8% limits around the target."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    shown = frame[frame["served"] > 0]
    if shown.empty or pd.isna(target):
        plotting.no_data(ax)
        return fig
    # limits only over the outlets' own range: below it the exact limits of small counts jump about
    sizes = np.unique(np.geomspace(shown["served"].min() * 0.8, shown["served"].max() * 1.1, 200).round())
    curve = funnel.limits(sizes, target, "proportion")
    for level, style in (("95", "--"), ("99.8", ":")):
        ax.plot(curve["size"], curve[f"upper_{level}"], color=plotting.PALETTE[5], linestyle=style, label=f"{level}%控制限")
    ax.axhline(target, color=plotting.PALETTE[0], linewidth=1, label="总体超时占比")
    high = shown["funnel"] == "above_99.8"
    ax.scatter(shown.loc[~high, "served"], shown.loc[~high, "overtime_share"], color=plotting.PALETTE[2], s=18, label="网点")
    ax.scatter(shown.loc[high, "served"], shown.loc[high, "overtime_share"], color=plotting.HIGHLIGHT, s=30,
               label="显著偏高")
    ax.set_xlabel("本周已叫号客户（人）")
    ax.set_ylabel("超时客户占比")
    ax.yaxis.set_major_formatter(plotting.percent_formatter(0))
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="small", loc="upper right")
    plt.close(fig)
    return fig


def outlets_section(rows: pd.DataFrame, scope: Scope, params) -> tuple:
    """Section 二: a sentence, the funnel, the ranked outlets (first queue.ranking_top_n) and the unranked small ones."""
    frame, target = outlet_frame(rows, scope)
    minimum = params.volumes.minimum("overtime_wait_share") or 0
    ranked, small = frame[frame["rank"].notna()], frame[frame["status"] == status.SMALL_SAMPLE]
    high = frame.loc[frame["funnel"] == "above_99.8", "outlet_name"].tolist()
    text = (f"本周已叫号客户不少于 {minimum:g} 人的网点 {len(ranked)} 个，按超时客户占比从高到低排名（第 1 名最差）；"
            f"不足 {minimum:g} 人的网点 {len(small)} 个，样本不足，只列示、不排名。"
            + (f"超时占比超出 99.8% 控制限、确实偏高的网点：{md_list(high)}。" if high
               else "没有网点的超时占比超出 99.8% 控制限，差异在随机波动范围内。"))
    columns = ["outlet_id", "outlet_name", "subbranch", "served", "mean_wait", "overtime_share", "rank", "funnel"]
    shown = [_markdown(text), plot_funnel(frame, target)]
    for part in (ranked.head(params.queue.ranking_top_n), small.sort_values("outlet_id")):
        if part.empty:
            continue
        part = part.assign(funnel=part["funnel"].map(FUNNEL_LABELS), mean_wait=_minutes(part["mean_wait"]),
                           rank=part["rank"].astype(object).where(part["rank"].notna(), "不排名"))
        shown.append(display_frame(part[columns].astype({"served": "int64"}), _LABELS, percent=_PERCENT))
    return tuple(shown)


def zero_overtime(rows: pd.DataFrame, scope: Scope) -> tuple:
    """Section 三: outlets that served customers and made none wait too long, most customers first."""
    frame, _ = outlet_frame(rows, scope)
    zero = frame[(frame["served"] > 0) & (frame["overtime"] == 0)].sort_values(["served", "outlet_id"],
                                                                              ascending=[False, True])
    zero = zero.assign(status=zero["status"].map(status.label), mean_wait=_minutes(zero["mean_wait"]))
    text = f"本周零超时的网点 {len(zero)} 个（有已叫号客户、无一人等候超时）；样本不足的网点零超时只作参考。"
    if zero.empty:
        return (_markdown(text),)
    return (_markdown(text), display_frame(zero[["outlet_id", "outlet_name", "subbranch", "served", "mean_wait",
                                                 "status"]].astype({"served": "int64"}), _LABELS))


def hour_cells(con, period: Period, outlets: list[str] | None, threshold: float) -> pd.DataFrame:
    """One row per (day, hour) of the period with tickets: tickets, served, overtime, wait_minutes,
    outlets (with a ticket), mean_wait, overtime_share; most overtime customers first."""
    t = queue.tickets_between(con, *period.bounds, outlets, threshold)
    frame = t.group_by(day=t.day, hour=t.taken_at.hour().cast("int64")).aggregate(
        tickets=t.count(), served=measures.customers_served(t), overtime=t.count(where=t.overtime),
        wait_minutes=t.wait.sum().fill_null(0), outlets=t.outlet_id.nunique()).to_pandas()
    served = frame["served"].where(frame["served"] > 0)
    frame["mean_wait"] = frame["wait_minutes"] / served
    frame["overtime_share"] = frame["overtime"] / served
    return frame.sort_values(["overtime", "served", "day", "hour"], ascending=[False, False, True, True],
                             ignore_index=True)


def worst_hours(con, params, scope: Scope, period: Period) -> tuple:
    """Section 四: the hours of the week with the most overtime customers (first queue.ranking_top_n)."""
    qp = params.queue
    cells = hour_cells(con, period, scope.outlets, qp.overtime_wait_minutes)
    worst = cells[cells["overtime"] > 0].head(qp.ranking_top_n)
    if worst.empty:
        return (_markdown(f"本周没有等候超过 {qp.overtime_wait_minutes:g} 分钟的客户。"),)
    days = pd.to_datetime(worst["day"])
    shown = worst.assign(day=days.dt.strftime("%m-%d"), weekday=[WEEKDAYS_ZH[d.weekday()] for d in days],
                         hour=[f"{h}:00–{h + 1}:00" for h in worst["hour"]], mean_wait=_minutes(worst["mean_wait"]))
    top = shown.iloc[0]
    text = (f"超时客户最多的时段是 {top['day']}（{top['weekday']}）{top['hour']}：{top['overtime']:.0f} 位客户等候超过 "
            f"{qp.overtime_wait_minutes:g} 分钟（占该时段已叫号客户的 {fmt_pct(top['overtime_share'])}）。")
    columns = ["day", "weekday", "hour", "outlets", "tickets", "served", "overtime", "overtime_share", "mean_wait"]
    return _markdown(text), display_frame(shown[columns], _LABELS, percent=_PERCENT)
