"""What notebook 10 shows about complaints: headline table, sentences, funnel, charts, roll-up view.

Only presentation of figures computed elsewhere (complaints, complaint_sla, clusters) plus the funnel
comparison: units' complaint rates against customers served with Spiegelhalter limits
(svc_analysis.stats.funnel, kind "rate"), target = the scope's own overall rate, so a unit is named only
when its rate is unlikely to differ from the scope's by chance (issue 3: instead of a league table).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svc_analysis.complaints import area, clusters, complaints, keywords, ledger, overdue, reduction, sla, weekly as weeks
from svc_analysis.complaints.complaints import rate_frame
from svc_analysis.core import contract
from svc_analysis.core.period import Period
from svc_analysis.core.periods import month_bounds
from svc_analysis.core.safety import md
from svc_analysis.engine.scope import Scope
from svc_analysis.stats import funnel
from svc_analysis.views import formats, plotting
from svc_analysis.views.plotting import display_frame

_UNIT_SUFFIX = {"count": "（件）", "per_10k": "（件/万人次）"}
# the headline's metrics in page order; names from the catalogue (complaints.area.METRICS)
METRIC_LABELS = {m.id: m.name + _UNIT_SUFFIX.get(m.unit, "") for m in area.METRICS}
SHARES = ("complaint_rate_reduction", "comment_book_on_time_rate", "complaints_closed_on_time_rate")
HIGHER_IS_BETTER = {m.id: m.direction == "higher" for m in area.METRICS}
FUNNEL_LABELS = {"above_99.8": "显著偏高（99.8%）", "above_95": "偏高（95%）", "within": "正常范围",
                 "below_95": "偏低（95%）", "below_99.8": "显著偏低（99.8%）", "no_data": "无数据"}


def _fmt(metric: str, value, target=None) -> str:
    """A figure for the page; a share against its ``target`` with the digits that decide (views.formats)."""
    if metric in SHARES:
        return formats.share_against_target(value, target, HIGHER_IS_BETTER[metric])
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
        out.append({"指标": name, "本月": _fmt(metric, r["value"], r["target"]), "目标": target, "是否达标": verdict})
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
    targets = part.pivot(index="unit_id", columns="metric", values="target").reindex_like(table)
    out = pd.DataFrame({METRIC_LABELS[m]: [_fmt(m, v, t) for v, t in zip(table[m], targets[m])]
                        for m in table.columns}, index=table.index)
    out.index.name = {"branch": "二级分行", "subbranch": "支行", "outlet": "网点"}.get(level, level)
    return out


# --- notebook 10's sections: one call each, returning what the page displays -------------------

_BELOW = {"province": "branch", "branch": "subbranch", "subbranch": "outlet"}
_FIGURES = {"complaints": "投诉（件）", "share": "占比", "cum_share": "累计占比"}


def _labels(*tables: str, **own: str) -> dict:
    """Column headers: the contract's Chinese names of ``tables``' columns, then ``own`` names."""
    out = {}
    for name in tables:
        for column in contract.table(name).columns:
            out.setdefault(column.name, column.zh[0])
    return {**out, **own}


def _markdown(text_: str):
    from IPython.display import Markdown

    return Markdown(text_)


def _shown(fig):
    """A figure handed back for display(): closed, so the inline backend does not show it a second time."""
    import matplotlib.pyplot as plt

    plt.close(fig)
    return fig


def _month(period: Period) -> str:
    return area._month(period)


def _trend(con, params, scope: Scope, period: Period) -> pd.DataFrame:
    p = params.complaints
    return complaints.monthly_trend(con, _month(period), params.report.trend_months, per_customers=p.per_customers,
                                    rolling=p.rolling_months, outlets=scope.outlets)


def reduction_sentence(con, params, scope: Scope, period: Period, rows: pd.DataFrame) -> str:
    """The reduction with its base year, rates and counts for the scope's own unit (complaints.reduction)."""
    p = params.complaints
    parts = complaints.reduction_parts(con, _month(period), scope.tree_in_scope, base_year=p.base_year,
                                       base_rate=p.base_year_rate_per_10k, per_customers=p.per_customers,
                                       scope_level=scope.level, outlets=scope.outlets)
    mine = rows[(rows["metric"] == "complaint_rate_reduction") & (rows["level"] == scope.level)
                & (rows["unit_id"] == scope.unit_id)]
    return reduction.sentence(parts.loc[(scope.level, scope.unit_id)], mine.iloc[0] if len(mine) else None, period,
                              base_year=p.base_year)


def overview(con, params, scope: Scope, period: Period, rows: pd.DataFrame) -> tuple:
    """Section 一: the change sentence (this month against last month and last year), the headline and
    the reduction against the base year in full."""
    trend = _trend(con, params, scope, period)
    return (_markdown(change_sentence(complaints.compare(trend, _month(period)))),
            display_frame(headline(rows, scope.level, scope.unit_id)),
            _markdown(reduction_sentence(con, params, scope, period, rows)))


def weekly(con, params, scope: Scope, period: Period) -> tuple:
    """Section 二: the month's ISO weeks by responsibility, channel and category, and the case list."""
    _month(period)
    return weeks.section(con, params, scope, period)


def cluster_alarms(con, params, scope: Scope, period: Period) -> pd.DataFrame:
    """Complaint clusters over the trend chart's months (clusters.detect with params complaints.clusters)."""
    c = params.complaints.clusters
    first_day = month_bounds(_trend(con, params, scope, period)["month"].iloc[0])[0].date()
    return clusters.detect(con, first_day, period.end, window_days=c.window_days, baseline_days=c.baseline_days,
                           min_baseline_days=c.min_baseline_days, alpha=c.alpha, min_excess=c.min_excess,
                           baseline_floor_per_day=c.baseline_floor_per_day, product_series=c.product_series,
                           outlets=scope.outlets)


def trend_figure(con, params, scope: Scope, period: Period, alarms: pd.DataFrame):
    """Section 三: the monthly trend with the cluster months marked."""
    return plot_trend(_trend(con, params, scope, period), alarms)


def breakdowns(con, scope: Scope, period: Period) -> tuple:
    """Section 三: the category Pareto chart, then tables by channel, responsibility and product."""
    month = _month(period)
    pareto = plot_pareto(complaints.breakdown(con, month, "category", outlets=scope.outlets), "本月投诉类别（帕累托）")
    shown = [_shown(pareto)]
    labels = {"label": "分类", "responsible": "其中责任性", **_FIGURES}
    for by, title in [("channel", "渠道"), ("responsible", "责任性"), ("product", "产品或系统")]:
        frame = complaints.breakdown(con, month, by, outlets=scope.outlets).drop(columns="key")
        shown += [_markdown(f"**按{title}**"), display_frame(frame, labels, percent=("share", "cum_share"))]
    return tuple(shown)


def rollup_below(rows: pd.DataFrame, scope: Scope, steps: int = 1):
    """The KPI rows ``steps`` levels below the scope as a table (None below the outlets)."""
    level = scope.level
    for _ in range(steps):
        level = _BELOW.get(level)
        if level is None:
            return None
    return rollup_view(rows, level)


def overdue_section(con, params, scope: Scope, period: Period) -> tuple:
    """Section 四: the overdue open complaints at month end by ageing band and owner (masked), and the
    hotline clock (complaints.overdue)."""
    _month(period)
    return overdue.section(con, params, scope, period)


def escalation_section(con, params, scope: Scope, period: Period) -> tuple:
    """Section 五: media and regulator complaints of the month (masked), with their status."""
    frame = sla.escalations(con, _month(period), scope.tree_in_scope, channels=params.complaints.escalate_channels,
                            outlets=scope.outlets)
    labels = _labels("complaints", "outlets", status="状态")
    return (_markdown(f"本月媒体、监管转办投诉 {len(frame)} 件。"),
            display_frame(frame.drop(columns=["outlet_id"]), labels))


def repeat_section(con, params, scope: Scope, period: Period) -> tuple:
    """Section 五: repeat complainants of the month (masked)."""
    days = params.complaints.repeat_window_days
    frame = sla.repeat_complainants(con, _month(period), scope.tree_in_scope, window_days=days, outlets=scope.outlets)
    labels = _labels("complaints", complaints="投诉次数", first_at="首次", last_at="最近", outlets="网点",
                     categories="类别")
    return (_markdown(f"本月重复投诉客户 {len(frame)} 位（{days} 天内两次及以上）。"), display_frame(frame, labels))


def cluster_section(alarms: pd.DataFrame, period: Period) -> tuple:
    """Section 六: the month's cluster sentence and every alarm of the trend window."""
    start, end = period.start, period.end
    in_month = alarms[(alarms["end"] >= start) & (alarms["start"] < end)]
    labels = {"series": "序列", "start": "开始", "end": "结束", "days": "天数", "complaints": "投诉（件）",
              "expected": "基线预期", "excess": "超出", "peak_window": "7天峰值", "limit": "上限",
              "first_alarm": "首次报警"}
    return (_markdown(clusters.sentence(in_month, "本月")),
            display_frame(alarms, labels).drop(columns=["kind", "key"]).round(1))


def funnel_section(con, params, scope: Scope, period: Period) -> tuple:
    """Section 七: the funnel sentence and plot (params complaints.funnel_level, funnel_levels)."""
    p = params.complaints
    levels = tuple(p.funnel_levels)
    units, target = funnel_frame(con, _month(period), scope.tree_in_scope, level=p.funnel_level,
                                 per_customers=p.per_customers, levels=levels, outlets=scope.outlets)
    return (_markdown(funnel_sentence(units, target, p.per_customers)),
            _shown(plot_funnel(units, target, p.per_customers, levels)))


def terms_section(con, params, scope: Scope, period: Period) -> tuple:
    """Section 八: frequent words and phrases of the month's texts and the rising ones, or 文本不足
    (complaints.keywords with params complaints.text)."""
    _month(period)
    return keywords.section(con, params, scope, period)


def ledger_section(con, params, scope: Scope, period: Period) -> tuple:
    """Section 九: the penalties and rewards of the month, per outlet and staff member."""
    p = params.complaints
    book = ledger.ledger(con, _month(period), scope.tree_in_scope, penalty_yuan=p.penalty_yuan.model_dump(),
                         praise_reward_yuan=p.praise_reward_yuan, reward_channels=p.praise_reward_channels,
                         outlets=scope.outlets)
    s = ledger.totals(book)
    labels = _labels("outlets", "complaints", responsible="责任性投诉", penalty_yuan="扣罚（元）", praises="表扬",
                     rewarded="获奖表扬", reward_yuan="奖励（元）", net_yuan="合计（元）")
    return (_markdown(f"本月责任性投诉 {s['responsible']:.0f} 件，扣罚合计 {s['penalty_yuan']:.0f} 元；"
                      f"表扬 {s['praises']:.0f} 件，其中奖励 {s['rewarded']:.0f} 件，合计 {s['reward_yuan']:.0f} 元。"),
            display_frame(book, labels))
