"""queue_report.py: display tables (labels, percents, 无数据) and charts drawn without warnings."""

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from svc_analysis.views import plotting  # noqa: E402
from svc_analysis.queue import charts as qc
from svc_analysis.queue import views as qr


@pytest.fixture(autouse=True)
def theme():
    plotting.setup()
    yield
    import matplotlib.pyplot as plt
    plt.close("all")


def test_table_formats_shares_minutes_and_missing():
    frame = pd.DataFrame({"level": ["province", "branch"], "unit_id": ["province", "一分行"],
                          "served": [7.0, 0.0], "mean_wait": [21.4286, np.nan], "overtime_share": [3 / 7, np.nan]})
    out = qr.table(frame)
    assert out.columns.tolist() == ["层级", "单位", "已叫号客户", "平均等候(分钟)", "超时占比"]
    assert out.iloc[0].tolist()[:4] == ["全省", "全省", 7, 21.4]
    assert out.iloc[0]["超时占比"] == "42.9%" and out.iloc[1]["超时占比"] == plotting.NO_DATA


def test_ranking_display_combines_share_and_rank():
    # A: 100 of 200 customers overtime; B: nobody served; C: 5 of 10, below the minimum volume (small)
    table = pd.DataFrame({"unit_id": ["A", "B", "C"], "outlet_name": ["甲", "乙", "丙"], "subbranch": ["s"] * 3,
                          "branch": ["b"] * 3, "served": [200, 0, 10], "overtime": [100, 0, 5],
                          "overtime_share": [0.5, np.nan, 0.5], "small": [False, False, True],
                          "rank": pd.array([1, pd.NA, pd.NA], dtype="Int64"),
                          "10-05~10-11 排名": pd.array([1, pd.NA, pd.NA], dtype="Int64"),
                          "10-05~10-11 超时占比": [0.5, np.nan, 0.5], "10-05~10-11 样本不足": [False, False, True]})
    out = qr.ranking_display(table, "outlet")
    assert out.loc[1, "10-05~10-11"] == "50.0%（1）" and out.loc[2, "10-05~10-11"] == plotting.NO_DATA
    assert out.loc[2, "本月排名"] == plotting.NO_DATA
    assert out.loc[3, "本月排名"] == "样本不足" and out.loc[3, "10-05~10-11"] == "50.0%（样本不足）"
    # Wilson 100 of 200: 0.5 ± 1.96·sqrt(0.25/200 + 1.96²/160000) / (1 + 1.96²/200) = 43.1%-56.9%
    assert out.loc[1, "超时占比 95% 区间"] == "43.1%–56.9%" and out.loc[3, "超时占比 95% 区间"] == ""


def test_charts_draw_without_warnings():
    wide = pd.DataFrame([[0.5, np.nan, 0.1], [0.0, 0.2, np.nan]], index=["甲（1）", "乙（2）"], columns=[1, 2, 3])
    grid = pd.DataFrame([[1.0, 2.0], [np.nan, 0.5]], index=["周一", "周六"], columns=["9时", "10时"])
    types = pd.DataFrame({"business_type": ["现金存取", "对公业务"], "tickets": [4, 2], "mean_wait": [15.0, 45.0],
                          "p90_wait": [25.5, 45.0], "mean_service": [6.0, np.nan]})
    link = pd.DataFrame({"outlet_name": ["甲", "乙", "丙"], "served": [4, 3, 0], "overtime_share": [0.5, 0.0, np.nan],
                         "complaints_per_10k": [5000.0, 0.0, np.nan]})
    plan = pd.DataFrame({"outlet_id": ["X"] * 3, "day_type": ["weekday", "weekday", "weekend"], "hour": [9, 10, 9],
                         "windows_needed": pd.array([3, 2, 1], dtype="Int64"), "load": [1.2, 0.8, 0.3]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figs = [qc.plot_heatmap(wide, 0.05), qc.plot_heatmap(pd.DataFrame(), 0.05),
                qc.plot_weekday_hour(grid, grid, "全省"), qc.plot_business_types(types, 20),
                qc.plot_complaint_link(link, 0.05), qc.plot_staffing(plan, "X", "某网点"),
                qc.plot_staffing(plan, "missing")]
        for fig in figs:
            fig.canvas.draw()


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_charts_of_a_month_without_tickets_say_so():
    """No ticket in the month (a bank that loaded only complaints): each chart draws 本月无数据 / 无数据
    panels instead of failing (seaborn cannot scale colours on an empty or all-NaN grid)."""
    from svc_analysis.queue import peaks

    grid = pd.DataFrame({"weekday": pd.Series([], dtype="int64"), "hour": pd.Series([], dtype="int64"),
                         "tickets": pd.Series([], dtype="int64"), "arrivals": pd.Series([], dtype=float),
                         "mean_wait": pd.Series([], dtype=float)})
    empty = peaks.pivot(grid, "arrivals")
    all_nan = pd.DataFrame([[np.nan, np.nan]], index=["周一"], columns=["9时", "10时"])
    types = pd.DataFrame(columns=["business_type", "tickets", "mean_wait", "p90_wait", "mean_service"])
    link = pd.DataFrame(columns=["outlet_name", "served", "overtime_share", "complaints_per_10k"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hours = qc.plot_weekday_hour(empty, all_nan, "全省")
        business = qc.plot_business_types(types, 20)
        complaints = qc.plot_complaint_link(link, 0.05)
        for fig in (hours, business, complaints):
            fig.canvas.draw()
    assert _texts(hours) == [plotting.NO_DATA_MONTH] * 2
    assert _texts(business) == [plotting.NO_DATA_MONTH] * 2
    assert _texts(complaints) == [plotting.NO_DATA]
    assert not any(ax.axison for ax in hours.axes + business.axes + complaints.axes)
