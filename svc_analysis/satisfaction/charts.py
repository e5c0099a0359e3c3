"""Charts of notebook 20 (满意度): trend with intervals, control chart, funnel, participation, drivers.

Each function takes the small frame a satisfaction module returned and gives back a matplotlib
figure with Chinese labels (plotting.setup must have run: notebook.setup does it). Months or
outlets with no data are gaps, never drawn at 0%.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from svc_analysis.views.plotting import HIGHLIGHT, NO_DATA, PALETTE, percent_formatter

LIMIT_STYLE = {"95": ":", "99.8": "--"}
QUADRANT_ZH = {"improve": "优先改进", "keep": "继续保持", "secondary": "次要改进", "maintain": "维持现状"}


def _month_axis(ax, months) -> np.ndarray:
    x = np.arange(len(months))
    step = max(1, len(months) // 12)
    ax.set_xticks(x[::step], [m[2:] for m in list(months)[::step]], rotation=0)
    return x


def _empty(ax, message: str = NO_DATA) -> None:
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color=PALETTE[5])
    ax.set_yticks([])


def trend(series: pd.DataFrame, target: float, floor: float | None = None, level: float = 0.95):
    """Monthly satisfaction rate with its Wilson interval band, the target and the floor."""
    fig, ax = plt.subplots()
    x = _month_axis(ax, series["month"])
    if series["rate"].notna().any():
        ax.fill_between(x, series["lower"], series["upper"], color=PALETTE[2], alpha=0.4, linewidth=0,
                        label=f"{level * 100:g}% 区间（Wilson）")
        ax.plot(x, series["rate"], marker="o", markersize=3, color=PALETTE[0], linestyle="-", label="满意率")
        ax.axhline(target, color=PALETTE[3], linestyle="--", linewidth=1, label=f"目标 {target * 100:g}%")
        if floor is not None:
            ax.axhline(floor, color=HIGHLIGHT, linestyle=":", linewidth=1, label=f"底线 {floor * 100:g}%")
        ax.yaxis.set_major_formatter(percent_formatter(0))
        ax.legend(loc="lower left", ncols=2, fontsize="small")
    else:
        _empty(ax)
    ax.set_title("月度满意率（评价器）")
    ax.set_xlabel("月份")
    fig.tight_layout()
    return fig


def control(chart: pd.DataFrame):
    """The p / p' control chart: monthly rates, centre line, limits, months out of control marked."""
    fig, ax = plt.subplots()
    x = _month_axis(ax, chart["month"])
    if chart["rate"].notna().any():
        ax.plot(x, chart["rate"], marker="o", markersize=3, color=PALETTE[0], linestyle="-", label="满意率")
        ax.plot(x, chart["centre"], color=PALETTE[5], linestyle="-", linewidth=1, label="中心线")
        ax.step(x, chart["upper"], where="mid", color=PALETTE[1], linestyle="--", linewidth=1, label="控制限")
        ax.step(x, chart["lower"], where="mid", color=PALETTE[1], linestyle="--", linewidth=1)
        out = chart["out_of_control"].fillna(False).astype(bool).to_numpy()
        ax.scatter(x[out], chart["rate"][out], color=HIGHLIGHT, s=40, zorder=3, label="失控月份")
        ax.yaxis.set_major_formatter(percent_formatter(1))
        ax.legend(loc="best", fontsize="small")
    else:
        _empty(ax)
    # the title is also the chart's alt text: in Chinese words, the method's name stays in the sentence above
    laney = chart["chart"].iloc[0] == "laney_p_prime"
    ax.set_title("满意率控制图" + ("（按实际的月间波动放宽控制限）" if laney else ""))
    ax.set_xlabel("月份")
    fig.tight_layout()
    return fig


def funnel(table: pd.DataFrame, curve: pd.DataFrame, centre: float, centre_label: str):
    """Outlet rate against number of ratings with the funnel limits; outlets below them labelled."""
    fig, ax = plt.subplots()
    has = table[table["ratings"] > 0]
    if has.empty:
        _empty(ax)
    else:
        for column in [c for c in curve.columns if c != "size"]:
            side, level = column.split("_", 1)
            ax.plot(curve["size"], curve[column], color=PALETTE[1], linestyle=LIMIT_STYLE.get(level, "-"),
                    linewidth=1, label=f"{level}% 控制限" if side == "lower" else None)
        ax.axhline(centre, color=PALETTE[5], linewidth=1, linestyle="-", label=centre_label)
        low = has["funnel"].str.startswith("below")
        ax.scatter(has.loc[~low, "ratings"], has.loc[~low, "rate"], color=PALETTE[0], s=18, label="网点")
        ax.scatter(has.loc[low, "ratings"], has.loc[low, "rate"], color=HIGHLIGHT, s=30, label="低于下限")
        for row in has[low].itertuples():
            ax.annotate(row.outlet_name, (row.ratings, row.rate), xytext=(4, -4), textcoords="offset points",
                        fontsize="x-small", color=HIGHLIGHT)
        bottom = min(float(has["rate"].min()), float(curve.filter(like="lower").min().min())) - 0.01
        ax.set_ylim(max(0.0, bottom), 1.005)
        ax.set_xlim(0, float(curve["size"].max()))
        ax.yaxis.set_major_formatter(percent_formatter(0))
        ax.legend(loc="lower right", fontsize="small")
    ax.set_title("网点满意率漏斗图")
    ax.set_xlabel("本月评价条数")
    ax.set_ylabel("满意率")
    fig.tight_layout()
    return fig


def participation(series: pd.DataFrame, outlets: pd.DataFrame | None = None, names: dict | None = None,
                  scope_label: str = "全省"):
    """Scope participation by month, with the flagged outlets' own lines (from participation.trend)."""
    fig, ax = plt.subplots()
    x = _month_axis(ax, series["month"])
    if series["participation"].notna().any():
        ax.plot(x, series["participation"], color=PALETTE[0], linestyle="-", marker="o", markersize=3,
                label=scope_label)
        position = {m: i for i, m in enumerate(series["month"])}
        for k, (outlet_id, part) in enumerate((outlets if outlets is not None else pd.DataFrame(
                columns=["outlet_id", "month", "participation"])).groupby("outlet_id", sort=True)):
            label = (names or {}).get(outlet_id, outlet_id)
            ax.plot(part["month"].map(position), part["participation"], color=(HIGHLIGHT, PALETTE[1])[k % 2],
                    linestyle="--", marker="s", markersize=3, label=f"{label}（{outlet_id}）")
        ax.set_ylim(0, None)
        ax.yaxis.set_major_formatter(percent_formatter(0))
        ax.legend(loc="lower left", fontsize="small")
    else:
        _empty(ax)
    ax.set_title("评价器参与率（评价条数 ÷ 服务客户数）")
    ax.set_xlabel("月份")
    fig.tight_layout()
    return fig


def importance_performance(table: pd.DataFrame):
    """Importance (share of R², LMG) against performance (mean score) per dimension, quadrants at
    the dimensions' averages."""
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    ax.scatter(table["performance"], table["importance"], s=60, color=PALETTE[0], zorder=3)
    for row in table.itertuples():
        ax.annotate(f"{row.measure_zh}（{QUADRANT_ZH[row.quadrant]}）", (row.performance, row.importance),
                    xytext=(6, 4), textcoords="offset points", fontsize="small")
    ax.axvline(table["performance"].mean(), color=PALETTE[5], linestyle=":", linewidth=1)
    ax.axhline(table["importance"].mean(), color=PALETTE[5], linestyle=":", linewidth=1)
    span = float(table["performance"].max() - table["performance"].min()) or 0.1
    ax.set_xlim(table["performance"].min() - span * 0.3, table["performance"].max() + span * 0.8)
    ax.yaxis.set_major_formatter(percent_formatter(0))
    ax.set_title("重要性-表现分析（重要性 = 该分项对总体满意度差异的解释份额）")
    ax.set_xlabel("表现：平均得分（1-5）")
    ax.set_ylabel("重要性")
    fig.tight_layout()
    return fig
