"""svc_analysis.complaints.views (and .page) on the hand-built warehouse of tests/complaints/support.py."""

from __future__ import annotations

import math

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from svc_analysis.complaints import comparison  # noqa: E402
from svc_analysis.complaints import page  # noqa: E402
from svc_analysis.complaints import views as report  # noqa: E402
from svc_analysis.complaints import complaints  # noqa: E402
from svc_analysis.engine import org
from svc_analysis.complaints import area  # noqa: E402
from svc_analysis.core.params import load_params  # noqa: E402
from svc_analysis.core.period import Period  # noqa: E402
from svc_analysis.engine.scope import Scope  # noqa: E402
from tests.complaints.support import MONTH, build  # noqa: E402


@pytest.fixture(scope="module")
def con():
    con = build()
    yield con
    con.close()


@pytest.fixture(scope="module")
def rows(con):
    # the area's one entry (complaints.area.kpi_rows) with the default params, whole province
    return area.kpi_rows(con, load_params(), Scope.of(org.outlet_tree(con), None), Period.month(MONTH))


def test_every_contract_metric_at_every_level(rows):
    assert set(rows["metric"]) == set(report.METRIC_LABELS)
    assert set(rows["level"]) == {"province", "branch", "subbranch", "outlet"}


def test_headline_states_targets_intervals_and_statuses(con, rows):
    shown = page.with_intervals(con, load_params(), Scope.of(org.outlet_tree(con), None), Period.month(MONTH), rows)
    table = report.headline(shown, "province", "province").frame.set_index("指标")
    assert table.loc["投诉总量（件）", "本月"] == "6"
    # 6 complaints / 6,000 customers x 10,000; exact Poisson interval chi2(0.025; 12)/2 = 2.2019 and
    # chi2(0.975; 14)/2 = 13.0590 events per 6,000 customers: 3.67-21.77 per 10,000
    assert table.loc["万人投诉率（件/万人次）", ["本月", "区间", "状态"]].tolist() == ["10.00", "3.67–21.77", "无目标"]
    assert table.loc["责任性投诉（件）", ["目标", "状态"]].tolist() == ["≤ 0", "未达标"]
    # 1 of 3 comment-book complaints due: below the minimum of 5 (params volumes): 样本不足, no interval
    assert table.loc["意见簿三日内答复率", ["本月", "区间", "状态"]].tolist() == ["33.3%", "", "样本不足"]
    # reduction: 10 complaints among 12,000 customers this year against 22 among 20,000 in 2025:
    # 1 - 8.33 / 11.0 = 24.2%, missed against 40%; exact conditional interval of the ratio (Clopper-Pearson
    # for 10 of 32: beta(0.025; 10, 23) and beta(0.975; 11, 22), times 20000/12000): -66.7% ... 68.0%
    assert table.loc["投诉率较基年下降", ["本月", "区间", "目标", "状态"]].tolist() == [
        "24.2%", "-66.7%–68.0%", "≥ 40.0%", "未达标"]
    # 乙分行 has no customers served: its rate says 无数据 and gets no verdict
    other = report.headline(shown, "branch", "乙分行").frame.set_index("指标")
    assert other.loc["万人投诉率（件/万人次）", ["本月", "状态"]].tolist() == ["无数据", "无数据"]
    assert other.loc["意见簿三日内答复率", "状态"] == "无数据"


def test_change_sentence(con):
    trend = complaints.monthly_trend(con, MONTH, 13, per_customers=10000, rolling=1)
    sentence = report.change_sentence(complaints.compare(trend, MONTH))
    # October 6 vs September 3; October 2025 had no complaints and no customers served
    assert sentence.startswith("本月受理投诉6件，万人投诉率10.00")
    assert "较上月（3件，万人投诉率30.00）增加3件" in sentence
    assert "较去年同月（0件，万人投诉率无数据）增加6件" in sentence


def test_funnel_frame_and_sentence(con, rows):
    from svc_analysis.views import plotting

    plotting.setup()  # the CJK font
    units = comparison.funnel_frame(con, MONTH, org.outlet_tree(con), rows=rows, min_size=2000)
    assert units.centre == pytest.approx(6 / 6000)
    got = units.units.set_index("outlet_id")
    assert got.loc["O4", "funnel"] == "no_data" and math.isnan(got.loc["O4", "rate"])
    assert got.loc["O1", "rate"] == pytest.approx(15.0)
    # O3 served 1,000 customers, below the 2,000 of params volumes: its KPI row is small_sample, so the
    # funnel draws it but does not judge it. O1: 3 complaints where 2 are expected, P(X >= 3) = 0.32: within
    assert got.loc["O3", "funnel"] == "small_sample" and got.loc["O1", "funnel"] == "within"
    text = comparison.funnel_sentence(units)
    assert "没有单位超出 95% 或 99.8% 控制限" in text
    assert "另有 1 个单位样本不足（服务客户数不足 2,000）" in text
    assert units.curve["size"].min() == 2000  # the limits start where units are judged
    sub = comparison.funnel_frame(con, MONTH, org.outlet_tree(con), level="subbranch")
    assert sub.units.set_index("unit").loc["甲一支行", ["complaints", "served"]].tolist() == [4, 5000]
    nobody = comparison.funnel_frame(con, "2027-01", org.outlet_tree(con))
    assert "无法计算投诉率" in comparison.funnel_sentence(nobody)
    comparison.plot_funnel(units)
    comparison.plot_funnel(nobody)


def test_rollup_view_formats_and_says_no_data(rows):
    view = report.rollup_view(rows, "branch").frame.set_index("二级分行")
    assert view.index.tolist() == ["乙分行", "甲分行"]
    assert view.loc["乙分行", "万人投诉率（件/万人次）"] == "无数据"
    assert view.loc["甲分行", "投诉总量（件）"] == "5"
    # O3's own row: 1 complaint among 1,000 customers, below the minimum volume: shown with 样本不足
    outlets = report.rollup_view(rows, "outlet").frame.set_index("网点")
    assert outlets.loc["O3", "万人投诉率（件/万人次）"] == "10.00 样本不足"
    html = report.rollup_view(rows, "outlet")._repr_html_()
    assert 'data-kpi="complaint_rate_per_10k|outlet|O3" data-kpi-status="small_sample">10.00</span>' in html


def test_charts_draw_with_and_without_data(con):
    trend = complaints.monthly_trend(con, MONTH, 6, per_customers=10000, rolling=2)
    alarms = pd.DataFrame({"start": [pd.Timestamp("2026-09-03").date()]})
    assert report.plot_trend(trend, alarms) is not None
    assert report.plot_pareto(complaints.breakdown(con, MONTH, "category"), "类别") is not None
    assert report.plot_pareto(complaints.breakdown(con, "2027-01", "category"), "类别") is not None


def test_funnel_of_a_month_without_complaints_draws_without_warnings():
    """Customers served but no complaint anywhere: every rate is 0; the chart still gets a non-empty
    y range (matplotlib warns on identical limits, which would show as stderr in the page)."""
    import warnings

    import matplotlib.pyplot as plt

    from svc_analysis.stats import funnel
    from svc_analysis.views import plotting

    plotting.setup()  # the CJK font: a missing glyph would warn too
    frame = pd.DataFrame({"unit": ["甲", "乙"], "served": [1200.0, 800.0], "complaints": [0.0, 0.0]})
    units = funnel.compare(frame, size="served", count="complaints", centre=0.0, kind="rate")
    units.units["rate"] = 0.0
    assert units.units["funnel"].tolist() == ["within", "within"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = comparison.plot_funnel(units)
        fig.canvas.draw()
    bottom, top = fig.axes[0].get_ylim()
    assert bottom == 0 and top > 0
    plt.close(fig)
