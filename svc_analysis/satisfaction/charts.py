"""Charts of notebook 20 (满意度): trend with intervals, control chart, funnel, participation, drivers.

Each function takes the small frame a satisfaction module returned and gives back a matplotlib
figure with Chinese labels (plotting.setup must have run: notebook.setup does it). Months or
outlets with no data are gaps, never drawn at 0%.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from svc_analysis.core.safety import md
from svc_analysis.views import funnel_chart
from svc_analysis.views.plotting import HIGHLIGHT, NO_DATA, PALETTE, percent_formatter
from svc_analysis.engine.scope import LEVEL_LABELS

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
                        label=f"{level * 100:g}% 置信区间")
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


def funnel(comparison, centre_label: str):
    """Outlet rate against number of ratings with the funnel limits (views.funnel_chart.plot, the same
    chart as the complaints page's); the outlets funnel_sentence names are labelled."""
    return funnel_chart.plot(comparison, worse="below", names="outlet_name", title="网点满意率漏斗图",
                             xlabel="本月评价条数", ylabel="满意率", centre_label=centre_label, unit_word=LEVEL_LABELS["outlet"],
                             percent=True)


def funnel_sentence(comparison, centre_label: str) -> str:
    """Chinese summary: outlets with ratings, the centre, then exactly the outlets the chart labels."""
    units = comparison.units
    has = units[units["ratings"] > 0]
    if has.empty:
        return "本月各网点均无评价数据（无数据），无法比较。"
    text = f"本月有评价的网点 {len(has)} 个；以{centre_label}（{comparison.centre * 100:.1f}%）为中心线，"
    return text + funnel_chart.sentence(comparison, worse="below", names="outlet_name",
                                        unit_word=LEVEL_LABELS["outlet"],
                                        size_word="评价条数",
                                        value=lambda r: f"{md(r.outlet_id)}，{r.rate * 100:.1f}%，{r.ratings} 条")


def participation(series: pd.DataFrame, outlets: pd.DataFrame | None = None, names: dict | None = None,
                  scope_label: str = LEVEL_LABELS["province"]):
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
