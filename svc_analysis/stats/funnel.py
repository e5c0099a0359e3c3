"""Funnel plots: comparing units fairly against a target, whatever their size.

Spiegelhalter, D. J. (2005), "Funnel plots for comparing institutional performance", Statistics in
Medicine 24:1185-1202. Control limits are the exact binomial (proportions, e.g. satisfaction) or
Poisson (rates, e.g. complaints per 10,000 customers) quantiles around the target, with the
interpolation of the paper's appendix so the limits are smooth in the unit's size:

    r_p = the p-quantile of the count,  alpha = (F(r_p) - p) / (F(r_p) - F(r_p - 1)),
    limit = (r_p - alpha) / n

Defaults 95% (p = 0.025, 0.975) and 99.8% (p = 0.001, 0.999), as in the paper. A unit outside the
99.8% limits is very unlikely to differ from the target by chance alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

DEFAULT_LEVELS = (0.95, 0.998)


def _interpolated(dist, p: float, size: np.ndarray) -> np.ndarray:
    r = dist.ppf(p)
    upper, lower = dist.cdf(r), dist.cdf(r - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(upper > lower, (upper - p) / (upper - lower), 0.0)
        return (r - alpha) / size


def limits(size, target: float, kind: str = "proportion", levels=DEFAULT_LEVELS) -> pd.DataFrame:
    """Funnel limits at each unit size.

    kind "proportion": size = trials (ratings), target = the share (0.90); limits are shares.
    kind "rate": size = exposure (customers served), target = events per exposure unit
    (complaints per customer); limits are on the same per-unit scale (multiply for per 10,000).
    Returns columns size, and lower_<level>, upper_<level> for each level (e.g. lower_95, upper_99.8);
    a size of 0 has no limits (NaN).
    """
    size = np.asarray(size, dtype="float64")
    positive = np.where(size > 0, size, np.nan)
    if kind == "proportion":
        if not 0 <= target <= 1:
            raise ValueError(f"a proportion target must be 0-1, not {target}")
        dist = stats.binom(np.nan_to_num(positive, nan=1).astype("int64"), target)
    elif kind == "rate":
        if target < 0:
            raise ValueError(f"a rate target must be >= 0, not {target}")
        dist = stats.poisson(np.nan_to_num(positive, nan=0) * target)
    else:
        raise ValueError(f"kind must be 'proportion' or 'rate', not {kind!r}")
    out = {"size": size}
    for level in levels:
        tail = (1 - level) / 2
        name = f"{level * 100:g}"
        out[f"lower_{name}"] = _interpolated(dist, tail, positive)
        out[f"upper_{name}"] = _interpolated(dist, 1 - tail, positive)
    frame = pd.DataFrame(out)
    frame.loc[~(size > 0), [c for c in frame.columns if c != "size"]] = np.nan
    return frame


def classify(observed, size, target: float, kind: str = "proportion", levels=DEFAULT_LEVELS) -> pd.Series:
    """Where each unit falls: 'above_99.8', 'above_95', 'within', 'below_95', 'below_99.8', or 'no_data'.

    observed is the unit's value on the limits' scale (a share, or events per exposure unit). A unit
    is outside a limit when it lies beyond the drawn (interpolated) limit AND its exact one-sided tail
    probability is below that limit's tail: for small units the interpolated limit can sit below the
    largest possible value (5 of 5 ratings at a 90% target has P(X >= 5) = 0.59: not remarkable).
    """
    observed = np.asarray(observed, dtype="float64")
    size = np.asarray(size, dtype="float64")
    bounds = limits(size, target, kind, levels)
    count = np.rint(np.nan_to_num(observed * size))
    if kind == "proportion":
        dist = stats.binom(np.maximum(np.nan_to_num(size), 1).astype("int64"), target)
    else:
        dist = stats.poisson(np.nan_to_num(size) * target)
    upper_tail, lower_tail = dist.sf(count - 1), dist.cdf(count)
    result = np.full(observed.shape, "within", dtype=object)
    for level in sorted(levels):  # the outer level overwrites the inner one
        name, tail = f"{level * 100:g}", (1 - level) / 2
        result[(observed > bounds[f"upper_{name}"].to_numpy()) & (upper_tail < tail)] = f"above_{name}"
        result[(observed < bounds[f"lower_{name}"].to_numpy()) & (lower_tail < tail)] = f"below_{name}"
    result[np.isnan(observed) | ~(size > 0)] = "no_data"
    return pd.Series(result, name="funnel")


def curve(max_size: float, target: float, kind: str = "proportion", levels=DEFAULT_LEVELS,
          points: int = 200) -> pd.DataFrame:
    """Limits along a smooth range of sizes, for drawing the funnel."""
    low = 1.0 if kind == "proportion" else max_size / points / 10
    return limits(np.unique(np.geomspace(low, max(max_size, low * 2), points).round(6)), target, kind, levels)
