"""Outlet early warning 网点预警: the areas' per-outlet signals combined into a transparent score.

Which outlets need attention before they fail an inspection or draw a complaint cluster (issue 9).
Every figure is an area's own (summary_registry.KpiSource rows, or the area helper notebook 20 / 40
uses); nothing here defines a KPI. For report month m, per staffed outlet of the scope open at
month end, the components (0 or 1; params [summary.early_warning], docs/summary.md):

- complaint_rate: complaint_rate_per_10k in a funnel class of [complaint_funnel_classes] (funnel.py,
  Poisson, centred on the scope's own rate, levels [complaints.funnel_levels]);
- responsible: complaints_responsible >= [responsible_min] (zero target, seed 000);
- satisfaction_funnel: the outlet's class in notebook 20's funnel (league.outlet_table, centre
  [satisfaction.funnel_centre]) in [satisfaction_funnel_classes];
- participation_drop: participation.outlet_flags flags the evaluator (sharp drop or implausibly perfect);
- star_shortfall: staff.shortfall of star_teller_rate >= [star_min_shortfall] tellers;
- overtime: the outlet is an overtime outlet (overtime_outlets = 1: share above queue.overtime_outlet_share);
- mystery_low: quarter-to-date mystery round score (inspections.round_scores) below [mystery_below];
- recheck_open: on the re-check list (inspections.recheck_table on_list) and not re-checked to a pass.
score = Σ weight × component; flagged when score >= [flag_score]. No data never triggers a component.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.stats import funnel
from svc_analysis.inspections import inspections
from svc_analysis.stats import league
from svc_analysis.engine import org
from svc_analysis.satisfaction import participation
from svc_analysis.satisfaction import satisfaction
from svc_analysis.staff import staff
from svc_analysis.core.periods import month_end, months_between, quarter_start
from svc_analysis.satisfaction.participation import baseline_months

COMPONENTS = ("complaint_rate", "responsible", "satisfaction_funnel", "participation_drop", "star_shortfall",
              "overtime", "mystery_low", "recheck_open")
OPEN_RECHECK = ("待复查", "复查仍未达标")
SIGNAL_COLUMNS = ["outlet_id", "outlet_name", "subbranch", "branch", "complaints", "served", "complaint_rate",
                  "scope_complaint_rate", "complaint_funnel", "responsible", "ratings", "satisfaction_rate",
                  "satisfaction_funnel", "satisfaction_centre", "participation", "participation_baseline",
                  "participation_dropped", "participation_perfect", "top_share", "star_rate", "star_target",
                  "star_shortfall", "overtime_share", "overtime_outlet", "mystery_score", "recheck_status"]


def _outlet_rows(rows: pd.DataFrame, metric: str) -> pd.DataFrame:
    part = rows[(rows["metric"] == metric) & (rows["level"] == "outlet")]
    return part.rename(columns={"unit_id": "outlet_id"})[["outlet_id", "value", "numerator", "denominator", "target"]]


def _top(rows: pd.DataFrame, metric: str) -> pd.Series | None:
    part = rows[rows["metric"] == metric]
    for level in ("province", "branch", "subbranch"):
        hit = part[part["level"] == level]
        if len(hit):
            return hit.iloc[0]
    return None


def signals(source, month: str) -> pd.DataFrame:
    """One row per staffed outlet of the scope open at month end with the raw figures (SIGNAL_COLUMNS).

    source: summary_registry.KpiSource (its cache is shared with the scorecard and the back-test).
    """
    s, P, con = source.scope, source.params, source.con
    base = org.open_outlets(org.staffed(s.tree_in_scope), month_end(month))
    out = base[["outlet_id", "outlet_name", "subbranch", "branch"]].reset_index(drop=True)

    rows = source.rows(month, metrics=["complaints_responsible", "complaint_rate_per_10k", "star_teller_rate",
                                       "overtime_wait_share", "overtime_outlets"])
    rate = _outlet_rows(rows, "complaint_rate_per_10k")
    out = out.merge(rate.rename(columns={"numerator": "complaints", "denominator": "served",
                                         "value": "complaint_rate"})[["outlet_id", "complaints", "served",
                                                                     "complaint_rate"]], on="outlet_id", how="left")
    top = _top(rows, "complaint_rate_per_10k")
    scope_rate = float(top["value"]) if top is not None and pd.notna(top["value"]) else float("nan")
    out["scope_complaint_rate"] = scope_rate
    per = P.complaints.per_customers
    out["complaint_funnel"] = funnel.classify(out["complaint_rate"] / per, out["served"].fillna(0),
                                              0.0 if pd.isna(scope_rate) else scope_rate / per, kind="rate",
                                              levels=tuple(P.complaints.funnel_levels)).to_numpy()
    out = out.merge(_outlet_rows(rows, "complaints_responsible")[["outlet_id", "value"]]
                    .rename(columns={"value": "responsible"}), on="outlet_id", how="left")

    sp = P.satisfaction
    window = months_between(baseline_months(month, sp.participation_baseline_months,
                                            sp.participation_gap_months)[0], month)
    counts = source.satisfaction_counts(window)
    units = satisfaction.reporting_tree(s.tree_in_scope, month, counts)
    now = counts[counts["month"] == month]
    centre = league.centre_value(sp.funnel_centre, sp.rate_target, now["satisfied"].sum(), now["ratings"].sum())
    table, _ = league.outlet_table(counts, units, month, centre, levels=tuple(sp.funnel_levels),
                                   interval_level=sp.interval_level)
    out = out.merge(table[["outlet_id", "ratings", "rate", "funnel"]].rename(
        columns={"rate": "satisfaction_rate", "funnel": "satisfaction_funnel"}), on="outlet_id", how="left")
    out["satisfaction_centre"] = centre
    flags = participation.outlet_flags(
        counts, units, month, drop_ratio=sp.participation_drop_ratio, baseline=sp.participation_baseline_months,
        gap=sp.participation_gap_months, min_served=sp.participation_min_served,
        perfect_min_share=sp.perfect_min_share, perfect_min_ratings=sp.perfect_min_ratings)
    out = out.merge(flags[["outlet_id", "participation", "baseline", "dropped", "perfect", "top_share"]].rename(
        columns={"baseline": "participation_baseline", "dropped": "participation_dropped",
                 "perfect": "participation_perfect"}), on="outlet_id", how="left")

    star = _outlet_rows(rows, "star_teller_rate")
    star["star_shortfall"] = [staff.shortfall(n, d, t) for n, d, t in
                              zip(star["numerator"], star["denominator"], star["target"])]
    out = out.merge(star.rename(columns={"value": "star_rate", "target": "star_target"})[
        ["outlet_id", "star_rate", "star_target", "star_shortfall"]], on="outlet_id", how="left")
    out = out.merge(_outlet_rows(rows, "overtime_wait_share")[["outlet_id", "value"]]
                    .rename(columns={"value": "overtime_share"}), on="outlet_id", how="left")
    out = out.merge(_outlet_rows(rows, "overtime_outlets")[["outlet_id", "value"]]
                    .rename(columns={"value": "overtime_outlet"}), on="outlet_id", how="left")

    ip, ids = P.inspections, out["outlet_id"].tolist()
    qtd = inspections.round_scores(con, quarter_start(month), month_end(month), ids)
    out = out.merge(qtd[["outlet_id", "score"]].rename(columns={"score": "mystery_score"}), on="outlet_id", how="left")
    recheck = inspections.recheck_table(con, month, ip.recheck_below, ip.severe_below, ids)
    out = out.merge(recheck.loc[recheck["on_list"], ["outlet_id", "status"]]
                    .rename(columns={"status": "recheck_status"}), on="outlet_id", how="left")
    return out[SIGNAL_COLUMNS]


def components(sig: pd.DataFrame, ew) -> pd.DataFrame:
    """The 0/1 components, columns c_<component> (COMPONENTS), from signals and params ``ew``
    ([summary.early_warning])."""
    def on(mask) -> pd.Series:
        return pd.Series(mask, index=sig.index).fillna(False).astype(bool).astype("int64")

    comp = pd.DataFrame({
        "complaint_rate": on(sig["complaint_funnel"].isin(ew.complaint_funnel_classes)),
        "responsible": on(pd.to_numeric(sig["responsible"], errors="coerce") >= ew.responsible_min),
        "satisfaction_funnel": on(sig["satisfaction_funnel"].isin(ew.satisfaction_funnel_classes)),
        "participation_drop": on(sig["participation_dropped"].eq(True) | sig["participation_perfect"].eq(True)),
        "star_shortfall": on(pd.to_numeric(sig["star_shortfall"], errors="coerce") >= ew.star_min_shortfall),
        "overtime": on(pd.to_numeric(sig["overtime_outlet"], errors="coerce") >= 1),
        "mystery_low": on(pd.to_numeric(sig["mystery_score"], errors="coerce") < ew.mystery_below),
        "recheck_open": on(sig["recheck_status"].isin(OPEN_RECHECK)),
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
        text.append(f"神秘人检查低于 {recheck_below:g} 分，{row['recheck_status']}")
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
