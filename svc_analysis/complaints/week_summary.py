"""周汇总: what the weekly complaints page (notebooks/weekly/11_complaints_week) shows, one call a section.

The week is a core.period.Period (ISO week, Monday to Sunday). Every figure comes from the area's own
rows (area.kpi_rows for the week: complaints_total, complaints_responsible, complaint_rate_per_10k,
praises_total, judged and volume-checked there) or from the same counting functions as the monthly
page over the week's days (complaints.breakdown, sla.escalations for the case list): nothing here
judges again. A unit's rate below the minimum volume (params volumes) says 样本不足, never a rank.
Personal fields are masked (sla.escalations masks the text, display_frame masks every text cell).
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.complaints import area, complaints, sla
from svc_analysis.core import contract, status
from svc_analysis.core.period import Period
from svc_analysis.core.safety import md
from svc_analysis.engine.scope import LEVEL_LABELS, Scope
from svc_analysis.views import display, plotting
from svc_analysis.views.plotting import display_frame

WEEK_METRICS = [m for m in area.METRICS if "week" in m.cadences]  # the week's rows, in catalogue order
_BELOW = {"province": "branch", "branch": "subbranch", "subbranch": "outlet"}
_BREAKDOWN_LABELS = {"label": "分类", "complaints": "投诉（件）", "responsible": "其中责任性", "share": "占比",
                     "cum_share": "累计占比"}
_CASE_LABELS = {"complaint_id": "投诉编号", "received_at": "受理时间", "outlet_name": LEVEL_LABELS["outlet"],
                "branch": LEVEL_LABELS["branch"],
                "channel": "渠道", "category": "投诉类别", "responsible": "责任性", "replied_at": "答复时间",
                "closed_at": "办结时间", "status": "截至周日状态", "description": "投诉内容（已脱敏）"}


def _markdown(text: str):
    from IPython.display import Markdown

    return Markdown(text)


def _figure(metric: str, value) -> str:
    if display.missing(value):
        return plotting.NO_DATA
    return f"{value:.2f}" if metric == "complaint_rate_per_10k" else f"{value:.0f}"


def _own(rows: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    return rows[(rows["level"] == scope.level) & (rows["unit_id"] == scope.unit_id)].set_index("metric")


def headline(rows: pd.DataFrame, before: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """One line per weekly metric for the scope's own unit: 指标, 本周, 上周, 目标, 状态 (the row's own status)."""
    mine, last = _own(rows, scope), _own(before, scope)
    out = []
    for m in WEEK_METRICS:
        if m.id not in mine.index:
            continue
        r = mine.loc[m.id]
        target = "" if pd.isna(r["target"]) else ("≤ " if m.lower_is_better else "≥ ") + _figure(m.id, r["target"])
        out.append({"指标": m.name, "本周": _figure(m.id, r["value"]),
                    "上周": _figure(m.id, last["value"].get(m.id)) if m.id in last.index else plotting.NO_DATA,
                    "目标": target, "状态": status.label(r["status"])})
    return pd.DataFrame(out)


def week_sentence(rows: pd.DataFrame, before: pd.DataFrame, scope: Scope, period: Period) -> str:
    """The week in one sentence: complaints against last week, responsible ones, praises (Chinese)."""
    mine, last = _own(rows, scope), _own(before, scope)

    def count(frame, metric):
        return int(frame.loc[metric, "value"]) if metric in frame.index and pd.notna(frame.loc[metric, "value"]) else 0

    now, then = count(mine, "complaints_total"), count(last, "complaints_total")
    change = "持平" if now == then else (f"增加 {now - then} 件" if now > then else f"减少 {then - now} 件")
    responsible = count(mine, "complaints_responsible")
    verdict = status.label(mine.loc["complaints_responsible", "status"]) if "complaints_responsible" in mine.index else ""
    return (f"{md(scope.label)}{period.label}受理投诉 **{now} 件**，较上周（{then} 件）{change}；"
            f"其中责任性投诉 **{responsible} 件**（目标为零，{verdict}）；收到表扬 {count(mine, 'praises_total')} 件。")


def overview(con, params, scope: Scope, period: Period, rows: pd.DataFrame) -> tuple:
    """Section 一: the sentence and the headline table, against the week before (its own area rows)."""
    before = area.kpi_rows(con, params, scope, period.previous())
    return (_markdown(week_sentence(rows, before, scope, period)), display_frame(headline(rows, before, scope)))


def breakdowns(con, scope: Scope, period: Period) -> tuple:
    """Section 二: the week's complaints by channel, by category and by responsibility (largest first);
    a week without complaints says so instead of three empty tables."""
    shown = []
    for by, title in (("channel", "渠道"), ("category", "投诉类别"), ("responsible", "责任性")):
        frame = complaints.breakdown(con, period, by, outlets=scope.outlets).drop(columns="key")
        if frame.empty:
            return (_markdown("本周没有受理投诉。"),)
        shown += [_markdown(f"**按{title}**"),
                  display_frame(frame, _BREAKDOWN_LABELS, percent=("share", "cum_share"))]
    return tuple(shown)


def units(rows: pd.DataFrame, scope: Scope) -> pd.DataFrame | None:
    """Section 三: the level below the scope, most complaints first: complaints, responsible, customers
    served, rate per 10,000 with its status (样本不足 below the minimum volume: shown, not judged).
    None below the outlets."""
    level = _BELOW.get(scope.level)
    if level is None:
        return None
    part = rows[rows["level"] == level]
    wide = part.pivot(index="unit_id", columns="metric", values="value")
    rate = part[part["metric"] == "complaint_rate_per_10k"].set_index("unit_id")
    table = pd.DataFrame({
        "投诉总量（件）": wide["complaints_total"].astype("int64"),
        "责任性投诉（件）": wide["complaints_responsible"].astype("int64"),
        "服务客户（人次）": rate["denominator"].astype("int64"),
        "万人投诉率": [_figure("complaint_rate_per_10k", v) for v in rate["value"]],
        "投诉率状态": [status.label(s) for s in rate["status"]],
    }, index=wide.index)
    table = table.sort_values(["投诉总量（件）", "服务客户（人次）"], ascending=[False, False])
    table.index.name = LEVEL_LABELS[level]
    return display_frame(table.reset_index())


def case_list(con, scope: Scope, period: Period) -> tuple:
    """Section 四: every complaint received in the week, oldest first, with its state at the week's end
    (已办结 / 已答复未办结 / 未答复); the text masked."""
    frame = sla.escalations(con, period, scope.tree_in_scope, channels=list(contract.CHANNELS),
                            outlets=scope.outlets)
    frame = frame.assign(responsible=frame["responsible"].map({True: "是", False: "否"}).fillna("未填"))
    frame = frame[[c for c in _CASE_LABELS if c in frame.columns]]
    open_ = int((frame["status"] != "已办结").sum())
    return (_markdown(f"本周受理的投诉共 {len(frame)} 件，截至周日 24 时仍未办结 {open_} 件。"),
            display_frame(frame, _CASE_LABELS))
