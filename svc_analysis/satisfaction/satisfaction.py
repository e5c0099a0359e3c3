"""Counter-evaluator satisfaction (满意度测评器): monthly counts, rates, the year-on-year rise, KPI rows.

Definitions (DATA_CONTRACT.md metrics; DOMAIN.md §2, seeds 001-004):
- satisfaction_rate = ratings in the month with score >= [satisfaction.satisfied_min_score] (4) /
  ratings in the month (rated_at in the month); target [satisfaction.rate_target] (0.90, seed 002),
  floor [satisfaction.rate_floor] (0.85, seed 003).
- evaluator_participation_rate = ratings in the month / customers served in the month (tickets taken
  in the month that were called); no target (low participation hides dissatisfaction).
- year to date: January to the report month; compared with the same months of the previous year by
  a one-sided test of a rise (proportions.rise_test) whose variance is inflated by the monthly
  series' overdispersion (Laney sigma_z squared, spc.py): seed 002 asks for a rise year on year.

Everything is counted in the engine (Ibis on DuckDB) once per run (``outlet_months``: one row per outlet and month, at
most outlets x months rows); the other functions work on that small frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svc_analysis.core import contract
from svc_analysis.engine import kpis
from svc_analysis.engine import org
from svc_analysis.engine.measures import customers_served  # the denominator of evaluator_participation_rate
from svc_analysis.core import periods
from svc_analysis.stats import proportions
from svc_analysis.stats import spc
from svc_analysis.views import formats
from svc_analysis.engine.warehouse import engine

AREA = "satisfaction"
COUNT_COLUMNS = ["ratings", "satisfied", "top_score", "served"]
# The top of the evaluator scale (score 5): an outlet with nothing else is implausibly perfect.
TOP_SCORE = int(contract.table("ratings").column("score").max)


def window(month: str, trend_months: int) -> list[str]:
    """Months to count: the trend's months, extended back to January of the previous year (for YTD)."""
    first = min(periods.add_months(month, -(trend_months - 1)), f"{int(month[:4]) - 1}-01")
    return periods.months_between(first, month)


def outlet_months(con, months: list[str], outlets: list[str] | None = None,
                  satisfied_min_score: int = 4) -> pd.DataFrame:
    """Per outlet and month: ratings, satisfied (score >= satisfied_min_score), top_score (score 5),
    served (tickets taken in the month and called). Pairs with neither ratings nor tickets are absent.

    ``outlets``: the scope's outlet ids (None = the whole province), filtered in the engine.
    Ibis expressions on the DuckDB backend (issue 2's engine rule), one pass over each event table.
    """
    if not months:
        raise ValueError("outlet_months: no months given")
    start, end = periods.month_bounds(months[0])[0], periods.month_bounds(months[-1])[1]
    ib = engine(con)

    def per_month(table: str, at: str, **counts) -> pd.DataFrame:
        t = ib.table(table)
        keep = (t[at] >= start) & (t[at] < end)
        if outlets is not None:
            keep &= t.outlet_id.isin(list(outlets))
        t = t.filter(keep)
        # group on the truncated timestamp and format only the small result: formatting every row
        # before grouping costs a string per event
        grouped = t.group_by(outlet_id=t.outlet_id, m=t[at].truncate("M")).agg(
            **{name: make(t) for name, make in counts.items()})
        out = grouped.mutate(month=grouped.m.strftime("%Y-%m")).drop("m").to_pandas()
        # plain object keys: pandas cannot merge two empty Arrow-backed string columns
        return out.astype({"outlet_id": object, "month": object})

    # two plain aggregations, joined on their small results: a FULL JOIN of the two inside DuckDB
    # took twice as long on province data (50 M tickets, 35 M ratings)
    ratings = per_month("ratings", "rated_at", ratings=lambda t: t.count(),
                        satisfied=lambda t: t.count(where=t.score >= satisfied_min_score),
                        top_score=lambda t: t.count(where=t.score == TOP_SCORE))
    served = per_month("tickets", "taken_at", served=customers_served)
    frame = ratings.merge(served, on=["outlet_id", "month"], how="outer")
    frame[COUNT_COLUMNS] = frame[COUNT_COLUMNS].fillna(0).astype("int64")
    return frame.sort_values(["outlet_id", "month"], kind="stable").reset_index(drop=True)[
        ["outlet_id", "month", *COUNT_COLUMNS]]


def monthly(counts: pd.DataFrame, months: list[str], level: float = 0.95) -> pd.DataFrame:
    """The scope's monthly series over ``months`` (every month present, in order).

    Columns: month, ratings, satisfied, top_score, served, rate, lower, upper (Wilson at ``level``),
    participation (ratings / served). A month with no ratings has NaN rate and interval (no data).
    """
    sums = counts.groupby("month")[COUNT_COLUMNS].sum().reindex(months, fill_value=0)
    out = sums.rename_axis("month").reset_index()
    out["rate"] = proportions.share(out["satisfied"], out["ratings"])
    out["lower"], out["upper"] = proportions.wilson(out["satisfied"], out["ratings"], level)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["participation"] = np.where(out["served"] > 0, out["ratings"] / out["served"].where(out["served"] > 0), np.nan)
    return out


def _rate_in(series: pd.DataFrame, month: str) -> float:
    row = series[series["month"] == month]
    return float(row["rate"].iloc[0]) if len(row) else float("nan")


def headline(series: pd.DataFrame, month: str) -> dict:
    """This month's rate and interval, with last month's and the same month last year's rates.

    series: ``monthly`` output. Missing months give NaN (no data), and so do their changes.
    """
    row = series[series["month"] == month]
    if row.empty:
        raise ValueError(f"headline: month {month} is not in the series")
    row = row.iloc[0]
    previous = _rate_in(series, periods.previous_month(month))
    last_year = _rate_in(series, periods.same_month_last_year(month))
    return {"month": month, "rate": float(row["rate"]), "lower": float(row["lower"]),
            "upper": float(row["upper"]), "ratings": int(row["ratings"]),
            "participation": float(row["participation"]),
            "previous": previous, "change_previous": float(row["rate"]) - previous,
            "last_year": last_year, "change_last_year": float(row["rate"]) - last_year}


def year_to_date(series: pd.DataFrame, month: str, alpha: float = 0.05, level: float = 0.95,
                 overdispersion: float | None = None) -> dict:
    """Year-to-date rate (January to ``month``) against the same months of the previous year.

    overdispersion: None = Laney sigma_z squared of the whole monthly series (spc.sigma_z).
    Returns rate, lower, upper, ratings and the same with ``_before``, and ``test``
    (proportions.RiseTest, None when either period has no ratings).
    """
    year = int(month[:4])
    this = periods.months_between(f"{year}-01", month)
    before = [f"{year - 1}{m[4:]}" for m in this]
    cur = series[series["month"].isin(this)][["satisfied", "ratings"]].sum()
    old = series[series["month"].isin(before)][["satisfied", "ratings"]].sum()
    if overdispersion is None:
        overdispersion = spc.sigma_z(series["satisfied"], series["ratings"]) ** 2
    (lo, lo_b), (hi, hi_b) = proportions.wilson([cur["satisfied"], old["satisfied"]],
                                                [cur["ratings"], old["ratings"]], level)
    rate, rate_b = proportions.share([cur["satisfied"], old["satisfied"]], [cur["ratings"], old["ratings"]])
    test = proportions.rise_test(int(cur["satisfied"]), int(cur["ratings"]), int(old["satisfied"]),
                                 int(old["ratings"]), alpha=alpha, overdispersion=overdispersion)
    return {"months": (this[0], this[-1]), "months_before": (before[0], before[-1]),
            "rate": rate, "lower": lo, "upper": hi, "ratings": int(cur["ratings"]),
            "rate_before": rate_b, "lower_before": lo_b, "upper_before": hi_b,
            "ratings_before": int(old["ratings"]), "test": test}


def reporting_tree(tree: pd.DataFrame, month: str, counts: pd.DataFrame) -> pd.DataFrame:
    """Outlets that count for the month's KPI rows: staffed outlets open on at least one day of the
    month, plus any other outlet with ratings or tickets in the month (so no data is lost)."""
    start, end = periods.month_start(month), periods.month_end(month)
    staffed = org.staffed(tree)
    opened = staffed["opened_on"].map(lambda d: d is None or pd.isna(d) or d <= end)
    not_closed = staffed["closed_on"].map(lambda d: d is None or pd.isna(d) or d > start)
    active = set(counts.loc[(counts["month"] == month) & (counts[["ratings", "served"]].sum(axis=1) > 0),
                            "outlet_id"])
    keep = set(staffed.loc[(opened & not_closed).astype(bool), "outlet_id"]) | active
    return tree[tree["outlet_id"].isin(keep)]


def kpi_rows(counts: pd.DataFrame, tree: pd.DataFrame, month: str, target: float,
             scope_level: str | None = None) -> pd.DataFrame:
    """KPI rows satisfaction_rate (target) and evaluator_participation_rate at every level.

    tree: the scope's outlet tree (reporting_tree is applied here). Numerators and denominators add
    up the tree (kpis.rollup); a unit with no ratings / no customers served has no value.
    """
    units = reporting_tree(tree, month, counts)
    part = counts[counts["month"] == month]
    rate = kpis.rollup(part.rename(columns={"satisfied": "numerator", "ratings": "denominator"}), units,
                       month=month, area=AREA, metric="satisfaction_rate", target=target,
                       scope_level=scope_level)
    share = kpis.rollup(part.rename(columns={"ratings": "numerator", "served": "denominator"}), units,
                        month=month, area=AREA, metric="evaluator_participation_rate",
                        scope_level=scope_level)
    return pd.concat([rate, share], ignore_index=True)


def _pct(x) -> str:
    from svc_analysis.views.plotting import fmt_pct

    return fmt_pct(x)


def _points(x) -> str:
    """A change of share in percentage points: +0.8 个百分点; 无数据 when missing."""
    return formats.points_change(x)  # 无数据 when missing; never -0.0 个百分点


def headline_sentence(head: dict, ytd: dict, target: float, floor: float, level: float = 0.95) -> str:
    """Chinese headline: the month's rate and interval against target and floor, the changes, and
    whether the year-to-date rise over the previous year is statistically real (seed 002)."""
    if head["ratings"] == 0:
        text = f"{head['month']} 没有评价器数据（无数据），无法计算满意率。"
    else:
        verdict = ("达到目标" if head["rate"] >= target else
                   "未达目标但高于底线" if head["rate"] >= floor else "低于底线")
        text = (f"{head['month']} 评价器满意率 {_pct(head['rate'])}（{level * 100:g}% 区间 {_pct(head['lower'])}–"
                f"{_pct(head['upper'])}，共 {formats.count(head['ratings'])} 条评价），{verdict}（目标 {_pct(target)}，"
                f"底线 {_pct(floor)}）；较上月 {_points(head['change_previous'])}，较去年同月 "
                f"{_points(head['change_last_year'])}。")
    test = ytd["test"]
    span = f"{ytd['months'][0]} 至 {ytd['months'][1]}"
    if test is None:
        return text + f"{span} 或去年同期没有评价数据（无数据），无法判断是否同比提升。"
    trend = (f"本年累计（{span}）满意率 {_pct(ytd['rate'])}，去年同期 {_pct(ytd['rate_before'])}，"
             f"差 {_points(test.difference)}")
    if test.significant:
        return text + trend + f"：同比提升在统计上成立（单侧检验 p = {test.p_value:.3f}）。"
    if test.rose:
        return text + trend + (f"：虽有提升，但不超出正常波动（单侧检验 p = {test.p_value:.3f}），"
                               "尚不能认定“逐年提升”。")
    return text + trend + "：未实现同比提升（《文明优质服务管理工作责任书》要求满意率逐年提升）。"


def control_sentence(chart: pd.DataFrame) -> str:
    """Chinese summary of the control chart: which chart and why, and the months out of control."""
    if chart["rate"].isna().all():
        return "趋势期内没有评价数据（无数据），无法绘制控制图。"
    laney = chart["chart"].iloc[0] == spc.LANEY
    why = (f"各月差异超出纯随机的波动（过度离散，实际波动约为纯随机的 {chart['sigma_z'].iloc[0]:.2f} 倍），"
           "采用已校正过度离散的控制图" if laney else "各月差异符合纯随机的波动，采用普通控制图")
    out = chart[chart["out_of_control"].fillna(False).astype(bool)]
    if out.empty:
        return f"{why}；所有月份均在控制限内，满意率处于受控状态。"
    months = "、".join(f"{r.month}（{_pct(r.rate)}）" for r in out.itertuples())
    return f"{why}；超出控制限、需查找特殊原因的月份：{months}。"
