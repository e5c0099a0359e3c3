"""Funnel plots: comparing units fairly against a centre line, whatever their size.

Spiegelhalter, D. J. (2005), "Funnel plots for comparing institutional performance", Statistics in
Medicine 24:1185-1202. Control limits are exact binomial (proportions, e.g. satisfaction) or Poisson
(rates, e.g. complaints per 10,000 customers) quantiles around the centre, interpolated so that they
are smooth in the unit's size. With X the count of a unit of size n under the centre:

    lower (tail p):    r = the p-quantile of X,     alpha = (F(r) - p) / (F(r) - F(r - 1)),
                       limit = (r - alpha) / n                                 (the paper's appendix)
    upper (tail 1-p):  r = the (1-p)-quantile of X, alpha = (F(r) - (1-p)) / (F(r) - F(r - 1)),
                       limit = (r + 1 - alpha) / n

The paper writes the upper limit as (r - alpha) / n too; that puts the count r itself above the limit
although P(X >= r) > p (2 complaints where 0.16 are expected: P = 0.012, drawn above the 99.8% line).
Here each tail is interpolated on its own side (the upper limit is the paper's lower limit of the
complementary count: for a binomial exactly the mirror image), so that a unit lies beyond a DRAWN
limit exactly when its exact one-sided tail probability is below that limit's tail (issue 14: the
limits drawn are the limits judged). Limits are clipped to the possible range (0-1, or >= 0).

Defaults 95% (p = 0.025) and 99.8% (p = 0.001), as in the paper. A unit outside the 99.8% limits is
very unlikely to differ from the centre by chance alone. A unit whose volume is below the minimum of
params/volumes.yaml (its KPI row says small_sample) is drawn but never judged ('small_sample').
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

DEFAULT_LEVELS = (0.95, 0.998)
CLASSES = ("below_99.8", "below_95", "within", "above_95", "above_99.8", "small_sample", "no_data")


def level_name(level: float) -> str:
    """0.998 -> '99.8' (the suffix of the limit columns and classes)."""
    return f"{level * 100:g}"


def _distribution(kind: str, size: np.ndarray, target: float):
    if kind == "proportion":
        if not 0 <= target <= 1:
            raise ValueError(f"a proportion target must be 0-1, not {target}")
        return stats.binom(np.maximum(np.nan_to_num(size), 1).astype("int64"), target)
    if kind == "rate":
        if target < 0:
            raise ValueError(f"a rate target must be >= 0, not {target}")
        return stats.poisson(np.nan_to_num(size) * target)
    raise ValueError(f"kind must be 'proportion' or 'rate', not {kind!r}")


def _interpolated(dist, p: float, size: np.ndarray, upper: bool) -> np.ndarray:
    r = dist.ppf(p)
    at, below = dist.cdf(r), dist.cdf(r - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(at > below, (at - p) / (at - below), 0.0)
        return (r + (1 if upper else 0) - alpha) / size


def limits(size, target: float, kind: str = "proportion", levels=DEFAULT_LEVELS) -> pd.DataFrame:
    """Funnel limits at each unit size (module docstring).

    kind "proportion": size = trials (ratings), target = the share (0.90); limits are shares.
    kind "rate": size = exposure (customers served), target = events per exposure unit
    (complaints per customer); limits are on the same per-unit scale (multiply for per 10,000).
    Returns columns size, and lower_<level>, upper_<level> for each level (e.g. lower_95, upper_99.8);
    a size of 0 has no limits (NaN).
    """
    size = np.asarray(size, dtype="float64")
    positive = np.where(size > 0, size, np.nan)
    dist = _distribution(kind, positive, target)
    ceiling = 1.0 if kind == "proportion" else np.inf
    out = {"size": size}
    for level in levels:
        tail, name = (1 - level) / 2, level_name(level)
        out[f"lower_{name}"] = np.clip(_interpolated(dist, tail, positive, upper=False), 0.0, ceiling)
        out[f"upper_{name}"] = np.clip(_interpolated(dist, 1 - tail, positive, upper=True), 0.0, ceiling)
    frame = pd.DataFrame(out)
    frame.loc[~(size > 0), [c for c in frame.columns if c != "size"]] = np.nan
    return frame


def classify(observed, size, target: float, kind: str = "proportion", levels=DEFAULT_LEVELS,
             judged=None) -> pd.Series:
    """Where each unit falls against the limits drawn at its own size: 'above_99.8', 'above_95',
    'within', 'below_95', 'below_99.8'; 'no_data' without a value or a size; 'small_sample' where
    ``judged`` (booleans, default all True) is False: its KPI row is below the minimum volume.

    observed is the unit's value on the limits' scale (a share, or events per exposure unit). Beyond
    the drawn limit is the same as an exact one-sided tail probability below the limit's tail (module
    docstring): 5 of 5 ratings at a 90% target (P(X >= 5) = 0.59) is within.
    """
    observed = np.asarray(observed, dtype="float64")
    size = np.asarray(size, dtype="float64")
    bounds = limits(size, target, kind, levels)
    result = np.full(observed.shape, "within", dtype=object)
    for level in sorted(levels):  # the outer level overwrites the inner one
        name = level_name(level)
        result[observed > bounds[f"upper_{name}"].to_numpy()] = f"above_{name}"
        result[observed < bounds[f"lower_{name}"].to_numpy()] = f"below_{name}"
    if judged is not None:
        result[~np.asarray(judged, dtype=bool)] = "small_sample"
    result[np.isnan(observed) | ~(size > 0)] = "no_data"
    return pd.Series(result, name="funnel")


def curve(max_size: float, target: float, kind: str = "proportion", levels=DEFAULT_LEVELS,
          points: int = 200, min_size: float | None = None, sizes=()) -> pd.DataFrame:
    """Limits along a smooth range of sizes up to ``max_size``, for drawing: from ``min_size`` (the
    smallest size judged) when given, and through every size in ``sizes`` (the units' own sizes, so
    the drawn line passes exactly through each unit's own limit)."""
    low = min_size if min_size else (1.0 if kind == "proportion" else max_size / points / 10)
    high = max(max_size, low * 2)
    grid = np.geomspace(low, high, points)
    # a binomial's size is a whole number of trials: a fractional grid would draw a saw-tooth
    grid = np.ceil(grid) if kind == "proportion" else grid.round(6)
    own = np.asarray([s for s in sizes if low <= s <= high], dtype="float64")
    return limits(np.unique(np.concatenate([grid, own])), target, kind, levels)


@dataclass(frozen=True)
class Comparison:
    """A funnel computed once: the units (with their class) and the limits drawn, for both the chart
    and the sentence. units: the caller's frame plus ``size``, ``observed`` (on the limits' scale) and
    ``funnel`` (classify); curve: limits over the drawn range; centre: the centre line (limits' scale)."""

    units: pd.DataFrame
    curve: pd.DataFrame
    centre: float
    kind: str
    levels: tuple
    min_size: float | None

    @property
    def outer(self) -> str:
        return level_name(max(self.levels))

    @property
    def inner(self) -> str:
        return level_name(min(self.levels))

    def beyond(self, side: str, level: str | None = None) -> pd.DataFrame:
        """Units beyond ``side`` ('above' / 'below') of the ``level`` limit (default: the outer one),
        the furthest first; at the inner level this includes the units beyond the outer one."""
        wanted = {f"{side}_{self.outer}"} | ({f"{side}_{self.inner}"} if level == self.inner else set())
        part = self.units[self.units["funnel"].isin(wanted)]
        return part.sort_values("observed", ascending=side == "below", kind="stable")

    def named(self, worse: str) -> pd.DataFrame:
        """The units a page names, in its sentence and on its chart alike: beyond the inner (95%) limit
        on the ``worse`` side ('above' for complaints, 'below' for satisfaction), the furthest first.
        Units beyond the outer limit on the better side are counted and coloured, not named."""
        return self.beyond(worse, self.inner)


def drawn(units: pd.DataFrame, *, centre: float, kind: str, levels=DEFAULT_LEVELS,
          min_size: float | None = None, points: int = 200) -> Comparison:
    """The Comparison of units already classified (columns ``size``, ``observed``, ``funnel``): the
    limits drawn over their range, from ``min_size`` (the minimum volume) when given, else from just
    below the smallest unit, and through each unit's own size."""
    levels = tuple(levels)
    shown = units.loc[units["size"] > 0, "size"].astype("float64").to_numpy()
    if not np.isfinite(centre):
        return Comparison(units, limits([], 0.5 if kind == "proportion" else 0.0, kind, levels),
                          float(centre), kind, levels, min_size)
    top = float(shown.max()) * 1.1 if len(shown) else 2.0
    start = min_size or (max(1.0, float(shown.min()) * 0.8) if len(shown) else 1.0)
    return Comparison(units, curve(top, centre, kind, levels, points, min_size=start, sizes=shown),
                      float(centre), kind, levels, min_size)


def compare(units: pd.DataFrame, *, size: str, count: str, centre: float, kind: str,
            levels=DEFAULT_LEVELS, judged=None, min_size: float | None = None, points: int = 200) -> Comparison:
    """The funnel of ``units`` (one row each; ``size`` and ``count`` name their columns) around
    ``centre`` (a share, or events per exposure unit; NaN: nothing to compare with, every unit
    'no_data'), classified once (classify) and with the limits drawn (drawn). ``judged``: which units
    may be judged (their KPI rows are not small_sample); ``min_size``: the minimum volume."""
    out = units.reset_index(drop=True).copy()
    n = out[size].astype("float64").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["observed"] = np.where(n > 0, out[count].astype("float64").to_numpy() / np.where(n > 0, n, 1), np.nan)
    out["size"] = n
    out["funnel"] = (classify(out["observed"], n, centre, kind, levels, judged).to_numpy()
                     if np.isfinite(centre) else "no_data")
    return drawn(out, centre=centre, kind=kind, levels=levels, min_size=min_size, points=points)
