"""Units compared fairly on complaints (notebook 10, section 七; issue 3, issue 14): a funnel, not a
league table. Each unit's complaint rate against customers served, with Spiegelhalter limits
(svc_analysis.stats.funnel, kind "rate") around the scope's own overall rate, so a unit is named only
when its rate is unlikely to differ from the scope's by chance. The comparison is computed once and
feeds both the sentence and the chart (views.funnel_chart, the pack's one funnel chart): the units
named are exactly the units drawn beyond the limits. A unit below the minimum volume (its KPI row says
small_sample, params/volumes.yaml) is drawn hollow and neither judged nor named.

Beside the unit rates of the page's tables: their 95% intervals (with_intervals, stats.intervals).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svc_analysis.complaints import complaints
from svc_analysis.complaints.complaints import rate_frame
from svc_analysis.core import status
from svc_analysis.core.periods import month_bounds
from svc_analysis.stats import funnel, intervals
from svc_analysis.views import funnel_chart

FUNNEL_LABELS = {"above_99.8": "显著偏高（99.8%）", "above_95": "偏高（95%）", "within": "正常范围",
                 "below_95": "偏低（95%）", "below_99.8": "显著偏低（99.8%）", "small_sample": "样本不足",
                 "no_data": "无数据"}


def funnel_frame(con, month: str, tree: pd.DataFrame, *, level: str = "outlet", per_customers: float = 10000,
                 levels=funnel.DEFAULT_LEVELS, outlets=None, rows: pd.DataFrame | None = None,
                 min_size: float | None = None) -> funnel.Comparison:
    """The complaints funnel of the units of ``level`` (outlet or subbranch), computed once for the
    chart and the sentence: complaints, served and rate (per ``per_customers``) of each unit, its
    position against the limits around the scope's own rate (complaints / served; NaN when nobody was
    served: every unit 'no_data'). A unit whose KPI row (``rows``, complaint_rate_per_10k) says
    small_sample is drawn but not judged; ``min_size`` (params volumes) is where the limits start.
    """
    start, end = month_bounds(month)
    frame = tree[["outlet_id", "outlet_name", "subbranch", "branch"]].merge(
        rate_frame(con, start, end, outlets), on="outlet_id", how="left").fillna(
        {"complaints": 0, "responsible": 0, "served": 0})
    if level == "subbranch":
        frame = frame.groupby(["subbranch", "branch"], as_index=False)[["complaints", "served"]].sum()
        frame["unit"], frame["unit_id"] = frame["subbranch"], frame["subbranch"]
    else:
        frame["unit"], frame["unit_id"] = frame["outlet_name"].fillna(frame["outlet_id"]), frame["outlet_id"]
    served = frame["served"].sum()
    centre = frame["complaints"].sum() / served if served > 0 else float("nan")
    judged = None
    if rows is not None:
        small = rows[(rows["metric"] == "complaint_rate_per_10k") & (rows["level"] == level)
                     & (rows["status"] == status.SMALL_SAMPLE)]["unit_id"]
        judged = ~frame["unit_id"].isin(set(small)).to_numpy()
    out = funnel.compare(frame, size="served", count="complaints", centre=centre, kind="rate", levels=levels,
                         judged=judged, min_size=min_size)
    out.units["rate"] = out.units["observed"] * per_customers
    out.units["position"] = out.units["funnel"].map(FUNNEL_LABELS)
    return out


def funnel_sentence(comparison: funnel.Comparison, per_customers: float = 10000) -> str:
    """The scope's rate, then exactly the units the funnel chart names (views.funnel_chart.sentence)."""
    if not np.isfinite(comparison.centre):
        return "本月没有客户服务量（叫号）数据，无法计算投诉率，漏斗图从略（投诉率：无数据）。"
    text = f"本范围总体万人投诉率{comparison.centre * per_customers:.2f}。"
    return text + funnel_chart.sentence(comparison, worse="above", names="unit", size_word="服务客户数",
                                        value=lambda r: f"万人投诉率{r.rate:.1f}，服务{r.served:,.0f}人次")


def plot_funnel(comparison: funnel.Comparison, per_customers: float = 10000):
    """The funnel chart (views.funnel_chart.plot, the same as the satisfaction page's): each unit's
    rate per ``per_customers`` against customers served, the limits it was judged by."""
    return funnel_chart.plot(comparison, worse="above", names="unit", title="各单位万人投诉率漏斗图",
                             xlabel="服务客户数（叫号人次）", ylabel="万人投诉率", centre_label="总体投诉率",
                             scale=per_customers)


# the interval each complaint rate takes (stats.intervals): a rate per 10,000 customers is a Poisson
# count over an exposure, the on-time rates are shares of complaints due
INTERVALS = {"complaint_rate_per_10k": "poisson", "comment_book_on_time_rate": "wilson",
             "complaints_closed_on_time_rate": "wilson"}
INTERVAL_LEVEL = 0.95


def with_intervals(con, params, scope, period, rows: pd.DataFrame, level: float = INTERVAL_LEVEL) -> pd.DataFrame:
    """The area's KPI rows with lower/upper: the 95% interval of each unit's rate (INTERVALS), and of
    its reduction against the base year from the counts behind it (complaints.reduction_counts); an
    interval wider than params volumes.max_interval_width is marked too_wide (pages: 区间过宽). The
    rows' values and statuses are untouched: this is what pages show beside them."""
    p = params.complaints
    out = intervals.kpi_intervals(rows, INTERVALS, level, scales={"complaint_rate_per_10k": p.per_customers})
    reduction = (out["metric"] == "complaint_rate_reduction") & out["value"].notna()
    if reduction.any():
        counts = complaints.reduction_counts(con, period.month_key, scope.tree_in_scope, base_year=p.base_year,
                                             scope_level=scope.level, outlets=scope.outlets)
        for i in out.index[reduction]:
            c = counts.loc[(out.at[i, "level"], out.at[i, "unit_id"])]
            out.loc[i, ["lower", "upper"]] = intervals.reduction(
                c["ytd_c"], c["ytd_s"], c["base_c"], c["base_s"], base_rate=p.base_year_rate_per_10k, level=level,
                scale=p.per_customers)
    return intervals.too_wide(out, params.volumes.max_interval_width)
