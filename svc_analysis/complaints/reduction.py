"""The complaint-rate reduction said in full: base year, its rate and its counts (issue 14).

"40% below the base year" (seed 003, second plan) is judged once, in the KPI row
complaint_rate_reduction (complaints.reduction_kpis). Wherever the page shows that row, this
sentence names what it compares: the year to date's rate per 10,000 customers served with its
complaints and customers served, the base year ([complaints.base_year]) with the same three (or
the rate given in params when the base year's data is gone), the reduction with the digits that
decide against the target (views.formats.share_against_target: 0.3995 is 39.95%, never 40.0%),
and the row's own verdict. A rate that rose says 上升, not "下降 −20%".
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import status
from svc_analysis.core.period import Period
from svc_analysis.views import formats
from svc_analysis.views.plotting import fmt_pct, fmt_wan


def _rate(value) -> str:
    return formats.NO_DATA if pd.isna(value) else f"{value:.2f}"


def _year_to_date(period: Period) -> str:
    last = period.last_day
    return f"{last.year}年1月" if last.month == 1 else f"{last.year}年1–{last.month}月"


def sentence(parts: pd.Series, row: pd.Series | None, period: Period, *, base_year: int) -> str:
    """One Markdown sentence for the scope's own unit.

    ``parts``: its row of complaints.reduction_parts; ``row``: its KPI row complaint_rate_reduction
    (value, target, meets_target), None when the page has none.
    """
    ytd = (f"{_year_to_date(period)}万人投诉率 {_rate(parts['ytd_rate'])}（投诉 {int(parts['ytd_complaints'])} 件，"
           f"服务客户 {fmt_wan(parts['ytd_served'])}人次）")
    if parts["base_given"]:
        base = f"基年 {base_year} 年万人投诉率 {_rate(parts['base_rate'])}（参数给定：基年明细数据已不在库中）"
    else:
        base = (f"基年 {base_year} 年万人投诉率 {_rate(parts['base_rate'])}（投诉 {int(parts['base_complaints'])} 件，"
                f"服务客户 {fmt_wan(parts['base_served'])}人次）")
    head = f"**投诉率较基年下降**：{ytd}；{base}"
    value = None if row is None else row["value"]
    if value is None or pd.isna(value):
        if period.last_day.year <= base_year:
            why = f"报告年份不晚于基年 {base_year} 年，不计算下降幅度"
        elif pd.isna(parts["base_rate"]):
            why = "基年没有投诉率（无服务客户数据或无投诉），无法计算下降幅度"
        else:
            why = "今年没有服务客户数据，无法计算下降幅度"
        return f"{head}；{why}。"
    target = row["target"]
    shown = formats.share_against_target(abs(value), target if value >= 0 else None)
    change = f"较基年下降 {shown}" if value >= 0 else f"较基年不降反升 {shown}"
    if pd.isna(target):
        return f"{head}；{change}。"
    if row.get("status") == status.SMALL_SAMPLE:  # below params volumes: shown, not judged
        return f"{head}；{change}，目标下降 {fmt_pct(target)}，{status.label(status.SMALL_SAMPLE)}（不作判断）。"
    verdict = "" if pd.isna(row["meets_target"]) else ("，达标" if bool(row["meets_target"]) else "，未达标")
    return f"{head}；{change}，目标下降 {fmt_pct(target)}{verdict}。"
