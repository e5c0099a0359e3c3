"""The daily watch's complaint alerts 日监测 (issue 15): what needs action the morning after ``day``.

``con`` is the warehouse as known at the day's end (engine.as_of): a complaint replied or closed
after the day is unreplied / open here. "The day's end" E is the first instant of the next day.
Rules (params in brackets; definitions shared with the month's figures):

- complaint_cluster 投诉聚集: an alarm of the monthly page's detector (clusters.detect, params
  [complaints.clusters]) run over the data up to the day with the day as its period: the 7-day
  window ending on the day is above the series' limit, and the alarm is new (its first alarm day is
  the day: 新发) or its complaints still run above the baseline on the day (持续);
- escalation 媒体、监管投诉: complaints received on the day from [complaints.escalate_channels];
- reply_overdue / reply_due 意见簿答复超期 / 到期: comment-book complaints, not replied and not closed
  at E, whose reply deadline (sla.reply_deadline: received + [complaints.comment_book_reply_hours])
  is before E / falls in [E, E + [complaints.watch.reply_due_hours]);
- closing_overdue / closing_due 超期未办结 / 办结期限将至: complaints open at E whose closing deadline
  (sla.closing_deadline: 15 / 30 / 60 days by complexity, [complaints.closing_days]) is before E /
  falls in [E, E + [complaints.watch.closing_due_days] days).
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from svc_analysis.complaints import clusters
from svc_analysis.complaints.complaints import label, scoped
from svc_analysis.complaints.sla import closing_deadline, reply_deadline
from svc_analysis.core.areas import WATCH_ALERT_COLUMNS
from svc_analysis.core.period import Period
from svc_analysis.engine.scope import Scope

ACTIONS = {
    "new_cluster": "启动紧急应急机制：查明共同原因（产品或系统故障、政策变化等），通知责任部门并向上报告",
    "cluster": "跟进应急处置进展，直至该类投诉回落到正常水平",
    "escalation": "当日上报并指定专人跟进，按媒体、监管渠道要求及时答复",
    "reply_overdue": "立即答复客户，并查明超期原因",
    "reply_due": "在答复期限前答复客户",
    "closing_overdue": "督促办结，并说明超期原因",
    "closing_due": "在办结期限前办结，复杂情况及时申请延期",
}


def _at(value) -> str:
    return f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"


def cluster_alerts(con, params, scope: Scope, day: Period) -> list[dict]:
    """complaint_cluster rows: clusters.detect as the monthly page runs it, as of the day."""
    c = params.complaints.clusters
    alarms = clusters.detect(con, day.start, day.end, window_days=c.window_days, baseline_days=c.baseline_days,
                             min_baseline_days=c.min_baseline_days, alpha=c.alpha, min_excess=c.min_excess,
                             baseline_floor_per_day=c.baseline_floor_per_day,
                             product_series=c.product_series, outlets=scope.outlets)
    rows = []
    for a in alarms.itertuples():
        new = a.first_alarm == day.start
        rows.append({"rule_id": "complaint_cluster", "subject": f"{a.kind}:{a.key}",
                     "rule": "投诉聚集（新发）" if new else "投诉聚集（持续）",
                     "unit": f"{a.series}（{scope.label}）",
                     "figure": f"{a.start:%m月%d日}以来 {a.complaints:.0f} 件，比基线多 {a.excess:.0f} 件",
                     "threshold": f"{c.window_days} 日合计超过 {a.limit:.0f} 件即为聚集",
                     "action": ACTIONS["new_cluster" if new else "cluster"]})
    return rows


def open_complaints(con, scope: Scope, day: Period, *, reply_hours: float, closing_days: dict) -> pd.DataFrame:
    """The complaints known at the day's end that are still open or were received on the day, with
    their deadlines: complaint_id, received_at, outlet_id, channel, category, replied_at, closed_at,
    reply_due, closing_due, oldest first."""
    start, end = day.bounds
    t = scoped(con, "complaints", None, end, scope.outlets)
    still_open = t.closed_at.isnull() | (t.closed_at >= end)
    return (t.filter(still_open | (t.received_at >= start))
            .select("complaint_id", "received_at", "outlet_id", "channel", "category", "replied_at", "closed_at",
                    reply_due=reply_deadline(t, reply_hours), closing_due=closing_deadline(t, closing_days),
                    is_open=still_open, unreplied=t.replied_at.isnull() | (t.replied_at >= end))
            .order_by("received_at", "complaint_id").to_pandas())


def _case(rule_id: str, rule: str, row, scope: Scope, figure: str, threshold: str) -> dict:
    return {"rule_id": rule_id, "subject": row.complaint_id, "rule": rule, "unit": scope.outlet_label(row.outlet_id),
            "figure": f"投诉 {row.complaint_id}（{label('channel', row.channel)}，{label('category', row.category)}）："
                      + figure, "threshold": threshold, "action": ACTIONS[rule_id]}


def case_alerts(con, params, scope: Scope, day: Period) -> list[dict]:
    """escalation, reply_overdue, reply_due, closing_overdue and closing_due rows (module docstring)."""
    p = params.complaints
    start, end = day.bounds
    frame = open_complaints(con, scope, day, reply_hours=p.comment_book_reply_hours,
                            closing_days=p.closing_days.model_dump())
    reply_soon = end + timedelta(hours=p.watch.reply_due_hours)
    close_soon = end + timedelta(days=p.watch.closing_due_days)
    out: dict[str, list[dict]] = {k: [] for k in ("escalation", "reply_overdue", "reply_due", "closing_overdue",
                                                  "closing_due")}
    for r in frame.itertuples():
        if r.received_at >= start and r.channel in p.escalate_channels:
            out["escalation"].append(_case("escalation", "媒体、监管投诉", r, scope, f"{_at(r.received_at)} 受理",
                                           "媒体、监管渠道投诉当日上报"))
        if not r.is_open:
            continue
        if r.channel == "comment_book" and r.unreplied:
            due = f"受理后 {p.comment_book_reply_hours:g} 小时内答复（期限 {_at(r.reply_due)}）"
            if r.reply_due < end:
                out["reply_overdue"].append(_case("reply_overdue", "意见簿答复超期", r, scope,
                                                  f"已超期 {_span(end - r.reply_due)}，仍未答复", due))
            elif r.reply_due < reply_soon:
                out["reply_due"].append(_case("reply_due", "意见簿答复到期", r, scope,
                                              f"距期限 {_span(r.reply_due - end)}", due))
        limit = f"办结期限 {_at(r.closing_due)}"
        if r.closing_due < end:
            out["closing_overdue"].append(_case("closing_overdue", "超期未办结", r, scope,
                                                f"{_at(r.received_at)} 受理，已超期 {_span(end - r.closing_due)}", limit))
        elif r.closing_due < close_soon:
            out["closing_due"].append(_case("closing_due", "办结期限将至", r, scope,
                                            f"{_at(r.received_at)} 受理，距期限 {_span(r.closing_due - end)}", limit))
    return [row for rows in out.values() for row in rows]


def _span(delta: timedelta) -> str:
    """A time span for the reader: hours up to two days, then whole days (rounded down)."""
    hours = delta.total_seconds() / 3600
    return f"{hours:.0f} 小时" if hours < 48 else f"{hours // 24:.0f} 天"


def alerts(con, params, scope: Scope, day: Period) -> pd.DataFrame:
    """Every complaint alert of ``day`` (WATCH_ALERT_COLUMNS): clusters, then the cases."""
    if day.kind != "day":
        raise ValueError(f"日监测按天计算，报告期 {day.key} 不是一天 (the watch takes a day, not {day.kind})")
    rows = cluster_alerts(con, params, scope, day) + case_alerts(con, params, scope, day)
    return pd.DataFrame(rows, columns=list(WATCH_ALERT_COLUMNS))

