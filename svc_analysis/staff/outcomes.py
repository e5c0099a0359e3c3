"""Star-teller rate against service outcomes per outlet: an association, never a proof of cause.

Per outlet over the [staff.outcome_months] months ending with the report month (one month holds too
few complaints per outlet to compare; DATA_CONTRACT.md definitions, computed here from the warehouse):
- satisfaction = ratings with score >= [satisfaction.satisfied_min_score] / ratings in the month;
- complaint rate = complaints received in the month / customers served (tickets taken in the month
  and called) x [complaints.per_customers];
- star-teller rate from staff.outlet_counts (star tellers / tellers in service at month end).
An outlet enters a comparison only when both of its figures have data (non-zero denominators).

Correlation: Pearson r with its confidence interval by the Fisher z-transform,
z = atanh(r), se = 1 / sqrt(n - 3), [tanh(z - q se), tanh(z + q se)], q the normal quantile of the
confidence level [staff.outcome_confidence]; it needs n >= 4 outlets and both figures varying.
The fitted line is ordinary least squares (y = intercept + slope x). Outlets differ in customers,
location and management, all of which move both figures: the text says "associated", not "causes".
"""

from __future__ import annotations

import math

import ibis
import numpy as np
import pandas as pd
from scipy import stats

from svc_analysis.engine import measures
from svc_analysis.views import plotting
from svc_analysis.core.periods import add_months, month_bounds
from svc_analysis.engine.warehouse import engine

OUTCOMES = {"satisfaction": "满意度", "complaint_rate": "投诉率（每万客户）"}
MIN_N = 4  # the Fisher interval's standard error 1/sqrt(n-3) needs n > 3
_COUNTS = ["ratings", "satisfied", "served", "complaints"]


def outlet_outcomes(con, month: str, *, months: int, satisfied_min_score: int, per_customers: float,
                    outlets: list[str] | None = None) -> pd.DataFrame:
    """Per outlet with ratings, tickets or complaints in the ``months`` months ending with ``month``:
    ratings, satisfied, served, complaints, satisfaction and complaint_rate (None where the
    denominator is 0). Aggregated in the engine (Ibis on DuckDB)."""
    if months < 1:
        raise ValueError(f"outcome_months must be >= 1, not {months}")
    start, end = month_bounds(add_months(month, -(months - 1)))[0], month_bounds(month)[1]
    ib = engine(con)

    def per_outlet(table: str, at: str, **counts):
        t = ib.table(table)
        keep = (t[at] >= start) & (t[at] < end)
        if outlets is not None:
            keep &= t.outlet_id.isin(list(outlets))
        t = t.filter(keep)
        counted = t.group_by("outlet_id").agg(**{name: make(t) for name, make in counts.items()})
        # every part gets every count column (0 where the table has none) so the parts stack
        return counted.select("outlet_id", **{c: counted[c] if c in counts else ibis.literal(0, "int64")
                                              for c in _COUNTS})

    # the three small per-outlet counts stacked and summed: a full outer join on outlet_id, portable
    # to any Ibis backend without coalescing join keys
    parts = ibis.union(
        per_outlet("ratings", "rated_at", ratings=lambda t: t.count(),
                   satisfied=lambda t: t.count(where=t.score >= satisfied_min_score)),
        per_outlet("tickets", "taken_at", served=measures.customers_served),
        per_outlet("complaints", "received_at", complaints=lambda t: t.count()))
    out = parts.group_by("outlet_id").agg(**{c: parts[c].sum() for c in _COUNTS}).order_by("outlet_id").to_pandas()
    out[_COUNTS] = out[_COUNTS].astype("int64")
    out["satisfaction"] = out["satisfied"] / out["ratings"].where(out["ratings"] > 0)
    out["complaint_rate"] = out["complaints"] / out["served"].where(out["served"] > 0) * per_customers
    return out


def with_star_rate(outcomes: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """outcomes joined with staff.outlet_counts: adds tellers, star_tellers, star_rate (None without tellers)."""
    out = outcomes.merge(counts[["outlet_id", "tellers", "star_tellers"]], on="outlet_id", how="inner")
    out["star_rate"] = out["star_tellers"] / out["tellers"].where(out["tellers"] > 0)
    return out


def pearson(x, y, confidence: float) -> dict:
    """n, r, low, high (Fisher z interval at ``confidence``) over the pairs where both are present.

    r/low/high are NaN with fewer than MIN_N pairs or when either variable is constant.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    xs, ys = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    keep = ~(np.isnan(xs) | np.isnan(ys))
    xs, ys = xs[keep], ys[keep]
    n = int(xs.size)
    out = {"n": n, "r": math.nan, "low": math.nan, "high": math.nan, "confidence": confidence}
    if n < MIN_N or np.ptp(xs) == 0 or np.ptp(ys) == 0:
        return out
    r = float(np.corrcoef(xs, ys)[0, 1])
    r = max(-1.0, min(1.0, r))
    if abs(r) == 1.0:
        return {**out, "r": r, "low": r, "high": r}
    z, se = math.atanh(r), 1 / math.sqrt(n - 3)
    q = stats.norm.ppf(0.5 + confidence / 2)
    return {**out, "r": r, "low": math.tanh(z - q * se), "high": math.tanh(z + q * se)}


def fit_line(x, y) -> tuple[float, float]:
    """(intercept, slope) of the least-squares line over the present pairs; NaN when it is undefined."""
    xs, ys = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    keep = ~(np.isnan(xs) | np.isnan(ys))
    xs, ys = xs[keep], ys[keep]
    if xs.size < 2 or np.ptp(xs) == 0:
        return math.nan, math.nan
    slope, intercept = np.polyfit(xs, ys, 1)
    return float(intercept), float(slope)


def correlations(frame: pd.DataFrame, confidence: float) -> pd.DataFrame:
    """One row per outcome in OUTCOMES: outcome, n, r, low, high, intercept, slope (star_rate as x)."""
    rows = []
    for outcome in OUTCOMES:
        res = pearson(frame["star_rate"], frame[outcome], confidence)
        intercept, slope = fit_line(frame["star_rate"], frame[outcome])
        rows.append({"outcome": outcome, **res, "intercept": intercept, "slope": slope})
    return pd.DataFrame(rows)


def _strength(r: float) -> str:
    size = abs(r)
    return "较强" if size >= 0.5 else "中等" if size >= 0.3 else "较弱"


def sentence(row: pd.Series) -> str:
    """One cautious Chinese sentence on one correlations() row (association, not cause)."""
    name = OUTCOMES[row["outcome"]]
    if math.isnan(row["r"]):
        why = (f"可比较的网点只有 {row['n']} 个" if row["n"] < MIN_N else "各网点的数值没有差异")
        return f"星级柜员率与{name}：{why}，无法估计相关性（无数据）。"
    direction = "正" if row["r"] > 0 else "负"
    level = f"{row['confidence'] * 100:g}%"
    crosses = row["low"] <= 0 <= row["high"]
    verdict = ("区间包含 0，现有数据不足以说明两者有关联" if crosses
               else f"呈{_strength(row['r'])}的{direction}相关")
    return (f"星级柜员率与{name}：{row['n']} 个网点，相关系数 r = {row['r']:.2f}"
            f"（{level} 置信区间 {row['low']:.2f} 至 {row['high']:.2f}），{verdict}。"
            "这只是相关，不代表因果：网点的客群、地段和管理同时影响两者。")


def plot(frame: pd.DataFrame, table: pd.DataFrame):
    """Two scatter panels (star rate against each outcome) with the fitted line; returns the figure."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(OUTCOMES), figsize=(plotting.FIGURE_SIZE[0], plotting.FIGURE_SIZE[1] * 0.9))
    for ax, (outcome, label) in zip(np.atleast_1d(axes), OUTCOMES.items()):
        part = frame[frame["star_rate"].notna() & frame[outcome].notna()]
        row = table.set_index("outcome").loc[outcome]
        ax.scatter(part["star_rate"], part[outcome], color=plotting.PALETTE[0], alpha=0.8, s=24)
        if part.empty:
            ax.text(0.5, 0.5, plotting.NO_DATA, transform=ax.transAxes, ha="center", va="center")
        elif not math.isnan(row["slope"]):
            xs = np.linspace(part["star_rate"].min(), part["star_rate"].max(), 2)
            ax.plot(xs, row["intercept"] + row["slope"] * xs, color=plotting.PALETTE[1])
        title = label if math.isnan(row["r"]) else f"{label}  r = {row['r']:.2f}"
        ax.set_title(title, fontsize="medium")
        ax.set_xlabel("星级柜员率")
        ax.xaxis.set_major_formatter(plotting.percent_formatter(0))
        if outcome == "satisfaction":
            ax.yaxis.set_major_formatter(plotting.percent_formatter(0))
    fig.tight_layout()
    return fig
