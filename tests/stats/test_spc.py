"""spc.py: p-chart and Laney p' chart against a hand calculation on a 4-month table."""

import pandas as pd
import pytest

from svc_analysis.stats import spc

# 4 months, 50 ratings each, 45 / 40 / 48 / 30 satisfied.
# p_bar = 163/200 = 0.815; sigma_i = sqrt(0.815·0.185/50) = 0.0549136
# p-chart limits 0.815 ± 0.164741 = (0.650259, 0.979741): month 4 (0.60) is below.
# z = (0.085, -0.015, 0.145, -0.215) / 0.0549136 = (1.54789, -0.27316, 2.64051, -3.91524)
# moving ranges 1.82105, 2.91367, 6.55575, mean 3.76349; sigma_z = 3.76349 / 1.128 = 3.33643
# Laney limits 0.815 ± 3·0.0549136·3.33643 = 0.815 ± 0.549645 -> (0.265355, 1 (clipped))
# chi-square = sum z² = 24.772 on 3 df (p ≈ 1.8e-5): overdispersed, the p' chart is chosen.
FRAME = pd.DataFrame({"month": ["2026-01", "2026-02", "2026-03", "2026-04"],
                      "successes": [45, 40, 48, 30], "trials": [50, 50, 50, 50]})


def test_p_chart_hand_values():
    out = spc.control_chart(FRAME, chart=spc.P_CHART)
    assert out["centre"].tolist() == pytest.approx([0.815] * 4)
    assert out["lower"].iloc[0] == pytest.approx(0.650259, abs=1e-6)
    assert out["upper"].iloc[0] == pytest.approx(0.979741, abs=1e-6)
    assert out["out_of_control"].tolist() == [False, False, False, True]
    assert (out["chart"] == "p").all()
    assert out["month"].tolist() == FRAME["month"].tolist()  # other columns kept


def test_laney_hand_values_and_automatic_choice():
    assert spc.sigma_z(FRAME["successes"], FRAME["trials"]) == pytest.approx(3.33643, abs=1e-5)
    test = spc.dispersion(FRAME["successes"], FRAME["trials"])
    assert test.chi2 == pytest.approx(24.772, abs=1e-3) and test.df == 3 and test.p_value < 1e-4
    out = spc.control_chart(FRAME)  # chosen by the dispersion test
    assert (out["chart"] == spc.LANEY).all()
    assert out["lower"].iloc[0] == pytest.approx(0.265355, abs=1e-5)
    assert out["upper"].iloc[0] == 1.0
    assert not out["out_of_control"].any()  # the wide limits absorb the ordinary variation


def test_binomial_data_keep_the_p_chart():
    frame = pd.DataFrame({"successes": [90, 91, 89, 90], "trials": [100] * 4})
    # chi2 = (0 + 1 + 1 + 0) / (100·0.9·0.1) = 0.222 on 3 df: no overdispersion
    assert spc.dispersion(frame["successes"], frame["trials"]).chi2 == pytest.approx(2 / 9)
    assert (spc.control_chart(frame)["chart"] == spc.P_CHART).all()


def test_month_without_data_has_no_point():
    frame = pd.DataFrame({"successes": [45, 0, 40], "trials": [50, 0, 50]})
    out = spc.control_chart(frame, chart=spc.P_CHART)
    assert out["centre"].iloc[0] == pytest.approx(85 / 100)  # the empty month is not in p_bar
    assert pd.isna(out["rate"].iloc[1]) and pd.isna(out["lower"].iloc[1])
    assert out["out_of_control"].iloc[1] is pd.NA
    assert spc.dispersion([1], [2]) is None and spc.dispersion([2, 3], [2, 3]) is None


def test_bad_input():
    with pytest.raises(ValueError, match="chart must be"):
        spc.control_chart(FRAME, chart="u")
    with pytest.raises(ValueError, match="lacks trials"):
        spc.control_chart(FRAME.drop(columns="trials"))
    with pytest.raises(ValueError, match="item 2 has 60 successes out of 50"):
        spc.control_chart(FRAME.assign(successes=[45, 60, 48, 30]))
