"""Intervals on KPI rows: how sure a unit's rate is, shown beside it on every page (issue 14).

- shares of counts (satisfied ratings / ratings, overtime tickets / tickets ...): the Wilson score
  interval (proportions.wilson, statsmodels), on the row's numerator and denominator;
- rates per exposure (complaints per 10,000 customers served): the exact (Garwood) Poisson interval
  of the count, statsmodels ``confint_poisson(method="exact-c")``, divided by the exposure and
  multiplied by the rate's scale (10,000);
- a reduction against a base year, 1 − rate / base rate: from the exact conditional interval of the
  ratio of two Poisson rates (given the two counts' total, the first is binomial; Clopper-Pearson via
  statsmodels ``proportion_confint(method="beta")``, transformed to the ratio); with a fixed base rate
  (given in params, not counted) only the current rate varies.
Rows without counts (no value, a zero denominator, a numerator above its denominator for a share)
get no interval (NaN). Which metric takes which interval is the area's statement (``kinds``).

An interval wider than its limit (params volumes.max_interval_width: e.g. a reduction spanning more than
100 percentage points, from a handful of complaints) says the figure is hardly known: ``too_wide`` marks
the row (column ``too_wide``) and drops its bounds, so a page reads 区间过宽, never −21699%.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from svc_analysis.stats import proportions

KINDS = ("wilson", "poisson")


def poisson_rate(count, exposure, level: float = 0.95, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson interval of count / exposure x scale; NaN where the exposure is not positive."""
    count = np.atleast_1d(np.asarray(count, dtype="float64"))
    exposure = np.atleast_1d(np.asarray(exposure, dtype="float64"))
    lower, upper = np.full(count.shape, np.nan), np.full(count.shape, np.nan)
    ok = (exposure > 0) & (count >= 0) & np.isfinite(count)
    if ok.any():
        lo, hi = confint_poisson(count[ok], exposure[ok], method="exact-c", alpha=1 - level)
        lower[ok], upper[ok] = np.asarray(lo) * scale, np.asarray(hi) * scale
    return lower, upper


def rate_ratio(count, exposure, base_count, base_exposure, level: float = 0.95) -> tuple[float, float]:
    """Exact conditional interval of (count / exposure) / (base_count / base_exposure); NaN bounds
    when either exposure is not positive or both counts are 0; the upper bound is inf without base events."""
    if not (exposure > 0 and base_exposure > 0) or count + base_count <= 0:
        return float("nan"), float("nan")
    lo, hi = proportion_confint(count, count + base_count, alpha=1 - level, method="beta")
    odds = base_exposure / exposure

    def ratio(p):
        return float("inf") if p >= 1 else p / (1 - p) * odds

    return ratio(lo), ratio(hi)


def reduction(count, exposure, base_count, base_exposure, base_rate=None, level: float = 0.95,
              scale: float = 1.0) -> tuple[float, float]:
    """Interval of 1 − rate / base rate (rates per ``scale``). ``base_rate``: a fixed base rate (per
    ``scale``, from params): then only the current count varies; else the base year's counts."""
    if base_rate is not None:
        if not base_rate or base_rate <= 0:
            return float("nan"), float("nan")
        lo, hi = poisson_rate([count], [exposure], level, scale)
        return 1 - float(hi[0]) / base_rate, 1 - float(lo[0]) / base_rate
    lo, hi = rate_ratio(count, exposure, base_count, base_exposure, level)
    return 1 - hi, 1 - lo


def kpi_intervals(rows: pd.DataFrame, kinds: dict[str, str], level: float = 0.95,
                  scales: dict[str, float] | None = None) -> pd.DataFrame:
    """``rows`` with columns lower and upper: the interval of each row whose metric is in ``kinds``
    ('wilson' or 'poisson', module docstring), on the value's scale (``scales``: metric -> the rate's
    scale, e.g. 10,000); NaN for every other row."""
    out = rows.copy()
    if "lower" not in out.columns:
        out["lower"], out["upper"] = np.nan, np.nan
    num = pd.to_numeric(out["numerator"], errors="coerce").to_numpy(dtype="float64")
    den = pd.to_numeric(out["denominator"], errors="coerce").to_numpy(dtype="float64")
    for metric, kind in kinds.items():
        if kind not in KINDS:
            raise ValueError(f"interval kind of {metric} must be one of {', '.join(KINDS)}, not {kind!r}")
        rows_of = (out["metric"] == metric).to_numpy() & out["value"].notna().to_numpy()
        if kind == "wilson":
            rows_of &= (den > 0) & (num >= 0) & (num <= den)
            if rows_of.any():
                lo, hi = proportions.wilson(np.rint(num[rows_of]), np.rint(den[rows_of]), level)
        else:
            rows_of &= den > 0
            if rows_of.any():
                lo, hi = poisson_rate(num[rows_of], den[rows_of], level, (scales or {}).get(metric, 1.0))
        if rows_of.any():
            out.loc[rows_of, "lower"], out.loc[rows_of, "upper"] = lo, hi
    return out


def too_wide(rows: pd.DataFrame, limits: dict[str, float]) -> pd.DataFrame:
    """``rows`` (with lower/upper) with a boolean column ``too_wide``: true where the row's metric has a
    limit in ``limits`` (metric -> the widest upper − lower shown) and its interval is wider, or open
    (an infinite bound); the bounds of such a row are dropped (NaN): no page prints them."""
    out = rows.copy()
    width = pd.to_numeric(out["upper"], errors="coerce") - pd.to_numeric(out["lower"], errors="coerce")
    limit = out["metric"].map(limits).astype("float64")
    wide = (limit.notna() & (width > limit)).to_numpy()
    out["too_wide"] = wide
    out.loc[wide, ["lower", "upper"]] = np.nan
    return out
