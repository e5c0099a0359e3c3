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
- hotline reply deadline (热线转办答复时限) = received_at + [complaints.hotline_reply_days] days, for
  complaints the hotline centre transferred (channel hotline); answered = replied_at, else
  closed_at (a closed case was answered). The hotline clock lists at month end the hotline
  complaints answered late in the month and those still unanswered (days overdue, or days left).
- escalations: complaints of the month from [complaints.escalate_channels] (media, regulator).
- repeat complainant: a customer (customer_id, else customer_phone) with a complaint in the month
  and another one within [complaints.repeat_window_days] days before it.

"Month end" is the first instant of the next month (the period is [start, end)). Personal fields in
lists are masked (masking.mask_frame) before they leave this module. Queries are Ibis expressions on
warehouse.engine (issue 2's engine rule), aggregated in the engine.
"""

from __future__ import annotations

from datetime import timedelta

import ibis
import pandas as pd
from ibis import _

from svc_analysis.engine import kpis
from svc_analysis.complaints.complaints import AREA, label, scoped
from svc_analysis.core.masking import mask_frame
from svc_analysis.core.period import Period
from svc_analysis.core.periods import month_bounds

COMPLEXITIES = ("normal", "complex", "very_complex")


def closing_deadline(t: ibis.Table, closing_days: dict) -> ibis.Value:
    """Ibis closing deadline of each complaints row: received_at + closing_days[complexity] days
    (empty or unknown complexity = normal)."""
    missing = [c for c in COMPLEXITIES if c not in closing_days]
    if missing:
        raise ValueError(f"closing_days lacks {', '.join(missing)} (params complaints.closing_days)")
    complexity = t.complexity.fill_null("normal")
    due = {c: t.received_at + ibis.interval(days=int(closing_days[c])) for c in COMPLEXITIES}
    return ibis.cases(*((complexity == c, due[c]) for c in COMPLEXITIES[1:]), else_=due["normal"])


def closing_deadline_sql(closing_days: dict) -> str:
    """The closing deadline rule printed as SQL text, for a reader (docs/complaints.md), never executed.

    Every query uses the Ibis expression closing_deadline through warehouse.engine; this only shows
    what it means, compiled in the DuckDB dialect because that is the warehouse a reader knows."""
    t = ibis.table({"received_at": "timestamp", "complexity": "string"}, name="complaints")
    return ibis.to_sql(t.select(deadline=closing_deadline(t, closing_days)), dialect="duckdb")


def reply_deadline(t: ibis.Table, reply_hours: float) -> ibis.Value:
    """Ibis reply deadline of each complaints row: received_at + reply_hours (to the microsecond)."""
    return t.received_at + ibis.interval(microseconds=round(float(reply_hours) * 3600e6))


def clocks_by_outlet(con, month: str, *, reply_hours: float, closing_days: dict, outlets=None) -> pd.DataFrame:
    """Per outlet: reply_due, reply_on_time, close_due, close_on_time, overdue_open (definitions above)."""
    start, end = month_bounds(month)
    t = scoped(con, "complaints", None, end, outlets)
    reply, close = reply_deadline(t, reply_hours), closing_deadline(t, closing_days)
    reply_due = (t.channel == "comment_book") & (reply >= start) & (reply < end)
    close_due = (close >= start) & (close < end)
    return t.group_by("outlet_id").agg(
        reply_due=t.count(where=reply_due), reply_on_time=t.count(where=reply_due & (t.replied_at <= reply)),
        close_due=t.count(where=close_due), close_on_time=t.count(where=close_due & (t.closed_at <= close)),
        overdue_open=t.count(where=_open_overdue(t, close, end))).to_pandas()


def _open_overdue(t: ibis.Table, close: ibis.Value, end) -> ibis.Value:
    """Not closed by month end (closed_at empty or after it) and the closing deadline before it."""
    return (t.closed_at.isnull() | (t.closed_at >= end)) & (close < end)


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
    """The outlet's name, sub-branch and branch beside each row (who is chased), Chinese labels."""
    names = tree[["outlet_id", "outlet_name", "subbranch", "branch"]].drop_duplicates("outlet_id")
    out = frame.merge(names, on="outlet_id", how="left")
    for kind in ("channel", "category"):
        if kind in out.columns:
            out[kind] = [label(kind, v) for v in out[kind]]
    return out


def overdue_open(con, month: str, tree: pd.DataFrame, *, closing_days: dict, hotline_reply_days: int | None = None,
                 outlets=None) -> pd.DataFrame:
    """The overdue open complaints at month end, oldest first, customer fields masked.

    Columns: complaint_id, received_at, deadline, age_days (whole days from receipt to month end),
    days_overdue (whole days from the deadline to month end), reply_deadline (hotline transfers
    only, with ``hotline_reply_days``; empty otherwise), replied_at,
    outlet_id, channel, category, complexity, customer_id, customer_phone, outlet_name, subbranch, branch.
    """
    start, end = month_bounds(month)
    t = scoped(con, "complaints", None, end, outlets)
    close = closing_deadline(t, closing_days)
    month_end = ibis.literal(end, type="timestamp").epoch_seconds()

    def whole_days(since):
        return ((month_end - since.epoch_seconds()) / 86400).floor().cast("int32")

    reply_due = (ibis.cases((t.channel == "hotline", hotline_deadline(t, hotline_reply_days)))
                 if hotline_reply_days is not None else ibis.null("timestamp"))
    frame = (t.filter(_open_overdue(t, close, end))
             .select("complaint_id", "received_at", deadline=close, age_days=whole_days(t.received_at),
                     days_overdue=whole_days(close), reply_deadline=reply_due, replied_at=t.replied_at,
                     outlet_id=t.outlet_id, channel=t.channel,
                     category=t.category, complexity=t.complexity.fill_null("normal"),
                     customer_id=t.customer_id, customer_phone=t.customer_phone)
             .order_by("received_at", "complaint_id").to_pandas())
    frame["complexity"] = [label("complexity", v) for v in frame["complexity"]]
    return mask_frame(_named(frame, tree))


def hotline_deadline(t: ibis.Table, reply_days: int) -> ibis.Value:
    """Ibis reply deadline of a hotline transfer: received_at + reply_days days."""
    return t.received_at + ibis.interval(days=int(reply_days))


def hotline_clock(con, month: str, tree: pd.DataFrame, *, reply_days: int, outlets=None) -> pd.DataFrame:
    """Hotline transfers received before month end whose reply deadline falls in the month or that
    are unanswered at month end (definition above), oldest deadline first.

    Columns: complaint_id, received_at, reply_deadline, answered_at (replied_at, else closed_at),
    state (on_time / late / overdue / running), days (late, overdue: whole days past the deadline
    at the answer or month end; running: whole days left), due_in_month, outlet_id, category,
    channel, outlet_name, subbranch, branch.
    """
    start, end = month_bounds(month)
    t = scoped(con, "complaints", None, end, outlets).filter(_.channel == "hotline")
    due = hotline_deadline(t, reply_days)
    answered = ibis.coalesce(t.replied_at, t.closed_at)
    answered_in_time = answered.notnull() & (answered < end)
    month_end = ibis.literal(end, type="timestamp").epoch_seconds()
    late_days = ((answered.epoch_seconds() - due.epoch_seconds()) / 86400).floor().cast("int32")
    past_days = ((month_end - due.epoch_seconds()) / 86400).floor().cast("int32")
    left_days = ((due.epoch_seconds() - month_end) / 86400).floor().cast("int32")
    state = ibis.cases((answered_in_time & (answered <= due), "on_time"), (answered_in_time, "late"),
                       (due < end, "overdue"), else_="running")
    days = ibis.cases((state == "late", late_days), (state == "overdue", past_days), (state == "running", left_days),
                      else_=ibis.null("int32"))
    due_in_month = (due >= start) & (due < end)
    frame = (t.filter(due_in_month | ~answered_in_time)
             .select("complaint_id", "received_at", "outlet_id", "category", "channel", reply_deadline=due,
                     answered_at=answered.cast("timestamp"), state=state, days=days, due_in_month=due_in_month)
             .order_by("reply_deadline", "complaint_id").to_pandas())
    return _named(frame, tree)


def escalations(con, month: Period | str, tree: pd.DataFrame, *, channels: list[str], outlets=None) -> pd.DataFrame:
    """Media and regulator complaints of the month (channels from params), masked, with their status at
    month end; for any Period (a week) and every channel, the week's case list (周汇总).

    Columns: complaint_id, received_at, outlet_id, outlet_name, branch, channel, category, responsible,
    replied_at, closed_at, status (已办结 / 已答复未办结 / 未答复), description (masked).
    """
    start, end = Period.parse(month).bounds
    t = scoped(con, "complaints", start, end, outlets)
    status = ibis.cases((t.closed_at.notnull() & (t.closed_at < end), "已办结"),
                        (t.replied_at.notnull() & (t.replied_at < end), "已答复未办结"), else_="未答复")
    frame = (t.filter(t.channel.isin(list(channels)))
             .select("complaint_id", "received_at", "outlet_id", "channel", "category", "responsible",
                     "replied_at", "closed_at", status=status, description=t.description)
             .order_by("received_at", "complaint_id").to_pandas())
    return mask_frame(_named(frame, tree), columns=["description"])


NO_CATEGORY = ""  # an empty category inside the engine (no contract category is the empty text)


def repeat_complainants(con, month: str, tree: pd.DataFrame, *, window_days: int, outlets=None) -> pd.DataFrame:
    """Customers who complained in the month and also within ``window_days`` days before (definition above).

    One row per customer (masked): customer, complaints (in the month and the window before it),
    first_at, last_at, outlets, categories; most complaints first.
    """
    start, end = month_bounds(month)
    window = ibis.interval(days=int(window_days))
    c = (scoped(con, "complaints", start - timedelta(days=int(window_days)), end, outlets)
         .filter(_.customer_id.notnull() | _.customer_phone.notnull())
         .mutate(who=ibis.coalesce("id:" + _.customer_id, "tel:" + _.customer_phone)))
    flagged = c.select("who", "received_at", previous=c.received_at.lag().over(
        group_by=c.who, order_by=[c.received_at, c.complaint_id]))
    repeat = flagged.filter(flagged.received_at >= start, flagged.previous.notnull(),
                            flagged.received_at <= flagged.previous + window).who
    frame = (c.filter(c.who.isin(repeat)).group_by("who").agg(
        customer_id=_.customer_id.arbitrary(), customer_phone=_.customer_phone.arbitrary(),
        complaints=_.count(), first_at=_.received_at.min(), last_at=_.received_at.max(),
        # distinct lists, unordered in the engine (Spark has no ordered collect) and sorted on the small
        # result; an empty category is collected as NO_CATEGORY (Spark's collect drops NULLs), listed last
        outlets=_.outlet_id.collect(distinct=True),
        categories=_.category.fill_null(NO_CATEGORY).collect(distinct=True))
        .order_by(ibis.desc("complaints"), "first_at", "who").to_pandas())
    frame["outlets"] = ["、".join(sorted(ks)) for ks in frame["outlets"]]
    frame["categories"] = ["、".join(label("category", None if k == NO_CATEGORY else k)
                                    for k in sorted(ks, key=lambda k: (k == NO_CATEGORY, k))) for ks in frame["categories"]]
    return mask_frame(frame.drop(columns="who"))
