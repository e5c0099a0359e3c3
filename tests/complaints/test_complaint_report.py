"""svc_analysis.complaints.views on the hand-built warehouse of tests/complaints/support.py."""

from __future__ import annotations

import math

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from svc_analysis.complaints import views as report  # noqa: E402
from svc_analysis.complaints import complaints  # noqa: E402
from svc_analysis.engine import org
from svc_analysis.core.params import Complaints  # noqa: E402
from tests.complaints.support import MONTH, build  # noqa: E402


@pytest.fixture(scope="module")
def con():
    con = build()
    yield con
    con.close()


@pytest.fixture(scope="module")
def rows(con):
    import yaml

    from svc_analysis.core import config

    raw = yaml.safe_load((config.PROJECT_ROOT / "params" / "complaints.yaml").read_text(encoding="utf-8"))
    return report.kpi_rows(con, MONTH, org.outlet_tree(con), Complaints(**raw["complaints"]))


def test_every_contract_metric_at_every_level(rows):
    assert set(rows["metric"]) == set(report.METRIC_LABELS)
    assert set(rows["level"]) == {"province", "branch", "subbranch", "outlet"}


def test_headline_states_targets_and_verdicts(rows):
    table = report.headline(rows, "province", "province").set_index("指标")
    assert table.loc["投诉总量（件）", "本月"] == "6"
    assert table.loc["万人投诉率（件/万人次）", "本月"] == "10.00"  # 6 / 6000 x 10,000
    assert table.loc["责任性投诉（件）", ["目标", "是否达标"]].tolist() == ["≤ 0", "未达标"]
    assert table.loc["意见簿三日内答复率", "本月"] == "33.3%"  # 1 of 3 due
    # 乙分行 has no customers served: its rate says 无数据 and gets no verdict
    other = report.headline(rows, "branch", "乙分行").set_index("指标")
    assert other.loc["万人投诉率（件/万人次）", "本月"] == "无数据"
    assert other.loc["意见簿三日内答复率", "是否达标"] == ""


def test_change_sentence(con):
    trend = complaints.monthly_trend(con, MONTH, 13, per_customers=10000, rolling=1)
    sentence = report.change_sentence(complaints.compare(trend, MONTH))
    # October 6 vs September 3; October 2025 had no complaints and no customers served
    assert sentence.startswith("本月受理投诉6件，万人投诉率10.00")
    assert "较上月（3件，万人投诉率30.00）增加3件" in sentence
    assert "较去年同月（0件，万人投诉率无数据）增加6件" in sentence


def test_funnel_frame_and_sentence(con):
    units, target = report.funnel_frame(con, MONTH, org.outlet_tree(con))
    assert target == pytest.approx(6 / 6000)
    got = units.set_index("outlet_id")
    assert got.loc["O4", "funnel"] == "no_data" and math.isnan(got.loc["O4", "rate"])
    assert got.loc["O1", "rate"] == pytest.approx(15.0)
    assert "没有单位超出99.8%控制限" in report.funnel_sentence(units, target)
    sub, _ = report.funnel_frame(con, MONTH, org.outlet_tree(con), level="subbranch")
    assert sub.set_index("unit").loc["甲一支行", ["complaints", "served"]].tolist() == [4, 5000]
    assert "无法计算投诉率" in report.funnel_sentence(units, float("nan"))
    report.plot_funnel(units, target)
    report.plot_funnel(units.assign(served=0), float("nan"))


def test_rollup_view_formats_and_says_no_data(rows):
    view = report.rollup_view(rows, "branch")
    assert view.index.name == "二级分行" and view.index.tolist() == ["乙分行", "甲分行"]
    assert view.loc["乙分行", "万人投诉率（件/万人次）"] == "无数据"
    assert view.loc["甲分行", "投诉总量（件）"] == "5"


def test_charts_draw_with_and_without_data(con):
    trend = complaints.monthly_trend(con, MONTH, 6, per_customers=10000, rolling=2)
    alarms = pd.DataFrame({"start": [pd.Timestamp("2026-09-03").date()]})
    assert report.plot_trend(trend, alarms) is not None
    assert report.plot_pareto(complaints.breakdown(con, MONTH, "category"), "类别") is not None
    assert report.plot_pareto(complaints.breakdown(con, "2027-01", "category"), "类别") is not None


def test_funnel_of_a_month_without_complaints_draws_without_warnings():
    """Customers served but no complaint anywhere: every rate and limit is 0; the chart still gets a
    non-empty y range (matplotlib warns on identical limits, which would show as stderr in the page)."""
    import warnings

    import matplotlib.pyplot as plt

    from svc_analysis.views import plotting

    plotting.setup()  # the CJK font: a missing glyph would warn too
    frame = pd.DataFrame({"unit": ["甲", "乙"], "served": [1200.0, 800.0], "complaints": [0.0, 0.0],
                          "rate": [0.0, 0.0], "funnel": ["within", "within"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = report.plot_funnel(frame, 0.0)
        fig.canvas.draw()
    bottom, top = fig.axes[0].get_ylim()
    assert bottom == 0 and top > 0
    plt.close(fig)


def test_trend_without_customers_served_says_the_rate_has_no_data():
    import matplotlib.pyplot as plt

    nan = float("nan")
    trend = pd.DataFrame({"month": ["2019-09", "2019-10"], "complaints": [26, 13], "rate": [nan, nan],
                          "rolling_rate": [nan, nan]})
    fig = report.plot_trend(trend, pd.DataFrame(columns=["start"]))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["投诉量（件）", "万人投诉率：无数据（无服务客户数据）"]
    assert list(fig.axes[1].get_yticks()) == []
    plt.close(fig)
