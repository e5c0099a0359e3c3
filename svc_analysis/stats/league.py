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
Outlets below the minimum volume (their satisfaction_rate KPI row says small_sample, params
volumes.yaml: 样本不足) are kept with their rate and interval, but neither judged in the funnel
('small_sample') nor ranked (issue 14). The funnel limits drawn are ``comparison(...)``: the chart and
the sentence both read it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svc_analysis.stats import funnel
from svc_analysis.stats import proportions
from svc_analysis.stats import shrinkage

CENTRES = ("target", "average")


def centre_value(centre: str, target: float, satisfied: float, ratings: float) -> float:
    """The funnel's centre line: the target, or the scope's pooled rate (NaN without ratings)."""
    if centre not in CENTRES:
        raise ValueError(f"satisfaction.funnel_centre must be one of {', '.join(CENTRES)}, not {centre!r}")
    if centre == "target":
        return float(target)
    return satisfied / ratings if ratings > 0 else float("nan")


def outlet_table(counts: pd.DataFrame, tree: pd.DataFrame, month: str, centre: float,
                 levels=funnel.DEFAULT_LEVELS, interval_level: float = 0.95,
                 small=()) -> tuple[pd.DataFrame, object]:
    """One row per outlet of ``tree`` for ``month``: counts, raw rate, Wilson interval, funnel class,
    shrunken rate with its interval and weight, and rank (1 = best shrunken rate; NaN without data
    and for the outlets of ``small``: their KPI rows are small_sample, class 'small_sample').

    Returns (table, prior); prior is None when the outlets cannot be shrunk (fewer than two with
    ratings, or every rating satisfied): the shrunken columns are then NaN and nothing is ranked.
    """
    part = counts[counts["month"] == month][["outlet_id", "ratings", "satisfied", "top_score", "served"]]
    out = tree[["outlet_id", "outlet_name", "subbranch", "branch"]].merge(part, on="outlet_id", how="left")
    for column in ("ratings", "satisfied", "top_score", "served"):
        out[column] = out[column].fillna(0).astype("int64")
    out["rate"] = proportions.share(out["satisfied"], out["ratings"])
    out["lower_wilson"], out["upper_wilson"] = proportions.wilson(out["satisfied"], out["ratings"], interval_level)
    judged = ~out["outlet_id"].isin(set(small)).to_numpy()
    if np.isfinite(centre):
        out["funnel"] = funnel.classify(out["rate"], out["ratings"], centre, kind="proportion", levels=levels,
                                        judged=judged).to_numpy()
    else:  # an 'average' centre of a scope with no ratings: nothing to compare with
        out["funnel"] = "no_data"
    units = out.rename(columns={"satisfied": "successes", "ratings": "trials"})
    try:
        shrunk, prior = shrinkage.shrink(units, level=interval_level)
    except ValueError:
        shrunk, prior = units.assign(shrunken=np.nan, lower=np.nan, upper=np.nan, weight=np.nan), None
    out["shrunken"], out["lower"], out["upper"] = shrunk["shrunken"], shrunk["lower"], shrunk["upper"]
    out["weight"] = shrunk["weight"]
    out["rank"] = out["shrunken"].where(judged).rank(ascending=False, method="min").astype("Int64")
    return out, prior


def comparison(table: pd.DataFrame, centre: float, levels=funnel.DEFAULT_LEVELS,
               min_size: float | None = None) -> funnel.Comparison:
    """The funnel of an outlet_table, as classified there, with the limits drawn over its outlets'
    rating counts from ``min_size`` (the minimum volume; else from just below the smallest outlet)."""
    units = table.assign(size=table["ratings"].astype("float64"), observed=table["rate"])
    return funnel.drawn(units, centre=centre, kind="proportion", levels=levels, min_size=min_size)


def league(table: pd.DataFrame, rows: int | None = None) -> pd.DataFrame:
    """The ranked outlets (shrunken rate, best first); ``rows``: the last ``rows`` only (the weakest),
    None: every ranked outlet. Outlets without data or with too few ratings are left out (no rank)."""
    ranked = table[table["rank"].notna()].sort_values(["rank", "outlet_id"], kind="stable")
    return ranked.tail(rows) if rows else ranked
