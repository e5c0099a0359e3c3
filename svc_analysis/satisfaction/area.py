"""The satisfaction area's registration (entry point svc_analysis.areas: satisfaction, read by core.areas).

- METRICS: the catalogue entries of every metric the area publishes (registered at import);
- kpi_rows(con, params, scope, period): the area's complete KPI rows, the one place they are
  assembled (notebook 20 publishes exactly these; the summary finds them through core.areas);
- outlet_counts, signal_months, outlet_signals: the per-outlet judgments notebook 20 shows (funnel class,
  evaluator participation collapse, implausibly perfect ratings) for the summary's early warning and
  highlights, read through core.areas.hook (the summary imports no area).
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import catalogue
from svc_analysis.core.catalogue import Metric
from svc_analysis.core.period import Period
from svc_analysis.engine import kpis
from svc_analysis.engine.scope import Scope
from svc_analysis.core.periods import months_between
from svc_analysis.satisfaction import participation, satisfaction, surveys
from svc_analysis.stats import league

AREA = "satisfaction"
_SATISFIED_BANK = "《文明优质服务管理工作责任书》（满意率 90% 以上、逐年提升）；《银行结算质量提升活动方案》（不低于 85%）"

METRICS = (
    Metric("satisfaction_rate", "满意率", AREA, "share", "higher",
           "评价器评价中评分不低于 4 分（参数 satisfaction.satisfied_min_score）的条数 / 当月评价条数（按评价时间计月）。",
           _SATISFIED_BANK, "satisfaction.rate_target"),
    Metric("evaluator_participation_rate", "评价器参与率", AREA, "share", "higher",
           "当月评价条数 / 当月服务客户数（当月取号且已叫号的号票数）；参与率低可能掩盖不满意。",
           "客户满意银行建设"),
    Metric("survey_csat", "问卷满意率", AREA, "share", "higher",
           "当月问卷中总体满意评分不低于 4 分（前两档，参数 satisfaction.csat_min_score）的答卷数 / 当月答卷数。",
           "客户满意银行建设（问卷调查；总体满意前两档为行业通行口径）"),
    Metric("nps", "净推荐值 NPS", AREA, "balance", "higher",
           "（推荐意愿 9–10 分的答卷数 − 0–6 分的答卷数）/ 回答推荐意愿的答卷数。",
           "客户满意银行建设（问卷调查；净推荐值为行业通行口径）"),
)
catalogue.register(METRICS)


def month_of(period: Period) -> str:
    """The period's month key; ValueError for a week or a day (no weekly cadence yet)."""
    period = Period.parse(period)
    period.month_only("满意度指标")
    return period.key


def kpi_rows(con, params, scope: Scope, period: Period) -> pd.DataFrame:
    """The satisfaction area's KPI rows for ``period`` in ``scope``: satisfaction_rate (target
    satisfaction.rate_target, meets_target judged here), evaluator_participation_rate, survey_csat
    and nps, at the scope's level and every level below it.

    ``con``: the DuckDB connection or an Ibis backend (engine.warehouse.engine); ``params``:
    core.params.Params. Monthly only: ValueError for a week or a day until that cadence exists.
    """
    month = month_of(period)
    p = params.satisfaction
    counts = satisfaction.outlet_months(con, [month], outlets=scope.outlets,
                                        satisfied_min_score=p.satisfied_min_score)
    units = satisfaction.reporting_tree(scope.tree_in_scope, month, counts)
    survey_counts = surveys.outlet_counts(con, month, scope.outlets, csat_min_score=p.csat_min_score,
                                          promoter_min=p.nps_promoter_min, detractor_max=p.nps_detractor_max)
    rows = pd.concat([
        satisfaction.kpi_rows(counts, units, month, p.rate_target, scope_level=scope.level),
        surveys.kpi_rows(survey_counts, units, month, scope_level=scope.level),
    ], ignore_index=True)
    return kpis.apply_volumes(rows, params.volumes.min_denominator)


def outlet_counts(con, params, months: list[str], outlets: list[str] | None = None) -> pd.DataFrame:
    """satisfaction.outlet_months for ``months`` (one engine pass; params: core.params.Params)."""
    return satisfaction.outlet_months(con, list(months), outlets=outlets,
                                      satisfied_min_score=params.satisfaction.satisfied_min_score)


def signal_months(month: str, params) -> list[str]:
    """The months outlet_signals needs counts of: the participation baseline's first month to ``month``."""
    sp = params.satisfaction
    first = participation.baseline_months(month, sp.participation_baseline_months, sp.participation_gap_months)[0]
    return months_between(first, month)


def outlet_signals(counts: pd.DataFrame, tree: pd.DataFrame, month: str, params) -> pd.DataFrame:
    """Per outlet of ``tree`` (the scope's): ratings, satisfaction_rate, satisfaction_funnel (notebook 20's
    funnel class, centre params satisfaction.funnel_centre), satisfaction_centre, participation,
    participation_baseline, participation_dropped, participation_perfect, top_share
    (participation.outlet_flags, params satisfaction.participation_* and perfect_*).
    ``counts``: outlet_counts of (at least) signal_months(month)."""
    sp = params.satisfaction
    units = satisfaction.reporting_tree(tree, month, counts)
    now = counts[counts["month"] == month]
    centre = league.centre_value(sp.funnel_centre, sp.rate_target, now["satisfied"].sum(), now["ratings"].sum())
    table, _ = league.outlet_table(counts, units, month, centre, levels=tuple(sp.funnel_levels),
                                   interval_level=sp.interval_level)
    out = table[["outlet_id", "ratings", "rate", "funnel"]].rename(
        columns={"rate": "satisfaction_rate", "funnel": "satisfaction_funnel"}).assign(satisfaction_centre=centre)
    flags = participation.outlet_flags(
        counts, units, month, drop_ratio=sp.participation_drop_ratio, baseline=sp.participation_baseline_months,
        gap=sp.participation_gap_months, min_served=sp.participation_min_served,
        perfect_min_share=sp.perfect_min_share, perfect_min_ratings=sp.perfect_min_ratings)
    flags = flags[["outlet_id", "participation", "baseline", "dropped", "perfect", "top_share"]].rename(
        columns={"baseline": "participation_baseline", "dropped": "participation_dropped",
                 "perfect": "participation_perfect"})
    return out.merge(flags, on="outlet_id", how="outer")


def watch_alerts(con, params, scope: Scope, day: Period) -> pd.DataFrame:
    """The daily watch's evaluator alerts for ``day`` (core.areas.WATCH_ALERT_COLUMNS; rules in
    satisfaction.watch_alerts): participation collapse against the outlet's own baseline, all-top
    scores. ``con``: the warehouse as known at the day's end (engine.as_of)."""
    from svc_analysis.satisfaction import watch_alerts as watch

    return watch.alerts(con, params, scope, day)
