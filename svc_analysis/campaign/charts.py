"""Notebook 60's charts of the campaign: the burn-up of every flagged KPI against its planned path
with the forecast at the deadline, and the pace heatmap by KPI and unit. The figures come from
campaign (the progress board); nothing is computed here beyond drawing.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.campaign import campaign
from svc_analysis.core import periods
from svc_analysis.core import status as st
from svc_analysis.views import plotting


def burnup_chart(history: pd.DataFrame, board: pd.DataFrame, level: str, ncols: int = 2):
    """Burn-up of every KPI of ``level`` that is not on track or will miss: actual to date per month
    against the planned path (expected x target), with the forecast range at the deadline."""
    import matplotlib.pyplot as plt

    flagged = campaign.behind(board[board["level"] == level])
    if flagged.empty:
        return None
    nrows = -(-len(flagged) // ncols)
    width, height = plotting.FIGURE_SIZE
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height * 0.75 * nrows), squeeze=False)
    for ax, row in zip(axes.flat, flagged.itertuples()):
        part = history[(history["kpi_id"] == row.kpi_id) & (history["level"] == level)
                       & (history["unit_id"] == row.unit_id)]
        x = [periods.month_end(m) for m in part["month"]]
        ax.plot(x, part["expected"] * part["target"], color=plotting.PALETTE[2], linestyle="--", label="计划")
        ax.plot(x, part["actual"], color=plotting.PALETTE[0], marker="o", markersize=3, label="实际")
        if not row.deadline_passed and pd.notna(row.forecast):
            spread = [[max(0.0, row.forecast - row.forecast_low)], [max(0.0, row.forecast_high - row.forecast)]]
            ax.errorbar([row.deadline], [row.forecast], yerr=spread, fmt="D", color=plotting.HIGHLIGHT,
                        capsize=4, label="截止日预测")
        ax.axhline(row.target, color=plotting.PALETTE[5], linewidth=0.8)
        ax.set_title(f"{row.name}（{st.label(row.status)}）", fontsize="medium")
        if row.unit_of_measure == "占比":
            ax.yaxis.set_major_formatter(plotting.percent_formatter(0))
        ax.tick_params(axis="x", labelrotation=30, labelsize="small")
    for ax in list(axes.flat)[len(flagged):]:
        ax.set_visible(False)
    axes.flat[0].legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    return fig


def pace_heatmap(board: pd.DataFrame, level: str = "branch"):
    """Heatmap of progress / expected (pace) by KPI (rows) and unit (columns); below 100% is behind plan."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    rows = board[board["level"] == level]
    if rows.empty:
        return None
    grid = rows.assign(pace=rows["pace"].clip(lower=0.0, upper=9.99)).pivot_table(
        index="name", columns="unit_id", values="pace", aggfunc="first", sort=False)
    width, _ = plotting.FIGURE_SIZE
    fig, ax = plt.subplots(figsize=(width, max(2.5, 0.9 + 0.42 * len(grid))))
    # the colour scale is centred on 100% by its symmetric limits (seaborn's center= recentres through a
    # matplotlib call due to be deprecated, for the same colours)
    sns.heatmap(grid, annot=grid.map(lambda v: "" if pd.isna(v) else f"{v:.0%}"), fmt="", cmap="RdYlGn",
                vmin=0.4, vmax=1.6, linewidths=0.5, cbar_kws={"label": "完成进度 ÷ 应达进度"}, ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelrotation=0)
    ax.grid(False)
    fig.tight_layout()
    return fig
