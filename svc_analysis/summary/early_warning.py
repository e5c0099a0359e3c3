"""Outlet early warning 网点预警: the areas' per-outlet judgments combined into a transparent score.

Which outlets need attention before they fail an inspection or draw a complaint cluster (issue 9).
Every figure and, wherever a KPI row exists, every judgment is the area's own: the KPI rows of
summary.registry.KpiSource (their ``status``, core.status) and the areas' hooks through core.areas
(issue 14: the summary imports no area and judges nothing a KPI row already judged). For report
month m, per staffed outlet of the scope open at month end, the components (0 or 1; params
[summary.early_warning], docs/summary.md):

- complaint_rate: complaint_rate_per_10k in a funnel class of [complaint_funnel_classes] (funnel.py,
  Poisson, centred on the scope's own rate, levels [complaints.funnel_levels]; the row has no target);
  an outlet whose row is small_sample (below params volumes) is classed small_sample, never flagged;
- responsible: the outlet's complaints_responsible row fails its zero target (status) with at least
  [responsible_min] complaints;
- satisfaction_funnel: the satisfaction area's funnel class (hook outlet_signals, notebook 20's funnel)
  in [satisfaction_funnel_classes];
- participation_drop: the satisfaction area's evaluator flag (hook outlet_signals: sharp drop or
  implausibly perfect);
- star_shortfall: the star_teller_rate row fails its target (status) by at least [star_min_shortfall]
  tellers (the staff area's hook shortfall);
- overtime: the outlet's overtime_outlets row fails (status: an overtime outlet);
- mystery_low: the outlet's mystery_score_quarter row (quarter-to-date round score) below [mystery_below];
- recheck_open: the outlet's outlets_below_85 row is 1: on the re-check list, not re-checked to a pass.
score = Σ weight × component; flagged when score >= [flag_score]. No data never triggers a component,
and a component reading a row's status never fires on a row the area left unjudged (small_sample).
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import areas as area_registry
from svc_analysis.core import status as st
from svc_analysis.engine import org
from svc_analysis.stats import funnel
from svc_analysis.core.periods import month_end

SIGNALS = "warning_signals"  # the kind of the stored signals in the KPI history (KpiSource.derived)
COMPONENTS = ("complaint_rate", "responsible", "satisfaction_funnel", "participation_drop", "star_shortfall",
              "overtime", "mystery_low", "recheck_open")
ROW_METRICS = ["complaints_responsible", "complaint_rate_per_10k", "star_teller_rate", "overtime_wait_share",
               "overtime_outlets", "mystery_score_quarter", "outlets_below_85"]
SIGNAL_COLUMNS = ["outlet_id", "outlet_name", "subbranch", "branch", "complaints", "served", "complaint_rate",
                  "scope_complaint_rate", "complaint_funnel", "responsible", "responsible_status", "ratings",
                  "satisfaction_rate", "satisfaction_funnel", "satisfaction_centre", "participation",
                  "participation_baseline", "participation_dropped", "participation_perfect", "top_share",
                  "star_rate", "star_target", "star_status", "star_shortfall", "overtime_share", "overtime_status",
                  "mystery_score", "below_recheck"]


def _outlet_rows(rows: pd.DataFrame, metric: str) -> pd.DataFrame:
    part = rows[(rows["metric"] == metric) & (rows["level"] == "outlet")]
    return part.rename(columns={"unit_id": "outlet_id"})[["outlet_id", "value", "numerator", "denominator", "target",
                                                          "status"]]


def _top(rows: pd.DataFrame, metric: str) -> pd.Series | None:
    part = rows[rows["metric"] == metric]
    for level in ("province", "branch", "subbranch"):
        hit = part[part["level"] == level]
        if len(hit):
            return hit.iloc[0]
    return None


def _value_of(rows: pd.DataFrame, metric: str, names: dict[str, str]) -> pd.DataFrame:
    """outlet_id and the outlet rows' columns of ``metric`` renamed by ``names`` (e.g. value -> responsible)."""
    return _outlet_rows(rows, metric).rename(columns=names)[["outlet_id", *names.values()]]


def signals(source, month: str) -> pd.DataFrame:
    """One row per staffed outlet of the scope open at month end with the raw figures (SIGNAL_COLUMNS).

    source: summary_registry.KpiSource (its cache is shared with the scorecard and the back-test).
    Made once per month and kept (KpiSource.derived): for the run, and in the KPI history beside the
    rows under their fingerprint, so an unchanged warehouse reuses the back-test's months' signals;
    an ingest, a params or a code change computes them again.
    """
    return source.derived(SIGNALS, month, lambda: _signals(source, month))


def _signals(source, month: str) -> pd.DataFrame:
    """signals() computed: from the source's KPI rows and the satisfaction area's hooks."""
    s, P = source.scope, source.params
    base = org.open_outlets(org.staffed(s.tree_in_scope), month_end(month))
    out = base[["outlet_id", "outlet_name", "subbranch", "branch"]].reset_index(drop=True)

    rows = source.rows(month, metrics=ROW_METRICS)
    out = out.merge(_value_of(rows, "complaint_rate_per_10k", {"numerator": "complaints", "denominator": "served",
                                                               "value": "complaint_rate", "status": "rate_status"}),
                    on="outlet_id", how="left")
    top = _top(rows, "complaint_rate_per_10k")
    scope_rate = float(top["value"]) if top is not None and pd.notna(top["value"]) else float("nan")
    out["scope_complaint_rate"] = scope_rate
    per = P.complaints.per_customers
    out["complaint_funnel"] = funnel.classify(out["complaint_rate"] / per, out["served"].fillna(0),
                                              0.0 if pd.isna(scope_rate) else scope_rate / per, kind="rate",
                                              levels=tuple(P.complaints.funnel_levels),
                                              judged=out["rate_status"].ne(st.SMALL_SAMPLE).to_numpy()).to_numpy()
    out = out.merge(_value_of(rows, "complaints_responsible", {"value": "responsible", "status": "responsible_status"}),
                    on="outlet_id", how="left")

    sat = area_registry.hook("signal_months")(month, P)
    counts = source.satisfaction_counts(sat)
    out = out.merge(area_registry.hook("outlet_signals")(counts, s.tree_in_scope, month, P), on="outlet_id", how="left")

    star = _outlet_rows(rows, "star_teller_rate")
    shortfall = area_registry.hook("shortfall")
    star["star_shortfall"] = [shortfall(n, d, t) for n, d, t in zip(star["numerator"], star["denominator"], star["target"])]
    out = out.merge(star.rename(columns={"value": "star_rate", "target": "star_target", "status": "star_status"})[
        ["outlet_id", "star_rate", "star_target", "star_status", "star_shortfall"]], on="outlet_id", how="left")
    for metric, names in (("overtime_wait_share", {"value": "overtime_share"}),
                          ("overtime_outlets", {"status": "overtime_status"}),
                          ("mystery_score_quarter", {"value": "mystery_score"}),
                          ("outlets_below_85", {"value": "below_recheck"})):
        out = out.merge(_value_of(rows, metric, names), on="outlet_id", how="left")
    return out[SIGNAL_COLUMNS]


def components(sig: pd.DataFrame, ew) -> pd.DataFrame:
    """The 0/1 components, columns c_<component> (COMPONENTS), from signals and params ``ew``
    ([summary.early_warning])."""
    def on(mask) -> pd.Series:
        return pd.Series(mask, index=sig.index).fillna(False).astype(bool).astype("int64")

    comp = pd.DataFrame({
        "complaint_rate": on(sig["complaint_funnel"].isin(ew.complaint_funnel_classes)),
        "responsible": on(sig["responsible_status"].isin(st.FAILING)
                          & (pd.to_numeric(sig["responsible"], errors="coerce") >= ew.responsible_min)),
        "satisfaction_funnel": on(sig["satisfaction_funnel"].isin(ew.satisfaction_funnel_classes)),
        "participation_drop": on(sig["participation_dropped"].eq(True) | sig["participation_perfect"].eq(True)),
        "star_shortfall": on(sig["star_status"].isin(st.FAILING)
                             & (pd.to_numeric(sig["star_shortfall"], errors="coerce") >= ew.star_min_shortfall)),
        "overtime": on(sig["overtime_status"].isin(st.FAILING)),
        "mystery_low": on(pd.to_numeric(sig["mystery_score"], errors="coerce") < ew.mystery_below),
        "recheck_open": on(pd.to_numeric(sig["below_recheck"], errors="coerce") >= 1),
    }, index=sig.index)
    return comp.add_prefix("c_")


def score(sig: pd.DataFrame, ew) -> pd.DataFrame:
    """signals + one 0/1 column per component (c_<component>), its points (pts_<component> = weight × component),
    ``score`` (their sum) and ``flagged`` (score >= flag_score); highest score first, then outlet_id."""
    missing = [c for c in SIGNAL_COLUMNS if c not in sig.columns]
    if missing:
        raise KeyError(f"early-warning signals lack columns {', '.join(missing)}")
    comp = components(sig, ew)
    out = pd.concat([sig.reset_index(drop=True), comp.reset_index(drop=True)], axis=1)
    for name in COMPONENTS:
        out[f"pts_{name}"] = out[f"c_{name}"] * float(ew.weights[name])
    out["score"] = out[[f"pts_{c}" for c in COMPONENTS]].sum(axis=1)
    out["flagged"] = out["score"] >= ew.flag_score
    return out.sort_values(["score", "outlet_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _pct(x) -> str:
    return f"{float(x) * 100:.1f}%"


def reasons(row, ew, *, recheck_below: float, scope_label: str = "本范围") -> list[str]:
    """The Chinese reason of each component that fired for one scored row, in COMPONENTS order."""
    def level(cls: str) -> str:
        return cls.split("_")[1]

    text = []
    if row["c_complaint_rate"]:
        text.append(f"万人投诉率 {row['complaint_rate']:.1f}（投诉 {row['complaints']:.0f} 件），高于漏斗图"
                    f" {level(row['complaint_funnel'])}% 上限（{scope_label} {row['scope_complaint_rate']:.1f}）")
    if row["c_responsible"]:
        text.append(f"责任性投诉 {row['responsible']:.0f} 件（目标为零）")
    if row["c_satisfaction_funnel"]:
        text.append(f"满意率 {_pct(row['satisfaction_rate'])}（{row['ratings']:.0f} 条评价），低于漏斗图"
                    f" {level(row['satisfaction_funnel'])}% 下限（中心线 {_pct(row['satisfaction_centre'])}）")
    if row["c_participation_drop"] and row["participation_dropped"] is True:
        text.append(f"评价器参与率 {_pct(row['participation'])}，基准 {_pct(row['participation_baseline'])}，骤降")
    if row["c_participation_drop"] and row["participation_perfect"] is True:
        text.append(f"评价 {_pct(row['top_share'])} 为 5 分，疑似选择性使用评价器")
    if row["c_star_shortfall"]:
        text.append(f"星级柜员率 {_pct(row['star_rate'])}，距目标 {_pct(row['star_target'])} 差"
                    f" {row['star_shortfall']:.0f} 人")
    if row["c_overtime"]:
        text.append(f"超时等候占比 {_pct(row['overtime_share'])}，为超时网点")
    if row["c_mystery_low"]:
        text.append(f"本季度神秘人检查 {row['mystery_score']:.1f} 分，低于 {ew.mystery_below:g} 分")
    if row["c_recheck_open"]:
        text.append(f"本季度最新一次神秘人检查低于 {recheck_below:g} 分，在复查名单上（尚未复查达标）")
    return text


def top_list(scored: pd.DataFrame, ew, *, recheck_below: float, scope_label: str = "本范围") -> pd.DataFrame:
    """The flagged outlets (at most [top_n]), highest score first, with 预警原因 written out.

    Columns: outlet_id, outlet_name, branch, score, one points column per component, reasons.
    """
    top = scored[scored["flagged"]].head(ew.top_n)
    text = ["；".join(reasons(r, ew, recheck_below=recheck_below, scope_label=scope_label)) + "。"
            for _, r in top.iterrows()]
    cols = ["outlet_id", "outlet_name", "branch", "score", *[f"pts_{c}" for c in COMPONENTS]]
    return top[cols].assign(reasons=text).reset_index(drop=True)
