"""participation.py: sharp drops and implausibly perfect scores; the planted tiny-sample outlet."""

import pandas as pd
import pytest

from svc_analysis.engine import org
from svc_analysis.satisfaction import participation
from svc_analysis.core import periods
from svc_analysis.satisfaction import satisfaction
from svc_analysis.engine.sample import plan_for
from tests.support import TINY_MONTH, tiny_warehouse

MONTH = "2026-10"
RULES = dict(drop_ratio=0.5, baseline=3, gap=1, min_served=100, perfect_min_share=0.98, perfect_min_ratings=30)
TREE = pd.DataFrame({"outlet_id": ["A", "B", "C", "D", "E"], "outlet_name": list("甲乙丙丁戊"),
                     "subbranch": ["s"] * 5, "branch": ["b"] * 5})


def _counts():
    rows = []
    # baseline for 2026-10 with baseline=3, gap=1: 2026-07..2026-09
    for month in ["2026-06", "2026-07", "2026-08", "2026-09"]:
        rows += [("A", month, 70, 50, 100), ("B", month, 60, 40, 100), ("C", month, 60, 40, 100)]
    # June is outside the baseline: a very different June changes nothing
    rows += [("E", "2026-06", 10, 5, 100)]
    rows += [
        ("A", MONTH, 20, 14, 200),   # 0.10 against a baseline of 210/300 = 0.70: ratio 0.1429, dropped
        ("B", MONTH, 5, 3, 50),      # 0.10 but only 50 customers served: not judged
        ("C", MONTH, 40, 40, 100),   # 0.40 / 0.60 = 0.667: no drop; 40 ratings all top: perfect
        ("E", MONTH, 0, 0, 0),       # nothing at all this month: no data
    ]
    return pd.DataFrame(rows, columns=["outlet_id", "month", "ratings", "top_score", "served"])


def test_baseline_months():
    assert participation.baseline_months(MONTH, 3, 1) == ["2026-07", "2026-08", "2026-09"]
    assert participation.baseline_months(MONTH, 2, 0) == ["2026-09", "2026-10"]
    with pytest.raises(ValueError, match="baseline months must be >= 1"):
        participation.baseline_months(MONTH, 0, 1)


def test_flags_hand_values():
    flags = participation.outlet_flags(_counts(), TREE, MONTH, **RULES).set_index("outlet_id")
    a = flags.loc["A"]
    assert a["participation"] == pytest.approx(0.10) and a["baseline"] == pytest.approx(0.70)
    assert a["ratio"] == pytest.approx(0.1 / 0.7) and a["dropped"] and not a["perfect"]
    assert not flags.loc["B", "dropped"]  # too few customers to judge
    c = flags.loc["C"]
    assert c["ratio"] == pytest.approx(0.4 / 0.6) and not c["dropped"]
    assert c["top_share"] == 1.0 and c["perfect"] and c["flagged"]
    for outlet in ("D", "E"):  # no customers served this month: no data, never 0%
        assert pd.isna(flags.loc[outlet, "participation"]) and not flags.loc[outlet, "flagged"]
    assert pd.isna(flags.loc["D", "baseline"]) and pd.isna(flags.loc["E", "baseline"])
    assert participation.flagged(flags.reset_index())["outlet_id"].tolist() == ["A", "C"]


def test_perfect_needs_enough_ratings():
    counts = pd.DataFrame([("C", MONTH, 29, 29, 100)], columns=["outlet_id", "month", "ratings", "top_score", "served"])
    assert not participation.outlet_flags(counts, TREE, MONTH, **RULES).set_index("outlet_id").loc["C", "perfect"]


def test_bad_ratio():
    with pytest.raises(ValueError, match="participation_drop_ratio"):
        participation.outlet_flags(_counts(), TREE, MONTH, **{**RULES, "drop_ratio": 1.5})


def test_trend_has_every_month():
    out = participation.trend(_counts(), ["A", "D"], ["2026-09", MONTH])
    assert len(out) == 4
    a = out[out["outlet_id"] == "A"]["participation"].tolist()
    assert a == pytest.approx([0.7, 0.1])
    assert out[out["outlet_id"] == "D"]["participation"].isna().all()


def test_sentence_names_the_outlets():
    flags = participation.outlet_flags(_counts(), TREE, MONTH, **RULES)
    text = participation.sentence(flags, MONTH, 0.5, 0.98)
    assert "甲（A：10.0%，基准 70.0%）" in text and "丙（C：40 条评价中 100.0% 为 5 分）" in text
    empty = participation.outlet_flags(_counts().iloc[0:0], TREE, MONTH, **RULES)
    assert "无数据" in participation.sentence(empty, MONTH, 0.5, 0.98)


def test_planted_collapse_is_flagged_on_the_tiny_sample():
    import duckdb

    plan = plan_for("tiny", end_month=TINY_MONTH)
    with duckdb.connect(str(tiny_warehouse()), read_only=True) as con:
        tree = org.outlet_tree(con)
        counts = satisfaction.outlet_months(con, periods.months_back(TINY_MONTH, 24))
    rules = dict(drop_ratio=0.5, baseline=12, gap=3, min_served=100, perfect_min_share=0.98, perfect_min_ratings=30)
    for month in plan.participation_months:  # every month of the collapse, not only the last
        flags = participation.outlet_flags(counts, tree, month, **rules).set_index("outlet_id")
        planted = flags.loc[plan.participation_outlet]
        assert planted["dropped"] and planted["perfect"], month
        assert planted["participation"] < 0.2 and planted["baseline"] > 0.5
        assert flags["flagged"].sum() == 1, month  # and nobody else
    before = participation.outlet_flags(counts, tree, periods.add_months(plan.participation_months[0], -1), **rules)
    assert not before["flagged"].any()
