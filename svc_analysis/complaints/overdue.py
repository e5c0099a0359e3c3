"""The overdue list for chasing: ageing bands, the owner to chase, the hotline reply clock (issue 14).

Figures come from complaints.sla (overdue_open, hotline_clock); this module groups and words them.

- Ageing band (账龄) = whole days from receipt to month end (sla age_days) cut at
  [complaints.ageing_bands_days] (15, 30, 60): '15–30 天' is 15 <= age < 30, '30–60 天' is
  30 <= age < 60, '60 天以上' is age >= 60; an overdue complaint younger than the first edge (a
  shorter clock) is '不足 15 天'. The edges are the closing deadlines: a case in '30–60 天' has
  outlived even a complex case's 30 days.
- Owner to chase (责任单位): the outlet where the complaint was lodged, its sub-branch and branch
  (the outlet tree), listed beside every case and summed per sub-branch and band.
- Hotline clock: hotline transfers against their own reply deadline ([complaints.hotline_reply_days]),
  see sla.hotline_clock; states in words: 按时答复 / 超时答复 / 未答复，已超期 / 未答复，剩余.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.complaints import sla
from svc_analysis.core.safety import md
from svc_analysis.views.plotting import display_frame
from svc_analysis.engine.scope import LEVEL_LABELS

BAND_COLUMN = "band"
STATE_LABELS = {"on_time": "按时答复", "late": "超时答复", "overdue": "未答复，已超期", "running": "未答复，未到期"}


def band_labels(edges: list[int]) -> list[str]:
    """['不足 15 天', '15–30 天', '30–60 天', '60 天以上'] for edges [15, 30, 60]."""
    inner = [f"{a}–{b} 天" for a, b in zip(edges, edges[1:])]
    return [f"不足 {edges[0]} 天", *inner, f"{edges[-1]} 天以上"]


def ageing_band(age_days, edges: list[int]) -> pd.Categorical:
    """Each age (whole days) in its band (module docstring), as an ordered categorical (pandas.cut)."""
    bins = [-float("inf"), *edges, float("inf")]
    return pd.cut(pd.Series(age_days, dtype="float64"), bins=bins, right=False, labels=band_labels(edges))


def with_bands(frame: pd.DataFrame, edges: list[int]) -> pd.DataFrame:
    """The overdue list (sla.overdue_open) with its ageing band after age_days."""
    out = frame.copy()
    out.insert(out.columns.get_loc("age_days") + 1, BAND_COLUMN, ageing_band(out["age_days"], edges).to_numpy())
    return out


def by_owner(frame: pd.DataFrame, edges: list[int]) -> pd.DataFrame:
    """Overdue complaints per branch and sub-branch (the owners to chase) and band, with 合计; bands
    without a case in the whole list are left out, the first band too when empty."""
    labels = band_labels(edges)
    if frame.empty:
        return pd.DataFrame(columns=["branch", "subbranch", *labels[1:], "合计"])
    bands = ageing_band(frame["age_days"], edges)
    table = pd.crosstab([frame["branch"].fillna("未知"), frame["subbranch"].fillna("未知")], bands, dropna=False)
    keep = [b for b in labels if b in table.columns and (table[b].sum() > 0 or b != labels[0])]
    table = table[keep]
    table = table[table.sum(axis=1) > 0]
    table["合计"] = table.sum(axis=1)
    table = table.sort_values("合计", ascending=False, kind="stable").reset_index()
    table.columns.name = None
    return table


def ageing_sentence(frame: pd.DataFrame, edges: list[int]) -> str:
    """'月末超期未办结投诉 4 件，按受理天数：15–30 天 1 件、30–60 天 2 件、60 天以上 1 件；最久一件已受理 95 天（网点）。'"""
    if frame.empty:
        return "月末没有超期未办结的投诉。"
    counts = ageing_band(frame["age_days"], edges).value_counts(sort=False)
    parts = [f"{band} {n} 件" for band, n in counts.items() if n]
    oldest = frame.loc[frame["age_days"].idxmax()]
    where = md(oldest["outlet_name"]) if pd.notna(oldest["outlet_name"]) else md(oldest["outlet_id"])
    return (f"月末超期未办结投诉 {len(frame)} 件，按受理天数：{'、'.join(parts)}；"
            f"最久一件已受理 {int(oldest['age_days'])} 天（{where}）。")


def clock_state(state: str, days) -> str:
    """A hotline case's state in words: 按时答复 / 超时答复（超 2 天） / 未答复，已超期 3 天 / 未答复，剩余 1 天."""
    d = "不足 1 天" if pd.isna(days) or int(days) < 1 else f"{int(days)} 天"
    return {"on_time": "按时答复", "late": f"超时答复（超 {d}）", "overdue": f"未答复，已超期 {d}",
            "running": f"未答复，剩余 {d}"}[state]


def clock_sentence(clock: pd.DataFrame, reply_days: int) -> str:
    """The hotline clock in one sentence: due this month, answered on time, unanswered at month end."""
    due_in_month = clock[clock["due_in_month"]]
    on_time = int((due_in_month["state"] == "on_time").sum())
    open_ = clock[clock["state"].isin(["overdue", "running"])]
    overdue = int((open_["state"] == "overdue").sum())
    return (f"热线转办投诉应在受理后 {reply_days} 天内答复。答复期限落在本月的 {len(due_in_month)} 件中，"
            f"按时答复 {on_time} 件；月末仍未答复 {len(open_)} 件，其中已超过答复期限 {overdue} 件。")


def attention(clock: pd.DataFrame) -> pd.DataFrame:
    """The clock's cases that need chasing (answered late in the month, or unanswered), with the state
    in words in ``status``; on-time answers are left out (they are counted in the sentence)."""
    out = clock[clock["state"] != "on_time"].copy()
    out["status"] = [clock_state(s, d) for s, d in zip(out["state"], out["days"])]
    return out


LIST_LABELS = {"complaint_id": "投诉编号", "received_at": "受理时间", "deadline": "办结期限", "age_days": "已受理天数",
               BAND_COLUMN: "账龄", "days_overdue": "超期天数", "reply_deadline": "热线答复期限",
               "replied_at": "答复时间", "outlet_name": LEVEL_LABELS["outlet"], "subbranch": LEVEL_LABELS["subbranch"],
               "branch": LEVEL_LABELS["branch"],
               "channel": "渠道", "category": "投诉类别", "complexity": "复杂程度", "customer_id": "客户号",
               "customer_phone": "联系电话"}
LIST_COLUMNS = list(LIST_LABELS)
CLOCK_LABELS = {"complaint_id": "投诉编号", "received_at": "受理时间", "reply_deadline": "答复期限",
                "answered_at": "答复时间", "status": "状态", "outlet_name": LEVEL_LABELS["outlet"],
                "subbranch": LEVEL_LABELS["subbranch"],
                "branch": LEVEL_LABELS["branch"], "category": "投诉类别"}


def section(con, params, scope, period) -> tuple:
    """Section 四 of page 10: overdue open complaints by ageing band and owner, the list, the hotline clock."""
    from IPython.display import Markdown

    p = params.complaints
    month, edges = period.month_key, p.ageing_bands_days
    frame = sla.overdue_open(con, month, scope.tree_in_scope, closing_days=p.closing_days.model_dump(),
                             hotline_reply_days=p.hotline_reply_days, outlets=scope.outlets)
    shown = [Markdown(ageing_sentence(frame, edges))]
    if len(frame):
        owners = by_owner(frame, edges).rename(columns={"branch": LEVEL_LABELS["branch"],
                                                        "subbranch": LEVEL_LABELS["subbranch"]})
        shown += [Markdown("**按责任单位和账龄**（向网点所属支行、二级分行督办）"), display_frame(owners),
                  Markdown("**超期未办结明细**（热线转办的投诉另列答复期限；客户信息已脱敏）"),
                  display_frame(with_bands(frame, edges)[LIST_COLUMNS], LIST_LABELS)]
    clock = sla.hotline_clock(con, month, scope.tree_in_scope, reply_days=p.hotline_reply_days, outlets=scope.outlets)
    shown.append(Markdown(clock_sentence(clock, p.hotline_reply_days)))
    late = attention(clock)
    if len(late):
        shown.append(display_frame(late[list(CLOCK_LABELS)], CLOCK_LABELS))
    return tuple(shown)
