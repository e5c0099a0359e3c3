"""satisfaction_charts.py: every chart draws from its module's frame, and no data stays a gap."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from svc_analysis.stats import league  # noqa: E402
from svc_analysis.views import plotting
from svc_analysis.stats import spc
from svc_analysis.satisfaction import charts  # noqa: E402

MONTHS = ["2026-07", "2026-08", "2026-09", "2026-10"]
SERIES = pd.DataFrame({"month": MONTHS, "ratings": [100, 0, 120, 110], "satisfied": [92, 0, 110, 95],
                       "served": [150, 0, 160, 170]})
SERIES["rate"] = [0.92, np.nan, 110 / 120, 95 / 110]
SERIES["lower"], SERIES["upper"] = SERIES["rate"] - 0.05, SERIES["rate"] + 0.05
SERIES["participation"] = [100 / 150, np.nan, 120 / 160, 110 / 170]


@pytest.fixture(autouse=True)
def _close():
    plotting.setup()
    yield
    plt.close("all")


def test_trend_leaves_the_empty_month_as_a_gap():
    fig = charts.trend(SERIES, 0.9, 0.85)
    line = next(l for l in fig.axes[0].get_lines() if l.get_label() == "满意率")
    assert np.isnan(line.get_ydata()[1])  # not drawn at 0%
    assert len(fig.axes[0].get_xticklabels()) == 4


def test_trend_without_any_data_says_so():
    empty = SERIES.assign(rate=np.nan, lower=np.nan, upper=np.nan)
    texts = [t.get_text() for t in charts.trend(empty, 0.9).axes[0].texts]
    assert texts == [plotting.NO_DATA]


def test_control_marks_out_of_control_months():
    chart = spc.control_chart(SERIES.rename(columns={"satisfied": "successes", "ratings": "trials"}), chart="p")
    fig = charts.control(chart)
    assert fig.axes[0].get_title() == "满意率控制图"  # Chinese words only: the title is the chart's alt text
    laney = charts.control(chart.assign(chart="laney_p_prime"))
    assert laney.axes[0].get_title() == "满意率控制图（按实际的月间波动放宽控制限）"
    marked = fig.axes[0].collections[-1].get_offsets()
    assert len(marked) == int(chart["out_of_control"].fillna(False).sum())


def test_funnel_labels_exactly_the_outlets_the_sentence_names():
    # centre 0.9: 乙 300/400 = 75% is far below (the 99.8% lower limit at n = 400 is about 0.85); 丙 275/300
    # = 91.7% and 甲 460/500 = 92% are within; 丁 40/50 is below the 100-rating minimum: hollow, not judged
    tree = pd.DataFrame({"outlet_id": ["A", "B", "C", "D"], "outlet_name": ["甲", "乙", "丙", "丁"],
                         "subbranch": ["s"] * 4, "branch": ["b"] * 4})
    counts = pd.DataFrame({"outlet_id": ["A", "B", "C", "D"], "month": ["2026-10"] * 4,
                           "ratings": [500, 400, 300, 50], "satisfied": [460, 300, 275, 40],
                           "top_score": [400, 250, 230, 30], "served": [600] * 4})
    table, _ = league.outlet_table(counts, tree, "2026-10", 0.9, small={"D"})
    comparison = league.comparison(table, 0.9, min_size=100)
    fig = charts.funnel(comparison, "目标")
    assert [t.get_text() for t in fig.axes[0].texts] == ["乙"]
    text = charts.funnel_sentence(comparison, "目标")
    assert "低于 99.8% 下限的网点 1 个：乙（B，75.0%，400 条）" in text
    assert "另有 1 个网点样本不足（评价条数不足 100）" in text
    assert "丙" not in text and "丁（" not in text


def test_participation_and_importance_performance():
    outlets = pd.DataFrame({"outlet_id": ["A"] * 4, "month": MONTHS, "participation": [0.7, np.nan, 0.1, 0.1]})
    fig = charts.participation(SERIES, outlets, names={"A": "甲"}, scope_label="武汉分行")
    labels = [l.get_label() for l in fig.axes[0].get_lines()]
    assert labels == ["武汉分行", "甲（A）"]
    table = pd.DataFrame({"measure_zh": ["环境", "态度"], "performance": [4.5, 4.2], "importance": [0.4, 0.6],
                          "quadrant": ["maintain", "improve"]})
    fig = charts.importance_performance(table)
    assert {t.get_text() for t in fig.axes[0].texts} == {"环境（维持现状）", "态度（优先改进）"}
