"""Peak views: arrivals and waits by weekday x hour (DOMAIN.md §5: "peak-hour views (open, noon,
weekend) drive flexible windows 弹性窗口"; seeds 001, 003, 004).

Definitions (params in brackets):
- a ticket's weekday (0 = Monday) and hour are those of taken_at; its wait and overtime as queue.py;
- an operating day of an outlet is a day on which it issued at least one ticket (a day it is closed,
  by its dates or for a holiday, issues none and so never dilutes the averages);
- arrivals per outlet-hour of a cell = tickets taken in that weekday and hour / operating days of
  the outlets on that weekday (the average number of customers an outlet sees in that hour);
- peaks: 开门峰 = weekday (not weekend) hours in [queue.peaks.opening_hours], 午间峰 = weekday hours
  in [queue.peaks.noon_hours], 周末 = every hour of [queue.peaks.weekend_days], 平时 = the other
  weekday hours. Their figures add the cells' counts (never average the cells' rates).
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.engine import measures
from svc_analysis.queue.queue import month_tickets

WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
PERIODS = (("opening", "开门峰"), ("noon", "午间峰"), ("weekend", "周末"), ("other", "平时"))
SUMS = ["tickets", "served", "wait_minutes", "overtime"]


def weekday_hour(con, month: str, outlets: list[str] | None, threshold: float) -> pd.DataFrame:
    """One row per weekday (0-6) and hour seen in the month: outlet_days (operating outlet-days on that
    weekday), tickets, served, wait_minutes, overtime, and the rates arrivals (per outlet-hour),
    mean_wait and overtime_share. Cells with no ticket appear with zeros (no rate)."""
    t = month_tickets(con, month, outlets, threshold)
    weekday = t.day.day_of_week.index().cast("int64")  # 0 = Monday
    cells = t.group_by(weekday=weekday, hour=t.taken_at.hour().cast("int64")).aggregate(
        tickets=t.count(), served=measures.customers_served(t), wait_minutes=t.wait.sum().fill_null(0),
        overtime=t.count(where=t.overtime)).to_pandas()
    operating = t.select("outlet_id", "day", weekday=weekday).distinct()
    days = operating.group_by("weekday").aggregate(outlet_days=operating.count()).to_pandas()
    hours = sorted(cells["hour"].unique()) if not cells.empty else []
    grid = pd.MultiIndex.from_product([range(7), hours], names=["weekday", "hour"]).to_frame(index=False)
    out = grid.merge(cells, on=["weekday", "hour"], how="left").merge(days, on="weekday", how="left")
    out[SUMS + ["outlet_days"]] = out[SUMS + ["outlet_days"]].fillna(0)
    out = out.astype({"weekday": "int64", "hour": "int64", "tickets": "int64", "served": "int64",
                      "overtime": "int64", "outlet_days": "int64"})
    return add_rates(out)


def add_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """arrivals = tickets / outlet_hours (outlet_days when absent), mean_wait, overtime_share; NaN on a
    zero base."""
    out = frame.copy()
    base = out["outlet_hours"] if "outlet_hours" in out.columns else out["outlet_days"]
    out["arrivals"] = out["tickets"] / base.where(base > 0)
    served = out["served"].where(out["served"] > 0)
    out["mean_wait"] = out["wait_minutes"] / served
    out["overtime_share"] = out["overtime"] / served
    return out


def classify(grid: pd.DataFrame, opening_hours, noon_hours, weekend_days) -> pd.Series:
    """The peak period of every cell (see the module docstring): opening / noon / weekend / other."""
    weekend = grid["weekday"].isin(list(weekend_days))
    period = pd.Series("other", index=grid.index)
    period[~weekend & grid["hour"].isin(list(noon_hours))] = "noon"
    period[~weekend & grid["hour"].isin(list(opening_hours))] = "opening"
    period[weekend] = "weekend"
    return period


def peak_summary(grid: pd.DataFrame, opening_hours, noon_hours, weekend_days) -> pd.DataFrame:
    """Per peak period: tickets, served, wait_minutes, overtime, outlet_hours and the rates (arrivals per
    outlet-hour, mean_wait, overtime_share), in the order opening, noon, weekend, other."""
    cells = grid.assign(period=classify(grid, opening_hours, noon_hours, weekend_days),
                        outlet_hours=grid["outlet_days"])
    sums = cells.groupby("period")[SUMS + ["outlet_hours"]].sum()
    order = [p for p, _ in PERIODS]
    out = sums.reindex(order).fillna(0).reset_index()
    out["label"] = out["period"].map(dict(PERIODS))
    return add_rates(out)


def focus_outlets(requested: list[str], worst: list[str], available: list[str]) -> list[str]:
    """Outlets that get their own view: [queue.peak_outlets] when given, else the month's worst outlet.

    A requested id outside the scope's outlets raises ValueError naming the parameter and the id.
    """
    unknown = [o for o in requested if o not in set(available)]
    if unknown:
        raise ValueError(f"params queue.peak_outlets: outlet(s) {', '.join(unknown)} are not outlets of "
                         f"this report's scope with tickets in the month")
    return list(requested) if requested else list(worst[:1])


def pivot(grid: pd.DataFrame, value: str) -> pd.DataFrame:
    """``value`` as a weekday (rows, 周一..周日) x hour (columns, '9时') table; weekdays without any
    ticket in the month are left out."""
    seen = grid.groupby("weekday")["tickets"].sum()
    wide = grid.pivot(index="weekday", columns="hour", values=value)
    wide = wide.loc[[d for d in wide.index if seen.get(d, 0) > 0]]
    wide.index = [WEEKDAYS_ZH[d] for d in wide.index]
    wide.columns = [f"{h}时" for h in wide.columns]
    return wide


def peak_sentence(summary: pd.DataFrame, threshold: float) -> str:
    """The peaks against ordinary hours, one sentence (Chinese), from peak_summary."""
    rows = summary.set_index("period")
    other = rows.loc["other"]
    if pd.isna(other["arrivals"]):
        return "本月平时时段没有排队记录，无法比较高峰。"
    parts = []
    for period, label in PERIODS[:-1]:
        row = rows.loc[period]
        if pd.isna(row["arrivals"]):
            parts.append(f"{label}无数据")
            continue
        parts.append(f"{label}每网点每小时 {row['arrivals']:.1f} 人、平均等候 {row['mean_wait']:.1f} 分钟、"
                     f"超时 {row['overtime_share'] * 100:.1f}%")
    return (f"平时每网点每小时到达 {other['arrivals']:.1f} 人、平均等候 {other['mean_wait']:.1f} 分钟、"
            f"等候超过 {threshold:g} 分钟的占 {other['overtime_share'] * 100:.1f}%；" + "；".join(parts) + "。")
