"""Evaluator participation: who stopped pressing the evaluator, and whose scores are too perfect.

DOMAIN.md §2: evaluator participation = ratings / served transactions; low participation hides
dissatisfaction (an evaluator switched off, covered, or pressed only for happy customers).
DATA_CONTRACT.md: evaluator_participation_rate = ratings in the month / customers served in the
month (tickets taken in the month that were called).

Flags for the report month M, per outlet (params in brackets, params/satisfaction.yaml):
- sharp drop: participation in M < [participation_drop_ratio] x the outlet's baseline, where the
  baseline is its pooled participation (ratings / served, summed) over the
  [participation_baseline_months] months that end [participation_gap_months] months before M. The
  gap keeps a collapse of the last few months from dragging its own baseline down. Only outlets that
  served at least [participation_min_served] customers in M are judged (a handful of customers says
  nothing about the evaluator).
- implausibly perfect: at least [perfect_min_ratings] ratings in M and a share of top scores (5)
  of at least [perfect_min_share]. Real counters get some 3s and 4s; a wall of 5s from a few presses
  usually means the evaluator is being pressed selectively or by staff.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svc_analysis.core import periods
from svc_analysis.stats import proportions
from svc_analysis.core.safety import md
from svc_analysis.views import formats


def _ratio(numerator: pd.Series, denominator: pd.Series) -> np.ndarray:
    """numerator / denominator; NaN where the denominator is 0 (no data)."""
    den = denominator.astype("float64")
    return (numerator.astype("float64") / den.where(den > 0)).to_numpy()


def baseline_months(month: str, baseline: int, gap: int) -> list[str]:
    """The baseline's months for report month ``month``: ``baseline`` months ending ``gap`` before it."""
    if baseline < 1 or gap < 0:
        raise ValueError(f"participation baseline months must be >= 1 and gap >= 0, got {baseline}, {gap}")
    return periods.months_back(periods.add_months(month, -gap), baseline)


def outlet_flags(counts: pd.DataFrame, tree: pd.DataFrame, month: str, *, drop_ratio: float,
                 baseline: int, gap: int, min_served: int, perfect_min_share: float,
                 perfect_min_ratings: int) -> pd.DataFrame:
    """One row per outlet of ``tree``: the month's served, ratings, participation, baseline
    participation, ratio (participation / baseline), top-score share, and flags ``dropped``,
    ``perfect``, ``flagged`` (either). Shares without a denominator are NaN (no data), never 0.
    """
    base = counts[counts["month"].isin(baseline_months(month, baseline, gap))]
    return judge(counts[counts["month"] == month], base, tree, drop_ratio=drop_ratio, min_served=min_served,
                 perfect_min_share=perfect_min_share, perfect_min_ratings=perfect_min_ratings)


def judge(now: pd.DataFrame, base: pd.DataFrame, tree: pd.DataFrame, *, drop_ratio: float, min_served: int,
          perfect_min_share: float, perfect_min_ratings: int) -> pd.DataFrame:
    """The flags of the module docstring for any period: ``now`` holds the judged period's counts
    (outlet_id, ratings, top_score, served), ``base`` the baseline's (outlet_id, ratings, served;
    several rows per outlet are pooled). The month's report and the daily watch both judge here."""
    if not 0 < drop_ratio < 1:
        raise ValueError(f"satisfaction.participation_drop_ratio must be between 0 and 1, not {drop_ratio}")
    base = base.groupby("outlet_id")[["ratings", "served"]].sum().add_suffix("_baseline").reset_index()
    now = now.groupby("outlet_id")[["ratings", "top_score", "served"]].sum().reset_index()
    out = (tree[["outlet_id", "outlet_name", "subbranch", "branch"]]
           .merge(now, on="outlet_id", how="left").merge(base, on="outlet_id", how="left"))
    for column in ("ratings", "top_score", "served", "ratings_baseline", "served_baseline"):
        out[column] = out[column].fillna(0).astype("int64")
    # a plain quotient, not proportions.share: a few more ratings than customers served is possible
    # (a customer served on the 31st who rates after midnight counts in the next month)
    out["participation"] = _ratio(out["ratings"], out["served"])
    out["baseline"] = _ratio(out["ratings_baseline"], out["served_baseline"])
    with np.errstate(invalid="ignore", divide="ignore"):
        out["ratio"] = np.where(out["baseline"] > 0, out["participation"] / out["baseline"], np.nan)
    out["top_share"] = proportions.share(out["top_score"], out["ratings"])
    out["dropped"] = (out["served"] >= min_served) & (out["ratio"] < drop_ratio)
    out["perfect"] = (out["ratings"] >= perfect_min_ratings) & (out["top_share"] >= perfect_min_share)
    out["flagged"] = out["dropped"] | out["perfect"]
    return out


def flagged(flags: pd.DataFrame) -> pd.DataFrame:
    """The flagged outlets, the lowest ratio to baseline first."""
    return flags[flags["flagged"]].sort_values(["ratio", "outlet_id"], kind="stable", na_position="last")


def trend(counts: pd.DataFrame, outlets: list[str], months: list[str]) -> pd.DataFrame:
    """Monthly participation of some outlets (e.g. the flagged ones): outlet_id, month, ratings,
    served, participation (NaN in a month with no customers served). Every month appears."""
    grid = pd.MultiIndex.from_product([list(outlets), list(months)], names=["outlet_id", "month"])
    part = counts[counts["outlet_id"].isin(outlets)].set_index(["outlet_id", "month"])[["ratings", "served"]]
    out = part.reindex(grid, fill_value=0).reset_index()
    out["participation"] = _ratio(out["ratings"], out["served"])
    return out


def sentence(flags: pd.DataFrame, month: str, drop_ratio: float, perfect_min_share: float) -> str:
    """Chinese summary of the month's flags, naming each flagged outlet with its figures."""
    judged = int(flags["participation"].notna().sum())
    if judged == 0:
        return f"{month} 各网点均无服务客户数据（无数据），无法计算评价器参与率。"
    parts = [f"{month} 有服务客户数据的网点 {judged} 个。"]
    drops = flags[flags["dropped"]].sort_values("ratio", kind="stable")
    if drops.empty:
        parts.append(f"没有网点的参与率跌破其基准的 {drop_ratio * 100:.0f}%。")
    else:
        names = "、".join(f"{md(r.outlet_name)}（{md(r.outlet_id)}：{r.participation * 100:.1f}%，基准 {r.baseline * 100:.1f}%）"
                          for r in drops.itertuples())
        parts.append(f"参与率骤降（低于基准的 {drop_ratio * 100:.0f}%）的网点 {len(drops)} 个：{names}。")
    perfect = flags[flags["perfect"]]
    if perfect.empty:
        parts.append("没有评价分值异常完美的网点。")
    else:
        names = "、".join(f"{md(r.outlet_name)}（{md(r.outlet_id)}：{formats.count(r.ratings)} 条评价中 {r.top_share * 100:.1f}% 为 5 分）"
                          for r in perfect.itertuples())
        parts.append(f"评价几乎全为 5 分（不低于 {perfect_min_share * 100:.0f}%）的网点 {len(perfect)} 个：{names}。"
                     "参与率骤降且全为满分，往往意味着评价器只在满意客户面前使用，满意度被高估。")
    return "".join(parts)
