"""Empirical Bayes shrinkage of unit shares (beta-binomial): fair league tables for small outlets.

A raw share from 40 ratings swings far more than one from 4,000, so a raw league table puts small
outlets at both ends by chance. The beta-binomial model (Efron & Morris 1975; Gelman et al., Bayesian
Data Analysis, 3rd ed., §5.3) treats each unit's true share as drawn from Beta(a, b):

    x_i | theta_i ~ Binomial(n_i, theta_i),   theta_i ~ Beta(a, b),   a = mu·s, b = (1 - mu)·s.

(a, b) are estimated from all units together by maximising the beta-binomial marginal likelihood
(scipy.stats.betabinom). Each unit's posterior is Beta(a + x_i, b + n_i - x_i); its mean

    (a + x_i) / (s + n_i) = w_i·(x_i / n_i) + (1 - w_i)·mu,  w_i = n_i / (n_i + s),

pulls a small unit's share towards the common mean mu and leaves a large unit's nearly unchanged.
The interval is the equal-tailed posterior interval. Units with no trials get the prior (shown as
no data by the caller, never ranked).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from svc_analysis.stats.proportions import _check, _check_level

# Search range of the prior precision s = a + b (in "prior ratings"): below 0.1 the prior is flatter
# than uniform; above 1e7 the units are indistinguishable from one common share (no shrinkage left
# to estimate). Numerical bounds of the optimiser, not business thresholds.
PRECISION_BOUNDS = (0.1, 1e7)
START_GRID_POINTS = 33  # log-spaced starting precisions, about 2 per factor of 10 between the bounds


@dataclass(frozen=True)
class Prior:
    """Beta(a, b) fitted over the units; mean = a / (a + b), precision = a + b."""

    a: float
    b: float

    @property
    def mean(self) -> float:
        return self.a / (self.a + self.b)

    @property
    def precision(self) -> float:
        return self.a + self.b


def _neg_loglik(params, x, n) -> float:
    mu, s = special.expit(params[0]), np.exp(params[1])
    return -float(stats.betabinom.logpmf(x, n, mu * s, (1 - mu) * s).sum())


def fit_prior(successes, trials) -> Prior:
    """Maximum marginal likelihood Beta(a, b) over the units with trials > 0.

    Needs at least two such units with a pooled share strictly between 0 and 1; raises ValueError
    otherwise (one unit, or every rating satisfied, says nothing about between-unit spread).
    """
    x, n = _check(successes, trials, "fit_prior")
    x, n = x[n > 0], n[n > 0]
    if x.size < 2:
        raise ValueError(f"shrinkage needs at least 2 units with trials, got {x.size}")
    pooled = x.sum() / n.sum()
    if pooled in (0.0, 1.0):
        raise ValueError(f"shrinkage needs a pooled share strictly between 0 and 1, got {pooled:g}")
    # the likelihood is flat for large s, so start from the best of a coarse grid of precisions
    # (moment estimates go wrong when unit sizes differ a lot), then refine both parameters
    grid = np.linspace(*np.log(PRECISION_BOUNDS), START_GRID_POINTS)
    centre = special.logit(pooled)
    start = grid[int(np.argmin([_neg_loglik([centre, g], x, n) for g in grid]))]
    bounds = [(-30.0, 30.0), tuple(np.log(PRECISION_BOUNDS))]
    result = optimize.minimize(_neg_loglik, x0=[centre, start], args=(x, n), method="L-BFGS-B", bounds=bounds)
    mu, s = special.expit(result.x[0]), float(np.exp(result.x[1]))
    return Prior(a=mu * s, b=(1 - mu) * s)


def posterior(successes, trials, prior: Prior, level: float = 0.95) -> pd.DataFrame:
    """Posterior mean (the shrunken share), equal-tailed interval and weight of each unit's own data.

    Columns: shrunken, lower, upper, weight (n / (n + s): 0 = all prior, 1 = all own data).
    """
    alpha = _check_level(level)
    x, n = _check(successes, trials, "posterior")
    a, b = prior.a + x, prior.b + n - x
    return pd.DataFrame({
        "shrunken": a / (a + b),
        "lower": stats.beta.ppf(alpha / 2, a, b),
        "upper": stats.beta.ppf(1 - alpha / 2, a, b),
        "weight": n / (n + prior.precision),
    })


def shrink(frame: pd.DataFrame, level: float = 0.95, prior: Prior | None = None) -> tuple[pd.DataFrame, Prior]:
    """Add shrunken, lower, upper, weight to a frame with ``successes`` and ``trials`` per unit.

    The prior is fitted on the frame's units unless given. Units with no trials get NaN (no data).
    """
    prior = prior or fit_prior(frame["successes"], frame["trials"])
    post = posterior(frame["successes"], frame["trials"], prior, level)
    out = frame.reset_index(drop=True).copy()
    for column in post.columns:
        out[column] = post[column].where(out["trials"].to_numpy() > 0)
    return out, prior
