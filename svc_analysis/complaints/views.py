"""What notebook 10 shows about complaints: headline table, sentences, charts and roll-up view.

Only presentation of figures computed elsewhere (complaints, sla, clusters); the funnel comparison of
units (section 七) is complaints.comparison; the notebook's sections (one call each) are
complaints.page.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.complaints import area
from svc_analysis.engine.scope import LEVEL_LABELS
from svc_analysis.views import formats, kpi_display, plotting

_UNIT_SUFFIX = {"count": "（件）", "per_10k": "（件/万人次）"}
# the headline's metrics in page order; names from the catalogue (complaints.area.METRICS)
METRIC_LABELS = {m.id: m.name + _UNIT_SUFFIX.get(m.unit, "") for m in area.METRICS}
SHARES = ("complaint_rate_reduction", "comment_book_on_time_rate", "complaints_closed_on_time_rate")
HIGHER_IS_BETTER = {m.id: m.direction == "higher" for m in area.METRICS}


def _fmt(metric: str, value, target=None) -> str:
    """A figure for the page; a share against its ``target`` with the digits that decide (views.formats)."""
    if metric in SHARES:
        return formats.share_against_target(value, target, HIGHER_IS_BETTER[metric])
    if plotting._missing(value):
        return plotting.NO_DATA
    return f"{value:.2f}" if metric == "complaint_rate_per_10k" else f"{value:.0f}"


def headline(rows: pd.DataFrame, level: str, unit: str) -> kpi_display.KpiTable:
    """One line per KPI for the scope's own unit (views.kpi_display): 指标, 本月, 区间 (when the rows
    carry intervals: comparison.with_intervals), 目标, 状态 (the row's own status word)."""
    mine = rows[(rows["level"] == level) & (rows["unit_id"] == unit)]
    order = {metric: i for i, metric in enumerate(METRIC_LABELS)}
    mine = mine[mine["metric"].isin(order)].sort_values("metric", key=lambda m: m.map(order), kind="stable")
    return kpi_display.table(mine, labels=METRIC_LABELS, units=False)


def change_sentence(table: pd.DataFrame) -> str:
    """Complaints and rate this month against last month and the same month last year (complaints.compare)."""
    now = table.iloc[0]
    parts = [f"本月受理投诉{now.complaints:.0f}件" if not pd.isna(now.complaints) else "本月无投诉数据",
             f"万人投诉率{_fmt('complaint_rate_per_10k', now.rate)}"]
    for row in table.iloc[1:].itertuples():
        if pd.isna(row.complaints):
            parts.append(f"{row.period}（{row.month}）无数据")
            continue
        diff = now.complaints - row.complaints if not pd.isna(now.complaints) else float("nan")
        word = "持平" if diff == 0 else (f"增加{diff:.0f}件" if diff > 0 else f"减少{-diff:.0f}件")
        parts.append(f"较{row.period}（{row.complaints:.0f}件，万人投诉率"
                     f"{_fmt('complaint_rate_per_10k', row.rate)}）{word}")
    return "，".join(parts) + "。"


def plot_trend(trend: pd.DataFrame, alarms: pd.DataFrame):
    """Monthly complaints (bars) and rate per 10,000 with its rolling rate (lines); alarm months marked."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    x = range(len(trend))
    ax.bar(x, trend["complaints"], color=plotting.PALETTE[2], label="投诉量（件）")
    ax.set_ylabel("投诉量（件）")
    ax2 = ax.twinx()
    if trend["rate"].notna().any():
        ax2.plot(x, trend["rate"], color=plotting.PALETTE[0], marker="o", markersize=3, label="万人投诉率")
        ax2.plot(x, trend["rolling_rate"], color=plotting.PALETTE[1], linestyle="--", label="滚动万人投诉率")
        ax2.set_ylabel("万人投诉率")
        ax2.set_ylim(bottom=0)
    else:  # no customers served in the whole window: say so in the legend instead of an empty rate axis
        ax2.plot([], [], linestyle="none", label=f"万人投诉率：{plotting.NO_DATA}（无服务客户数据）")
        ax2.set_yticks([])
    months = trend["month"].tolist()
    marked = sorted({f"{d:%Y-%m}" for d in alarms["start"]} & set(months)) if not alarms.empty else []
    for m in marked:
        i = months.index(m)
        ax.annotate("聚集", (i, trend["complaints"].iloc[i]), xytext=(0, 6), textcoords="offset points",
                    ha="center", color=plotting.HIGHLIGHT, fontsize="small")
        ax.bar([i], trend["complaints"].iloc[[i]], color=plotting.HIGHLIGHT)
    ax.set_xticks(list(x)[::3], [m[2:] for m in months[::3]])
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], fontsize="small", loc="upper left")
    ax2.grid(False)
    return fig


def plot_pareto(frame: pd.DataFrame, title: str):
    """Pareto chart of a breakdown (complaints.breakdown): bars by cause, cumulative share line."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(plotting.FIGURE_SIZE[0], plotting.FIGURE_SIZE[1] * 0.8))
    if frame.empty:
        ax.text(0.5, 0.5, plotting.NO_DATA, transform=ax.transAxes, ha="center", va="center")
        ax.set_axis_off()
        return fig
    ax.bar(frame["label"], frame["complaints"], color=plotting.PALETTE[0])
    ax.set_ylabel("投诉量（件）")
    ax.set_title(title, fontsize="medium")
    ax2 = ax.twinx()
    ax2.plot(frame["label"], frame["cum_share"], color=plotting.PALETTE[1], marker="o", markersize=3)
    ax2.set_ylim(0, 1.05)
    ax2.yaxis.set_major_formatter(plotting.percent_formatter(0))
    ax2.grid(False)
    return fig


def rollup_view(rows: pd.DataFrame, level: str) -> kpi_display.KpiTable:
    """The KPI rows of one level as a table (views.kpi_display.wide): one row per unit, one column per
    metric, each cell the value, its interval and its status word (样本不足 for a small unit)."""
    part = rows[rows["level"] == level]
    metrics = [m for m in METRIC_LABELS if m in set(part["metric"])]
    return kpi_display.wide(part, metrics, labels=METRIC_LABELS, index_name=LEVEL_LABELS.get(level, level))
