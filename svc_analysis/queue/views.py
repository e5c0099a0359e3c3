"""Display tables of the queue notebook (50_queue), from the frames of queue.py, monitor.py, peaks.py,
windows.py and business.py, and the month's headline sentence from the area's KPI rows. No figure is
computed here: only Chinese headers, formats (plotting: percents, 无数据 for missing) and the 周通报's
share-and-rank cells. Charts: queue.charts; the
notebook's sections: queue.page.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svc_analysis.core import status
from svc_analysis.core.safety import md, md_list
from svc_analysis.engine import kpis, org
from svc_analysis.engine.scope import LEVEL_LABELS
from svc_analysis.stats import proportions
from svc_analysis.views import plotting

NAMES_IN_TEXT = 5  # presentation only: a sentence names the worst few, the table lists the rest

LABELS = {
    "level": "层级", "unit_id": "单位", "outlet_id": "网点编号", "outlet_name": "网点名称", "subbranch": LEVEL_LABELS["subbranch"],
    "branch": LEVEL_LABELS["branch"], "tickets": "取号数", "served": "已叫号客户", "unserved": "未办理离开",
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


def _rounded(frame: pd.DataFrame, digits: int = 1) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if col not in PERCENT and pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(digits)
    return out


COUNTS = ("tickets", "served", "unserved", "overtime")  # whole counts of tickets and customers


def table(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """A queue frame ready to show: chosen columns, Chinese headers, shares as percents (无数据 when
    missing), minutes to one decimal, counts thousands separated (views.formats.count: 1,246)."""
    out = frame[columns] if columns else frame
    out = _rounded(out)
    if "level" in out.columns:
        if "unit_id" in out.columns:
            out["unit_id"] = out["unit_id"].where(out["level"] != "province", LEVEL_ZH["province"])
        out["level"] = out["level"].map(LEVEL_ZH)
    return plotting.display_frame(out, LABELS, percent=PERCENT, counts=COUNTS)


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
    labels = dict(LABELS, unit_id="网点编号" if level == "outlet" else LEVEL_LABELS["subbranch"])
    return plotting.display_frame(out, labels, percent=PERCENT, counts=COUNTS)


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
                      tolerance: float, outlets_target: int, overtime_outlets: list[str],
                      below_minimum: int = 0, min_served: float | None = None) -> str:
    """The month in one paragraph (Chinese), from wait_kpis rows for the scope's own unit.

    overtime_outlets: names worst first (overtime_outlets()); the first NAMES_IN_TEXT are named.
    below_minimum: outlets of the unit that served fewer than ``min_served`` customers (not counted):
    the sentence names the base counted (the overtime_outlets row's denominator) and says how many were left out.
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
    hit = rows[(rows["metric"] == "overtime_outlets") & (rows["level"] == level) & (rows["unit_id"] == unit_id)]
    base = hit["denominator"].iloc[0] if len(hit) else float("nan")
    counted_text = "" if pd.isna(base) else f"，计入判定的网点 {base:,.0f} 个"
    if below_minimum:
        counted_text += (f"；另有 {below_minimum:,} 个网点已叫号客户不足 {min_served:,.0f} 人，样本不足，不计入"
                         if min_served else f"；另有 {below_minimum:,} 个网点样本不足，不计入")
    return (f"{md(label)}本月客户平均等候 **{avg:.1f} 分钟**，90% 的客户在 **{p90:.1f} 分钟**内被叫号；"
            f"等候超过 {threshold:g} 分钟（超时标准为本行自定，无公开的统一标准）的客户占 "
            f"**{plotting.fmt_pct(get('overtime_wait_share'))}**，取号后未办理离开的占 "
            f"**{plotting.fmt_pct(get('unserved_share'))}**。超时客户占比高于 {plotting.fmt_pct(tolerance)} "
            f"的超时网点 **{count} 个**（目标 {outlets_target} 个，{goal}目标{counted_text}）{named}。")
