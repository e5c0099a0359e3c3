"""views.funnel_chart: the one funnel chart; the limits drawn are the limits judged, and the units named
on the chart are the units the sentence names (issue 14)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from svc_analysis.complaints import comparison as complaints_comparison  # noqa: E402
from svc_analysis.satisfaction import charts as satisfaction_charts  # noqa: E402
from svc_analysis.stats import funnel, league  # noqa: E402
from svc_analysis.views import funnel_chart, plotting  # noqa: E402

# Centre 5 complaints per 10,000 customers. 甲 and 乙 served 550 (expected 0.275 complaints):
# Poisson(0.275) has F(2) = 0.997176 < 0.999 <= F(3) = 0.999809, so r = 3 and alpha = (0.999809 - 0.999) /
# 0.002633 = 0.3073: the 99.8% upper limit at 550 is (3 + 1 - 0.3073) / 550 = 67.1 per 10,000.
# 甲 has 4 complaints (72.7 per 10,000, P(X >= 4) = 0.00019 < 0.001): above it, marked and named;
# 乙 has 3 (54.5, P(X >= 3) = 0.0028): above the 95% limit only (r = 2, F(1) = 0.968454 < 0.975 <= F(2) =
# 0.997176, alpha = 0.022176 / 0.028722 = 0.7721, limit (2 + 1 - 0.7721) / 550 = 40.5), named as such; 丙, 丁 served 20,000 with 10
# complaints each (expected 10): within. 戊 served 300, below the minimum volume of 500: not judged.
# 己 served 200,000 with 60 complaints where 100 are expected: P(X <= 60) = 1.1e-5, below the 99.8% lower
# limit, the better side: coloured and counted, not named.
UNITS = pd.DataFrame({"unit": ["甲", "乙", "丙", "丁", "戊", "己"], "served": [550, 550, 20000, 20000, 300, 200000],
                      "complaints": [4, 3, 10, 10, 2, 60]})
PER = 10000


@pytest.fixture(autouse=True)
def _setup():
    plotting.setup()
    yield
    plt.close("all")


@pytest.fixture
def comparison():
    out = funnel.compare(UNITS, size="served", count="complaints", centre=5 / PER, kind="rate",
                         judged=[True, True, True, True, False, True], min_size=500)
    out.units["rate"] = out.units["observed"] * PER
    return out


def _limit_lines(fig) -> dict:
    """{label: linestyle} of the limit lines carrying a legend label, and the lines by label."""
    return {line.get_label(): line.get_linestyle() for line in fig.axes[0].get_lines()
            if line.get_label().endswith("控制限")}


def test_the_unit_drawn_above_the_line_is_marked_and_named(comparison):
    assert comparison.units["funnel"].tolist() == ["above_99.8", "above_95", "within", "within", "small_sample",
                                                   "below_99.8"]
    upper = funnel.limits([550], 5 / PER, "rate")["upper_99.8"][0] * PER
    assert upper == pytest.approx((4 - (0.999809 - 0.999) / 0.002633) / 550 * PER, abs=0.05)  # 67.1
    fig = complaints_comparison.plot_funnel(comparison, PER)
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["乙", "甲"]
    text = complaints_comparison.funnel_sentence(comparison, PER)
    assert "高于 99.8% 上限的单位 1 个：甲（万人投诉率72.7，服务550人次）" in text
    assert "高于 95% 上限的单位 1 个：乙（万人投诉率54.5，服务550人次）" in text
    assert "丙" not in text and "丁" not in text and "另有 1 个单位样本不足（服务客户数不足 500）" in text
    assert "低于 99.8% 下限的单位 1 个（图中绿点）" in text and "己" not in text
    # geometry: read the drawn upper lines back from the figure; a unit is above a drawn line exactly
    # when the page marks it beyond that limit (the units' own sizes are points of the drawn lines)
    lines = [line for line in ax.get_lines() if line.get_linestyle() in ("-", "--") and len(line.get_xdata()) > 2]

    def pair(style):  # (lower, upper) lines of one style
        found = sorted((line for line in lines if line.get_linestyle() == style), key=lambda l: np.nanmean(l.get_ydata()))
        assert len(found) == 2
        return found

    def at(line, x):
        return np.interp(x, line.get_xdata(), line.get_ydata())

    (solid_lower, solid_upper), (dashed_lower, dashed_upper) = pair("-"), pair("--")
    judged = comparison.units[comparison.units["funnel"] != "small_sample"]
    for row in judged.itertuples():
        assert (row.rate > at(solid_upper, row.size)) == (row.funnel == "above_99.8"), row.unit
        assert (row.rate > at(dashed_upper, row.size)) == row.funnel.startswith("above"), row.unit
        assert (row.rate < at(solid_lower, row.size)) == (row.funnel == "below_99.8"), row.unit
        assert (row.rate < at(dashed_lower, row.size)) == row.funnel.startswith("below"), row.unit
    # the small unit is drawn hollow, with no limit under it (the lines start at the minimum volume)
    assert min(np.min(line.get_xdata()) for line in lines) == 500


def test_both_pages_draw_the_same_chart(comparison, monkeypatch):
    table, _ = league.outlet_table(
        pd.DataFrame({"outlet_id": ["A", "B"], "month": ["2026-10"] * 2, "ratings": [500, 400],
                      "satisfied": [460, 300], "top_score": [400, 250], "served": [600, 600]}),
        pd.DataFrame({"outlet_id": ["A", "B"], "outlet_name": ["甲", "乙"], "subbranch": ["s"] * 2,
                      "branch": ["b"] * 2}), "2026-10", 0.9)
    satisfaction = league.comparison(table, 0.9, min_size=100)
    complaints_fig = complaints_comparison.plot_funnel(comparison, PER)
    satisfaction_fig = satisfaction_charts.funnel(satisfaction, "目标")
    expected = {"95% 控制限": "--", "99.8% 控制限": "-"}  # 95% dashed, 99.8% solid, on both pages
    assert _limit_lines(complaints_fig) == expected == _limit_lines(satisfaction_fig)
    for fig in (complaints_fig, satisfaction_fig):
        labels = fig.axes[0].get_legend_handles_labels()[1]
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels), labels  # Chinese
    calls = []
    monkeypatch.setattr(funnel_chart, "plot", lambda c, **kw: calls.append(kw["worse"]))
    complaints_comparison.plot_funnel(comparison, PER)
    satisfaction_charts.funnel(satisfaction, "目标")
    assert calls == ["above", "below"]  # one chart function, each page saying which side is worse


def test_no_data_says_so():
    empty = funnel.compare(UNITS.assign(served=0), size="served", count="complaints", centre=float("nan"),
                           kind="rate")
    fig = funnel_chart.plot(empty, worse="above", names="unit", title="t", xlabel="x", ylabel="y",
                            centre_label="c")
    assert [t.get_text() for t in fig.axes[0].texts] == [plotting.NO_DATA]
