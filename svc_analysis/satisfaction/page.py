"""What notebook 20 shows, one call per section: each returns a ``Shown`` (Markdown and tables,
displayed in order; a figure a section draws is shown by the notebook's inline backend after them).

``Page(con, params, scope, period)`` counts once (the trend window's outlet months, the surveys of
the survey window) and every section reads those counts. The KPI rows are not assembled here:
they come from ``satisfaction.area.kpi_rows`` (the one place), and ``Page.kpi_table`` shows them.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd
from IPython.display import Markdown, display

from svc_analysis.core import periods, status
from svc_analysis.core.period import Period
from svc_analysis.engine.scope import LEVEL_LABELS, Scope
from svc_analysis.satisfaction import area, charts, drivers, participation, satisfaction, surveys
from svc_analysis.stats import intervals, league, spc, text
from svc_analysis.views import kpi_display, plotting

# the interval each published share takes (stats.intervals): shares of counted ratings, customers, answers
INTERVALS = {"satisfaction_rate": "wilson", "evaluator_participation_rate": "wilson", "survey_csat": "wilson"}


class Shown:
    """A section's output: Markdown sentences and tables, displayed in order."""

    def __init__(self, *items):
        self.items = [item for item in items if item is not None]

    def _ipython_display_(self):
        for item in self.items:
            display(item)


def _md(sentence: str) -> Markdown:
    return Markdown(sentence)


class Page:
    """Notebook 20's figures for one scope and period (a month: area.month_of)."""

    def __init__(self, con, params, scope: Scope, period: Period, rows: pd.DataFrame | None = None):
        self.con, self.params, self.scope = con, params, scope
        # the area's KPI rows (area.kpi_rows, what the notebook publishes): their statuses decide which
        # outlets are too small to judge or rank (small_sample)
        self.rows = area.kpi_rows(con, params, scope, period) if rows is None else rows
        self.month = area.month_of(period)
        self.p = p = params.satisfaction
        n = params.report.trend_months
        self.months = satisfaction.window(self.month, n)
        self.trend_months = self.months[-n:]
        self.counts = satisfaction.outlet_months(con, self.months, outlets=scope.outlets,
                                                 satisfied_min_score=p.satisfied_min_score)
        self.series = satisfaction.monthly(self.counts, self.months, level=p.interval_level)
        self.units = satisfaction.reporting_tree(scope.tree_in_scope, self.month, self.counts)
        self.survey_months = periods.months_back(self.month, p.survey_window_months)
        self.window = (self.survey_months[0], self.survey_months[-1])

    @property
    def trend_series(self) -> pd.DataFrame:
        return self.series[self.series["month"].isin(self.trend_months)]

    # --- sections ------------------------------------------------------------------------------
    def headline(self) -> Shown:
        p = self.p
        head = satisfaction.headline(self.series, self.month)
        ytd = satisfaction.year_to_date(self.series, self.month, alpha=p.rise_alpha, level=p.interval_level)
        return Shown(_md(satisfaction.headline_sentence(head, ytd, p.rate_target, p.rate_floor, p.interval_level)))

    def trend(self) -> Shown:
        charts.trend(self.trend_series, self.p.rate_target, self.p.rate_floor, self.p.interval_level)
        return Shown()

    def control(self) -> Shown:
        chart = spc.control_chart(self.trend_series.rename(columns={"satisfied": "successes", "ratings": "trials"}),
                                  sigma=self.p.control_sigma, overdispersion_alpha=self.p.overdispersion_alpha)
        shown = Shown(_md(satisfaction.control_sentence(chart)))
        charts.control(chart)
        return shown

    @cached_property
    def _funnel(self):
        p = self.p
        head = satisfaction.headline(self.series, self.month)
        label = "目标" if p.funnel_centre == "target" else "平均满意率"
        centre = league.centre_value(p.funnel_centre, p.rate_target, head["rate"] * head["ratings"], head["ratings"])
        table, _ = league.outlet_table(self.counts, self.units, self.month, centre, levels=tuple(p.funnel_levels),
                                       interval_level=p.interval_level, small=self.small_outlets)
        comparison = league.comparison(table, centre, tuple(p.funnel_levels),
                                       self.params.volumes.minimum("satisfaction_rate"))
        return comparison, label

    @property
    def small_outlets(self) -> set:
        """Outlets whose satisfaction_rate row is small_sample: shown, never judged or ranked."""
        r = self.rows
        return set(r.loc[(r["metric"] == "satisfaction_rate") & (r["level"] == "outlet")
                         & (r["status"] == status.SMALL_SAMPLE), "unit_id"])

    def funnel(self) -> Shown:
        comparison, label = self._funnel
        shown = Shown(_md(charts.funnel_sentence(comparison, label)))
        charts.funnel(comparison, label)
        return shown

    @cached_property
    def flags(self) -> pd.DataFrame:
        p = self.p
        return participation.outlet_flags(
            self.counts, self.units, self.month, drop_ratio=p.participation_drop_ratio,
            baseline=p.participation_baseline_months, gap=p.participation_gap_months,
            min_served=p.participation_min_served, perfect_min_share=p.perfect_min_share,
            perfect_min_ratings=p.perfect_min_ratings)

    def league(self) -> Shown:
        table = self._funnel[0].units
        weakest = league.league(table, self.p.league_rows).merge(self.flags[["outlet_id", "flagged"]],
                                                                 on="outlet_id", how="left")
        small = int((table["funnel"] == "small_sample").sum())
        note = (_md(f"另有 {small} 个网点本月评价不足 {self.params.volumes.minimum('satisfaction_rate'):,.0f} 条，"
                    "样本不足，不参加排名。") if small else None)
        if weakest.empty:
            return Shown(_md("本月没有可排名的网点（无数据）。"), note)
        return Shown(note, plotting.display_frame(
            weakest[["rank", "outlet_id", "outlet_name", "branch", "ratings", "rate", "shrunken", "lower", "upper",
                     "weight", "flagged"]],
            labels={"rank": "排名", "outlet_id": "网点编号", "outlet_name": LEVEL_LABELS["outlet"],
                    "branch": LEVEL_LABELS["branch"],
                    "ratings": "评价条数", "rate": "原始满意率", "shrunken": "收缩满意率", "lower": "区间下限",
                    "upper": "区间上限", "weight": "自身数据权重", "flagged": "评价器异常"},
            percent=("rate", "shrunken", "lower", "upper", "weight"), flags=("flagged",), counts=("ratings",)))

    def participation(self) -> Shown:
        p = self.p
        shown = Shown(_md(participation.sentence(self.flags, self.month, p.participation_drop_ratio,
                                                 p.perfect_min_share)))
        flagged = participation.flagged(self.flags)
        charts.participation(self.trend_series,
                             participation.trend(self.counts, flagged["outlet_id"].tolist(), self.trend_months),
                             names=dict(zip(flagged["outlet_id"], flagged["outlet_name"])),
                             scope_label=self.scope.label)
        return shown

    def flagged(self) -> Shown:
        flagged = participation.flagged(self.flags)
        if flagged.empty:
            return Shown(_md("本月没有被标记的网点。"))
        return Shown(plotting.display_frame(
            flagged[["outlet_id", "outlet_name", "branch", "served", "ratings", "participation", "baseline",
                     "top_share", "dropped", "perfect"]],
            labels={"outlet_id": "网点编号", "outlet_name": LEVEL_LABELS["outlet"], "branch": LEVEL_LABELS["branch"],
                    "served": "服务客户数",
                    "ratings": "评价条数", "participation": "参与率", "baseline": "基准参与率", "top_share": "5 分占比",
                    "dropped": "骤降", "perfect": "异常完美"},
            percent=("participation", "baseline", "top_share"), flags=("dropped", "perfect"),
            counts=("served", "ratings")))

    @cached_property
    def scores(self) -> pd.DataFrame:
        return surveys.dimension_scores(self.con, self.survey_months, self.scope.outlets,
                                        csat_min_score=self.p.csat_min_score, level=self.p.interval_level)

    def surveys(self) -> Shown:
        p = self.p
        counts = surveys.outlet_counts(self.con, self.month, self.scope.outlets, csat_min_score=p.csat_min_score,
                                       promoter_min=p.nps_promoter_min, detractor_max=p.nps_detractor_max)
        return Shown(_md(surveys.sentence(surveys.nps_summary(counts), self.scores, self.month, self.window)),
                     surveys.for_display(self.scores))

    def drivers(self) -> Shown:
        ip, complete = drivers.key_drivers(self.con, self.survey_months, self.scores, self.scope.outlets)
        if ip is None:
            return Shown(_md(f"{self.window[0]} 至 {self.window[1]} 完整答卷不足，无法做关键驱动因素分析（无数据）。"))
        shown = Shown(_md(drivers.sentence(ip, complete, self.window)))
        charts.importance_performance(ip)
        return shown

    def comments(self) -> Shown:
        vocabulary = self.params.complaints.text
        terms = text.top_terms(surveys.comments(self.con, self.survey_months, self.scope.outlets),
                               n=self.p.comment_terms, stop_words=vocabulary.stop_words,
                               user_words=vocabulary.user_words, min_len=vocabulary.min_len)
        if terms.empty:
            return Shown(_md("近 12 个月没有问卷意见（无数据）。"))
        return Shown(plotting.display_frame(terms, labels={"term": "关键词", "count": "出现次数", "texts": "答卷数",
                                                           "share": "占有意见答卷比例"}, percent=("share",)))

    def kpi_table(self, rows: pd.DataFrame | None = None, levels: int = 2) -> kpi_display.KpiTable:
        """The published KPI rows (area.kpi_rows) of the top ``levels`` levels for reading
        (views.kpi_display): value, Wilson interval of the shares of counts, target and status word."""
        rows = self.rows if rows is None else rows
        top = rows[rows["level"].isin(list(dict.fromkeys(rows["level"]))[:levels])]
        shown = intervals.kpi_intervals(top, INTERVALS, self.p.interval_level)
        return kpi_display.table(shown, level_labels=LEVEL_LABELS)
