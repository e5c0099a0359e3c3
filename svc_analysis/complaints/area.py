"""The complaints area's registration (entry point svc_analysis.areas: complaints, read by core.areas).

- METRICS: the catalogue entries of every metric id notebook 10 publishes (registered at import);
- kpi_rows(con, params, scope, period): the area's complete KPI rows, assembled here once
  (complaints.month_kpis + complaints.reduction_kpis + sla.sla_kpis + the ledger's yuan, ledger_rows). Notebook 10 publishes
  exactly these rows; the summary reads them through core.areas.hooks("kpi_rows"). For a week (or a
  day) only the metrics defined for it (``cadences``: the period's counts); the weekly notebook 11
  publishes those;
- month_clusters(con, params, scope, period): the complaint clusters of the period (notebook 10's
  detector), an alarm of the summary's highlights (core.areas.hook: the summary imports no area).

Every judgment (meets_target) is made inside engine.kpis.rollup from the targets passed here.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from svc_analysis.complaints import clusters, complaints, ledger, sla
from svc_analysis.core import catalogue
from svc_analysis.core.catalogue import EVERY_PERIOD, Metric
from svc_analysis.core.period import Period
from svc_analysis.engine import kpis
from svc_analysis.engine.scope import Scope

AREA = complaints.AREA
_PLAN = "《结算质量提升活动方案》"   # seed 003: the plan with the 40% reduction, 3-day reply, 15-day closing rules
_CIVIL = "《文明规范服务方案》"      # seed 000: "zero responsible complaints"

METRICS: tuple[Metric, ...] = (
    Metric("complaints_total", "投诉总量", AREA, "count", "lower",
           "本月受理（受理时间落在本月）的客户投诉件数。", _CIVIL, cadences=EVERY_PERIOD),
    Metric("complaints_responsible", "责任性投诉", AREA, "count", "lower",
           "本月受理的投诉中经调查认定为责任性（员工态度、技能、违规造成）的件数；目标为零。",
           _CIVIL, "complaints.responsible_target", cadences=EVERY_PERIOD),
    Metric("complaint_rate_per_10k", "万人投诉率", AREA, "per_10k", "lower",
           "本月投诉总量 ÷ 本月服务客户数（取号且已叫号的人次）× 10,000；没有服务客户数据的单位为无数据。",
           _PLAN + "方案二", cadences=EVERY_PERIOD),
    Metric("complaint_rate_reduction", "投诉率较基年下降", AREA, "share", "higher",
           "1 − 年初至本月万人投诉率 ÷ 基年万人投诉率；分子为年初至本月投诉率，分母为基年投诉率。",
           _PLAN + "方案二", "complaints.reduction_target", basis="year",  # year to date: vs last year only
           negative_word="不降反升"),
    Metric("comment_book_on_time_rate", "意见簿三日内答复率", AREA, "share", "higher",
           "答复期限（受理后 72 小时）落在本月的意见簿投诉中，在期限内答复的件数 ÷ 答复期限落在本月的意见簿投诉件数。",
           _PLAN, "complaints.comment_book_on_time_target"),
    Metric("complaints_closed_on_time_rate", "投诉按期办结率", AREA, "share", "higher",
           "办结期限（受理后 15 天，复杂 30 天、特别复杂 60 天）落在本月的投诉中，在期限内办结的件数 ÷ 办结期限落在本月的投诉件数。",
           _PLAN, "complaints.closed_on_time_target"),
    Metric("complaints_overdue_open", "超期未办结投诉", AREA, "count", "lower",
           "月末前受理、月末仍未办结且办结期限已过的投诉件数。", _PLAN),
    Metric("praises_total", "表扬", AREA, "count", "higher",
           "本月收到的客户表扬件数。", _PLAN, cadences=EVERY_PERIOD),
    Metric("complaint_penalty_yuan", "责任性投诉扣罚金额", AREA, "yuan", "lower",
           "本月受理的责任性投诉按复杂程度计的扣罚金额合计（元；一般、复杂、特别复杂各按规定金额），"
           "即投诉奖惩台账的扣罚合计。", _PLAN),
    Metric("praise_reward_yuan", "表扬奖励金额", AREA, "yuan", "higher",
           "本月通过表扬信、热线收到的表扬按每件规定金额计的奖励合计（元），即投诉奖惩台账的奖励合计。", _PLAN),
)
catalogue.register(METRICS)


def _month(period: Period) -> str:
    period.month_only("投诉指标")
    return period.month_key


def ledger_rows(con, params, scope: Scope, month: str) -> pd.DataFrame:
    """complaint_penalty_yuan and praise_reward_yuan: the month's reward and penalty ledger
    (ledger.ledger, params complaints.penalty_yuan / praise_reward_yuan / praise_reward_channels)
    summed per outlet and rolled up as counts (no target: the yuan are shown, not judged)."""
    p = params.complaints
    book = ledger.by_outlet(ledger.ledger(con, month, scope.tree_in_scope, penalty_yuan=p.penalty_yuan.model_dump(),
                                          praise_reward_yuan=p.praise_reward_yuan,
                                          reward_channels=p.praise_reward_channels, outlets=scope.outlets))
    level = None if scope.level == "province" else scope.level
    return pd.concat([
        kpis.rollup(book.rename(columns={column: "value"})[["outlet_id", "value"]], scope.tree_in_scope,
                    month=month, area=AREA, metric=metric, kind="count", scope_level=level)
        for metric, column in (("complaint_penalty_yuan", "penalty_yuan"), ("praise_reward_yuan", "reward_yuan"))
    ], ignore_index=True)


def kpi_rows(con, params, scope: Scope, period: Period) -> pd.DataFrame:
    """Every complaint KPI row of ``period`` for ``scope`` (engine.kpis.KPI_COLUMNS).

    ``con``: the DuckDB connection or an Ibis backend (queries go through warehouse.engine);
    ``params``: core.params.Params (section ``complaints``). A month: every metric; a week or a day:
    the metrics whose ``cadences`` hold it (the period's counts and rate: complaints.month_kpis over
    its days), published under the month holding its last day.
    """
    p = params.complaints
    tree, level, outlets = scope.tree_in_scope, scope.level, scope.outlets
    # complaint_rate_reduction's denominator is the base-year rate: its volume is judged in
    # complaints.reduction_kpis from the customers served and the base-year complaints behind it
    minimums = {m: v for m, v in params.volumes.min_denominator.items() if m != "complaint_rate_reduction"}
    counts = complaints.month_kpis(con, period, tree, per_customers=p.per_customers,
                                   responsible_target=p.responsible_target, scope_level=level, outlets=outlets)
    if period.kind != "month":
        return kpis.apply_volumes(counts, minimums)
    month = _month(period)
    rows = pd.concat([
        counts,
        complaints.reduction_kpis(con, month, tree, base_year=p.base_year, base_rate=p.base_year_rate_per_10k,
                                  target=p.reduction_target, per_customers=p.per_customers,
                                  scope_level=level, outlets=outlets,
                                  min_volume=params.volumes.minimum("complaint_rate_reduction"),
                                  min_events=params.volumes.events("complaint_rate_reduction")),
        sla.sla_kpis(con, month, tree, reply_hours=p.comment_book_reply_hours,
                     closing_days=p.closing_days.model_dump(), reply_target=p.comment_book_on_time_target,
                     close_target=p.closed_on_time_target, scope_level=level, outlets=outlets),
        ledger_rows(con, params, scope, month),
    ], ignore_index=True)
    return kpis.apply_volumes(rows, minimums)


def metric_names(params) -> dict[str, str]:
    """Display names that depend on params (summary.scorecard.metric_names gathers them): the
    reduction names its base year (params complaints.base_year), 投诉率较2025年下降."""
    return {"complaint_rate_reduction": f"投诉率较{params.complaints.base_year}年下降"}


def month_clusters(con, params, scope: Scope, period: Period) -> pd.DataFrame:
    """Complaint clusters whose alarm days fall in ``period`` (clusters.detect with params
    complaints.clusters, as notebook 10 calls it; clusters.ALARM_COLUMNS), in the scope."""
    c = params.complaints.clusters
    return clusters.detect(con, period.start, period.end, window_days=c.window_days, baseline_days=c.baseline_days,
                           min_baseline_days=c.min_baseline_days, alpha=c.alpha, min_excess=c.min_excess,
                           baseline_floor_per_day=c.baseline_floor_per_day, product_series=c.product_series,
                           outlets=scope.outlets)


def watch_alerts(con, params, scope: Scope, day: Period) -> pd.DataFrame:
    """The daily watch's complaint alerts for ``day`` (core.areas.WATCH_ALERT_COLUMNS; rules in
    complaints.watch_alerts): clusters, media and regulator complaints, reply and closing deadlines.
    ``con``: the warehouse as known at the day's end (engine.as_of)."""
    from svc_analysis.complaints import watch_alerts as watch

    return watch.alerts(con, params, scope, day)


def watch_series(con, params, scope: Scope, day: Period) -> int:
    """How many complaint series (total, category, product) the cluster detector judges on ``day``
    (the denominator of the watch back-test's false alarms per 100 series-days). ``con``: the
    warehouse as known at the day's end (engine.as_of)."""
    c = params.complaints.clusters
    begin = clusters.data_start(con)
    if begin is None:
        return 0
    begin = max(begin, day.start - timedelta(days=c.baseline_days + c.window_days))
    daily = clusters.daily_counts(con, begin, day.end, product_series=c.product_series, outlets=scope.outlets)
    return int(daily[["kind", "key"]].drop_duplicates().shape[0])
