"""Daily monitoring and the weekly ranking 周通报 of overtime waiting (DOMAIN.md §5: "daily monitoring,
weekly ranking"; seeds 001, 003, 004).

Definitions (queue.py for wait and overtime; params in brackets):
- daily overtime share of an outlet = its tickets taken that day with a wait above
  [queue.overtime_wait_minutes] / its tickets taken that day that were called. A day on which the
  outlet is closed (org open rule: opened_on ≤ day < closed_on) has status ``closed``; an open day
  without a called ticket has status ``no_data``: both have no share (无数据), never 0 %.
- weeks of the bulletin run Monday to Sunday (the day truncated to its week), clipped to the report
  month, so the month's first and last weeks may be short; each is labelled by its first and last day.
- ranking: units by overtime share, worst first (rank 1); ties share the better rank (method "min");
  units without a served customer in the period have no rank. Sub-branch figures add their outlets'
  counts (never an average of rates).
"""

from __future__ import annotations

from datetime import timedelta

import ibis
import pandas as pd

from svc_analysis.engine import measures
from svc_analysis.engine import org
from svc_analysis.core.periods import month_end, month_start
from svc_analysis.queue.queue import month_tickets
from svc_analysis.core.safety import md
from svc_analysis.engine.scope import LEVEL_LABELS

MONTH_PERIOD = "month"
LEVEL_COLUMN = {"outlet": "outlet_id", "subbranch": "subbranch"}


def _counts(t) -> dict:
    """served (called tickets) and overtime (waits above the threshold) over month_tickets."""
    return {"served": measures.customers_served(t), "overtime": t.count(where=t.overtime)}


def daily_overtime(con, month: str, tree: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """One row per outlet of ``tree`` and day of the month: outlet_id, day, status (open / closed /
    no_data), served, overtime, overtime_share (NaN unless open with served customers)."""
    t = month_tickets(con, month, tree["outlet_id"].tolist(), threshold)
    counts = t.group_by("outlet_id", "day").aggregate(**_counts(t)).to_pandas()
    counts["day"] = pd.to_datetime(counts["day"]).dt.date
    first = month_start(month)
    days = [first + timedelta(days=k) for k in range((month_end(month) - first).days + 1)]
    grid = pd.concat([tree[["outlet_id"]].assign(day=day, is_open=org.open_mask(tree, day).to_numpy())
                      for day in days], ignore_index=True)
    out = grid.merge(counts, on=["outlet_id", "day"], how="left")
    out[["served", "overtime"]] = out[["served", "overtime"]].fillna(0).astype("int64")
    out["status"] = "open"
    out.loc[out["served"] == 0, "status"] = "no_data"
    out.loc[~out["is_open"] & (out["served"] == 0), "status"] = "closed"
    out["overtime_share"] = out["overtime"] / out["served"].where(out["served"] > 0)
    return out.drop(columns="is_open").sort_values(["outlet_id", "day"]).reset_index(drop=True)


def worst_outlets(stats: pd.DataFrame, n: int) -> list[str]:
    """The ``n`` outlets with the highest overtime share of the month (outlet rows of queue stats),
    worst first; outlets without a served customer are left out."""
    rows = stats.rename(columns={"unit_id": "outlet_id"})
    if "level" in rows.columns:
        rows = rows[rows["level"] == "outlet"]
    rows = rows[rows["overtime_share"].notna()]
    return rows.sort_values(["overtime_share", "outlet_id"], ascending=[False, True])["outlet_id"].head(n).tolist()


def heatmap_frame(daily: pd.DataFrame, outlets: list[str], tree: pd.DataFrame) -> pd.DataFrame:
    """Overtime share, rows = ``outlets`` in the given order (labelled by outlet name), columns = day of
    the month; closed days and days without data are NaN."""
    names = tree.set_index("outlet_id")["outlet_name"]
    part = daily[daily["outlet_id"].isin(outlets)].assign(dom=lambda f: [d.day for d in f["day"]])
    wide = part.pivot(index="outlet_id", columns="dom", values="overtime_share").reindex(outlets)
    wide.index = [f"{names.get(o, o)}（{o}）" for o in wide.index]
    return wide


def weekly_counts(con, month: str, tree: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """served and overtime per outlet and week of the month (weeks clipped to the month):
    outlet_id, week_start, week_end, served, overtime."""
    t = month_tickets(con, month, tree["outlet_id"].tolist(), threshold)
    week = t.day.truncate("W")  # Monday of the day's week
    frame = t.group_by("outlet_id", week_start=ibis.greatest(week, month_start(month)),
                       week_end=ibis.least(week + ibis.interval(days=6), month_end(month))
                       ).aggregate(**_counts(t)).to_pandas()
    for col in ("week_start", "week_end"):
        frame[col] = pd.to_datetime(frame[col]).dt.date
    return frame


def week_label(start, end) -> str:
    return f"{start:%m-%d}~{end:%m-%d}"


def ranking(weekly: pd.DataFrame, tree: pd.DataFrame, level: str = "outlet",
            min_served: float | None = None) -> pd.DataFrame:
    """Ranks by overtime share per period (each week, and ``month``) for outlets or sub-branches.

    Columns: unit_id, period (a week label or "month"), served, overtime, overtime_share, small, rank.
    Every unit of ``tree`` appears in every period (no served customer: no share, no rank). A unit that
    served fewer than ``min_served`` customers in a period (params volumes.min_denominator of
    overtime_wait_share: the rule that makes its monthly KPI row small_sample) keeps its share but is
    not ranked in that period (small True, 样本不足; issue 14).
    """
    if level not in LEVEL_COLUMN:
        raise ValueError(f"ranking level must be one of {', '.join(LEVEL_COLUMN)}, not {level!r}")
    key = LEVEL_COLUMN[level]
    frame = weekly.merge(tree[["outlet_id", "subbranch"]], on="outlet_id", how="inner")
    frame["period"] = [week_label(s, e) for s, e in zip(frame["week_start"], frame["week_end"])]
    periods = sorted(frame["period"].unique()) + [MONTH_PERIOD]
    month_rows = frame.assign(period=MONTH_PERIOD)
    sums = (pd.concat([frame, month_rows]).groupby([key, "period"])[["served", "overtime"]].sum()
            .reset_index().rename(columns={key: "unit_id"}))
    units = sorted(set(tree[key]))
    full = pd.MultiIndex.from_product([units, periods], names=["unit_id", "period"]).to_frame(index=False)
    out = full.merge(sums, on=["unit_id", "period"], how="left")
    out[["served", "overtime"]] = out[["served", "overtime"]].fillna(0).astype("int64")
    out["overtime_share"] = out["overtime"] / out["served"].where(out["served"] > 0)
    out["small"] = (out["served"] < min_served) & (out["served"] > 0) if min_served else False
    out["rank"] = (out["overtime_share"].where(~out["small"]).groupby(out["period"])
                   .rank(method="min", ascending=False).astype("Int64"))
    return out


def ranking_table(ranks: pd.DataFrame, tree: pd.DataFrame, level: str, top_n: int | None = None) -> pd.DataFrame:
    """The bulletin: one row per unit ordered by the month's rank, with month served, overtime share and
    rank, then the rank and share of every week ('MM-DD~MM-DD 排名' / '... 超时占比')."""
    month = ranks[ranks["period"] == MONTH_PERIOD].set_index("unit_id")
    table = month[["served", "overtime", "overtime_share", "small", "rank"]].copy()
    for period in [p for p in dict.fromkeys(ranks["period"]) if p != MONTH_PERIOD]:
        week = ranks[ranks["period"] == period].set_index("unit_id")
        table[f"{period} 排名"] = week["rank"]
        table[f"{period} 超时占比"] = week["overtime_share"]
        table[f"{period} 样本不足"] = week["small"]
    if level == "outlet":
        names = tree.set_index("outlet_id")[["outlet_name", "subbranch", "branch"]]
    else:
        names = tree.groupby("subbranch")[["branch"]].first()
    table = names.join(table, how="right")
    table = table.sort_values(["rank", "served"], ascending=[True, False], na_position="last")
    table = table.reset_index().rename(columns={"index": "unit_id", "outlet_id": "unit_id", "subbranch": "subbranch"})
    return table.head(top_n) if top_n else table


def ranking_sentence(table: pd.DataFrame, tolerance: float, unit_word: str = LEVEL_LABELS["outlet"]) -> str:
    """Who tops the month's ranking and in how many weeks (Chinese), from ranking_table."""
    ranked = table[table["rank"].notna()]
    if ranked.empty:
        return f"本月没有已叫号的排队记录，无法排名（{unit_word}）。"
    top = ranked.iloc[0]
    name = top.get("outlet_name", top["unit_id"]) if unit_word == LEVEL_LABELS["outlet"] else top["unit_id"]
    week_cols = [c for c in table.columns if c.endswith(" 排名")]
    ranked_weeks = [c for c in week_cols if pd.notna(top[c])]  # a week without customers or 样本不足 is no contest
    first_weeks = sum(int(top[c] == 1) for c in ranked_weeks)
    others = (f"（本月共 {len(week_cols)} 个周，其余周无已叫号客户或样本不足，不参加排名）"
              if len(ranked_weeks) < len(week_cols) else "")
    above = int((ranked["overtime_share"] > tolerance).sum())
    small = int(table["small"].fillna(False).astype(bool).sum()) if "small" in table.columns else 0
    return (f"本月超时客户占比最高的{unit_word}是 **{md(name)}**（{top['overtime_share'] * 100:.1f}%），"
            f"在参加排名的 {len(ranked_weeks)} 个周中有 {first_weeks} 周排名第一{others}；"
            f"本月超时占比高于 {tolerance * 100:.1f}% 的{unit_word}共 {above} 个（均为参加排名的{unit_word}）。"
            + (f"另有 {small} 个{unit_word}本月服务客户数不足最低样本量，样本不足，不参加排名。" if small else ""))
