"""Statistical process control for shares: the p-chart and Laney's p' chart.

p-chart (Shewhart; Montgomery, Introduction to Statistical Quality Control, ch. 7): for subgroups
(months) i with x_i successes out of n_i,

    p_bar = sum x / sum n,   sigma_i = sqrt(p_bar (1 - p_bar) / n_i),   limits p_bar ± k·sigma_i.

With tens of thousands of ratings a month, sigma_i is tiny and month-to-month variation that has
ordinary causes (season, staff, queues) falls outside the limits: the data are overdispersed and a
p-chart flags nearly every month. Laney's p' chart (Laney 2002, "Improved control charts for
attributes", Quality Engineering 14(4):531-537) measures that extra variation on the z scale:

    z_i = (p_i - p_bar) / sigma_i,   sigma_z = mean |z_i - z_(i-1)| / d2,  d2 = 1.128,
    limits p_bar ± k·sigma_i·sigma_z.

Which chart: the p-chart unless Pearson's chi-square test of equal shares across the months rejects
(p-value below ``overdispersion_alpha``), then the p' chart. k (``sigma``) is 3 by convention.
Months with no trials have no point and no limits (no data) and are left out of p_bar and sigma_z.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from svc_analysis.stats.proportions import _check

# Expected range of two independent standard normals / sigma (d2 for moving ranges of size 2).
D2 = 1.128
P_CHART, LANEY = "p", "laney_p_prime"


@dataclass(frozen=True)
class Dispersion:
    """Pearson chi-square test of equal shares across subgroups (overdispersion when it rejects)."""

    chi2: float
    df: int
    p_value: float
    ratio: float  # chi2 / df: about 1 for binomial variation, well above 1 when overdispersed


def dispersion(successes, trials) -> Dispersion | None:
    """Chi-square = sum (x_i - n_i p_bar)^2 / (n_i p_bar (1 - p_bar)) over subgroups with n_i > 0.

    None with fewer than two such subgroups or when p_bar is 0 or 1 (no variation to test).
    """
    x, n = _check(successes, trials, "dispersion")
    x, n = x[n > 0], n[n > 0]
    if x.size < 2:
        return None
    p_bar = x.sum() / n.sum()
    if p_bar in (0.0, 1.0):
        return None
    chi2 = float(((x - n * p_bar) ** 2 / (n * p_bar * (1 - p_bar))).sum())
    df = int(x.size - 1)
    return Dispersion(chi2=chi2, df=df, p_value=float(stats.chi2.sf(chi2, df)), ratio=chi2 / df)


def sigma_z(successes, trials) -> float:
    """Laney's sigma_z: the mean moving range of the z scores over d2 (NaN with fewer than 2 points)."""
    x, n = _check(successes, trials, "sigma_z")
    x, n = x[n > 0], n[n > 0]
    if x.size < 2:
        return float("nan")
    p_bar = x.sum() / n.sum()
    if p_bar in (0.0, 1.0):
        return float("nan")
    z = (x / n - p_bar) / np.sqrt(p_bar * (1 - p_bar) / n)
    return float(np.abs(np.diff(z)).mean() / D2)


def control_chart(frame: pd.DataFrame, sigma: float = 3.0, overdispersion_alpha: float = 0.05,
                  chart: str | None = None) -> pd.DataFrame:
    """Control limits for a series of subgroups.

    frame: one row per subgroup in time order with ``successes`` and ``trials`` (other columns,
    e.g. month, are kept). chart: 'p', 'laney_p_prime', or None to choose by the dispersion test.
    Adds rate, centre, lower, upper (clipped to 0-1), out_of_control (True/False; pd.NA with no
    data), chart, sigma_z. Raises ValueError for a bad chart name or sigma.
    """
    if chart not in (None, P_CHART, LANEY):
        raise ValueError(f"chart must be {P_CHART!r}, {LANEY!r} or None, not {chart!r}")
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, not {sigma}")
    missing = {"successes", "trials"} - set(frame.columns)
    if missing:
        raise ValueError(f"control_chart: frame lacks {', '.join(sorted(missing))}")
    x, n = _check(frame["successes"], frame["trials"], "control_chart")
    out = frame.copy()
    has = n > 0
    p_bar = x[has].sum() / n[has].sum() if has.any() else np.nan
    sz = sigma_z(x, n)
    if chart is None:
        test = dispersion(x, n)
        chart = LANEY if test is not None and test.p_value < overdispersion_alpha else P_CHART
    # a p' chart needs sigma_z; with fewer than two points it falls back to the p-chart's width
    scale = sz if chart == LANEY and np.isfinite(sz) else 1.0
    with np.errstate(invalid="ignore", divide="ignore"):
        width = sigma * scale * np.sqrt(p_bar * (1 - p_bar) / np.where(has, n, np.nan))
        rate = np.where(has, x / np.where(has, n, 1), np.nan)
    out["rate"] = rate
    out["centre"] = np.where(has, p_bar, np.nan)
    out["lower"] = np.clip(p_bar - width, 0, 1)
    out["upper"] = np.clip(p_bar + width, 0, 1)
    flags = (rate < out["lower"].to_numpy()) | (rate > out["upper"].to_numpy())
    out["out_of_control"] = pd.array(np.where(has, flags, False), dtype="boolean")
    out.loc[~has, "out_of_control"] = pd.NA
    out["chart"] = chart
    out["sigma_z"] = sz
    return out
