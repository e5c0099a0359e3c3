"""What notebook 10 shows about complaints: headline table, sentences, funnel, charts, roll-up view.

Only presentation of figures computed elsewhere (complaints, complaint_sla, clusters) plus the funnel
comparison: units' complaint rates against customers served with Spiegelhalter limits
(svc_analysis.stats.funnel, kind "rate"), target = the scope's own overall rate, so a unit is named only
when its rate is unlikely to differ from the scope's by chance (issue 3: instead of a league table).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svc_analysis.stats import funnel
from svc_analysis.views import plotting
from svc_analysis.complaints.complaints import rate_frame
from svc_analysis.core.periods import month_bounds
from svc_analysis.core.safety import md

METRIC_LABELS = {
    "complaints_total": "投诉总量（件）", "complaints_responsible": "责任性投诉（件）",
    "complaint_rate_per_10k": "万人投诉率（件/万人次）", "complaint_rate_reduction": "投诉率较基年下降",
    "comment_book_on_time_rate": "意见簿三日内答复率", "complaints_closed_on_time_rate": "投诉按期办结率",
    "complaints_overdue_open": "超期未办结（件）", "praises_total": "表扬（件）",
}
SHARES = ("complaint_rate_reduction", "comment_book_on_time_rate", "complaints_closed_on_time_rate")
FUNNEL_LABELS = {"above_99.8": "显著偏高（99.8%）", "above_95": "偏高（95%）", "within": "正常范围",
                 "below_95": "偏低（95%）", "below_99.8": "显著偏低（99.8%）", "no_data": "无数据"}


def _fmt(metric: str, value) -> str:
    if metric in SHARES:
        return plotting.fmt_pct(value)
    if plotting._missing(value):
        return plotting.NO_DATA
    return f"{value:.2f}" if metric == "complaint_rate_per_10k" else f"{value:.0f}"


def headline(rows: pd.DataFrame, level: str, unit: str) -> pd.DataFrame:
    """One line per KPI for the scope's own unit: 指标, 本月, 目标, 是否达标 (无数据 when empty)."""
    mine = rows[(rows["level"] == level) & (rows["unit_id"] == unit)].set_index("metric")
    out = []
    for metric, name in METRIC_LABELS.items():
        if metric not in mine.index:
            continue
        r = mine.loc[metric]
        verdict = "" if pd.isna(r["meets_target"]) else ("达标" if r["meets_target"] else "未达标")
        target = "" if pd.isna(r["target"]) else _fmt(metric, r["target"])
        if metric == "complaints_responsible" and target:
            target = f"≤ {target}"
        out.append({"指标": name, "本月": _fmt(metric, r["value"]), "目标": target, "是否达标": verdict})
    return pd.DataFrame(out)


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


def funnel_frame(con, month: str, tree: pd.DataFrame, *, level: str = "outlet", per_customers: float = 10000,
                 levels=funnel.DEFAULT_LEVELS, outlets=None) -> tuple[pd.DataFrame, float]:
    """Units of ``level`` (outlet or subbranch) with complaints, served, rate and funnel position.

    Returns (frame, target rate per customer = the scope's complaints / served; NaN when nobody
    was served, then every unit is 'no_data').
    """
    start, end = month_bounds(month)
    frame = tree[["outlet_id", "outlet_name", "subbranch", "branch"]].merge(
        rate_frame(con, start, end, outlets), on="outlet_id", how="left").fillna(
        {"complaints": 0, "responsible": 0, "served": 0})
    if level == "subbranch":
        frame = frame.groupby(["subbranch", "branch"], as_index=False)[["complaints", "served"]].sum()
        frame["unit"] = frame["subbranch"]
    else:
        frame["unit"] = frame["outlet_name"].fillna(frame["outlet_id"])
    served = frame["served"].sum()
    target = frame["complaints"].sum() / served if served > 0 else float("nan")
    per_customer = frame["complaints"] / frame["served"].where(frame["served"] > 0)
    frame["rate"] = per_customer * per_customers
    frame["funnel"] = (funnel.classify(per_customer, frame["served"], target, "rate", levels).to_numpy()
                       if served > 0 else "no_data")
    frame["position"] = frame["funnel"].map(FUNNEL_LABELS)
    return frame.reset_index(drop=True), target


def funnel_sentence(frame: pd.DataFrame, target: float, per_customers: float = 10000) -> str:
    """Which units lie beyond the outer limit (named), or that none does."""
    if pd.isna(target):
        return "本月没有客户服务量（叫号）数据，无法计算投诉率，漏斗图从略（投诉率：无数据）。"
    high = frame[frame["funnel"] == "above_99.8"]
    text = f"本范围总体万人投诉率{target * per_customers:.2f}。"
    if high.empty:
        return text + "没有单位超出99.8%控制限，各单位投诉率的差异在随机波动范围内。"
    names = "、".join(f"{md(r.unit)}（{r.rate:.1f}）" for r in high.itertuples())
    return text + f"超出99.8%控制限、投诉率显著偏高的单位：{names}，需重点关注。"


def plot_funnel(frame: pd.DataFrame, target: float, per_customers: float = 10000, levels=funnel.DEFAULT_LEVELS):
    """Funnel plot: each unit's rate (per 10,000) against customers served, limits around the target."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    shown = frame[frame["served"] > 0]
    if shown.empty or pd.isna(target):
        ax.text(0.5, 0.5, plotting.NO_DATA, transform=ax.transAxes, ha="center", va="center")
        ax.set_axis_off()
        return fig
    # limits only over the units' own range: below it the exact limits of rare counts jump about
    sizes = np.unique(np.geomspace(shown["served"].min() * 0.8, shown["served"].max() * 1.1, 200).round(1))
    curve = funnel.limits(sizes, target, "rate", levels)
    for lv, style in zip(sorted(levels), ("--", ":")):
        name = f"{lv * 100:g}"
        for side in ("lower", "upper"):
            ax.plot(curve["size"], curve[f"{side}_{name}"] * per_customers, color=plotting.PALETTE[5],
                    linestyle=style, label=f"{name}%控制限" if side == "upper" else None)
    ax.axhline(target * per_customers, color=plotting.PALETTE[0], linewidth=1, label="总体投诉率")
    out = shown["funnel"] == "above_99.8"
    ax.scatter(shown["served"], shown["rate"], color=plotting.PALETTE[2], s=18, label="单位")
    ax.scatter(shown.loc[out, "served"], shown.loc[out, "rate"], color=plotting.HIGHLIGHT, s=30, label="显著偏高")
    for r in shown[out].itertuples():
        ax.annotate(r.unit, (r.served, r.rate), fontsize="small", xytext=(3, 3), textcoords="offset points")
    top = max(shown["rate"].max(), target * per_customers * 3) * 1.1
    # a month without complaints has every rate and limit at 0: let matplotlib pick a non-empty range
    ax.set_ylim(bottom=0, top=top if top > 0 else None)
    ax.set_xlabel("服务客户数（叫号人次）")
    ax.set_ylabel("万人投诉率")
    if shown["served"].max() >= 20_000:
        ax.xaxis.set_major_formatter(plotting.wan_formatter())
    ax.legend(fontsize="small", loc="upper right")
    return fig


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


def rollup_view(rows: pd.DataFrame, level: str) -> pd.DataFrame:
    """The KPI rows of one level as a table: one row per unit, one column per metric (formatted)."""
    part = rows[rows["level"] == level]
    table = part.pivot(index="unit_id", columns="metric", values="value")
    table = table[[m for m in METRIC_LABELS if m in table.columns]]
    out = pd.DataFrame({METRIC_LABELS[m]: [_fmt(m, v) for v in table[m]] for m in table.columns},
                       index=table.index)
    out.index.name = {"branch": "二级分行", "subbranch": "支行", "outlet": "网点"}.get(level, level)
    return out


def kpi_rows(con, month: str, tree: pd.DataFrame, p, *, scope_level: str | None = None, outlets=None) -> pd.DataFrame:
    """Every complaint KPI row of the month (DATA_CONTRACT.md), from params section ``p`` (params.complaints)."""
    from svc_analysis.complaints import sla as complaint_sla
    from svc_analysis.complaints import complaints

    return pd.concat([
        complaints.month_kpis(con, month, tree, per_customers=p.per_customers, responsible_target=p.responsible_target,
                              scope_level=scope_level, outlets=outlets),
        complaints.reduction_kpis(con, month, tree, base_year=p.base_year, base_rate=p.base_year_rate_per_10k,
                                  target=p.reduction_target, per_customers=p.per_customers,
                                  scope_level=scope_level, outlets=outlets),
        complaint_sla.sla_kpis(con, month, tree, reply_hours=p.comment_book_reply_hours,
                               closing_days=p.closing_days.model_dump(), reply_target=p.comment_book_on_time_target,
                               close_target=p.closed_on_time_target, scope_level=scope_level, outlets=outlets),
    ], ignore_index=True)
