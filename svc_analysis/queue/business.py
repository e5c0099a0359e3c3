"""What lies behind the waits: business types, and the customers' efficiency complaints per outlet
(DOMAIN.md §5 queue efficiency, §1 complaint category 服务效率 efficiency; seeds 001, 003, 004).

Definitions (queue.py for wait and overtime; params in brackets):
- business types: tickets of the month per tickets.business_type (empty = 未填写): tickets, served,
  mean and 90th-percentile wait (DuckDB quantile_cont), overtime share of the served, mean and
  90th-percentile service minutes (finished_at − called_at, tickets that have both);
- complaint link, over the [queue.complaint_link_months] months ending with the report month (one
  month holds too few complaints per outlet to compare): per outlet, customers served, overtime share,
  efficiency complaints (category ``efficiency``, received in the window) and their rate per 10,000
  customers served ([complaints.per_customers], the complaint-rate base), plus the mean survey
  efficiency score (surveys.efficiency, answered in the window). Across outlets the link is measured
  by Spearman's rank correlation (pandas; ties get average ranks), which needs no linearity.
"""

from __future__ import annotations

import ibis
import pandas as pd

from svc_analysis.engine import measures
from svc_analysis.engine import org
from svc_analysis.engine import warehouse
from svc_analysis.core.periods import add_months, month_bounds, month_start, next_month_start
from svc_analysis.queue.queue import PERCENTILE, month_tickets, tickets_between
from svc_analysis.core.safety import md

EFFICIENCY = "efficiency"  # the contract's complaint category for waiting / efficiency
UNKNOWN_TYPE = "未填写"


def business_types(con, month: str, outlets: list[str] | None, threshold: float) -> pd.DataFrame:
    """Per business type, most tickets first: tickets, share (of the month's tickets), served,
    mean_wait, p90_wait, overtime_share, mean_service, p90_service."""
    t = month_tickets(con, month, outlets, threshold)
    service = measures.minutes_between(t.called_at, t.finished_at)
    frame = (t.group_by(business_type=t.business_type.strip().nullif("").fill_null(UNKNOWN_TYPE))
             .aggregate(tickets=t.count(), served=measures.customers_served(t), mean_wait=t.wait.mean(),
                        p90_wait=t.wait.quantile(PERCENTILE),
                        overtime_share=t.count(where=t.overtime) / measures.customers_served(t).nullif(0),
                        mean_service=service.mean(), p90_service=service.quantile(PERCENTILE))
             .order_by([ibis.desc("tickets"), "business_type"]).to_pandas())
    total = frame["tickets"].sum()
    frame.insert(2, "share", frame["tickets"] / total if total else float("nan"))
    return frame


def link_window(month: str, months: int) -> tuple[str, str]:
    """(first month, last month) of the complaint-link window: ``months`` months ending with ``month``."""
    if months < 1:
        raise ValueError(f"queue.complaint_link_months must be at least 1, not {months}")
    return add_months(month, -(months - 1)), month


def complaint_link(con, month: str, tree: pd.DataFrame, threshold: float, months: int,
                   per_customers: int) -> pd.DataFrame:
    """Per outlet of ``tree`` over the link window: served, overtime, overtime_share,
    efficiency_complaints, complaints_per_10k (per ``per_customers`` served), survey_efficiency
    (mean score, NaN without answers), survey_answers. Outlets with nothing in the window show zeros."""
    first, last = link_window(month, months)
    start, end = month_bounds(first)[0], month_bounds(last)[1]
    ids = tree["outlet_id"].tolist()
    t = tickets_between(con, start, end, ids, threshold)
    waits = t.group_by("outlet_id").aggregate(served=measures.customers_served(t), overtime=t.count(where=t.overtime))
    ib = warehouse.engine(con)
    c = org.scope_filter(ib.table("complaints"), ids)
    c = c.filter(c.category == EFFICIENCY, c.received_at >= start, c.received_at < end)
    complaints = c.group_by("outlet_id").aggregate(efficiency_complaints=c.count())
    sv = org.scope_filter(ib.table("surveys"), ids)
    sv = sv.filter(sv.answered_on >= month_start(first), sv.answered_on < next_month_start(last))
    surveys = sv.group_by("outlet_id").aggregate(survey_efficiency=sv.efficiency.mean(),
                                                 survey_answers=sv.efficiency.count())
    out = tree[["outlet_id", "outlet_name", "subbranch", "branch"]].reset_index(drop=True)
    for part in (waits, complaints, surveys):
        out = out.merge(part.to_pandas(), on="outlet_id", how="left")
    counts = ["served", "overtime", "efficiency_complaints", "survey_answers"]
    out[counts] = out[counts].fillna(0).astype("int64")
    served = out["served"].where(out["served"] > 0)
    out["overtime_share"] = out["overtime"] / served
    out["complaints_per_10k"] = out["efficiency_complaints"] / served * per_customers
    return out


def link_correlation(link: pd.DataFrame) -> dict:
    """Spearman rank correlation across outlets with customers served: overtime share against
    efficiency complaints per 10,000 served and against the survey efficiency score. NaN when fewer
    than 3 outlets or a column does not vary."""
    rows = link[link["served"] > 0]
    out = {"outlets": int(len(rows))}
    for name, column in (("complaints", "complaints_per_10k"), ("survey", "survey_efficiency")):
        pair = rows[["overtime_share", column]].dropna()
        varies = len(pair) >= 3 and pair[column].nunique() > 1 and pair["overtime_share"].nunique() > 1
        out[name] = float(pair["overtime_share"].corr(pair[column], method="spearman")) if varies else float("nan")
    return out


def link_sentence(link: pd.DataFrame, corr: dict, first: str, last: str) -> str:
    """The link in one paragraph (Chinese): the outlet with most efficiency complaints per 10,000 and
    the rank correlations."""
    rows = link[link["served"] > 0]
    total = int(rows["efficiency_complaints"].sum())
    if rows.empty:
        return f"{first} 至 {last} 没有已叫号的排队记录，无法比较。"
    top = rows.sort_values(["complaints_per_10k", "outlet_id"], ascending=[False, True]).iloc[0]

    def rho(value):
        return "无数据（网点太少或数值无差异）" if pd.isna(value) else f"{value:.2f}"

    lead = (f"效率类投诉最多的是 **{md(top['outlet_name'])}**（每万名客户 {top['complaints_per_10k']:.1f} 件，"
            f"超时占比 {top['overtime_share'] * 100:.1f}%）。" if total else "期间没有效率类投诉。")
    return (f"{first} 至 {last}，{corr['outlets']} 个网点共有效率类投诉 {total} 件。{lead}"
            f"各网点超时占比与效率类投诉率的等级相关系数为 {rho(corr['complaints'])}，"
            f"与问卷“效率”评分的相关系数为 {rho(corr['survey'])}（接近 1 或 −1 表示关联强，"
            f"相关不等于因果）。")
