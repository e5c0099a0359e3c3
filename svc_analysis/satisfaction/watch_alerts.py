"""The daily watch's evaluator alerts 日监测 (issue 15): the month's participation flags, on one day.

``con`` is the warehouse as known at the day's end (engine.as_of). The judgment is the monthly
page's (participation.judge: participation = ratings / customers served, the ratio to the outlet's
own pooled baseline, the share of top scores), with a day's volumes (params in brackets):

- participation_drop 评价器参与率骤降: the day's participation below
  [satisfaction.participation_drop_ratio] x the outlet's baseline, the baseline being its pooled
  participation over the [satisfaction.watch.baseline_days] days that end
  [satisfaction.watch.gap_days] days before the day (so a collapse does not drag its own baseline
  down at once); judged only with at least [satisfaction.watch.min_served] customers served that day;
- perfect_scores 评价全为满分: at least [satisfaction.watch.perfect_min_ratings] ratings on the day
  and a share of top scores (5) of at least [satisfaction.perfect_min_share].

Ratings count by rated_at, customers served by taken_at (tickets called), as in the month.
"""

from __future__ import annotations

from datetime import timedelta

import ibis
import pandas as pd

from svc_analysis.core.areas import WATCH_ALERT_COLUMNS
from svc_analysis.core.period import Period
from svc_analysis.engine.measures import customers_served
from svc_analysis.engine.scope import Scope
from svc_analysis.engine.warehouse import engine
from svc_analysis.satisfaction import participation
from svc_analysis.satisfaction.satisfaction import TOP_SCORE

ACTIONS = {
    "participation_drop": "检查评价器是否开启、是否被遮挡或故障，提醒柜员请每位客户评价",
    "perfect_scores": "核查是否只请满意客户评价或由员工代按，抽查当日录像",
}


def day_counts(con, scope: Scope, day: Period, baseline_days: int, gap_days: int) -> pd.DataFrame:
    """ratings, top_score and served per outlet and part: ``now`` (the day) and ``base`` (the
    baseline days); the gap between them is left out. Columns: outlet_id, part, ratings, top_score, served."""
    base_end = day.start - timedelta(days=gap_days)
    first = base_end - timedelta(days=baseline_days)
    start, end = day.bounds
    ib = engine(con)

    def per_part(table: str, at: str, **counts) -> pd.DataFrame:
        t = ib.table(table)
        t = scope.filter(t.filter(t[at] >= first, t[at] < end))
        part = ibis.cases((t[at] >= start, "now"), (t[at] < base_end, "base"), else_="gap")
        t = t.mutate(part=part)
        t = t.filter(t.part != "gap")
        return t.group_by("outlet_id", "part").agg(**{k: make(t) for k, make in counts.items()}).to_pandas()

    ratings = per_part("ratings", "rated_at", ratings=lambda t: t.count(),
                       top_score=lambda t: t.count(where=t.score == TOP_SCORE))
    served = per_part("tickets", "taken_at", served=customers_served)
    frame = ratings.astype({"outlet_id": object, "part": object}).merge(
        served.astype({"outlet_id": object, "part": object}), on=["outlet_id", "part"], how="outer")
    frame[["ratings", "top_score", "served"]] = frame[["ratings", "top_score", "served"]].fillna(0).astype("int64")
    return frame


def flags(con, params, scope: Scope, day: Period) -> pd.DataFrame:
    """participation.judge on the day against the baseline days, for the scope's outlets."""
    p, w = params.satisfaction, params.satisfaction.watch
    counts = day_counts(con, scope, day, w.baseline_days, w.gap_days)
    return participation.judge(counts[counts["part"] == "now"], counts[counts["part"] == "base"], scope.tree_in_scope,
                               drop_ratio=p.participation_drop_ratio, min_served=w.min_served,
                               perfect_min_share=p.perfect_min_share, perfect_min_ratings=w.perfect_min_ratings)


def alerts(con, params, scope: Scope, day: Period) -> pd.DataFrame:
    """Every evaluator alert of ``day`` (WATCH_ALERT_COLUMNS): drops (lowest ratio first), then perfect days."""
    if day.kind != "day":
        raise ValueError(f"日监测按天计算，报告期 {day.key} 不是一天 (the watch takes a day, not {day.kind})")
    p, w = params.satisfaction, params.satisfaction.watch
    judged = flags(con, params, scope, day)
    rows = []
    drop_rule = (f"低于本网点基准的 {p.participation_drop_ratio:.0%}（基准为前第 {w.gap_days + 1}–{w.gap_days + w.baseline_days} "
                 f"天的合计参与率；当日服务不少于 {w.min_served} 人才判断）")
    for r in judged[judged["dropped"]].sort_values(["ratio", "outlet_id"]).itertuples():
        rows.append({"rule_id": "participation_drop", "subject": r.outlet_id, "rule": "评价器参与率骤降",
                     "unit": scope.outlet_label(r.outlet_id),
                     "figure": f"评价 {r.ratings} 条 / 服务 {r.served} 人，参与率 {r.participation:.1%}"
                               f"（基准 {r.baseline:.1%}）",
                     "threshold": drop_rule, "action": ACTIONS["participation_drop"]})
    perfect_rule = f"当日至少 {w.perfect_min_ratings} 条评价且 5 分占比不低于 {p.perfect_min_share:.0%}"
    for r in judged[judged["perfect"]].sort_values(["top_share", "outlet_id"], ascending=[False, True]).itertuples():
        rows.append({"rule_id": "perfect_scores", "subject": r.outlet_id, "rule": "评价全为满分",
                     "unit": scope.outlet_label(r.outlet_id),
                     "figure": f"{r.ratings} 条评价中 {r.top_share:.1%} 为 5 分", "threshold": perfect_rule,
                     "action": ACTIONS["perfect_scores"]})
    return pd.DataFrame(rows, columns=list(WATCH_ALERT_COLUMNS))
