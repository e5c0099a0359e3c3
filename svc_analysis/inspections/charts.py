"""Charts of notebook 40 (mystery shopper and inspections). Chinese labels; plotting.setup() does the font.

Each function takes the small frames of svc_analysis.inspections.inspections / ranking and returns a figure.
An empty frame gives a figure that says 无数据 instead of an empty axis.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from svc_analysis.views.plotting import FIGURE_SIZE, HIGHLIGHT, NO_DATA, PALETTE


def _empty(ax, title: str):
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0.5, 0.5, NO_DATA, transform=ax.transAxes, ha="center", va="center", color=PALETTE[5])


def _target_line(ax, value: float, label: str, color=HIGHLIGHT, style="--"):
    ax.axhline(value, color=color, linestyle=style, linewidth=1.2, label=label)


def plot_distribution(rows: pd.DataFrame, target: float, recheck_below: float, title: str):
    """Every round score by branch (one dot per inspection) with the branch median bar, the stage
    target and the re-check line. rows: branch, score."""
    fig, ax = plt.subplots(figsize=FIGURE_SIZE)
    if rows.empty:
        _empty(ax, title)
        return fig
    branches = sorted(rows["branch"].unique())
    rng = np.random.default_rng(0)  # fixed jitter: the same data draws the same chart
    for k, name in enumerate(branches):
        scores = rows.loc[rows["branch"] == name, "score"].to_numpy()
        below = scores < recheck_below
        x = k + rng.uniform(-0.18, 0.18, scores.size)
        ax.scatter(x[~below], scores[~below], s=18, color=PALETTE[0], alpha=0.75)
        ax.scatter(x[below], scores[below], s=30, color=HIGHLIGHT, marker="v")
        ax.plot([k - 0.3, k + 0.3], [np.median(scores)] * 2, color=PALETTE[1], linestyle="-", linewidth=2,
                label="分行中位数" if k == 0 else None)
    _target_line(ax, target, f"阶段目标 {target:g}")
    _target_line(ax, recheck_below, f"复查线 {recheck_below:g}", color=PALETTE[5], style=":")
    ax.set_xticks(range(len(branches)), branches, rotation=30 if len(branches) > 8 else 0)
    ax.set_ylabel("得分")
    ax.set_title(title)
    _legend_below(fig, ax, 3)
    return fig


def _legend_below(fig, ax, ncol: int):
    """Legend under the axes, so it never hides a point."""
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=ncol, fontsize="small")
    fig.tight_layout()


def plot_trend(means: pd.DataFrame, targets: pd.Series, title: str):
    """Mean round score per branch in each month with a round (branch, month, score) and the stage
    target of each month (targets indexed by month) as a step line."""
    fig, ax = plt.subplots(figsize=FIGURE_SIZE)
    if means.empty:
        _empty(ax, title)
        return fig
    months = list(targets.index)
    position = {m: k for k, m in enumerate(months)}
    for name, part in means.groupby("branch", sort=True):
        ax.plot([position[m] for m in part["month"]], part["score"], marker="o", markersize=4, label=name)
    ax.step(range(len(months)), targets.to_numpy(), where="mid", color=HIGHLIGHT, linewidth=1.2,
            linestyle="--", label="阶段目标")
    step = max(1, len(months) // 8)
    ax.set_xticks(range(0, len(months), step), months[::step])
    ax.set_ylabel("平均得分")
    ax.set_title(title)
    _legend_below(fig, ax, 4)
    return fig


def plot_intervals(means: pd.DataFrame, target: float, level: float, title: str):
    """Each branch's mean round score with its interval (ranking.unit_means), best at the top."""
    fig, ax = plt.subplots(figsize=(FIGURE_SIZE[0], max(2.5, 0.45 * len(means) + 1.2)))
    if means.empty:
        _empty(ax, title)
        return fig
    ordered = means.sort_values("mean")
    y = np.arange(len(ordered))
    lower = (ordered["mean"] - ordered["lower"]).fillna(0).to_numpy()
    upper = (ordered["upper"] - ordered["mean"]).fillna(0).to_numpy()
    colors = [HIGHLIGHT if m < target else PALETTE[0] for m in ordered["mean"]]
    ax.errorbar(ordered["mean"], y, xerr=[lower, upper], fmt="none", ecolor=PALETTE[2], elinewidth=3)
    ax.scatter(ordered["mean"], y, color=colors, zorder=3)
    ax.axvline(target, color=HIGHLIGHT, linestyle="--", linewidth=1.2)
    ax.text(target, len(ordered) - 0.4, f" 阶段目标 {target:g}", color=HIGHLIGHT, va="bottom", fontsize="small")
    labels = [f"{b}（{n}次）" for b, n in zip(ordered.iloc[:, 0], ordered["n"])]
    ax.set_yticks(y, labels)
    ax.set_xlabel(f"平均得分与 {level:.0%} 区间")
    ax.set_title(title, pad=14)
    fig.tight_layout()
    return fig
