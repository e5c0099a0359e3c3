"""The complaints area's registration (entry point svc_analysis.areas: complaints, read by core.areas).

- METRICS: the catalogue entries of every metric id notebook 10 publishes (registered at import);
- kpi_rows(con, params, scope, period): the area's complete KPI rows, assembled here once
  (complaints.month_kpis + complaints.reduction_kpis + sla.sla_kpis). Notebook 10 publishes
  exactly these rows; the summary reads them through core.areas.hooks("kpi_rows").

Every judgment (meets_target) is made inside engine.kpis.rollup from the targets passed here.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.complaints import complaints, sla
from svc_analysis.core import catalogue
from svc_analysis.core.catalogue import Metric
from svc_analysis.core.period import Period
from svc_analysis.engine.scope import Scope

AREA = complaints.AREA
_PLAN = "《结算质量提升活动方案》"   # seed 003: the plan with the 40% reduction, 3-day reply, 15-day closing rules
_CIVIL = "《文明规范服务方案》"      # seed 000: "zero responsible complaints"

METRICS: tuple[Metric, ...] = (
    Metric("complaints_total", "投诉总量", AREA, "count", "lower",
           "本月受理（受理时间落在本月）的客户投诉件数。", _CIVIL),
    Metric("complaints_responsible", "责任性投诉", AREA, "count", "lower",
           "本月受理的投诉中经调查认定为责任性（员工态度、技能、违规造成）的件数；目标为零。",
           _CIVIL, "complaints.responsible_target"),
    Metric("complaint_rate_per_10k", "万人投诉率", AREA, "per_10k", "lower",
           "本月投诉总量 ÷ 本月服务客户数（取号且已叫号的人次）× 10,000；没有服务客户数据的单位为无数据。",
           _PLAN + "方案二"),
    Metric("complaint_rate_reduction", "投诉率较基年下降", AREA, "share", "higher",
           "1 − 年初至本月万人投诉率 ÷ 基年万人投诉率；分子为年初至本月投诉率，分母为基年投诉率。",
           _PLAN + "方案二", "complaints.reduction_target"),
    Metric("comment_book_on_time_rate", "意见簿三日内答复率", AREA, "share", "higher",
           "答复期限（受理后 72 小时）落在本月的意见簿投诉中，在期限内答复的件数 ÷ 答复期限落在本月的意见簿投诉件数。",
           _PLAN, "complaints.comment_book_on_time_target"),
    Metric("complaints_closed_on_time_rate", "投诉按期办结率", AREA, "share", "higher",
           "办结期限（受理后 15 天，复杂 30 天、特别复杂 60 天）落在本月的投诉中，在期限内办结的件数 ÷ 办结期限落在本月的投诉件数。",
           _PLAN, "complaints.closed_on_time_target"),
    Metric("complaints_overdue_open", "超期未办结投诉", AREA, "count", "lower",
           "月末前受理、月末仍未办结且办结期限已过的投诉件数。", _PLAN),
    Metric("praises_total", "表扬", AREA, "count", "higher",
           "本月收到的客户表扬件数。", _PLAN),
)
catalogue.register(METRICS)


def _month(period: Period) -> str:
    period.month_only("投诉指标")
    return period.month_key


def kpi_rows(con, params, scope: Scope, period: Period) -> pd.DataFrame:
    """Every complaint KPI row of ``period`` for ``scope`` (engine.kpis.KPI_COLUMNS).

    ``con``: the DuckDB connection or an Ibis backend (queries go through warehouse.engine);
    ``params``: core.params.Params (section ``complaints``). Raises ValueError for a period that is
    not a month, until the weekly cadence exists.
    """
    month, p = _month(period), params.complaints
    tree, level, outlets = scope.tree_in_scope, scope.level, scope.outlets
    return pd.concat([
        complaints.month_kpis(con, month, tree, per_customers=p.per_customers, responsible_target=p.responsible_target,
                              scope_level=level, outlets=outlets),
        complaints.reduction_kpis(con, month, tree, base_year=p.base_year, base_rate=p.base_year_rate_per_10k,
                                  target=p.reduction_target, per_customers=p.per_customers,
                                  scope_level=level, outlets=outlets),
        sla.sla_kpis(con, month, tree, reply_hours=p.comment_book_reply_hours,
                     closing_days=p.closing_days.model_dump(), reply_target=p.comment_book_on_time_target,
                     close_target=p.closed_on_time_target, scope_level=level, outlets=outlets),
    ], ignore_index=True)


def watch_alerts(con, params, scope: Scope, day: Period) -> pd.DataFrame:
    """The daily watch's complaint alerts for ``day`` (core.areas.WATCH_ALERT_COLUMNS; rules in
    complaints.watch_alerts): clusters, media and regulator complaints, reply and closing deadlines.
    ``con``: the warehouse as known at the day's end (engine.as_of)."""
    from svc_analysis.complaints import watch_alerts as watch

    return watch.alerts(con, params, scope, day)
