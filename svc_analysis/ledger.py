"""Penalties and rewards of the month (奖惩台账): per outlet and per staff member.

Seed 003 (DOMAIN.md §1): a justified responsible complaint costs 200-500 yuan by severity; a praise
by letter or hotline earns 100 yuan. Rules as data: [complaints.penalty_yuan] by complexity
(normal / complex / very complex stand for the severity; empty complexity = normal) and
[complaints.praise_reward_yuan] per praise received through [complaints.praise_reward_channels]. A responsible complaint is taken as justified (the
responsibility flag is set after the complaint was investigated). Counted on complaints and praises
received in the month; a row without staff_id is the outlet's (staff column empty).
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.complaint_sla import COMPLEXITIES
from svc_analysis.complaints import scope_sql
from svc_analysis.periods import month_bounds

LEDGER_COLUMNS = ["outlet_id", "outlet_name", "branch", "staff_id", "responsible", "penalty_yuan",
                  "praises", "rewarded", "reward_yuan", "net_yuan"]


def ledger(con, month: str, tree: pd.DataFrame, *, penalty_yuan: dict, praise_reward_yuan: float,
           reward_channels: list[str], outlets=None) -> pd.DataFrame:
    """Per outlet and staff member: responsible complaints, penalty, praises, rewarded praises (through
    reward_channels), reward, net (reward - penalty).

    Only outlets/staff with a responsible complaint or a praise in the month appear; largest penalty first.
    """
    missing = [c for c in COMPLEXITIES if c not in penalty_yuan]
    if missing:
        raise ValueError(f"penalty_yuan lacks {', '.join(missing)} (params complaints.penalty_yuan)")
    start, end = month_bounds(month)
    where, params = scope_sql(outlets)
    case = " ".join(f"WHEN '{c}' THEN {float(penalty_yuan[c])}" for c in COMPLEXITIES[1:])
    frame = con.execute(
        f"""WITH p AS (
              SELECT outlet_id, staff_id, count(*) AS responsible,
                     sum(CASE coalesce(complexity, 'normal') {case} ELSE {float(penalty_yuan['normal'])} END)
                       AS penalty_yuan
              FROM complaints WHERE responsible AND received_at >= ? AND received_at < ? AND {where}
              GROUP BY 1, 2),
            r AS (
              SELECT outlet_id, staff_id, count(*) AS praises,
                     count(*) FILTER (WHERE channel IN (SELECT unnest(?::VARCHAR[]))) AS rewarded FROM praises
              WHERE received_at >= ? AND received_at < ? AND {where} GROUP BY 1, 2)
            SELECT coalesce(p.outlet_id, r.outlet_id) AS outlet_id, coalesce(p.staff_id, r.staff_id) AS staff_id,
                   coalesce(p.responsible, 0) AS responsible, coalesce(p.penalty_yuan, 0) AS penalty_yuan,
                   coalesce(r.praises, 0) AS praises, coalesce(r.rewarded, 0) AS rewarded
            FROM p FULL JOIN r ON p.outlet_id = r.outlet_id AND p.staff_id IS NOT DISTINCT FROM r.staff_id""",
        [start, end, *params, list(reward_channels), start, end, *params]).df()
    frame["reward_yuan"] = frame["rewarded"] * float(praise_reward_yuan)
    frame["net_yuan"] = frame["reward_yuan"] - frame["penalty_yuan"]
    frame = frame.merge(tree[["outlet_id", "outlet_name", "branch"]], on="outlet_id", how="left")
    frame = frame.sort_values(["penalty_yuan", "reward_yuan", "outlet_id", "staff_id"],
                              ascending=[False, False, True, True], na_position="first")
    return frame[LEDGER_COLUMNS].reset_index(drop=True)


def by_outlet(table: pd.DataFrame) -> pd.DataFrame:
    """The ledger summed per outlet (staff rows added together)."""
    sums = ["responsible", "penalty_yuan", "praises", "rewarded", "reward_yuan", "net_yuan"]
    out = table.groupby(["outlet_id", "outlet_name", "branch"], dropna=False, sort=False)[sums].sum()
    return out.reset_index().sort_values(["penalty_yuan", "outlet_id"], ascending=[False, True],
                                         ignore_index=True)


def totals(table: pd.DataFrame) -> dict:
    """Sums for a sentence: responsible, penalty_yuan, praises, rewarded, reward_yuan."""
    return {k: float(table[k].sum()) for k in ("responsible", "penalty_yuan", "praises", "rewarded", "reward_yuan")}
