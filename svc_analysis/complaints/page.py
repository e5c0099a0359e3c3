"""The sections of notebook 10 (complaints): one call each, taking the run's Scope and Period values
and returning what the page displays (headline, sentences and charts from complaints.views; figures
from complaints, sla, clusters, comparison, ledger, overdue, keywords and weekly).
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.complaints import area, clusters, comparison, complaints, keywords, ledger, overdue, reduction, sla, weekly as weeks
from svc_analysis.complaints.views import change_sentence, headline, plot_pareto, plot_trend, rollup_view
from svc_analysis.core.period import Period
from svc_analysis.core.periods import month_bounds
from svc_analysis.engine.scope import Scope
from svc_analysis.views.labels import column_labels
from svc_analysis.views.plotting import display_frame


_BELOW = {"province": "branch", "branch": "subbranch", "subbranch": "outlet"}
_FIGURES = {"complaints": "投诉（件）", "share": "占比", "cum_share": "累计占比"}


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
            headline(rows, scope.level, scope.unit_id),
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
    labels = column_labels("complaints", "outlets", status="状态")
    return (_markdown(f"本月媒体、监管转办投诉 {len(frame)} 件。"),
            display_frame(frame.drop(columns=["outlet_id"]), labels))


def repeat_section(con, params, scope: Scope, period: Period) -> tuple:
    """Section 五: repeat complainants of the month (masked)."""
    days = params.complaints.repeat_window_days
    frame = sla.repeat_complainants(con, _month(period), scope.tree_in_scope, window_days=days, outlets=scope.outlets)
    labels = column_labels("complaints", complaints="投诉次数", first_at="首次", last_at="最近", outlets="网点",
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


def funnel_section(con, params, scope: Scope, period: Period, rows: pd.DataFrame) -> tuple:
    """Section 七: the funnel sentence and plot (params complaints.funnel_level, funnel_levels; the
    minimum volume of params volumes; ``rows``: the area's KPI rows, whose small_sample units are
    drawn but not judged)."""
    p = params.complaints
    units = comparison.funnel_frame(con, _month(period), scope.tree_in_scope, level=p.funnel_level,
                                    per_customers=p.per_customers, levels=tuple(p.funnel_levels),
                                    outlets=scope.outlets, rows=rows,
                                    min_size=params.volumes.minimum("complaint_rate_per_10k"))
    return (_markdown(comparison.funnel_sentence(units, p.per_customers)),
            _shown(comparison.plot_funnel(units, p.per_customers)))


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
    labels = column_labels("outlets", "complaints", responsible="责任性投诉", penalty_yuan="扣罚（元）", praises="表扬",
                     rewarded="获奖表扬", reward_yuan="奖励（元）", net_yuan="合计（元）")
    return (_markdown(f"本月责任性投诉 {s['responsible']:.0f} 件，扣罚合计 {s['penalty_yuan']:.0f} 元；"
                      f"表扬 {s['praises']:.0f} 件，其中奖励 {s['rewarded']:.0f} 件，合计 {s['reward_yuan']:.0f} 元。"),
            display_frame(book, labels))


def with_intervals(con, params, scope: Scope, period: Period, rows: pd.DataFrame) -> pd.DataFrame:
    """The KPI rows with the 95% interval of each unit's rate beside them (comparison.with_intervals),
    for the tables of sections 一, 四 and 七; the published rows stay as they are."""
    return comparison.with_intervals(con, params, scope, period, rows)
