"""What notebook 40 shows of the month's reward and penalty ledger (奖惩台账): the active rule sets'
totals in a sentence, the branch totals and the ledger lines with their formula, and the inactive
rule sets for comparison. The ledger itself is inspections.month_ledger (rules applied to the
province's scores); this module only lays it out (Chinese labels, amounts as rules.fmt_number).
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core.period import Period
from svc_analysis.engine.scope import Scope
from svc_analysis.inspections import inspections, rules
from svc_analysis.views.plotting import display_frame


def month_ledger(con, scope: Scope, period: Period, params) -> pd.DataFrame:
    """The month's reward and penalty ledger of the whole province (inspections.month_ledger):
    the rules rank outlets province-wide even when a run shows one branch."""
    return inspections.month_ledger(con, scope.tree, period.month_key, params)


def ledger_sentence(ledger: pd.DataFrame, params, outlets=None) -> str:
    """The active rule sets' totals this month, in a sentence."""
    parts = []
    for rs in (r for r in params.rule_sets if r.active):
        part = ledger[ledger["rule_set"] == rs.name]
        if outlets is not None:
            part = part[part["outlet_id"].isin(outlets)]
        pen, rew = part[part["effect"] == "penalty"], part[part["effect"] == "reward"]
        parts.append(f"按{rs.label}，考核 {pen['outlet_id'].nunique()} 家网点共 {pen['amount'].sum():,.0f} 元，"
                     f"奖励 {rew['outlet_id'].nunique()} 家共 {rew['amount'].sum():,.0f} 元")
    if ledger.empty:
        return "本月没有神秘人检查得分，没有奖惩。"
    return "；".join(parts) + "。" if parts else "参数中没有启用的奖惩规则集（active: true）。"


def ledger_totals(ledger: pd.DataFrame, rule_set: str, outlets=None) -> pd.DataFrame:
    """Penalty, reward and net yuan per branch for one rule set."""
    part = ledger[ledger["rule_set"] == rule_set]
    if outlets is not None:
        part = part[part["outlet_id"].isin(outlets)]
    table = rules.totals(part, "branch")
    for col in ("penalty", "reward", "net"):
        table[col] = table[col].map(rules.fmt_number)
    return display_frame(table, labels={
        "branch": "二级分行", "penalty": "考核(元)", "reward": "奖励(元)", "net": "净额(元)"})


def ledger_display(ledger: pd.DataFrame, tree: pd.DataFrame, rule_set: str, outlets=None,
                   max_rows: int | None = None) -> tuple[pd.DataFrame, str]:
    """One rule set's ledger lines with the formula (scope's outlets; outlets with the largest penalty
    first, at most ``max_rows`` lines) and a note when lines were left out."""
    part = ledger[ledger["rule_set"] == rule_set]
    if outlets is not None:
        part = part[part["outlet_id"].isin(outlets)]
    part = inspections.with_tree(part.drop(columns=["branch", "subbranch"]), tree)
    penalty = part["amount"].where(part["effect"] == "penalty", 0).groupby(part["outlet_id"]).transform("sum")
    part = part.assign(_p=penalty).sort_values(["_p", "outlet_id", "effect", "rule_id"],
                                                ascending=[False, True, True, True], kind="stable")
    total = len(part)
    if max_rows is not None and total > max_rows:
        part = part.head(max_rows)
    note = (f"共 {total} 行，下表列出考核金额最大的网点的前 {len(part)} 行；按分行或支行运行（--scope）可看到该范围的全部台账。"
            if len(part) < total else "")
    part = part.assign(effect=part["effect"].map({"penalty": "考核(扣)", "reward": "奖励"}),
                       amount=part["amount"].map(rules.fmt_number), score=part["score"].map(rules.fmt_number),
                       target=part["target"].map(rules.fmt_number))
    cols = ["outlet_id", "outlet_name", "branch", "label", "effect", "score", "target", "place", "formula", "amount"]
    return display_frame(part[cols], labels={
        "outlet_id": "网点编号", "outlet_name": "网点", "branch": "二级分行", "label": "规则", "effect": "类别",
        "score": "得分", "target": "阶段目标", "place": "名次", "formula": "计算式", "amount": "金额(元)"}), note


def ledger_sections(ledger: pd.DataFrame, scope: Scope, params, active: bool = True) -> list:
    """What the page shows of the ledger: for the active rule sets (active=True) the month's totals in a
    sentence, then per rule set a heading, the branch totals and the lines; for the inactive ones
    (shown for comparison, not published) a heading and the lines."""
    tree, outlets = scope.tree, scope.outlets
    out = [ledger_sentence(ledger, params, outlets)] if active else []
    for rs in (r for r in params.rule_sets if r.active == active):
        if active:
            out += [f"**{rs.label}**（{rs.source}）：各二级分行合计", ledger_totals(ledger, rs.name, outlets)]
        else:
            out.append(f"**对照：{rs.label}**（未启用，不计入发布的奖惩金额）")
        table, note = ledger_display(ledger, tree, rs.name, outlets, params.ledger_rows_shown)
        out += [note, table]
    return out
