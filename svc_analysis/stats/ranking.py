"""Fair rankings of mystery-shopper scores: unit means with intervals, which differences are real.

Seed 003 ranks branches each round (the bottom three tier-1 branches are named at the briefing) and
rewards the top five outlets scoring 90 or more. A score is one visit by one shopper: a one-point gap
between two outlets visited once each is noise. Methods (stated in docs/inspections.md):

- Unit mean interval: mean ± t(1 − (1 − level)/2, n − 1) × s / √n over the unit's inspection scores
  (Student t; no interval with a single inspection).
- Pairwise comparisons: Welch's two-sample t-test for every pair of units with at least two scores
  each, p-values adjusted with Holm's step-down method (family-wise error ``alpha`` over all pairs).
  A ranking between two units is distinguishable when their adjusted p-value is below alpha.
- Noise between single visits: the pooled within-unit standard deviation s_p; two outlets visited once
  each differ significantly only by more than z(1 − alpha/2) × √2 × s_p points.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats
from svc_analysis.core.safety import md


class RankingError(ValueError):
    """Scores that cannot be ranked (the message names the column)."""


def _check(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    for col in (by, "score"):
        if col not in frame.columns:
            raise RankingError(f"scores lack column {col}")
    if frame["score"].isna().any():
        row = int(frame["score"].isna().to_numpy().argmax())
        raise RankingError(f"scores: row {row + 1}, column score is empty")
    return frame


def competition_rank(values: pd.Series, ascending: bool = False) -> pd.Series:
    """1 = best (highest unless ascending); ties share the better place: 95, 95, 90 -> 1, 1, 3."""
    return values.rank(ascending=ascending, method="min").astype("Int64")


def unit_means(frame: pd.DataFrame, by: str, level: float = 0.95) -> pd.DataFrame:
    """Per unit: n, mean, sd, lower, upper (Student-t interval at ``level``), rank (1 = best mean)."""
    _check(frame, by)
    grouped = frame.groupby(by, sort=True)["score"]
    out = pd.DataFrame({"n": grouped.size(), "mean": grouped.mean(), "sd": grouped.std(ddof=1)}).reset_index()
    n = out["n"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        t = stats.t.ppf(1 - (1 - level) / 2, np.where(n > 1, n - 1, np.nan))
        half = t * out["sd"].to_numpy() / np.sqrt(n)
    out["lower"] = out["mean"] - half
    out["upper"] = out["mean"] + half
    out["rank"] = competition_rank(out["mean"])
    return out.sort_values(["rank", by]).reset_index(drop=True)


def holm(pvalues) -> np.ndarray:
    """Holm's step-down adjusted p-values (NaN stays NaN and is not counted among the tests)."""
    p = np.asarray(pvalues, dtype="float64")
    adjusted = np.full(p.shape, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    order = valid[np.argsort(p[valid], kind="stable")]
    m, running = len(order), 0.0
    for k, idx in enumerate(order):
        running = max(running, min(1.0, (m - k) * p[idx]))
        adjusted[idx] = running
    return adjusted


def pairwise(frame: pd.DataFrame, by: str, alpha: float = 0.05) -> pd.DataFrame:
    """Every pair of units: unit_a (the higher mean), unit_b, diff, p (Welch), p_holm, distinguishable.

    A pair where either unit has fewer than two scores, or both have no spread, has no test (p empty,
    not distinguishable).
    """
    _check(frame, by)
    groups = {name: part.to_numpy(dtype="float64") for name, part in frame.groupby(by, sort=True)["score"]}
    rows = []
    for a, b in combinations(sorted(groups), 2):
        x, y = groups[a], groups[b]
        if x.mean() < y.mean():
            a, b, x, y = b, a, y, x
        p = math.nan
        if len(x) > 1 and len(y) > 1 and (x.std() > 0 or y.std() > 0):
            p = float(stats.ttest_ind(x, y, equal_var=False).pvalue)
        rows.append({"unit_a": a, "unit_b": b, "diff": x.mean() - y.mean(), "p": p})
    out = pd.DataFrame(rows, columns=["unit_a", "unit_b", "diff", "p"])
    out["p_holm"] = holm(out["p"]) if len(out) else pd.Series(dtype="float64")
    out["distinguishable"] = (out["p_holm"] < alpha).fillna(False).astype(bool)
    return out.sort_values(["unit_a", "unit_b"]).reset_index(drop=True)


def noise_floor(frame: pd.DataFrame, by: str, alpha: float = 0.05) -> dict:
    """Pooled within-unit sd of single scores and the smallest gap between two single-visit outlets
    that a two-sided z-test at ``alpha`` would call real: {'sd', 'df', 'min_gap'} (NaN without data)."""
    _check(frame, by)
    grouped = frame.groupby(by)["score"]
    df = float((grouped.size() - 1).clip(lower=0).sum())
    if df <= 0:
        return {"sd": math.nan, "df": 0.0, "min_gap": math.nan}
    sd = math.sqrt(float((grouped.var(ddof=1).fillna(0) * (grouped.size() - 1)).sum()) / df)
    return {"sd": sd, "df": df, "min_gap": stats.norm.ppf(1 - alpha / 2) * math.sqrt(2) * sd}


def distinguishable_sentence(means: pd.DataFrame, pairs: pd.DataFrame, by: str, alpha: float) -> str:
    """A Chinese sentence naming the pairs of units whose means really differ (Holm-adjusted)."""
    if means.empty:
        return "本期没有神秘人检查分数，无法比较。"
    real = pairs[pairs["distinguishable"]]
    tested = int(pairs["p"].notna().sum())
    if not tested:
        return "各单位检查次数太少（每单位至少需要2次），排名之间的差别无法检验。"
    if real.empty:
        return (f"在 {tested} 组两两比较中（多重比较校正后，总体显著性水平 {alpha:g}），没有一组差异显著："
                "本期排名的先后可能只是抽样波动，不宜据此区分优劣。")
    named = "；".join(f"{md(r.unit_a)} 高于 {md(r.unit_b)}（差 {r.diff:.1f} 分）" for r in real.itertuples())
    return (f"在 {tested} 组两两比较中（多重比较校正后，总体显著性水平 {alpha:g}），{len(real)} 组差异显著：{named}。"
            "其余名次先后在统计上无法区分。")


def top_outlets(outlet_scores: pd.DataFrame, n: int, min_score: float) -> pd.DataFrame:
    """Outlets with score >= min_score ranked in the first n places (ties at place n all kept)."""
    _check(outlet_scores, "outlet_id")
    eligible = outlet_scores[outlet_scores["score"] >= min_score].copy()
    eligible["rank"] = competition_rank(eligible["score"])
    return eligible[eligible["rank"] <= n].sort_values(["rank", "outlet_id"]).reset_index(drop=True)


def bottom_units(means: pd.DataFrame, n: int) -> pd.DataFrame:
    """The n units with the lowest mean (ties at place n all kept), worst first."""
    worst = competition_rank(means["mean"], ascending=True)
    return means[worst <= n].sort_values("mean", kind="stable").reset_index(drop=True)
