"""Alarms for the month's highlights: what the severity rules of params [summary.highlights.rules] find
in the areas' KPI rows, their ``status`` (core.status) and the areas' signals (issue 14).

Nothing here judges a KPI: a status rule reads the judgment the area wrote in the row; a count rule
reads a row's value (complaints overdue); a signal rule reads an alarm an area or the early warning
raised (complaint clusters through the complaints area's hook month_clusters; evaluator anomalies from
the satisfaction area's hook outlet_signals, as early_warning.signals carries them; outlets newly on
the warning list). Each rule gives at most one candidate (COLUMNS), its sentence the rule's Chinese
wording with the fields filled in (every value from the data through core.safety.md):

- status: {scope}, {name} (the rule metric's name), {items} (each matching row: name or unit, value,
  target, status word), {units} (the matching units' names), {count};
- count: {scope}, {name}, {value};
- signal: {items} (one per outlet or cluster, with its figures), {count}.
Strength (the tie-break within one severity): the number of matches, or value / at_least.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import status as st
from svc_analysis.core.safety import md
from svc_analysis.engine import kpis
from svc_analysis.summary import scorecard

COLUMNS = ["kind", "severity", "strength", "metric", "sentence"]
NAMED = 5  # outlets named in a sentence; more are counted ("等 N 个")


def matches(pattern: str, metric: str) -> bool:
    return metric == pattern or (pattern.endswith(":") and metric.startswith(pattern))


def _level(rule, own_level: str) -> str:
    if rule.level == "own":
        return own_level
    if rule.level == "outlet":
        return "outlet"
    return kpis.LEVELS[min(kpis.LEVELS.index(own_level) + 1, len(kpis.LEVELS) - 1)]


def _pct(x) -> str:
    return f"{float(x) * 100:.1f}%"


def _named(items: list[str]) -> str:
    more = f" 等 {len(items)} 个" if len(items) > NAMED else ""
    return "、".join(items[:NAMED]) + more


def _candidate(rule, strength: float, key: str, sentence: str) -> tuple:
    return (rule.kind, float(rule.severity), float(strength), key, sentence)


def status_candidate(rows: pd.DataFrame, rule, own: tuple[str, str], scope_label: str, *,
                     names: dict[str, str] | None = None, unit_names: dict[str, str] | None = None,
                     higher: dict[str, bool] | None = None) -> tuple | None:
    """The rows of rule.metric at the rule's level (own unit, the level below, or outlets) whose status
    is in rule.status, as one candidate; None when no row matches."""
    level = _level(rule, own[0])
    part = rows[(rows["level"] == level) & rows["metric"].map(lambda m: matches(rule.metric, m))
                & rows["status"].isin(rule.status)]
    if rule.level == "own":
        part = part[part["unit_id"] == own[1]]
    if part.empty:
        return None
    higher, unit_names = higher or {}, unit_names or {}
    items, units = [], []
    for r in part.itertuples(index=False):
        unit = md(unit_names.get(r.unit_id, r.unit_id))
        what = md(scorecard.label(r.metric, names).split("：", 1)[-1]) if rule.level == "own" else unit
        target = (f"目标 {scorecard.target_text(r.metric, r.target, higher.get(r.metric, True))}，"
                  if pd.notna(r.target) else "")
        items.append(f"{what} {scorecard.fmt_value(r.metric, r.value)}（{target}{st.label(r.status)}）")
        units.append(unit)
    fields = {"scope": md(scope_label), "name": md(_name(rule.metric, names)), "items": "、".join(items),
              "units": "、".join(dict.fromkeys(units)), "count": str(len(part))}
    return _candidate(rule, len(part), rule.metric, rule.wording.format_map(fields))


def _name(metric: str, names: dict[str, str] | None) -> str:
    if metric.endswith(":"):
        return "活动指标"
    return scorecard.label(metric, names)


def count_candidate(rows: pd.DataFrame, rule, own: tuple[str, str], scope_label: str) -> tuple | None:
    """The own unit's row of rule.metric when its value is at least rule.at_least (one candidate)."""
    hit = rows[(rows["level"] == own[0]) & (rows["unit_id"] == own[1]) & (rows["metric"] == rule.metric)]
    if hit.empty or pd.isna(hit["value"].iloc[0]) or float(hit["value"].iloc[0]) < rule.at_least:
        return None
    value = float(hit["value"].iloc[0])
    fields = {"scope": md(scope_label), "name": md(scorecard.label(rule.metric)),
              "value": scorecard.fmt_value(rule.metric, value)}
    return _candidate(rule, value / max(rule.at_least, 1e-9), rule.metric, rule.wording.format_map(fields))


def _outlet(r) -> str:
    return f"{md(r.outlet_name)}（{md(r.outlet_id)}）"


def signal_items(signal: str, *, signals: pd.DataFrame | None = None, clusters: pd.DataFrame | None = None,
                 new_warnings: pd.DataFrame | None = None) -> tuple[list[str], float]:
    """(items, strength) of one signal kind (module docstring)."""
    if signal == "complaint_cluster":
        frame = clusters if clusters is not None else pd.DataFrame()
        items = [f"{md(r.series)} 在 {r.start:%m月%d日}至{r.end:%m月%d日} 共 {r.complaints:.0f} 件，比基线多 {r.excess:.0f} 件"
                 for r in frame.itertuples(index=False)]
        return items, float(frame["excess"].sum()) if len(frame) else 0.0
    if signal == "new_warnings":
        frame = new_warnings if new_warnings is not None else pd.DataFrame()
        return [f"{md(r.outlet_name)}（{r.score:g} 分）" for r in frame.itertuples(index=False)], float(len(frame))
    if signals is None or signals.empty:
        return [], 0.0
    dropped, perfect = signals["participation_dropped"].eq(True), signals["participation_perfect"].eq(True)
    pick = {"evaluator_gaming": dropped & perfect, "participation_drop": dropped & ~perfect,
            "ratings_too_perfect": perfect & ~dropped}[signal]
    part = signals[pick].sort_values("outlet_id")
    items = []
    for r in part.itertuples(index=False):
        share = f"评价 {_pct(r.top_share)} 为 5 分"
        rate = f"评价器参与率 {_pct(r.participation)}（基准 {_pct(r.participation_baseline)}）"
        items.append(_outlet(r) + {"evaluator_gaming": f"{rate}，{share}", "participation_drop": rate,
                                   "ratings_too_perfect": share}[signal])
    return items, float(len(part))


def signal_candidate(rule, **sources) -> tuple | None:
    """One candidate for a signal rule when it has at least rule.at_least items."""
    items, strength = signal_items(rule.signal, **sources)
    if not items or len(items) < rule.at_least:
        return None
    text = "；".join(items) if rule.signal == "complaint_cluster" else _named(items)
    fields = {"items": text, "count": str(len(items))}
    return _candidate(rule, strength, rule.signal, rule.wording.format_map(fields))


def candidates(rules, rows: pd.DataFrame | None, own: tuple[str, str], scope_label: str, *, names=None,
               unit_names=None, higher=None, signals=None, clusters=None, new_warnings=None) -> pd.DataFrame:
    """The candidates of every status, count and signal rule (COLUMNS)."""
    out = []
    for rule in rules.rules:
        if rule.kind == "status" and rows is not None:
            out.append(status_candidate(rows, rule, own, scope_label, names=names, unit_names=unit_names,
                                        higher=higher))
        elif rule.kind == "count" and rows is not None:
            out.append(count_candidate(rows, rule, own, scope_label))
        elif rule.kind == "signal":
            out.append(signal_candidate(rule, signals=signals, clusters=clusters, new_warnings=new_warnings))
    return pd.DataFrame([c for c in out if c is not None], columns=COLUMNS)
