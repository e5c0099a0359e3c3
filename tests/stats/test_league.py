"""league.py: funnel position and the shrunken league table of outlets."""

import pandas as pd
import pytest

from svc_analysis.stats import funnel
from svc_analysis.stats import league

MONTH = "2026-10"
TREE = pd.DataFrame({
    "outlet_id": ["A1", "A2", "A3", "B1", "B2", "B3", "B4"],
    "outlet_name": ["甲一", "甲二", "甲三", "乙一", "乙二", "乙三", "乙四"],
    "subbranch": ["甲支行"] * 3 + ["乙支行"] * 4,
    "branch": ["一分行"] * 3 + ["二分行"] * 4,
})
# A3 has 70/100: far below a 0.90 target (the 99.8% lower limit at n = 100 is about 0.80).
# B3 has 5/5: a perfect small outlet. B4 has no ratings this month.
COUNTS = pd.DataFrame({
    "outlet_id": ["A1", "A2", "A3", "B1", "B2", "B3", "B4"],
    "month": [MONTH] * 6 + ["2026-09"],
    "ratings": [1000, 1000, 100, 1000, 1000, 5, 50],
    "satisfied": [920, 940, 70, 910, 930, 5, 45],
    "top_score": [700, 700, 50, 700, 700, 5, 40],
    "served": [1500] * 7,
})


@pytest.fixture(scope="module")
def table():
    out, prior = league.outlet_table(COUNTS, TREE, MONTH, centre=0.9)
    return out.set_index("outlet_id")


def test_funnel_classes_match_the_funnel_limits(table):
    bounds = funnel.limits([100], 0.9)
    assert 0.70 < bounds["lower_99.8"].iloc[0]  # independent check of where A3 falls
    assert table.loc["A3", "funnel"] == "below_99.8"
    assert table.loc["B4", "funnel"] == "no_data"
    assert not table.loc["B3", "funnel"].startswith("below")


def test_no_ratings_is_no_data_not_zero(table):
    b4 = table.loc["B4"]
    assert b4["ratings"] == 0  # its September ratings do not count in October
    assert pd.isna(b4["rate"]) and pd.isna(b4["shrunken"]) and pd.isna(b4["rank"])
    assert pd.isna(b4["lower_wilson"])


def test_shrunken_ranking_does_not_crown_the_small_perfect_outlet(table):
    assert table.loc["B3", "rate"] == 1.0
    assert table.loc["B3", "rank"] > 1  # raw it would be first
    assert table.loc["A2", "rank"] == 1
    assert table.loc["A3", "rank"] == 6  # last of the 6 with ratings
    ranked = league.league(table.reset_index())
    assert ranked["outlet_id"].tolist()[0] == "A2" and len(ranked) == 6
    assert league.league(table.reset_index(), rows=2)["outlet_id"].tolist()[-1] == "A3"


def test_comparison_names_the_outlets_below_the_limits(table):
    comparison = league.comparison(table.reset_index(), 0.9)
    # named: below a lower limit (A3). Above the upper 99.8% limit (the better side, counted, not named):
    # at n = 1000 and 0.9, P(X >= 940) = 4.4e-6 (A2) and P(X >= 930) = 0.00057 (B2) are below 0.001; A1's
    # P(X >= 920) = 0.018 is only beyond the 95% limit (scipy.stats.binom.sf)
    assert comparison.named("below")["outlet_id"].tolist() == ["A3"]
    assert comparison.beyond("above")["outlet_id"].tolist() == ["A2", "B2"]
    assert table.loc["A1", "funnel"] == "above_95"
    # the limits drawn start just below the smallest outlet (5 ratings x 0.8 = 4) and pass through 100
    assert comparison.curve["size"].min() == 4 and 100 in set(comparison.curve["size"])


def test_small_outlets_are_shown_but_neither_judged_nor_ranked():
    # A3 (70 of 100) is the worst; as a small_sample outlet it keeps its rate and interval, is not in the
    # funnel's judgment and has no rank: the five others rank 1-5 (B3 5/5 among them)
    out, _ = league.outlet_table(COUNTS, TREE, MONTH, centre=0.9, small={"A3"})
    got = out.set_index("outlet_id")
    assert got.loc["A3", "funnel"] == "small_sample" and pd.isna(got.loc["A3", "rank"])
    assert got.loc["A3", "rate"] == 0.7 and got.loc["A3", "lower_wilson"] < 0.7
    assert sorted(got["rank"].dropna().astype(int)) == [1, 2, 3, 4, 5]
    assert "A3" not in league.league(out)["outlet_id"].tolist()


def test_centre_value():
    assert league.centre_value("target", 0.9, 80, 100) == 0.9
    assert league.centre_value("average", 0.9, 80, 100) == 0.8
    assert pd.isna(league.centre_value("average", 0.9, 0, 0))
    with pytest.raises(ValueError, match="funnel_centre must be one of target, average"):
        league.centre_value("median", 0.9, 1, 2)


def test_one_outlet_cannot_be_shrunk():
    out, prior = league.outlet_table(COUNTS, TREE[TREE["outlet_id"] == "A1"], MONTH, centre=0.9)
    assert prior is None and out["shrunken"].isna().all() and out["rank"].isna().all()
    assert out["rate"].iloc[0] == 0.92


def test_average_centre_without_ratings_is_no_data():
    empty = COUNTS.assign(month="2026-01")
    out, prior = league.outlet_table(empty, TREE, MONTH, centre=float("nan"))
    assert (out["funnel"] == "no_data").all() and prior is None
    assert league.comparison(out, float("nan")).units["funnel"].eq("no_data").all()  # the chart says 无数据
