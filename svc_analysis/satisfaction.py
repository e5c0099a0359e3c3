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

Everything is counted in DuckDB once per run (``outlet_months``: one row per outlet and month, at
most outlets x months rows); the other functions work on that small frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svc_analysis import contract, kpis, org, periods, proportions, spc

AREA = "satisfaction"
COUNT_COLUMNS = ["ratings", "satisfied", "top_score", "served"]
# The top of the evaluator scale (score 5): an outlet with nothing else is implausibly perfect.
TOP_SCORE = int(contract.table("ratings").column("score").max)
_IN = "IN (SELECT unnest(?::VARCHAR[]))"


def window(month: str, trend_months: int) -> list[str]:
    """Months to count: the trend's months, extended back to January of the previous year (for YTD)."""
    first = min(periods.add_months(month, -(trend_months - 1)), f"{int(month[:4]) - 1}-01")
    return periods.months_between(first, month)


def outlet_months(con, months: list[str], outlets: list[str] | None = None,
                  satisfied_min_score: int = 4) -> pd.DataFrame:
    """Per outlet and month: ratings, satisfied (score >= satisfied_min_score), top_score (score 5),
    served (tickets taken in the month and called). Pairs with neither ratings nor tickets are absent.

    ``outlets``: the scope's outlet ids (None = the whole province), filtered in the engine.
    """
    if not months:
        raise ValueError("outlet_months: no months given")
    start, end = periods.month_bounds(months[0])[0], periods.month_bounds(months[-1])[1]
    scope = f"AND outlet_id {_IN}" if outlets is not None else ""
    extra = [list(outlets)] if outlets is not None else []
    frame = con.execute(
        f"WITH r AS (SELECT outlet_id, date_trunc('month', rated_at) AS m, count(*) AS ratings, "
        f"  count(*) FILTER (WHERE score >= ?) AS satisfied, count(*) FILTER (WHERE score = ?) AS top_score "
        f"  FROM ratings WHERE rated_at >= ? AND rated_at < ? {scope} GROUP BY ALL), "
        f"t AS (SELECT outlet_id, date_trunc('month', taken_at) AS m, "
        f"  count(*) FILTER (WHERE called_at IS NOT NULL) AS served "
        f"  FROM tickets WHERE taken_at >= ? AND taken_at < ? {scope} GROUP BY ALL) "
        f"SELECT outlet_id, strftime(m, '%Y-%m') AS month, coalesce(ratings, 0) AS ratings, "
        f"  coalesce(satisfied, 0) AS satisfied, coalesce(top_score, 0) AS top_score, "
        f"  coalesce(served, 0) AS served "
        f"FROM r FULL JOIN t USING (outlet_id, m) ORDER BY outlet_id, month",
        [satisfied_min_score, TOP_SCORE, start, end, *extra, start, end, *extra],
    ).df()
    frame[COUNT_COLUMNS] = frame[COUNT_COLUMNS].astype("int64")
    return frame


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
