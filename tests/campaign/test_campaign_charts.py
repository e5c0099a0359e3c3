"""campaign.charts: the burn-up and the pace heatmap draw only what is flagged."""

import matplotlib

from svc_analysis.campaign import charts
from svc_analysis.views import plotting
from tests.campaign.support import board_frame

matplotlib.use("Agg")


def test_charts_draw_only_what_is_flagged():
    plotting.setup()
    board = board_frame()
    history = board.assign(month="2026-10")
    fig = charts.burnup_chart(history, board, "province")
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 1  # only 甲 is flagged
    assert charts.burnup_chart(history, board[board["kpi_id"] == "b"], "province") is None
    assert charts.pace_heatmap(board, "branch") is not None and charts.pace_heatmap(board, "outlet") is None
    import matplotlib.pyplot as plt
    plt.close("all")
