"""The one funnel chart of the pack (complaints per 10,000 customers, satisfaction rate): every page
draws a funnel with this function, so the line styles, colours and legend words are the same.

It draws a funnel comparison computed once by stats.funnel.compare (units with their class, the
limits over the judged range): the limits the units were judged by are exactly the lines drawn, and
the units named on the chart are exactly ``comparison.named(worse)``, the units the page's sentence
names (beyond a limit on the worse side). Styles: the 95% limits dashed, the 99.8% limits solid (same
grey), the centre line dark blue; units within the limits light blue; beyond the 95% limit on the worse
side orange and beyond the 99.8% limit red, each named; beyond the 99.8% limit on the better side green
(counted in the sentence, not named); units below the minimum volume (样本不足) hollow grey, never
judged (the limits start at the minimum volume).
"""

from __future__ import annotations

import numpy as np

from svc_analysis.views import plotting

INNER_STYLE, OUTER_STYLE = "--", "-"  # 95% dashed, 99.8% solid
LIMIT_COLOUR = plotting.PALETTE[5]
SIDE_WORDS = {"above": "高于", "below": "低于"}
LIMIT_WORDS = {"above": "上限", "below": "下限"}
SMALL_SAMPLE_LABEL = "样本不足（不作判断）"


def limit_style(comparison, level: str) -> str:
    """The line style of a level's limits: the outer (99.8%) solid, the inner (95%) dashed."""
    return OUTER_STYLE if level == comparison.outer else INNER_STYLE


def _beyond_label(side: str, level: str) -> str:
    return f"{SIDE_WORDS[side]} {level}% {LIMIT_WORDS[side]}"


def plot(comparison, *, worse: str, names: str, title: str, xlabel: str, ylabel: str, centre_label: str,
         unit_word: str = "单位", scale: float = 1.0, percent: bool = False):
    """Draw ``comparison`` (stats.funnel.Comparison): the units' observed value x ``scale`` against
    their size, the limits drawn from its curve, the named units labelled with column ``names``.

    worse: 'above' (a high value is bad: complaints) or 'below' (satisfaction); percent: the y axis
    in percents (shares). A comparison without units with data or without a centre says 无数据."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    units = comparison.units
    shown = units[units["size"] > 0]
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if shown.empty or not np.isfinite(comparison.centre):
        plotting.no_data(ax)
        return fig
    curve, better = comparison.curve, "below" if worse == "above" else "above"
    for level in sorted({comparison.inner, comparison.outer}, key=float):
        for side in ("lower", "upper"):
            ax.plot(curve["size"], curve[f"{side}_{level}"] * scale, color=LIMIT_COLOUR, linewidth=1,
                    linestyle=limit_style(comparison, level), label=f"{level}% 控制限" if side == "upper" else None)
    ax.axhline(comparison.centre * scale, color=plotting.PALETTE[0], linewidth=1, label=centre_label)
    groups = [
        (shown["funnel"].isin(["within", f"{better}_{comparison.inner}"]), plotting.PALETTE[2], unit_word, 18),
        (shown["funnel"] == f"{worse}_{comparison.inner}", plotting.PALETTE[1], _beyond_label(worse, comparison.inner), 26),
        (shown["funnel"] == f"{worse}_{comparison.outer}", plotting.HIGHLIGHT, _beyond_label(worse, comparison.outer), 34),
        (shown["funnel"] == f"{better}_{comparison.outer}", plotting.PALETTE[3], _beyond_label(better, comparison.outer), 34),
    ]
    for mask, colour, label, size in groups:
        if mask.any():
            ax.scatter(shown.loc[mask, "size"], shown.loc[mask, "observed"] * scale, color=colour, s=size,
                       label=label, zorder=3)
    small = shown["funnel"] == "small_sample"
    if small.any():
        ax.scatter(shown.loc[small, "size"], shown.loc[small, "observed"] * scale, facecolors="none",
                   edgecolors=LIMIT_COLOUR, s=18, label=SMALL_SAMPLE_LABEL, zorder=3)
    named = comparison.named(worse).sort_values("size", kind="stable")
    for k, row in enumerate(named.itertuples()):  # neighbours' names alternate above and below the point
        ax.annotate(str(getattr(row, names)), (row.size, row.observed * scale), xytext=(4, 3 if k % 2 == 0 else -10),
                    textcoords="offset points", fontsize="x-small", color=plotting.HIGHLIGHT
                    if row.funnel.startswith(worse) else plotting.PALETTE[3])
    _limits(ax, comparison, shown, scale, percent)
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside the plot: covers no point
    fig.tight_layout()
    return fig


def _limits(ax, comparison, shown, scale: float, percent: bool) -> None:
    observed = shown["observed"] * scale
    if percent:
        lower = comparison.curve.filter(like="lower_").min().min() * scale
        bottom = float(np.nanmin([observed.min(), lower])) - 0.01
        ax.set_ylim(max(0.0, bottom), 1.005)
        ax.yaxis.set_major_formatter(plotting.percent_formatter(0))
    else:
        top = max(float(observed.max()), comparison.centre * scale * 3) * 1.1
        # a month without events has every rate and limit at 0: let matplotlib pick a non-empty range
        ax.set_ylim(bottom=0, top=top if top > 0 else None)
    ax.set_xlim(0, max(float(comparison.curve["size"].max()), float(shown["size"].max())) * 1.02)
    if shown["size"].max() >= 20_000:
        ax.xaxis.set_major_formatter(plotting.wan_formatter())


def sentence(comparison, *, worse: str, names: str, value, unit_word: str = "单位", size_word: str = "") -> str:
    """The Chinese sentence naming exactly the units the chart labels (``comparison.named(worse)``),
    beyond which limit each lies, with its value (``value``: a function of a unit's row giving the
    text, e.g. '36.8'); how many lie beyond the outer limit on the better side (the green points);
    and how many units are too small to judge. ``size_word``: what the minimum volume counts
    ('服务客户数', '评价条数')."""
    from svc_analysis.core.safety import md

    better = "below" if worse == "above" else "above"
    inner, outer = comparison.inner, comparison.outer
    parts = []
    groups = [(comparison.beyond(worse), _beyond_label(worse, outer)),
              (comparison.units[comparison.units["funnel"] == f"{worse}_{inner}"], _beyond_label(worse, inner))]
    for part, words in groups:
        if len(part):
            listed = "、".join(f"{md(getattr(r, names))}（{value(r)}）" for r in part.itertuples())
            parts.append(f"{words}的{unit_word} {len(part)} 个：{listed}")
    text = "；".join(parts) + "。" if parts else f"没有{unit_word}{_beyond_label(worse, inner)}。"
    good = len(comparison.beyond(better))
    if good:
        text += f"{_beyond_label(better, outer)}的{unit_word} {good} 个（图中绿点）。"
    if not parts and not good:
        text = (f"没有{unit_word}超出 {inner}% 或 {outer}% 控制限，各{unit_word}与中心线的差异都在随机波动范围内。")
    small = int((comparison.units["funnel"] == "small_sample").sum())
    if small:
        floor = f"（{size_word}不足 {comparison.min_size:,.0f}）" if comparison.min_size else ""
        text += f"另有 {small} 个{unit_word}样本不足{floor}，图中以空心点画出，不作判断、不排名。"
    return text
