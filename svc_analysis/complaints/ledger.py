"""Penalties and rewards of the month (奖惩台账): per outlet and per staff member.

Seed 003 (DOMAIN.md §1): a justified responsible complaint costs 200-500 yuan by severity; a praise
by letter or hotline earns 100 yuan. Rules as data: [complaints.penalty_yuan] by complexity
(normal / complex / very complex stand for the severity; empty complexity = normal) and
[complaints.praise_reward_yuan] per praise received through [complaints.praise_reward_channels]. A responsible complaint is taken as justified (the
responsibility flag is set after the complaint was investigated). Counted on complaints and praises
received in the month; a row without staff_id is the outlet's (staff column empty). The counting
is one Ibis expression on warehouse.engine (issue 2's engine rule).
"""

from __future__ import annotations

import ibis
import pandas as pd
from ibis import _

from svc_analysis.complaints.sla import COMPLEXITIES
from svc_analysis.complaints.complaints import scoped
from svc_analysis.core.periods import month_bounds

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
    c = scoped(con, "complaints", start, end, outlets).filter(_.responsible)
    complexity = c.complexity.fill_null("normal")
    fine = ibis.cases(*((complexity == k, float(penalty_yuan[k])) for k in COMPLEXITIES[1:]),
                      else_=float(penalty_yuan["normal"]))
    p = c.group_by("outlet_id", "staff_id").agg(responsible=c.count(), penalty_yuan=fine.sum())
    r = (scoped(con, "praises", start, end, outlets).group_by("outlet_id", "staff_id")
         .agg(praises=_.count(), rewarded=_.count(where=_.channel.isin(list(reward_channels)))))
    # staff_id may be empty (the outlet's own row): empty matches empty (IS NOT DISTINCT FROM)
    both = p.outer_join(r, [p.outlet_id == r.outlet_id, p.staff_id.identical_to(r.staff_id)])
    frame = both.select(
        outlet_id=ibis.coalesce(p.outlet_id, r.outlet_id), staff_id=ibis.coalesce(p.staff_id, r.staff_id),
        responsible=p.responsible.fill_null(0), penalty_yuan=p.penalty_yuan.fill_null(0),
        praises=r.praises.fill_null(0), rewarded=r.rewarded.fill_null(0)).to_pandas()
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
