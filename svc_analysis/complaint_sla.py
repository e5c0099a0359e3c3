"""Complaint handling clocks: reply and closing deadlines, overdue open cases, escalations, repeats.

Definitions (DATA_CONTRACT.md "Output"; DOMAIN.md §1; seed 003):

- comment-book reply deadline = received_at + [complaints.comment_book_reply_hours] (72 h, 最迟在
  三日内). comment_book_on_time_rate = comment-book complaints whose deadline falls in the month and
  that were replied at or before it / comment-book complaints whose deadline falls in the month. A
  reply exactly at 72 h is on time; a complaint never replied is late.
- closing deadline = received_at + [complaints.closing_days] by complexity (15 days; 30 complex; 60
  very complex; empty complexity = normal). complaints_closed_on_time_rate: as above with closed_at.
- complaints_overdue_open: complaints received before month end, not closed by month end (closed_at
  empty or after it) and whose closing deadline is before month end.
- escalations: complaints of the month from [complaints.escalate_channels] (media, regulator).
- repeat complainant: a customer (customer_id, else customer_phone) with a complaint in the month
  and another one within [complaints.repeat_window_days] days before it.

"Month end" is the first instant of the next month (the period is [start, end)). Personal fields in
lists are masked (masking.mask_frame) before they leave this module.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis import kpis
from svc_analysis.complaints import AREA, label, scope_sql
from svc_analysis.masking import mask_frame
from svc_analysis.periods import month_bounds

COMPLEXITIES = ("normal", "complex", "very_complex")


def closing_deadline_sql(closing_days: dict) -> str:
    """DuckDB expression for the closing deadline of a complaints row (days from params by complexity)."""
    missing = [c for c in COMPLEXITIES if c not in closing_days]
    if missing:
        raise ValueError(f"closing_days lacks {', '.join(missing)} (params complaints.closing_days)")
    days = " ".join(f"WHEN '{c}' THEN {int(closing_days[c])}" for c in COMPLEXITIES[1:])
    return (f"(received_at + to_days(CASE coalesce(complexity, 'normal') {days} "
            f"ELSE {int(closing_days['normal'])} END))")


def clocks_by_outlet(con, month: str, *, reply_hours: float, closing_days: dict, outlets=None) -> pd.DataFrame:
    """Per outlet: reply_due, reply_on_time, close_due, close_on_time, overdue_open (definitions above)."""
    start, end = month_bounds(month)
    where, params = scope_sql(outlets)
    reply = f"(received_at + to_microseconds(CAST({float(reply_hours)} * 3600e6 AS BIGINT)))"
    close = closing_deadline_sql(closing_days)
    return con.execute(
        f"""SELECT outlet_id,
              count(*) FILTER (WHERE channel = 'comment_book' AND {reply} >= ? AND {reply} < ?) AS reply_due,
              count(*) FILTER (WHERE channel = 'comment_book' AND {reply} >= ? AND {reply} < ?
                               AND replied_at <= {reply}) AS reply_on_time,
              count(*) FILTER (WHERE {close} >= ? AND {close} < ?) AS close_due,
              count(*) FILTER (WHERE {close} >= ? AND {close} < ? AND closed_at <= {close}) AS close_on_time,
              count(*) FILTER (WHERE received_at < ? AND (closed_at IS NULL OR closed_at >= ?)
                               AND {close} < ?) AS overdue_open
            FROM complaints WHERE received_at < ? AND {where} GROUP BY 1""",
        [start, end] * 4 + [end, end, end, end, *params]).df()


def sla_kpis(con, month: str, tree: pd.DataFrame, *, reply_hours: float, closing_days: dict,
             reply_target: float | None, close_target: float | None, scope_level: str | None = None,
             outlets=None) -> pd.DataFrame:
    """KPI rows comment_book_on_time_rate, complaints_closed_on_time_rate, complaints_overdue_open."""
    frame = clocks_by_outlet(con, month, reply_hours=reply_hours, closing_days=closing_days, outlets=outlets)
    common = dict(month=month, area=AREA, scope_level=None if scope_level == "province" else scope_level)
    return pd.concat([
        kpis.rollup(frame.rename(columns={"reply_on_time": "numerator", "reply_due": "denominator"}), tree,
                    metric="comment_book_on_time_rate", target=reply_target, **common),
        kpis.rollup(frame.rename(columns={"close_on_time": "numerator", "close_due": "denominator"}), tree,
                    metric="complaints_closed_on_time_rate", target=close_target, **common),
        kpis.rollup(frame[["outlet_id", "overdue_open"]].rename(columns={"overdue_open": "value"}), tree,
                    metric="complaints_overdue_open", kind="count", **common),
    ], ignore_index=True)


def _named(frame: pd.DataFrame, tree: pd.DataFrame) -> pd.DataFrame:
    names = tree[["outlet_id", "outlet_name", "branch"]]
    out = frame.merge(names, on="outlet_id", how="left")
    for kind in ("channel", "category"):
        if kind in out.columns:
            out[kind] = [label(kind, v) for v in out[kind]]
    return out


def overdue_open(con, month: str, tree: pd.DataFrame, *, closing_days: dict, outlets=None) -> pd.DataFrame:
    """The overdue open complaints at month end, oldest first, customer fields masked.

    Columns: complaint_id, received_at, deadline, age_days (whole days from receipt to month end),
    days_overdue (whole days from the deadline to month end),
    outlet_id, outlet_name, branch, channel, category, complexity, customer_id, customer_phone.
    """
    start, end = month_bounds(month)
    where, params = scope_sql(outlets)
    close = closing_deadline_sql(closing_days)
    frame = con.execute(
        f"""SELECT complaint_id, received_at, {close} AS deadline,
                   floor(epoch(?::TIMESTAMP - received_at) / 86400)::INTEGER AS age_days,
                   floor(epoch(?::TIMESTAMP - {close}) / 86400)::INTEGER AS days_overdue,
                   outlet_id, channel, category, coalesce(complexity, 'normal') AS complexity,
                   customer_id, customer_phone
            FROM complaints WHERE received_at < ? AND (closed_at IS NULL OR closed_at >= ?) AND {close} < ?
              AND {where} ORDER BY received_at, complaint_id""", [end, end, end, end, end, *params]).df()
    frame["complexity"] = [label("complexity", v) for v in frame["complexity"]]
    return mask_frame(_named(frame, tree))


def escalations(con, month: str, tree: pd.DataFrame, *, channels: list[str], outlets=None) -> pd.DataFrame:
    """Media and regulator complaints of the month (channels from params), masked, with their status.

    Columns: complaint_id, received_at, outlet_id, outlet_name, branch, channel, category, responsible,
    replied_at, closed_at, status (已办结 / 已答复未办结 / 未答复), description (masked).
    """
    start, end = month_bounds(month)
    where, params = scope_sql(outlets)
    frame = con.execute(
        f"""SELECT complaint_id, received_at, outlet_id, channel, category, responsible, replied_at, closed_at,
                   CASE WHEN closed_at IS NOT NULL AND closed_at < ? THEN '已办结'
                        WHEN replied_at IS NOT NULL AND replied_at < ? THEN '已答复未办结' ELSE '未答复' END AS status,
                   description
            FROM complaints WHERE received_at >= ? AND received_at < ? AND channel IN (SELECT unnest(?::VARCHAR[]))
              AND {where} ORDER BY received_at, complaint_id""", [end, end, start, end, list(channels), *params]).df()
    return mask_frame(_named(frame, tree), columns=["description"])


def repeat_complainants(con, month: str, tree: pd.DataFrame, *, window_days: int, outlets=None) -> pd.DataFrame:
    """Customers who complained in the month and also within ``window_days`` days before (definition above).

    One row per customer (masked): customer, complaints (in the month and the window before it),
    first_at, last_at, outlets, categories; most complaints first.
    """
    start, end = month_bounds(month)
    where, params = scope_sql(outlets)
    frame = con.execute(
        f"""WITH c AS (
              SELECT *, coalesce('id:' || customer_id, 'tel:' || customer_phone) AS who FROM complaints
              WHERE received_at >= ?::TIMESTAMP - to_days(?) AND received_at < ? AND {where}
                AND (customer_id IS NOT NULL OR customer_phone IS NOT NULL)),
            flagged AS (
              SELECT who, received_at,
                     lag(received_at) OVER (PARTITION BY who ORDER BY received_at, complaint_id) AS previous
              FROM c)
            SELECT c.who, any_value(customer_id) AS customer_id, any_value(customer_phone) AS customer_phone,
                   count(*) AS complaints, min(received_at) AS first_at, max(received_at) AS last_at,
                   string_agg(DISTINCT outlet_id, '、' ORDER BY outlet_id) AS outlets,
                   list(DISTINCT category ORDER BY category) AS categories
            FROM c WHERE who IN (SELECT who FROM flagged WHERE received_at >= ? AND previous IS NOT NULL
                                   AND received_at - previous <= to_days(?))
            GROUP BY c.who ORDER BY complaints DESC, first_at""",
        [start, int(window_days), end, *params, start, int(window_days)]).df()
    frame["categories"] = ["、".join(label("category", k) for k in ks) for ks in frame["categories"]]
    return mask_frame(frame.drop(columns="who"))
