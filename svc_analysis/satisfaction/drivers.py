"""Key-driver analysis of the survey: which dimension moves overall satisfaction most.

Method (stated in the notebook): the LMG decomposition of R² (Lindeman, Merenda & Gold 1980; the
Shapley value of R², Grömping 2007, "Estimators of relative importance in linear regression based
on variance decomposition", The American Statistician 61:139-147). Overall satisfaction is regressed
by least squares on the four dimensions; the R² of the full model is shared among them: each
dimension gets the average, over every order of entering the predictors, of the R² it adds when it
enters. Unlike raw regression weights, the shares are non-negative, add up to R², and do not depend
on the order, even though the dimensions are strongly correlated (a customer happy with the staff
tends to rate everything high).

Only second moments are needed: R² of a subset S from the correlation matrix is r_S' R_SS^-1 r_S,
so the engine (Ibis on DuckDB) returns a 5 x 5 correlation matrix (complete answers only)
in one aggregate and no answer rows.
Importance-performance: importance = a dimension's share of R² (relative importance), performance =
its mean score; a dimension of high importance and low performance is the first to improve.
"""

from __future__ import annotations

from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd

from svc_analysis.satisfaction import surveys


def correlations(con, months: list[str], outlets=None, target: str = surveys.OVERALL,
                 predictors=surveys.DIMENSIONS) -> tuple[pd.DataFrame, int]:
    """(correlation matrix of target and predictors, number of complete answers) over ``months``."""
    columns = [target, *predictors]
    t = surveys.answers(con, months, outlets)
    t = t.filter([t[c].notnull() for c in columns])  # complete answers only
    pairs = [(a, b) for i, a in enumerate(columns) for b in columns[i + 1:]]
    # Pearson r is the same with population or sample moments (the factor cancels); DuckDB's
    # corr() is the one Ibis compiles, under how="pop"
    values = t.aggregate(n=t.count(), **{f"{a}__{b}": t[a].corr(t[b], how="pop") for a, b in pairs}
                         ).to_pandas().iloc[0]
    matrix = pd.DataFrame(np.eye(len(columns)), index=columns, columns=columns)
    for a, b in pairs:
        r = values[f"{a}__{b}"]
        matrix.loc[a, b] = matrix.loc[b, a] = np.nan if r is None else r
    return matrix, int(values["n"])


def r_squared(corr: pd.DataFrame, target: str, subset) -> float:
    """R² of the least-squares regression of target on ``subset`` (0 for the empty subset)."""
    subset = list(subset)
    if not subset:
        return 0.0
    r = corr.loc[subset, target].to_numpy()
    inner = corr.loc[subset, subset].to_numpy()
    # pinv: two identical dimensions (perfectly correlated) still give the right R²
    return float(r @ np.linalg.pinv(inner) @ r)


def lmg(corr: pd.DataFrame, target: str = surveys.OVERALL, predictors=surveys.DIMENSIONS) -> pd.Series:
    """LMG / Shapley share of R² for each predictor (sums to the full model's R²).

    Shapley weight of a subset S not holding j, with p predictors: |S|! (p - |S| - 1)! / p!.
    Raises ValueError when the matrix has NaN (a constant column: no variation to explain).
    """
    predictors = list(predictors)
    if corr.loc[[target, *predictors], [target, *predictors]].isna().any().any():
        raise ValueError("key drivers: a score has no variation (or too few answers), correlations are undefined")
    p = len(predictors)
    cache: dict[frozenset, float] = {}

    def r2(subset) -> float:
        key = frozenset(subset)
        if key not in cache:
            cache[key] = r_squared(corr, target, sorted(key, key=predictors.index))
        return cache[key]

    shares = {}
    for j in predictors:
        others = [k for k in predictors if k != j]
        total = 0.0
        for size in range(p):
            weight = factorial(size) * factorial(p - size - 1) / factorial(p)
            total += weight * sum(r2((*s, j)) - r2(s) for s in combinations(others, size))
        shares[j] = total
    return pd.Series(shares, name="lmg")


def importance_performance(corr: pd.DataFrame, scores: pd.DataFrame, target: str = surveys.OVERALL,
                           predictors=surveys.DIMENSIONS) -> pd.DataFrame:
    """Per dimension: lmg (share of R²), importance (lmg / R², sums to 1), performance (mean score,
    from surveys.dimension_scores), top2, and the quadrant against the dimensions' averages:
    'improve' (importance above average, performance below), 'keep' (both above), 'secondary'
    (both below), 'maintain' (importance below, performance above)."""
    shares = lmg(corr, target, predictors)
    total = float(shares.sum())
    out = scores.set_index("measure").loc[list(predictors), ["measure_zh", "mean", "top2", "answers"]]
    out = out.rename(columns={"mean": "performance"}).reset_index()
    out["lmg"] = shares.to_numpy()
    out["importance"] = out["lmg"] / total if total > 0 else np.nan
    hi_imp = out["importance"] >= out["importance"].mean()
    hi_perf = out["performance"] >= out["performance"].mean()
    out["quadrant"] = np.select([hi_imp & ~hi_perf, hi_imp & hi_perf, ~hi_imp & ~hi_perf],
                                ["improve", "keep", "secondary"], "maintain")
    out.attrs["r_squared"] = total
    return out


def sentence(table: pd.DataFrame, answers: int, window: tuple[str, str]) -> str:
    """Chinese summary: R², the most important dimension, and the ones to improve first."""
    top = table.sort_values("importance", ascending=False, kind="stable").iloc[0]
    text = (f"{window[0]} 至 {window[1]} 共 {answers:,} 份完整答卷。四个分项合计解释了总体满意度差异的 "
            f"{table.attrs['r_squared'] * 100:.0f}%（R²，贡献分解），其中{top.measure_zh}的贡献最大，"
            f"占 {top.importance * 100:.0f}%。")
    improve = table[table["quadrant"] == "improve"]
    if improve.empty:
        return text + "没有“重要性高而得分低”的分项。"
    return text + "重要性高于平均而得分低于平均、应优先改进的分项：" + "、".join(improve["measure_zh"]) + "。"


def key_drivers(con, months: list[str], scores: pd.DataFrame, outlets=None) -> tuple[pd.DataFrame | None, int]:
    """(importance_performance table, complete answers) over ``months``; the table is None when a
    regression on the dimensions cannot be fitted: no more complete answers than parameters
    (dimensions + intercept), or a score with no variation."""
    corr, n = correlations(con, months, outlets)
    if n <= len(surveys.DIMENSIONS) + 1:
        return None, n
    try:
        return importance_performance(corr, scores), n
    except ValueError:
        return None, n
