"""Outlets compared fairly: funnel plot position and a league table of shrunken rates.

Issue 4 ("units compared fairly"): a raw league table of satisfaction rates ranks small outlets at
the top and bottom by chance. Two fair views:

- funnel (funnel.py, Spiegelhalter 2005, kind "proportion"): each outlet's rate against its number
  of ratings, with limits around the centre ([satisfaction.funnel_centre]: the target
  [satisfaction.rate_target] or the scope's average); an outlet below the lower 99.8% limit is very
  unlikely to be on the centre by chance alone, one below 95% deserves a look;
- league table: outlets ranked by their empirical Bayes shrunken rate (shrinkage.py) with its
  interval, never by the raw rate.

Outlets with no ratings in the month are kept with no data (never 0% or 100%) and are not ranked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svc_analysis.stats import funnel
from svc_analysis.stats import proportions
from svc_analysis.stats import shrinkage
from svc_analysis.core.safety import md

CENTRES = ("target", "average")
ORDERED_CLASSES = ("below_99.8", "below_95", "within", "above_95", "above_99.8", "no_data")


def centre_value(centre: str, target: float, satisfied: float, ratings: float) -> float:
    """The funnel's centre line: the target, or the scope's pooled rate (NaN without ratings)."""
    if centre not in CENTRES:
        raise ValueError(f"satisfaction.funnel_centre must be one of {', '.join(CENTRES)}, not {centre!r}")
    if centre == "target":
        return float(target)
    return satisfied / ratings if ratings > 0 else float("nan")


def outlet_table(counts: pd.DataFrame, tree: pd.DataFrame, month: str, centre: float,
                 levels=funnel.DEFAULT_LEVELS, interval_level: float = 0.95) -> tuple[pd.DataFrame, object]:
    """One row per outlet of ``tree`` for ``month``: counts, raw rate, Wilson interval, funnel class,
    shrunken rate with its interval and weight, and rank (1 = best shrunken rate; NaN without data).

    Returns (table, prior); prior is None when the outlets cannot be shrunk (fewer than two with
    ratings, or every rating satisfied): the shrunken columns are then NaN and nothing is ranked.
    """
    part = counts[counts["month"] == month][["outlet_id", "ratings", "satisfied", "top_score", "served"]]
    out = tree[["outlet_id", "outlet_name", "subbranch", "branch"]].merge(part, on="outlet_id", how="left")
    for column in ("ratings", "satisfied", "top_score", "served"):
        out[column] = out[column].fillna(0).astype("int64")
    out["rate"] = proportions.share(out["satisfied"], out["ratings"])
    out["lower_wilson"], out["upper_wilson"] = proportions.wilson(out["satisfied"], out["ratings"], interval_level)
    if np.isfinite(centre):
        out["funnel"] = funnel.classify(out["rate"], out["ratings"], centre, kind="proportion", levels=levels).to_numpy()
    else:  # an 'average' centre of a scope with no ratings: nothing to compare with
        out["funnel"] = "no_data"
    units = out.rename(columns={"satisfied": "successes", "ratings": "trials"})
    try:
        shrunk, prior = shrinkage.shrink(units, level=interval_level)
    except ValueError:
        shrunk, prior = units.assign(shrunken=np.nan, lower=np.nan, upper=np.nan, weight=np.nan), None
    out["shrunken"], out["lower"], out["upper"] = shrunk["shrunken"], shrunk["lower"], shrunk["upper"]
    out["weight"] = shrunk["weight"]
    out["rank"] = out["shrunken"].rank(ascending=False, method="min").astype("Int64")
    return out, prior


def below_limits(table: pd.DataFrame) -> pd.DataFrame:
    """Outlets below the funnel's lower limits, the 99.8% ones first, then by rate."""
    low = table[table["funnel"].isin(ORDERED_CLASSES[:2])]
    order = low["funnel"].map(ORDERED_CLASSES.index)
    return low.assign(_o=order).sort_values(["_o", "rate", "outlet_id"], kind="stable").drop(columns="_o")


def league(table: pd.DataFrame, rows: int | None = None) -> pd.DataFrame:
    """The ranked outlets (shrunken rate, best first); ``rows``: the last ``rows`` only (the weakest),
    None: every ranked outlet. Outlets without data are left out (they have no rank)."""
    ranked = table[table["rank"].notna()].sort_values(["rank", "outlet_id"], kind="stable")
    return ranked.tail(rows) if rows else ranked


def curve(table: pd.DataFrame, centre: float, levels=funnel.DEFAULT_LEVELS, points: int = 200) -> pd.DataFrame:
    """The funnel limits over the table's range of rating counts (from half the smallest outlet to
    a tenth above the largest), for drawing: the limits of 1-10 ratings say nothing about any outlet
    and would squash the chart."""
    sizes = table.loc[table["ratings"] > 0, "ratings"]
    if not np.isfinite(centre):
        centre = 0.5  # no ratings anywhere: the chart says 无数据 and draws no limits
    low, high = (max(1.0, float(sizes.min()) / 2), float(sizes.max()) * 1.1) if len(sizes) else (1.0, 2.0)
    grid = np.unique(np.geomspace(low, max(high, low * 2), points).round())
    return funnel.limits(grid, centre, kind="proportion", levels=levels)


def sentence(table: pd.DataFrame, centre_label: str, centre: float) -> str:
    """Chinese summary: outlets with data, and those below the lower limits, named."""
    has = table[table["ratings"] > 0]
    if has.empty:
        return "本月各网点均无评价数据（无数据），无法比较。"
    low = below_limits(table)
    text = (f"本月有评价的网点 {len(has)} 个；以{centre_label}（{centre * 100:.1f}%）为中心线，")
    if low.empty:
        return text + "没有网点低于漏斗图的 95% 下限，各网点与中心线的差异都在随机波动范围内。"
    names = "、".join(f"{md(r.outlet_name)}（{md(r.outlet_id)}，{r.rate * 100:.1f}%，{r.ratings} 条）"
                     for r in low.itertuples())
    strong = int((low["funnel"] == "below_99.8").sum())
    return text + f"{len(low)} 个网点低于 95% 下限（其中 {strong} 个低于 99.8% 下限）：{names}。"
