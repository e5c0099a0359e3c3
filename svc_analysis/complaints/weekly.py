"""周汇总: the month's complaints per ISO week, the responsibility split and the case list.

DOMAIN.md §1: the hotline centre sends the quality office a weekly summary 周汇总. Issue 14: the
summary showed one-day "weeks" (11-01, 11-30) as if they were weeks. Definitions:

- weeks are ISO weeks (Monday to Sunday, key YYYY-Www, core.period.Period) that hold at least one
  day of the month; a week at a month edge counts only the complaints received on its days inside
  the month, and its row says so: 本月内日期 '11-01（仅 1 天在本月）' (November 2026 starts on a
  Sunday, the last day of 2026-W44). A full week reads '11-02~11-08'.
- the rows: complaints received (received_at) per week by channel, category or responsibility
  (责任性 / 非责任性, the contract's ``responsible``), with 合计; weeks without complaints show 0.
- the case list: every complaint of the month (complaint id, ISO week, day received, outlet and
  its sub-branch, category, channel, responsibility) with the first [complaints.case_excerpt_chars]
  characters of its description, masked (core.masking) before it is cut, so a number cut in half
  is never left readable.

Counting runs in the engine (Ibis, per day); days are placed in weeks here, through Period.
"""

from __future__ import annotations

import pandas as pd
from ibis import _

from svc_analysis.complaints.complaints import LABELS, label, scoped
from svc_analysis.core.masking import mask_text
from svc_analysis.core.period import Period
from svc_analysis.views.plotting import display_frame
from svc_analysis.engine.scope import LEVEL_LABELS

BY = ("channel", "category", "responsible")
RESPONSIBLE_LABELS = {True: "责任性", False: "非责任性"}
DAYS_COLUMN = "本月内日期"
CASE_COLUMNS = ["complaint_id", "week", "day", "outlet_name", "subbranch", "category", "channel",
                "responsible", "excerpt"]


def month_weeks(month: Period) -> list[Period]:
    """The ISO weeks holding at least one day of ``month``, in order."""
    weeks: list[Period] = []
    for day in month.days:
        week = Period.day(day).containing_week()
        if not weeks or weeks[-1] != week:
            weeks.append(week)
    return weeks


def days_inside(week: Period, month: Period) -> str:
    """'11-02~11-08' for a week inside the month; '11-01（仅 1 天在本月）' at a month edge."""
    days = week.days_in(month.key)
    span = f"{days[0]:%m-%d}" if len(days) == 1 else f"{days[0]:%m-%d}~{days[-1]:%m-%d}"
    return span if len(days) == len(week.days) else f"{span}（仅 {len(days)} 天在本月）"


def _labelled(by: str, key) -> str:
    if by == "responsible":
        return "未填" if pd.isna(key) else RESPONSIBLE_LABELS[bool(key)]
    return label(by, key)


def _order(by: str) -> list[str]:
    if by == "responsible":
        return list(RESPONSIBLE_LABELS.values())
    return [label(by, k) for k in LABELS[by]]  # the contract's order, e.g. 热线 before 意见簿


def weekly_summary(con, month: Period, by: str = "channel", outlets=None) -> pd.DataFrame:
    """Complaints of ``month`` per ISO week (index 周 = YYYY-Www) by ``by`` (channel, category or
    responsible): column 本月内日期, one column per value in Chinese (contract order), 合计.

    Every week of the month is a row (zeros without complaints); a month without complaints gives
    本月内日期 and 合计 = 0 only. The responsibility split always shows 责任性 and 非责任性.
    """
    if by not in BY:
        raise ValueError(f"weekly_summary by must be one of {', '.join(BY)}, not {by!r}")
    month = month.containing_month() if month.kind != "month" else month
    start, end = month.bounds
    counts = (scoped(con, "complaints", start, end, outlets)
              .group_by(day=_.received_at.date(), key=_[by]).agg(n=_.count()).to_pandas())
    weeks = month_weeks(month)
    index = pd.Index([w.key for w in weeks], name="周")
    table = pd.DataFrame(index=index)
    if not counts.empty:
        counts["周"] = [Period.day(pd.Timestamp(d).date()).containing_week().key for d in counts["day"]]
        counts["label"] = [_labelled(by, k) for k in counts["key"]]
        table = counts.pivot_table(index="周", columns="label", values="n", aggfunc="sum", fill_value=0)
    order = _order(by)
    columns = sorted(set(table.columns) | (set(order) if by == "responsible" else set()),
                     key=lambda c: order.index(c) if c in order else len(order))
    table = table.reindex(index=index, columns=columns).fillna(0).astype("int64")
    table["合计"] = table.sum(axis=1).astype("int64")
    table.insert(0, DAYS_COLUMN, [days_inside(w, month) for w in weeks])
    table.columns.name = None
    return table


def excerpt(description, chars: int) -> str:
    """The first ``chars`` characters of a description, masked first; '…' when cut; '' when empty."""
    if description is None or (not isinstance(description, str) and pd.isna(description)):
        return ""
    text = " ".join(mask_text(str(description)).split())
    return text if len(text) <= chars else text[:chars] + "…"


def case_list(con, month: Period, tree: pd.DataFrame, *, excerpt_chars: int, outlets=None) -> pd.DataFrame:
    """The month's complaints, oldest first (CASE_COLUMNS): the week's key, the day received, the
    outlet's name and sub-branch from ``tree``, Chinese labels, the masked excerpt."""
    month = month.containing_month() if month.kind != "month" else month
    start, end = month.bounds
    frame = (scoped(con, "complaints", start, end, outlets)
             .select("complaint_id", "received_at", "outlet_id", "category", "channel", "responsible", "description")
             .order_by("received_at", "complaint_id").to_pandas())
    days = [pd.Timestamp(t).date() for t in frame["received_at"]]
    frame["week"] = [Period.day(d).containing_week().key for d in days]
    frame["day"] = [f"{d:%Y-%m-%d}" for d in days]
    for kind in ("category", "channel", "responsible"):
        frame[kind] = [_labelled(kind, v) for v in frame[kind]]
    frame["excerpt"] = [excerpt(d, excerpt_chars) for d in frame["description"]]
    names = tree[["outlet_id", "outlet_name", "subbranch"]].drop_duplicates("outlet_id")
    frame = frame.merge(names, on="outlet_id", how="left")
    frame["outlet_name"] = frame["outlet_name"].fillna(frame["outlet_id"])
    return frame[CASE_COLUMNS]


CASE_LABELS = {"complaint_id": "投诉编号", "week": "周", "day": "受理日期", "outlet_name": LEVEL_LABELS["outlet"],
               "subbranch": LEVEL_LABELS["subbranch"],
               "category": "投诉类别", "channel": "渠道", "responsible": "责任性", "excerpt": "投诉内容摘要"}


def summary_sentence(split: pd.DataFrame, month: Period) -> str:
    """'本月受理投诉 8 件，其中责任性 5 件、非责任性 3 件；本月的日子分属 6 周，2026-W44、2026-W49 只有部分日子在本月。'"""
    total = int(split["合计"].sum())
    resp = int(split.get("责任性", pd.Series(dtype="int64")).sum())
    non = int(split.get("非责任性", pd.Series(dtype="int64")).sum())
    rest = total - resp - non
    text = f"本月受理投诉 {total} 件，其中责任性 {resp} 件、非责任性 {non} 件" + (f"、未填 {rest} 件" if rest else "")
    partial = [w.key for w in month_weeks(month) if len(w.days_in(month.key)) < 7]
    text += f"；本月的日子分属 {len(split)} 周（周一至周日，周次按 ISO 标准编号）"
    if partial:
        text += f"，{'、'.join(partial)} 只有部分日子在本月，只计这些日子受理的投诉（见“本月内日期”）"
    return text + "。"


def section(con, params, scope, period: Period) -> tuple:
    """Section 二 of page 10: the sentence, the weeks by responsibility, channel and category, the case list."""
    from IPython.display import Markdown

    month = period.containing_month() if period.kind != "month" else period
    split = weekly_summary(con, month, "responsible", outlets=scope.outlets)
    shown = [Markdown(summary_sentence(split, month)), Markdown("**按责任性**"), display_frame(split.reset_index())]
    for by, title in (("channel", "按渠道"), ("category", "按投诉类别")):
        shown += [Markdown(f"**{title}**"), display_frame(weekly_summary(con, month, by, outlets=scope.outlets)
                                                         .reset_index())]
    cases = case_list(con, month, scope.tree_in_scope, excerpt_chars=params.complaints.case_excerpt_chars,
                      outlets=scope.outlets)
    note = (f"**案件清单**（{len(cases)} 件；投诉内容只列前 {params.complaints.case_excerpt_chars} 个字，"
            "客户信息已脱敏）" if len(cases) else "**案件清单**：本月没有受理投诉。")
    shown.append(Markdown(note))
    if len(cases):
        shown.append(display_frame(cases, CASE_LABELS))
    return tuple(shown)
