"""Which units carry a campaign KPI, and each unit's target (params campaign; docs/campaign.md).

A KPI is carried at the level its ``units`` names (province / branch / outlet): the units of that
level in the run's scope report actuals (campaign_actuals.unit_id = 'province', a branch name or an
outlet_id). When the KPI's figures add up (``adds_up``: counts), the levels above in the scope get a
row too, their actual being the sum of the units below (DATA_CONTRACT: figures roll up by adding).

A unit's target, in this order:
1. ``unit_targets`` in params name it: that number (the office's own allocation);
2. ``target_of`` (a rate per outlet): rate x the unit's outlets of that base open at the month end
   (staffed_outlets: every type but self_service; vip_centre_outlets; all_outlets);
3. a share (``adds_up`` false): the same target at every unit (a share is not divided);
4. otherwise the province target divided by ``split`` (per KPI, else campaign.target_split):
   outlets = in proportion to the unit's outlets open at the month end, equal = the same part for
   every unit of the level, larger = the larger of the two (so no unit gets less than an equal part).
The province's own target is the KPI's target (x the province's base count for ``target_of``); an
upper level between (branch over outlets) has the sum of its units' targets. A unit whose target is
0 (a branch without a VIP centre) does not carry the KPI and gets no row.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.engine import org
from svc_analysis.core import periods

PROVINCE = org.PROVINCE
# The tree column naming a unit at each level below the province.
LEVEL_COLUMNS = {"branch": "branch", "subbranch": "subbranch", "outlet": "outlet_id"}
LEVEL_ORDER = ("province", "branch", "subbranch", "outlet")
BASES = {
    "all_outlets": lambda tree: tree,
    "staffed_outlets": org.staffed,
    "vip_centre_outlets": lambda tree: tree[tree["outlet_type"] == "vip_centre"],
}


class CampaignTargetError(ValueError):
    """Campaign params that cannot give a unit its target."""


def open_at_month_end(tree: pd.DataFrame, month: str) -> pd.DataFrame:
    """The outlets open on the month's last day (org.open_mask)."""
    return org.open_outlets(tree, periods.month_end(month))


def _counts(outlets: pd.DataFrame, level: str) -> pd.Series:
    if level == PROVINCE:
        return pd.Series({PROVINCE: len(outlets)}, dtype="float64")
    return outlets.groupby(LEVEL_COLUMNS[level]).size().astype("float64")


def carried_levels(kpi, scope_level: str = PROVINCE) -> list[str]:
    """Levels with rows for a KPI in a run scoped at ``scope_level``: the carrying level and, for
    figures that add up, the levels above it, but none above the scope."""
    carried = LEVEL_ORDER.index(kpi.units)
    top = LEVEL_ORDER.index(scope_level)
    if carried < top:
        return []
    first = top if kpi.adds_up else carried
    return list(LEVEL_ORDER[first:carried + 1])


def _carrying_targets(kpi, opened: pd.DataFrame, split: str) -> pd.Series:
    """unit -> target at the carrying level, over the whole province (shares need every unit)."""
    level = kpi.units
    units = _counts(opened, level).index if level != PROVINCE else pd.Index([PROVINCE])
    if kpi.unit_targets:
        given = pd.Series(kpi.unit_targets, dtype="float64")
        unknown = sorted(set(given.index) - set(units))
        if unknown:
            raise CampaignTargetError(
                f"params campaign.kpis[{kpi.id}].unit_targets: {', '.join(unknown)} is not a {level} "
                f"open at the month end (known: {', '.join(map(str, units))})")
        return given.reindex(units).fillna(0.0)
    if kpi.target_of:
        base = _counts(BASES[kpi.target_of](opened), level).reindex(units).fillna(0.0)
        return kpi.target * base
    if not kpi.adds_up or level == PROVINCE:
        return pd.Series(kpi.target, index=units, dtype="float64")
    outlets = _counts(opened, level).reindex(units).fillna(0.0)
    by_outlets = kpi.target * outlets / outlets.sum()
    equal = pd.Series(kpi.target / len(units), index=units, dtype="float64")
    rule = kpi.split or split
    if rule == "outlets":
        return by_outlets
    if rule == "equal":
        return equal
    return pd.concat([by_outlets, equal], axis=1).max(axis=1)


def unit_targets(kpi, tree: pd.DataFrame, month: str, split: str, scope_level: str = PROVINCE,
                 scope_name: str = PROVINCE, opened: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows (level, unit_id, target) for every unit of the scope that carries the KPI, province first.

    ``opened``: the tree's outlets open at the month end when the caller has them already.
    """
    opened = open_at_month_end(tree, month) if opened is None else opened
    carrying = _carrying_targets(kpi, opened, split)
    inside = org.scope_tree(opened, None if scope_level == PROVINCE else scope_name)
    rows = []
    for level in carried_levels(kpi, scope_level):
        if level == kpi.units:
            names = [PROVINCE] if level == PROVINCE else sorted(set(inside[LEVEL_COLUMNS[level]]))
            targets = carrying.reindex(names).fillna(0.0)
        elif level == PROVINCE:
            if kpi.target_of:
                base = len(BASES[kpi.target_of](opened))
                targets = pd.Series({PROVINCE: kpi.target * base})
            else:
                targets = pd.Series({PROVINCE: kpi.target})
        else:  # a level between the province and the carrying level: the sum of its units
            column = LEVEL_COLUMNS[kpi.units]
            members = inside[[LEVEL_COLUMNS[level], column]].drop_duplicates()
            members = members.assign(target=members[column].map(carrying).fillna(0.0))
            targets = members.groupby(LEVEL_COLUMNS[level])["target"].sum()
        rows += [(level, str(unit), float(t)) for unit, t in targets.items() if t > 0]
    return pd.DataFrame(rows, columns=["level", "unit_id", "target"])


def members(kpi, tree: pd.DataFrame, month: str, opened: pd.DataFrame | None = None) -> pd.DataFrame:
    """(level, unit_id, member): which carrying units add up into each unit at every level.

    A carrying unit is its own member; the province holds every carrying unit.
    """
    if kpi.units == PROVINCE:
        return pd.DataFrame([(PROVINCE, PROVINCE, PROVINCE)], columns=["level", "unit_id", "member"])
    opened = open_at_month_end(tree, month) if opened is None else opened
    column = LEVEL_COLUMNS[kpi.units]
    rows = []
    for level in LEVEL_ORDER[:LEVEL_ORDER.index(kpi.units) + 1]:
        if level == PROVINCE:
            rows += [(PROVINCE, PROVINCE, str(m)) for m in sorted(set(opened[column]))]
        else:
            pairs = opened[[LEVEL_COLUMNS[level], column]].drop_duplicates()
            rows += [(level, str(u), str(m)) for u, m in pairs.itertuples(index=False)]
    return pd.DataFrame(rows, columns=["level", "unit_id", "member"])
