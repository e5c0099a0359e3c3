"""The inspections area's registration (entry point svc_analysis.areas: inspections, read by core.areas).

METRICS: the catalogue entries of every metric id the area publishes (registered at import).
kpi_rows: the area's complete KPI rows, assembled in this one place; notebook 40 publishes them and
the summary reads them through core.areas, neither judges again.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import catalogue
from svc_analysis.core.catalogue import Metric
from svc_analysis.core.period import Period
from svc_analysis.core.periods import month_end, month_start, quarter_start, year_start
from svc_analysis.engine import kpis
from svc_analysis.engine.scope import Scope
from svc_analysis.inspections import checks, inspections, rules

AREA = inspections.AREA
_PLAN_1 = "神秘人检查方案一（分行和网点）"
_PLAN_2 = "神秘人检查方案二（阶段目标考核）"

METRICS: tuple[Metric, ...] = (
    # basis "quarter": the mystery round is quarterly, so these figures are compared with the same month
    # of the previous quarter, never month on month (issue 14: a by-round figure is no monthly trend)
    Metric("mystery_score_avg", "神秘人检查平均分", AREA, "score", "higher",
           "本月神秘人检查（不含复查）得分之和 / 检查次数；目标为当月适用的阶段目标分。",
           _PLAN_2, "inspections.stage_targets", basis="quarter"),
    Metric("mystery_score_latest_round", "神秘人检查最近一轮平均分", AREA, "score", "higher",
           "截至本月末全省最近一个有神秘人检查（不含复查）的月份（最近一轮）的得分之和 / 检查次数；"
           "目标为该轮所在月适用的阶段目标分。",
           _PLAN_2, "inspections.stage_targets", basis="quarter"),
    Metric("mystery_score_quarter", "神秘人检查本季度平均分", AREA, "score", "higher",
           "季初至月末神秘人检查（不含复查）得分之和 / 检查次数；目标为本季度检查轮次所在月适用的阶段目标分。",
           _PLAN_2, "inspections.stage_targets", basis="quarter"),
    Metric("inspection_coverage_quarter", "神秘人检查季度覆盖率", AREA, "share", "higher",
           "季初至月末至少有一次神秘人检查（含复查）的有人值守营业网点数 / 月末营业的有人值守网点数。",
           _PLAN_1, "inspections.quarter_coverage_target", basis="quarter"),
    Metric("inspection_coverage_year", "神秘人检查年度覆盖率", AREA, "share", "higher",
           "年初至月末至少有一次神秘人检查（含复查）的有人值守营业网点数 / 月末营业的有人值守网点数。",
           _PLAN_1, "inspections.year_coverage_target", basis="year"),
    Metric("outlets_below_85", "最新检查低于85分网点数", AREA, "count", "lower",
           "本季度至今最新一次神秘人检查（含复查）得分低于复查线（85分）的网点数，即复查名单。",
           _PLAN_1, None, basis="quarter"),
    Metric("penalty_yuan", "神秘人检查考核金额", AREA, "yuan", "lower",
           "按启用的奖惩规则集，本月神秘人检查得分计算的考核（扣罚）金额合计（元）。",
           _PLAN_2, None, basis="quarter"),
    Metric("reward_yuan", "神秘人检查奖励金额", AREA, "yuan", "higher",
           "按启用的奖惩规则集，本月神秘人检查得分计算的奖励金额合计（元）。",
           _PLAN_2, None, basis="quarter"),
    Metric("inspection_check_coverage_month", "本月综合检查覆盖率", AREA, "share", "higher",
           "本月至少有一次视频（非现场）、现场或神秘人检查的有人值守营业网点数 / 月末营业的有人值守网点数。",
           _PLAN_1, "inspections.monthly_check_coverage_target", basis="quarter"),
)
catalogue.register(METRICS)


def _month(period: Period) -> str:
    period.month_only("检查指标")
    return period.month_key


def rows(con, tree: pd.DataFrame, scope_tree: pd.DataFrame, month: str, params, ledger: pd.DataFrame,
         scope_level: str | None = None) -> pd.DataFrame:
    """The area's KPI rows at every level from loose arguments (params: the ``inspections`` section;
    ledger: rules.evaluate_all lines, only active rule sets count; scope_tree limits the units
    published). kpi_rows is the entry point; this is its body, kept callable for the summary
    registry's present wiring."""
    outlets = scope_tree["outlet_id"].tolist()
    common = {"month": month, "area": AREA, "scope_level": scope_level}
    scores = inspections.round_scores(con, month_start(month), month_end(month), outlets)
    frames = [kpis.rollup(scores.rename(columns={"score_sum": "numerator", "inspections": "denominator"}),
                          scope_tree, metric="mystery_score_avg", target=params.stage_target(month), **common)]
    frames += round_rows(con, scope_tree, month, params, common)
    for metric, since, target in (("inspection_coverage_quarter", quarter_start(month), params.quarter_coverage_target),
                                  ("inspection_coverage_year", year_start(month), params.year_coverage_target)):
        cover = inspections.coverage(con, scope_tree, month, since)
        staffed_tree = scope_tree[scope_tree["outlet_id"].isin(cover["outlet_id"])]
        frames.append(kpis.rollup(cover, staffed_tree, metric=metric, target=target, **common))
    below = inspections.recheck_table(con, month, params.recheck_below, params.severe_below, outlets)
    below = below.loc[below["on_list"], ["outlet_id"]].assign(value=1.0)
    frames.append(kpis.rollup(below, scope_tree, metric="outlets_below_85", kind="count", **common))
    active = {r.name for r in params.rule_sets if r.active}
    counted = ledger[ledger["rule_set"].isin(active) & ledger["outlet_id"].isin(outlets)]
    for effect in ("penalty", "reward"):
        frames.append(kpis.rollup(rules.per_outlet_yuan(counted, effect), scope_tree,
                                  metric=f"{effect}_yuan", kind="count", **common))
    frames.append(checks.coverage_kpis(con, scope_tree, month, params.monthly_check_kinds,
                                       params.monthly_check_coverage_target, scope_level))
    return pd.concat(frames, ignore_index=True)


def round_rows(con, scope_tree: pd.DataFrame, month: str, params, common: dict) -> list:
    """mystery_score_latest_round and mystery_score_quarter (inspections.latest_round_month): the figures
    a month without a round shows beside its own 无数据. The round is the province's, whatever the scope."""
    outlets = scope_tree["outlet_id"].tolist()
    round_month = inspections.latest_round_month(con, month)
    in_quarter = round_month is not None and month_start(round_month) >= quarter_start(month)
    out = []
    for metric, start, end, target_month in (
            ("mystery_score_latest_round", round_month and month_start(round_month),
             round_month and month_end(round_month), round_month or month),
            ("mystery_score_quarter", quarter_start(month), month_end(month), round_month if in_quarter else month)):
        scores = (inspections.round_scores(con, start, end, outlets) if start is not None
                  else pd.DataFrame(columns=["outlet_id", "inspections", "score_sum"]))
        out.append(kpis.rollup(scores.rename(columns={"score_sum": "numerator", "inspections": "denominator"}),
                               scope_tree, metric=metric, target=params.stage_target(target_month), **common))
    return out


def kpi_rows(con, params, scope: Scope, period: Period, ledger: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every KPI row of the inspections area (METRICS) for ``scope`` and ``period``.

    params: core.params.Params. Monthly only: a week or a day raises ValueError until the weekly
    cadence exists. ledger: the month's rules.evaluate_all lines when the caller has them already
    (inspections.month_ledger; computed here otherwise).
    """
    month = _month(period)
    p = params.inspections
    if ledger is None:
        ledger = inspections.month_ledger(con, scope.tree, month, p)
    return rows(con, scope.tree, scope.tree_in_scope, month, p, ledger, scope.level)
