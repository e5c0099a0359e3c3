"""The month's highlights 本月要点: the few most important changes in plain Chinese sentences.

Candidates, all from the scorecard (scorecard.compare) of the run's own unit and from alarms the areas
raise; rules in params [summary.highlights]:
- newly_missed: a KPI that met its target last month and misses it now;
- newly_met: a KPI that missed its target last month and meets it now;
- alarm: complaint clusters (clusters.detect, notebook 10's detector with params complaints.clusters)
  overlapping the month, and outlets newly on the early-warning list (flagged now, not last month;
  at least [alarm_new_warnings_min]);
- movement: a change against last month of at least [min_change_share_points] share points (shares)
  or [min_change_relative] × |last month's value| (other metrics).
Ranking: by kind in the order [order], then by strength (the change as a multiple of its movement
threshold, largest first); the first [count] are shown. Nothing to say gives one sentence saying so.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.summary import scorecard
from svc_analysis.core.periods import month_bounds
from svc_analysis.core.safety import md

COLUMNS = ["kind", "strength", "metric", "sentence"]


def _strength(metric: str, change, before, rules) -> float:
    if change is None or pd.isna(change):
        return 0.0
    if scorecard.is_share(metric):
        return abs(float(change)) / rules.min_change_share_points
    if before is None or pd.isna(before) or float(before) == 0:
        return 0.0 if float(change) == 0 else float("inf")
    return abs(float(change)) / (rules.min_change_relative * abs(float(before)))


def kpi_candidates(card: pd.DataFrame, level: str, unit_id: str, rules, scope_label: str,
                   names: dict[str, str] | None = None) -> pd.DataFrame:
    """newly_missed, newly_met and movement candidates for one unit of a scorecard (COLUMNS)."""
    rows = card[(card["level"] == level) & (card["unit_id"] == unit_id)]
    out, scope_label = [], md(scope_label)
    for r in rows.itertuples(index=False):
        name, fmt = md(scorecard.label(r.metric, names)), (lambda v, m=r.metric: scorecard.fmt_value(m, v))
        strength = _strength(r.metric, r.change_previous, r.previous, rules)
        target = scorecard.target_text(r.metric, r.target, r.higher_is_better)
        now, before = r.meets_target, r.previous_meets
        if pd.notna(now) and pd.notna(before) and bool(now) != bool(before):
            kind = "newly_met" if bool(now) else "newly_missed"
            verb = "重新达到" if bool(now) else "未达到"
            out.append((kind, strength, r.metric, f"{scope_label}{name}本月为 {fmt(r.value)}，{verb}目标（{target}），"
                                                  f"上月为 {fmt(r.previous)}。"))
        elif strength >= 1:
            rise = "上升" if r.change_previous > 0 else "下降"
            word = "向好" if r.better_previous else "变差"
            out.append(("movement", strength, r.metric,
                        f"{scope_label}{name}较上月{rise} {scorecard.fmt_change(r.metric, abs(r.change_previous)).lstrip('+')}"
                        f"（{word}），由 {fmt(r.previous)} 到 {fmt(r.value)}，{scorecard.mark(now)}。"))
    return pd.DataFrame(out, columns=COLUMNS)


def alarm_candidates(clusters: pd.DataFrame | None, new_warnings: pd.DataFrame | None, rules) -> pd.DataFrame:
    """alarm candidates: one per complaint cluster (strength = its excess complaints) and one for the
    outlets newly flagged by the early warning (strength = their number); COLUMNS."""
    out = []
    for r in (clusters if clusters is not None else pd.DataFrame()).itertuples(index=False):
        out.append(("alarm", float(r.excess), "complaint_cluster",
                    f"投诉聚集：{md(r.series)} 在 {r.start:%m月%d日}至{r.end:%m月%d日} 共 {r.complaints:.0f} 件，"
                    f"比基线多 {r.excess:.0f} 件，应启动紧急应急机制并查明原因。"))
    if new_warnings is not None and len(new_warnings) >= rules.alarm_new_warnings_min:
        named = "、".join(f"{md(r.outlet_name)}（{r.score:g} 分）" for r in new_warnings.head(5).itertuples())
        more = f" 等 {len(new_warnings)} 个" if len(new_warnings) > 5 else ""
        out.append(("alarm", float(len(new_warnings)), "early_warning",
                    f"本月新进入预警名单的网点 {len(new_warnings)} 个：{named}{more}，请在检查或投诉发生前跟进。"))
    return pd.DataFrame(out, columns=COLUMNS)


def pick(candidates: pd.DataFrame, rules) -> pd.DataFrame:
    """The [count] highlights: by kind in [order], then strength, largest first (COLUMNS)."""
    part = candidates[candidates["kind"].isin(rules.order)]
    if part.empty:
        return part.reset_index(drop=True)
    rank = part["kind"].map({k: i for i, k in enumerate(rules.order)})
    return (part.assign(_r=rank).sort_values(["_r", "strength"], ascending=[True, False], kind="stable")
            .drop(columns="_r").head(rules.count).reset_index(drop=True))


def highlights(card: pd.DataFrame, level: str, unit_id: str, rules, scope_label: str, *,
               clusters: pd.DataFrame | None = None, new_warnings: pd.DataFrame | None = None,
               names: dict[str, str] | None = None) -> pd.DataFrame:
    """The month's highlights for the run's own unit (module docstring): kpi and alarm candidates, picked."""
    frames = [kpi_candidates(card, level, unit_id, rules, scope_label, names),
              alarm_candidates(clusters, new_warnings, rules)]
    frames = [f for f in frames if len(f)]
    return pick(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS), rules)


def markdown(picked: pd.DataFrame) -> str:
    """A numbered Markdown list of the sentences, or one sentence when there is nothing to report."""
    if picked.empty:
        return "本月各项指标与上月相比没有明显变化，没有新的达标或未达标指标，也没有投诉聚集等警报。"
    return "\n".join(f"{i}. {s}" for i, s in enumerate(picked["sentence"], start=1))


def month_clusters(con, month: str, cp, outlets=None) -> pd.DataFrame:
    """Complaint clusters whose alarm days fall in the month: clusters.detect with params ``cp``
    (complaints.clusters) as notebook 10 calls it, limited to the report month."""
    from svc_analysis.complaints import clusters

    start, end = month_bounds(month)
    return clusters.detect(con, start.date(), end.date(), window_days=cp.window_days, baseline_days=cp.baseline_days,
                           min_baseline_days=cp.min_baseline_days, alpha=cp.alpha, min_excess=cp.min_excess,
                           baseline_floor_per_day=cp.baseline_floor_per_day, product_series=cp.product_series,
                           outlets=outlets)


def new_warnings(scored_now: pd.DataFrame, scored_before: pd.DataFrame) -> pd.DataFrame:
    """Outlets flagged in scored_now that were not flagged in scored_before (early_warning.score)."""
    before = set(scored_before.loc[scored_before["flagged"], "outlet_id"])
    return scored_now[scored_now["flagged"] & ~scored_now["outlet_id"].isin(before)].reset_index(drop=True)
