"""Charts of notebook 40: they draw, and empty data says 无数据."""

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from svc_analysis.inspections import charts as plots  # noqa: E402
from svc_analysis.views import plotting  # noqa: E402
from svc_analysis.stats import ranking

ROWS = pd.DataFrame({"branch": ["B1", "B1", "B2", "B2"], "score": [84.0, 92.0, 95.0, 97.0]})


@pytest.fixture(autouse=True)
def _theme():
    plotting.setup()
    yield
    plt.close("all")


def _texts(fig):
    return {t.get_text() for ax in fig.axes for t in ax.texts}


def test_distribution_marks_scores_below_the_recheck_line():
    fig = plots.plot_distribution(ROWS, 98, 85, "得分")
    ax = fig.axes[0]
    below = [c for c in ax.collections if len(c.get_offsets()) and c.get_offsets()[:, 1].max() < 85]
    assert len(below) == 1 and below[0].get_offsets()[0, 1] == 84.0
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["B1", "B2"]


def test_trend_and_intervals_draw():
    means = pd.DataFrame({"month": ["2026-07", "2026-10"], "branch": ["B1", "B1"], "score": [93.0, 91.0]})
    targets = pd.Series([95.0, 95.0, 98.0, 98.0], index=["2026-07", "2026-08", "2026-09", "2026-10"])
    fig = plots.plot_trend(means, targets, "趋势")
    assert len(fig.axes[0].lines) == 2  # one branch + the stage target
    fig = plots.plot_intervals(ranking.unit_means(ROWS, "branch"), 98, 0.95, "区间")
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["B1（2次）", "B2（2次）"]


def test_empty_frames_say_no_data():
    assert plotting.NO_DATA in _texts(plots.plot_distribution(ROWS.iloc[0:0], 98, 85, "得分"))
    assert plotting.NO_DATA in _texts(plots.plot_trend(pd.DataFrame(columns=["month", "branch", "score"]),
                                                       pd.Series(dtype=float), "趋势"))
    assert plotting.NO_DATA in _texts(plots.plot_intervals(ranking.unit_means(ROWS.iloc[0:0], "branch"),
                                                           98, 0.95, "区间"))
