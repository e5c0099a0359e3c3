"""Charts of the queue notebook (50_queue), drawn from the frames of queue.py, monitor.py, peaks.py,
windows.py and business.py. No figure is computed here: only labels, formats (plotting: percents,
无数据 for missing) and drawing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svc_analysis.views import plotting


def plot_heatmap(wide: pd.DataFrame, tolerance: float):
    """Calendar heatmap: overtime share per outlet (rows) and day (columns); grey = closed or no data."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    height = max(2.0, 0.45 * len(wide) + 1.2)
    fig, ax = plt.subplots(figsize=(plotting.FIGURE_SIZE[0], height))
    if wide.empty:
        ax.text(0.5, 0.5, plotting.NO_DATA, ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    ax.set_facecolor("#dddddd")  # NaN cells: closed or no called ticket
    vmax = max(0.5, float(np.nanmax(wide.to_numpy(dtype=float))) if wide.notna().any().any() else 0.5)
    sns.heatmap(wide.astype(float), ax=ax, cmap="Reds", vmin=0, vmax=vmax, linewidths=0.5, linecolor="white",
                cbar_kws={"format": plotting.percent_formatter(0), "label": "超时占比"})
    ax.set_xlabel("日（灰色：未营业或无叫号记录）")
    ax.set_ylabel("")
    ax.set_title(f"每日超时客户占比（超时网点判定线 {plotting.fmt_pct(tolerance)}）", fontsize="medium")
    fig.tight_layout()
    return fig


def plot_weekday_hour(arrivals: pd.DataFrame, waits: pd.DataFrame, title: str = ""):
    """Two heatmaps side by side: arrivals per outlet-hour and mean wait, weekday x hour (peaks.pivot)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    fig, axes = plt.subplots(1, 2, figsize=(plotting.FIGURE_SIZE[0], 3.6))
    for ax, frame, cmap, label in ((axes[0], arrivals, "Blues", "每网点每小时到达人数"),
                                   (axes[1], waits, "Oranges", "平均等候(分钟)")):
        ax.set_title(label, fontsize="medium")
        if frame.empty or frame.isna().all().all():  # seaborn cannot scale colours on no value
            plotting.no_data(ax, plotting.NO_DATA_MONTH)
            continue
        ax.set_facecolor("#dddddd")
        sns.heatmap(frame.astype(float), ax=ax, cmap=cmap, annot=True, fmt=".0f", cbar=False,
                    annot_kws={"fontsize": 7}, linewidths=0.5, linecolor="white")
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.tick_params(axis="x", labelrotation=0, labelsize=7)
        ax.tick_params(axis="y", labelrotation=0)
    if title:
        fig.suptitle(title, fontsize="medium")
    fig.tight_layout()
    return fig


def plot_business_types(types: pd.DataFrame, threshold: float):
    """Mean and 90th-percentile wait, and mean service time, per business type (horizontal bars)."""
    import matplotlib.pyplot as plt

    frame = types.sort_values("tickets")
    y = np.arange(len(frame))
    fig, axes = plt.subplots(1, 2, figsize=plotting.FIGURE_SIZE, sharey=True)
    if frame.empty:
        for ax, label in zip(axes, ("等候时间(分钟)", "平均办理时间(分钟)")):
            ax.set_title(label, fontsize="medium")
            plotting.no_data(ax, plotting.NO_DATA_MONTH)
        return fig
    axes[0].barh(y - 0.2, frame["mean_wait"], height=0.4, color=plotting.PALETTE[0], label="平均")
    axes[0].barh(y + 0.2, frame["p90_wait"], height=0.4, color=plotting.PALETTE[2], label="90%分位")
    axes[0].axvline(threshold, color=plotting.HIGHLIGHT, linestyle="--", linewidth=1, label=f"超时线 {threshold:g} 分钟")
    axes[0].set_title("等候时间(分钟)", fontsize="medium")
    axes[0].legend(fontsize="small", loc="lower right")
    axes[1].barh(y, frame["mean_service"], height=0.6, color=plotting.PALETTE[1])
    axes[1].set_title("平均办理时间(分钟)", fontsize="medium")
    axes[0].set_yticks(y, frame["business_type"])
    fig.tight_layout()
    return fig


def plot_complaint_link(link: pd.DataFrame, tolerance: float, label_top: int = 3):
    """Scatter per outlet: overtime share (x) against efficiency complaints per 10,000 served (y);
    outlets above the tolerance in the highlight colour, the worst few named."""
    import matplotlib.pyplot as plt

    rows = link[link["served"] > 0]
    fig, ax = plt.subplots()
    if rows.empty:
        plotting.no_data(ax)
        return fig
    over = rows["overtime_share"] > tolerance
    ax.scatter(rows.loc[~over, "overtime_share"], rows.loc[~over, "complaints_per_10k"], color=plotting.PALETTE[0],
               label="其他网点", s=25)
    ax.scatter(rows.loc[over, "overtime_share"], rows.loc[over, "complaints_per_10k"], color=plotting.HIGHLIGHT,
               label=f"超时占比高于 {plotting.fmt_pct(tolerance)}", s=35, marker="D")
    ax.axvline(tolerance, color=plotting.PALETTE[5], linestyle=":", linewidth=1)
    for _, row in rows.sort_values("overtime_share", ascending=False).head(label_top).iterrows():
        ax.annotate(row["outlet_name"], (row["overtime_share"], row["complaints_per_10k"]), fontsize=8,
                    xytext=(4, 4), textcoords="offset points")
    ax.xaxis.set_major_formatter(plotting.percent_formatter(0))
    ax.set_xlabel("超时客户占比")
    ax.set_ylabel("每万名客户效率类投诉(件)")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def plot_staffing(plan: pd.DataFrame, outlet_id: str, title: str = ""):
    """Windows needed (steps) and average busy counters (offered load, dashed) by hour, weekday and
    weekend, for one outlet (staffing.staffing_plan rows)."""
    import matplotlib.pyplot as plt

    part = plan[plan["outlet_id"] == outlet_id]
    fig, axes = plt.subplots(1, 2, figsize=(plotting.FIGURE_SIZE[0], 3.2), sharey=True)
    for ax, (day_type, label) in zip(axes, (("weekday", "工作日"), ("weekend", "周末"))):
        sub = part[part["day_type"] == day_type].sort_values("hour")
        ax.set_title(label, fontsize="medium")
        if sub.empty:
            ax.text(0.5, 0.5, plotting.NO_DATA, ha="center", va="center", transform=ax.transAxes)
            continue
        ax.step(sub["hour"], sub["windows_needed"].astype(float), where="mid", color=plotting.PALETTE[0],
                label="需开窗口数")
        ax.plot(sub["hour"], sub["load"], color=plotting.PALETTE[1], linestyle="--", label="平均忙碌窗口")
        ax.set_xlabel("时")
        ax.set_xticks(sub["hour"])
    axes[0].set_ylabel("窗口数")
    axes[0].set_ylim(bottom=0)
    if axes[0].get_legend_handles_labels()[0]:  # no line drawn: no legend (matplotlib would warn)
        axes[0].legend(fontsize="small")
    if title:
        fig.suptitle(title, fontsize="medium")
    fig.tight_layout()
    return fig


