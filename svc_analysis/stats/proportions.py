"""Inference for shares (satisfied ratings / ratings, top-2 box ...): intervals and the test of a rise.

- Wilson score interval (Wilson 1927), through statsmodels ``proportion_confint(method="wilson")``:
  unlike the textbook p ± z·sqrt(p(1-p)/n) it stays inside 0-1 and keeps its coverage near 0% and
  100% and for small n, which is where small outlets sit. A share with n = 0 has no interval (NaN):
  no data, never 0% or 100%.
- Test of a rise (seed 002: the satisfaction rate must rise year on year): two-proportion z-test
  with the pooled standard error (statsmodels ``proportions_ztest``), one-sided (this period higher).
  Monthly shares from large counts vary more than the binomial allows (overdispersion: weather,
  staff, queues), so ``overdispersion`` (Laney's sigma_z squared, spc.py) inflates the variance:
  z' = z / sqrt(overdispersion). With overdispersion 1 it is the plain binomial test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint, proportions_ztest


class ProportionError(ValueError):
    """Counts that cannot be a share (negative, successes above trials, bad level)."""


def _check(successes, trials, name: str = "counts") -> tuple[np.ndarray, np.ndarray]:
    x = np.atleast_1d(np.asarray(successes, dtype="float64"))
    n = np.atleast_1d(np.asarray(trials, dtype="float64"))
    if x.shape != n.shape:
        raise ProportionError(f"{name}: {x.size} success counts but {n.size} trial counts")
    bad = (x < 0) | (n < 0) | (x > n) | np.isnan(x) | np.isnan(n)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ProportionError(f"{name}: item {i + 1} has {x[i]:g} successes out of {n[i]:g} trials "
                              f"(need 0 <= successes <= trials)")
    return x, n


def _check_level(level: float) -> float:
    if not 0 < level < 1:
        raise ProportionError(f"interval level must be between 0 and 1, not {level}")
    return 1 - level


def share(successes, trials) -> np.ndarray:
    """successes / trials; NaN where trials is 0 (no data)."""
    x, n = _check(successes, trials)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, x / np.where(n > 0, n, 1), np.nan)


def wilson(successes, trials, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (lower, upper) for each share; NaN where trials is 0."""
    alpha = _check_level(level)
    x, n = _check(successes, trials)
    lower, upper = np.full(x.shape, np.nan), np.full(x.shape, np.nan)
    has = n > 0
    if has.any():
        lo, hi = proportion_confint(x[has], n[has], alpha=alpha, method="wilson")
        lower[has], upper[has] = lo, hi
    return lower, upper


@dataclass(frozen=True)
class RiseTest:
    """The result of testing whether share 1 (this period) is higher than share 2 (the comparison)."""

    rate: float  # this period
    rate_before: float  # the comparison period
    difference: float  # rate - rate_before
    z: float  # after the overdispersion adjustment
    p_value: float  # one-sided: H1 rate > rate_before
    overdispersion: float
    alpha: float

    @property
    def rose(self) -> bool:
        return self.difference > 0

    @property
    def significant(self) -> bool:
        """The rise is statistically real: a rise with p below alpha."""
        return self.rose and self.p_value < self.alpha


def rise_test(successes: int, trials: int, successes_before: int, trials_before: int,
              alpha: float = 0.05, overdispersion: float = 1.0) -> RiseTest | None:
    """One-sided two-proportion z-test of a rise (see the module docstring); None without data.

    overdispersion: variance inflation >= 1 (values below 1 are taken as 1: the test is never made
    more confident than the binomial one).
    """
    _check([successes, successes_before], [trials, trials_before], "rise_test")
    if not 0 < alpha < 1:
        raise ProportionError(f"alpha must be between 0 and 1, not {alpha}")
    if trials <= 0 or trials_before <= 0:
        return None
    rate, before = successes / trials, successes_before / trials_before
    phi = max(float(overdispersion), 1.0) if np.isfinite(overdispersion) else 1.0
    if successes + successes_before in (0, trials + trials_before):  # both 0% or both 100%: no variance
        z = 0.0
    else:
        z, _ = proportions_ztest([successes, successes_before], [trials, trials_before], alternative="larger")
        z = float(z) / np.sqrt(phi)
    return RiseTest(rate=rate, rate_before=before, difference=rate - before, z=z,
                    p_value=float(stats.norm.sf(z)), overdispersion=phi, alpha=alpha)
