"""The month's highlights 本月要点: the most severe findings of the month in plain Chinese sentences.

Candidates (params [summary.highlights], docs/summary.md):
- from the scorecard of the run's own unit (scorecard.compare, each metric against the earlier value its
  comparison basis names: last month, the same month of the previous quarter for by-round and
  quarter-to-date figures, none for year-to-date ones, so October's mystery round is never read as a
  monthly drop): newly_missed (met then, missed now), newly_met, movement (a change of at least
  [min_change_share_points] share points for shares or [min_change_relative] × the earlier value);
- from the areas' KPI rows and signals (alarms.py): status rules (e.g. a branch whose report_on_time row
  is missed, a campaign KPI behind), count rules (complaints overdue), signal rules (evaluator
  gaming, complaint clusters, outlets newly on the early-warning list).
Each candidate takes the severity of its rule ([rules]: kind, metric or signal, severity, wording); one
candidate per metric or signal (the most severe); ranked by severity, then strength (the change in
multiples of its threshold, or the number of matches); the first [count] are shown. Nothing to say
gives one sentence saying so.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import areas as area_registry
from svc_analysis.core.safety import md
from svc_analysis.summary import alarms, scorecard

COLUMNS = alarms.COLUMNS
CARD_KINDS = ("newly_missed", "newly_met", "movement")


def _strength(metric: str, change, before, rules) -> float:
    if change is None or pd.isna(change):
        return 0.0
    if scorecard.is_share(metric):
        return abs(float(change)) / rules.min_change_share_points
    if before is None or pd.isna(before) or float(before) == 0:
        return 0.0 if float(change) == 0 else float("inf")
    return abs(float(change)) / (rules.min_change_relative * abs(float(before)))


def _severity(kind: str, metric: str, rules) -> float | None:
    """The highest severity of the rules of ``kind`` that apply to ``metric`` (None: no rule, not shown)."""
    found = [r.severity for r in rules.rules if r.kind == kind and (r.metric is None or alarms.matches(r.metric, metric))]
    return max(found) if found else None


def kpi_candidates(card: pd.DataFrame, level: str, unit_id: str, rules, scope_label: str,
                   names: dict[str, str] | None = None) -> pd.DataFrame:
    """newly_missed, newly_met and movement candidates for one unit of a scorecard (COLUMNS; severity
    from the rules of their kind, candidates without a rule left out)."""
    rows = card[(card["level"] == level) & (card["unit_id"] == unit_id)]
    out, scope_label = [], md(scope_label)
    for r in rows.itertuples(index=False):
        name, fmt = md(scorecard.label(r.metric, names)), (lambda v, m=r.metric: scorecard.fmt_value(m, v))
        before_word = scorecard.BASIS_WORDS.get(getattr(r, "basis", "month"))
        if before_word is None:  # a year-to-date figure: compared with last year only
            continue
        strength = _strength(r.metric, r.change_previous, r.previous, rules)
        target = scorecard.target_text(r.metric, r.target, r.higher_is_better)
        now, before = r.meets_target, r.previous_meets
        if pd.notna(now) and pd.notna(before) and bool(now) != bool(before):
            kind = "newly_met" if bool(now) else "newly_missed"
            verb = "重新达到" if bool(now) else "未达到"
            sentence = (f"{scope_label}{name}本月为 {fmt(r.value)}，{verb}目标（{target}），"
                        f"{before_word}为 {fmt(r.previous)}。")
        elif strength >= 1:
            kind, rise = "movement", "上升" if r.change_previous > 0 else "下降"
            word = "向好" if r.better_previous else "变差"
            sentence = (f"{scope_label}{name}较{before_word}{rise} "
                        f"{scorecard.fmt_change(r.metric, abs(r.change_previous)).lstrip('+')}"
                        f"（{word}），由 {fmt(r.previous)} 到 {fmt(r.value)}，{scorecard.mark(now)}。")
        else:
            continue
        severity = _severity(kind, r.metric, rules)
        if severity is not None:
            out.append((kind, severity, strength, r.metric, sentence))
    return pd.DataFrame(out, columns=COLUMNS)


def pick(candidates: pd.DataFrame, rules) -> pd.DataFrame:
    """The [count] highlights: one per metric or signal (its most severe), by severity, then strength."""
    if candidates.empty:
        return candidates.reset_index(drop=True)
    ranked = candidates.sort_values(["severity", "strength"], ascending=[False, False], kind="stable")
    return ranked.drop_duplicates("metric").head(rules.count).reset_index(drop=True)


def highlights(card: pd.DataFrame, level: str, unit_id: str, rules, scope_label: str, *,
               rows: pd.DataFrame | None = None, signals: pd.DataFrame | None = None,
               clusters: pd.DataFrame | None = None, new_warnings: pd.DataFrame | None = None,
               names: dict[str, str] | None = None, higher: dict[str, bool] | None = None) -> pd.DataFrame:
    """The month's highlights for the run's own unit (module docstring).

    rows: the month's KPI rows of the scope (KpiSource.rows); signals: early_warning.signals of the
    month (evaluator anomalies; outlet names); clusters: month_clusters; new_warnings: new_warnings();
    names: campaign kpi_id -> name; higher: metric -> higher is better (metric_text.higher_is_better).
    """
    unit_names = None if signals is None else dict(zip(signals["outlet_id"], signals["outlet_name"]))
    frames = [kpi_candidates(card, level, unit_id, rules, scope_label, names),
              alarms.candidates(rules, rows, (level, unit_id), scope_label, names=names, unit_names=unit_names,
                                higher=higher, signals=signals, clusters=clusters, new_warnings=new_warnings)]
    frames = [f for f in frames if len(f)]
    return pick(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS), rules)


def markdown(picked: pd.DataFrame) -> str:
    """A numbered Markdown list of the sentences, or one sentence when there is nothing to report."""
    if picked.empty:
        return "本月没有需要特别提示的情况：各项指标与比较期相比没有明显变化，没有新的未达标指标，也没有投诉聚集等警报。"
    return "\n".join(f"{i}. {s}" for i, s in enumerate(picked["sentence"], start=1))


def month_clusters(con, params, scope, period) -> pd.DataFrame:
    """Complaint clusters whose alarm days fall in the period: the complaints area's hook month_clusters
    (notebook 10's detector with params complaints.clusters), found through core.areas."""
    return area_registry.hook("month_clusters")(con, params, scope, period)


def new_warnings(scored_now: pd.DataFrame, scored_before: pd.DataFrame) -> pd.DataFrame:
    """Outlets flagged in scored_now that were not flagged in scored_before (early_warning.score)."""
    before = set(scored_before.loc[scored_before["flagged"], "outlet_id"])
    return scored_now[scored_now["flagged"] & ~scored_now["outlet_id"].isin(before)].reset_index(drop=True)
