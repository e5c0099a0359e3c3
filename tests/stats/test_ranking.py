"""Branch means, intervals and pairwise comparisons, checked by hand and against statsmodels."""

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import ttest_ind as sm_ttest_ind

from svc_analysis.stats import ranking


def frame(groups):
    return pd.DataFrame([(g, s) for g, scores in groups.items() for s in scores], columns=["branch", "score"])


SCORES = frame({"B1": [90, 92, 94], "B2": [80, 82, 84], "B3": [91, 93], "B4": [88]})


def test_unit_means_t_interval_by_hand():
    means = ranking.unit_means(SCORES, "branch", level=0.95).set_index("branch")
    # B1: mean 92, sd 2, se 2/sqrt(3) = 1.1547; t(0.975, 2) = 4.302653 -> half width 4.9683
    assert means.loc["B1", "mean"] == 92 and means.loc["B1", "sd"] == pytest.approx(2.0)
    assert means.loc["B1", "lower"] == pytest.approx(92 - 4.302653 * 2 / math.sqrt(3), abs=1e-5)
    assert means.loc["B1", "upper"] == pytest.approx(96.9683, abs=1e-4)
    # one inspection: a mean but no interval
    assert means.loc["B4", "n"] == 1 and math.isnan(means.loc["B4", "lower"])
    # ranks by mean: B3 92 and B1 92 share place 1, B4 88 place 3, B2 82 place 4
    assert means["rank"].to_dict() == {"B1": 1, "B3": 1, "B4": 3, "B2": 4}


def test_holm_matches_statsmodels():
    p = [0.01, 0.04, 0.03, 0.005, 0.5]
    expected = multipletests(p, method="holm")[1]
    assert np.allclose(ranking.holm(p), expected)
    # by hand: sorted 0.005 x5 = 0.025, 0.01 x4 = 0.04, 0.03 x3 = 0.09, 0.04 x2 = 0.08 -> 0.09 (monotone), 0.5
    assert np.allclose(ranking.holm(p), [0.04, 0.09, 0.09, 0.025, 0.5])
    with_nan = ranking.holm([0.01, math.nan, 0.02])
    assert math.isnan(with_nan[1]) and np.allclose(with_nan[[0, 2]], [0.02, 0.02])


def test_pairwise_welch_against_statsmodels_and_hand():
    pairs = ranking.pairwise(SCORES, "branch", alpha=0.05).set_index(["unit_a", "unit_b"])
    # B1 vs B2: diff 10, se sqrt(4/3 + 4/3) = 1.633, t = 6.124, Welch df = 4
    row = pairs.loc[("B1", "B2")]
    _, p_ref, _ = sm_ttest_ind([90, 92, 94], [80, 82, 84], usevar="unequal")
    assert row["diff"] == pytest.approx(10) and row["p"] == pytest.approx(p_ref)
    assert row["p"] == pytest.approx(0.003602, abs=1e-5)
    # B4 has one score: no test with it
    assert math.isnan(pairs.loc[("B1", "B4"), "p"]) and math.isnan(pairs.loc[("B4", "B2"), "p"])
    tested = pairs["p"].dropna()
    assert np.allclose(pairs.loc[tested.index, "p_holm"], multipletests(tested, method="holm")[1])
    assert not pairs.loc[("B4", "B2"), "distinguishable"]


def test_noise_floor_pooled_sd():
    # B1 var 4 (df 2), B2 var 4 (df 2), B3 var 2 (df 1), B4 no df: pooled (8 + 8 + 2) / 5 = 3.6
    floor = ranking.noise_floor(SCORES, "branch", alpha=0.05)
    assert floor["df"] == 5 and floor["sd"] == pytest.approx(math.sqrt(3.6))
    assert floor["min_gap"] == pytest.approx(1.959964 * math.sqrt(2) * math.sqrt(3.6), abs=1e-5)
    assert math.isnan(ranking.noise_floor(frame({"A": [90], "B": [91]}), "branch")["sd"])


def test_top_outlets_keeps_ties_and_needs_the_minimum():
    outlets = pd.DataFrame({"outlet_id": list("ABCDEFG"), "score": [99, 98, 97, 96, 95, 95, 89.5]})
    top = ranking.top_outlets(outlets, n=5, min_score=90)
    assert top["outlet_id"].tolist() == list("ABCDEF")  # E and F share place 5
    few = ranking.top_outlets(outlets, n=5, min_score=97)
    assert few["outlet_id"].tolist() == list("ABC")


def test_bottom_units_worst_first():
    means = ranking.unit_means(SCORES, "branch")
    assert ranking.bottom_units(means, 2)["branch"].tolist() == ["B2", "B4"]
    assert ranking.bottom_units(means, 3)["branch"].tolist() == ["B2", "B4", "B1", "B3"]  # tie at place 3


def test_sentences():
    means = ranking.unit_means(SCORES, "branch")
    text = ranking.distinguishable_sentence(means, ranking.pairwise(SCORES, "branch"), "branch", 0.05)
    assert "B1 高于 B2" in text or "差异显著" in text
    singles = frame({"A": [90], "B": [91]})
    assert "无法检验" in ranking.distinguishable_sentence(
        ranking.unit_means(singles, "branch"), ranking.pairwise(singles, "branch"), "branch", 0.05)
    empty = frame({})
    assert "没有神秘人检查分数" in ranking.distinguishable_sentence(
        ranking.unit_means(empty, "branch"), ranking.pairwise(empty, "branch"), "branch", 0.05)


def test_missing_columns_and_empty_scores_are_refused():
    with pytest.raises(ranking.RankingError, match="column score"):
        ranking.unit_means(pd.DataFrame({"branch": ["A"]}), "branch")
    with pytest.raises(ranking.RankingError, match="row 2, column score"):
        ranking.pairwise(pd.DataFrame({"branch": ["A", "B"], "score": [90, None]}), "branch")
