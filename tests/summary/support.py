"""Shared helpers of the summary tests: params of the summary section built by hand, KPI rows."""

from __future__ import annotations

import pandas as pd

from svc_analysis.engine.kpis import complete
from svc_analysis.core.params import EarlyWarning, SummaryHighlights

EW = EarlyWarning(
    weights={"complaint_rate": 2, "responsible": 2, "satisfaction_funnel": 2, "participation_drop": 1,
             "star_shortfall": 1, "overtime": 2, "mystery_low": 1, "recheck_open": 3},
    complaint_funnel_classes=["above_95", "above_99.8"], satisfaction_funnel_classes=["below_95", "below_99.8"],
    responsible_min=1, star_min_shortfall=1, mystery_below=90, flag_score=4, top_n=2,
    backtest={"months": 2, "outcome": "complaint_rate_per_10k", "outcomes_shown": ["complaint_rate_per_10k"],
              "bootstrap": 200, "level": 0.95, "seed": 1})
RULES = SummaryHighlights(count=3, min_change_share_points=0.02, min_change_relative=0.10, rules=[
    {"kind": "newly_missed", "severity": 70},
    {"kind": "signal", "signal": "complaint_cluster", "severity": 95, "wording": "投诉聚集：{items}，应启动紧急应急机制并查明原因。"},
    {"kind": "signal", "signal": "new_warnings", "severity": 60,
     "wording": "本月新进入预警名单的网点 {count} 个：{items}，请在检查或投诉发生前跟进。"},
    {"kind": "newly_met", "severity": 20}, {"kind": "movement", "severity": 10}])


def row(metric, value, target=None, meets=None, level="province", unit="province", area="satisfaction",
        month="2026-10", num=None, den=None) -> dict:
    return {"month": month, "area": area, "metric": metric, "level": level, "unit_id": unit, "value": value,
            "numerator": num, "denominator": den, "target": target, "meets_target": meets}


def frame(*rows) -> pd.DataFrame:
    out = complete(pd.DataFrame(list(rows)))
    for c in ("value", "numerator", "denominator", "target"):
        out[c] = out[c].astype("float64")
    return out
