"""How a metric reads on the summary page (notebook 90): its Chinese name (the catalogue's words, campaign
KPIs and params-named metrics by their params names) and its value and change for people: shares as
percents with the digits that decide against the target and changes in 个百分点, counts with thousands
separators, scores and minutes with their decimals; 无数据 for no value, never 0 or -0.0.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import areas as area_registry
from svc_analysis.core import catalogue
from svc_analysis.views import formats, kpi_display
from svc_analysis.views.plotting import NO_DATA

CAMPAIGN_PREFIX = "campaign_progress:"
METRIC_LABELS = {
    "complaints_responsible": "责任性投诉（件）", "complaint_rate_reduction": "投诉率较基年下降",
    "comment_book_on_time_rate": "意见簿三日内答复率", "complaints_closed_on_time_rate": "投诉按期办结率",
    "satisfaction_rate": "满意率", "star_teller_rate": "星级柜员率", "expert_rate": "业务能手率",
    "english_rate": "柜台英语达标率", "sign_language_coverage": "手语服务网点覆盖率",
    "mystery_score_avg": "神秘人检查平均分", "inspection_coverage_quarter": "季度检查覆盖率",
    "inspection_coverage_year": "年度检查覆盖率", "inspection_check_coverage_month": "本月检查覆盖率",
    "overtime_wait_share": "超时等候占比", "overtime_outlets": "超时网点（个）", "report_on_time": "月报按时报送率",
    "complaint_rate_per_10k": "万人投诉率", "avg_wait_minutes": "平均等候（分钟）",
    "outlets_below_85": "低于85分网点（个）", "mystery_score_latest_round": "神秘人检查最近一轮平均分",
    "mystery_score_quarter": "神秘人检查本季度平均分",
}
COUNTS = {"complaints_total", "complaints_responsible", "complaints_overdue_open", "praises_total",
          "outlets_below_85", "overtime_outlets", "penalty_yuan", "reward_yuan", "complaint_penalty_yuan",
          "praise_reward_yuan"}
DECIMALS = {"mystery_score_avg": 1, "avg_wait_minutes": 1, "p90_wait_minutes": 1, "complaint_rate_per_10k": 2,
            "mystery_score_latest_round": 1, "mystery_score_quarter": 1}


def is_share(metric: str) -> bool:
    """Shares (0-1) print as percents and move in share points; counts, scores, minutes do not."""
    return metric not in COUNTS and metric not in DECIMALS


def metric_names(params) -> dict[str, str]:
    """The display names ``label`` takes from params: campaign KPI names by kpi_id (params campaign)
    and each area's ``metric_names(params)`` hook by metric id (投诉率较2025年下降)."""
    names = {k.id: k.name for k in params.campaign.kpis}
    for hook in area_registry.hooks("metric_names").values():
        names.update(hook(params))
    return names


def label(metric: str, names: dict[str, str] | None = None) -> str:
    """Chinese name of a metric; campaign KPIs by their params name and metrics named from params
    by ``names`` (metric_names: kpi_id or metric id -> name)."""
    if metric.startswith(CAMPAIGN_PREFIX):
        kpi_id = metric[len(CAMPAIGN_PREFIX):]
        return f"活动进度：{(names or {}).get(kpi_id, kpi_id)}"
    return (names or {}).get(metric) or METRIC_LABELS.get(metric, metric)


def _negative_word(metric: str) -> str | None:
    try:
        return kpi_display.entry(metric).negative_word
    except catalogue.CatalogueError:  # a figure outside the catalogue (e.g. a share computed here)
        return None


def fmt_value(metric: str, value, target=None, higher_is_better: bool = True) -> str:
    """A KPI value for people: 92.3% / 93.9 / 12 / 无数据; a share against its ``target`` with the
    digits that decide (views.formats: 0.3995 against 40% is 39.95%, never 40.0% beside ✗)."""
    if value is None or pd.isna(value):
        return NO_DATA
    if float(value) < 0 and _negative_word(metric):
        return kpi_display.value_text(metric, value, target)  # 不降反升 89.0%, as the pages read it
    if is_share(metric):
        return formats.share_against_target(value, target, higher_is_better)
    if metric in COUNTS:
        return f"{float(value):,.0f}"
    return f"{float(value):.{DECIMALS[metric]}f}"


def fmt_change(metric: str, change) -> str:
    """A change with its sign: +1.2 个百分点 for shares, +0.8 / −3 otherwise; never -0.0 (views.plotting)."""
    if change is None or pd.isna(change):
        return NO_DATA
    if is_share(metric):
        return formats.points_change(change)  # never -0.0 个百分点
    digits = 0 if metric in COUNTS else DECIMALS[metric]
    return formats.signed(change, digits, grouping=True)
