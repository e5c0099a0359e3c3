"""proportions.py: Wilson intervals and the test of a rise, against hand calculations."""

import math

import numpy as np
import pytest

from svc_analysis.stats import proportions


def test_wilson_hand_values():
    # 9/10 at 95%: z = 1.95996, centre (0.9 + z²/20) / (1 + z²/10) = 0.78899,
    # half-width z·sqrt(0.009 + z²/400) / (1 + z²/10) = 0.19314 -> (0.59585, 0.98212)
    lower, upper = proportions.wilson([9], [10])
    assert lower[0] == pytest.approx(0.59585, abs=1e-5)
    assert upper[0] == pytest.approx(0.98212, abs=1e-5)
    # 0/5: the lower bound is exactly 0 and the upper z²/(5 + z²) = 0.43448 (never a 0-width interval)
    lower, upper = proportions.wilson([0], [5])
    assert lower[0] == pytest.approx(0.0, abs=1e-12) and upper[0] == pytest.approx(0.43448, abs=1e-5)


def test_wilson_no_trials_is_no_data_and_wider_at_higher_level():
    lower, upper = proportions.wilson([0, 90], [0, 100], level=0.99)
    assert math.isnan(lower[0]) and math.isnan(upper[0])
    lo95, hi95 = proportions.wilson([90], [100], level=0.95)
    assert lower[1] < lo95[0] and upper[1] > hi95[0]


def test_share_no_data():
    out = proportions.share([3, 0], [4, 0])
    assert out[0] == 0.75 and np.isnan(out[1])


@pytest.mark.parametrize("x,n,message", [([5], [4], "item 1 has 5 successes out of 4"),
                                         ([1, -1], [2, 2], "item 2 has -1 successes"),
                                         ([1, 2], [3], "2 success counts but 1 trial counts")])
def test_bad_counts(x, n, message):
    with pytest.raises(proportions.ProportionError, match=message):
        proportions.wilson(x, n)


def test_bad_level():
    with pytest.raises(proportions.ProportionError, match="between 0 and 1"):
        proportions.wilson([1], [2], level=95)


def test_rise_test_hand_values():
    # 90/100 against 80/100: pooled p = 0.85, se = sqrt(0.85·0.15·(1/100 + 1/100)) = 0.050498,
    # z = 0.10 / 0.050498 = 1.98030, one-sided p = 0.023835
    test = proportions.rise_test(90, 100, 80, 100)
    assert test.z == pytest.approx(1.98030, abs=1e-5)
    assert test.p_value == pytest.approx(0.023835, abs=1e-6)
    assert test.rose and test.significant and test.difference == pytest.approx(0.10)
    # overdispersion 4 halves z: 0.99015, p = 0.16105: a rise, but not statistically real
    wide = proportions.rise_test(90, 100, 80, 100, overdispersion=4.0)
    assert wide.z == pytest.approx(0.99015, abs=1e-5) and wide.p_value == pytest.approx(0.16105, abs=1e-5)
    assert wide.rose and not wide.significant
    # below 1 is never used to make the test more confident
    assert proportions.rise_test(90, 100, 80, 100, overdispersion=0.5).z == pytest.approx(test.z)


def test_rise_test_fall_and_edges():
    fall = proportions.rise_test(80, 100, 90, 100)
    assert not fall.rose and not fall.significant and fall.p_value > 0.9
    assert proportions.rise_test(5, 5, 0, 0) is None  # no comparison period: no test
    flat = proportions.rise_test(10, 10, 20, 20)  # both 100%: nothing to test
    assert flat.z == 0 and flat.p_value == pytest.approx(0.5)
    with pytest.raises(proportions.ProportionError, match="alpha"):
        proportions.rise_test(1, 2, 1, 2, alpha=1.5)
