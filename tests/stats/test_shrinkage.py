"""shrinkage.py: beta-binomial empirical Bayes, against hand posteriors and a simulated prior."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from svc_analysis.stats import shrinkage


def test_posterior_hand_values():
    # prior Beta(9, 1): mean 0.9, precision 10. 3/10 -> Beta(12, 8): mean 12/20 = 0.6, weight 10/20.
    # 0/0 -> the prior: mean 0.9, weight 0.
    prior = shrinkage.Prior(a=9.0, b=1.0)
    post = shrinkage.posterior([3, 0], [10, 0], prior, level=0.9)
    assert post["shrunken"].tolist() == pytest.approx([0.6, 0.9])
    assert post["weight"].tolist() == pytest.approx([0.5, 0.0])
    # 90% equal-tailed interval of Beta(12, 8) (reference: scipy's beta quantiles)
    assert post["lower"].iloc[0] == pytest.approx(stats.beta(12, 8).ppf(0.05))
    assert post["upper"].iloc[0] == pytest.approx(stats.beta(12, 8).ppf(0.95))
    assert post["lower"].iloc[0] < 0.6 < post["upper"].iloc[0]


def test_fit_recovers_a_simulated_prior():
    # 400 units, true shares from Beta(45, 5) (mean 0.9, precision 50), 200 trials each
    rng = np.random.default_rng(7)
    theta = rng.beta(45, 5, 400)
    n = np.full(400, 200)
    x = rng.binomial(n, theta)
    prior = shrinkage.fit_prior(x, n)
    assert prior.mean == pytest.approx(0.9, abs=0.005)
    assert 35 < prior.precision < 70
    # the method of moments gives a close answer: s = p(1-p) / (var - p(1-p)·mean(1/n)) - 1
    p = x.sum() / n.sum()
    mom = p * (1 - p) / ((x / n).var() - p * (1 - p) / 200) - 1
    assert prior.precision == pytest.approx(mom, rel=0.25)


def test_small_units_are_pulled_towards_the_mean():
    frame = pd.DataFrame({"successes": [900, 920, 940, 910, 930, 5], "trials": [1000] * 5 + [5]})
    out, prior = shrinkage.shrink(frame)
    small = out.iloc[5]
    assert small["shrunken"] < 0.94  # 5/5 raw would top the table; shrunken it does not
    assert small["weight"] < 0.1 and out["weight"].iloc[0] > 0.5
    assert out["shrunken"].iloc[2] == pytest.approx(0.94, abs=0.01)  # a big unit barely moves


def test_no_spread_gives_the_pooled_share():
    frame = pd.DataFrame({"successes": [90, 90, 90], "trials": [100, 100, 100]})
    out, prior = shrinkage.shrink(frame)
    assert prior.precision > 1e4
    assert out["shrunken"].tolist() == pytest.approx([0.9] * 3, abs=1e-3)


def test_units_without_trials_have_no_data():
    frame = pd.DataFrame({"successes": [90, 80, 0], "trials": [100, 100, 0]})
    out, _ = shrinkage.shrink(frame)
    assert out[["shrunken", "lower", "upper", "weight"]].iloc[2].isna().all()


@pytest.mark.parametrize("x,n,message", [([5], [10], "at least 2 units"),
                                         ([10, 0], [10, 0], "at least 2 units"),
                                         ([10, 20], [10, 20], "strictly between 0 and 1"),
                                         ([11, 2], [10, 3], "item 1 has 11 successes out of 10")])
def test_fit_refuses(x, n, message):
    with pytest.raises(ValueError, match=message):
        shrinkage.fit_prior(x, n)
