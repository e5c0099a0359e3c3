"""Staffing standards of the campaign that the staff table can check (seed 000 二(二)四; DOMAIN.md §6).

- Every VIP wealth centre (outlet_type vip_centre) has at least 3 wealth managers, 2 lobby managers,
  1 marketing manager and 1 service head (网点服务主任) in service (params campaign.staffing.vip_centre).
- Every outlet with deposits (outlets.deposits, 亿元) of at least 1 亿元 has a lobby manager
  (campaign.staffing.deposits_min_yi, campaign.staffing.deposits_outlet).

Counted at the month end over outlets open that day (org rule) in the scope: a staff member is in
service when hired_on <= month end and left_on is empty or after it (DATA_CONTRACT). deposits is an
optional column: an outlet without a figure cannot be checked and is listed as such, never passed.
With nobody in service in the scope at all (no staff export loaded) nothing can be checked: every
outlet gets shortfall 无员工数据 and meets NA, never a miss.
The counting is one Ibis query (engine.warehouse.engine); the result is one small row per checked outlet.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.engine import org, warehouse
from svc_analysis.core import periods
from svc_analysis.core.contract import ROLES

VIP_RULE = "贵宾理财中心人员配备"
DEPOSITS_RULE = "存款1亿元以上网点配备大堂经理"
NO_DEPOSITS = "无存款数据"
NO_STAFF = "无员工数据"


def _in_service(con, day, outlets: list[str] | None):
    """staff rows in service on ``day`` (hired_on <= day, left_on empty or after it) in the scope."""
    s = warehouse.engine(con).table("staff")
    s = s.filter(s.hired_on <= day, s.left_on.isnull() | (s.left_on > day))
    return org.scope_filter(s, outlets)


def role_counts(con, month: str, roles: list[str], outlets: list[str] | None = None) -> pd.DataFrame:
    """Staff in service at the month end per open outlet and role: one row per outlet with a column per
    role (0 where none), plus outlet_type and deposits from the outlets table."""
    day = periods.month_end(month)
    o = warehouse.engine(con).table("outlets")
    o = org.scope_filter(o.filter(org.open_on(o, day)), outlets)
    s = _in_service(con, day, outlets)
    s = s.select(staff_outlet=s.outlet_id, staff_id=s.staff_id, role=s.role)
    joined = o.left_join(s, o.outlet_id == s.staff_outlet)
    keys = ["outlet_id", "outlet_name", "branch", "subbranch", "outlet_type", "deposits"]
    counts = {r: joined.staff_id.count(where=joined.role == r) for r in roles}
    expr = joined.group_by(keys).aggregate(**counts).order_by(["branch", "subbranch", "outlet_id"])
    return expr.to_pandas()


def role_label(role: str) -> str:
    """The Chinese name of a staff role (contract.ROLES' first alias)."""
    return ROLES.get(role, (role,))[0]


def _shortfall(counts: pd.DataFrame, required: dict[str, int]) -> pd.Series:
    """'理财经理 2/3，营销经理 0/1' text of the roles below their minimum ('' when none)."""
    parts = ["，".join(f"{role_label(role)} {int(row[role])}/{need}" for role, need in required.items()
                      if row[role] < need) for _, row in counts.iterrows()]
    return pd.Series(parts, index=counts.index, dtype=object)


def check(con, month: str, vip_centre: dict[str, int], deposits_min_yi: float,
          deposits_outlet: dict[str, int], outlets: list[str] | None = None) -> pd.DataFrame:
    """Every checked outlet: rule, outlet, branch, the counts of the rule's roles, meets, shortfall.

    VIP centres are checked against ``vip_centre``; outlets whose deposits reach ``deposits_min_yi``
    against ``deposits_outlet``; an outlet (not self-service) without a deposits figure gets
    meets = NA and shortfall 无存款数据.
    """
    roles = sorted(set(vip_centre) | set(deposits_outlet))
    counts = role_counts(con, month, roles, outlets)
    frames = []
    vip = counts[counts["outlet_type"] == "vip_centre"].copy()
    vip["shortfall"] = _shortfall(vip, vip_centre)
    frames.append(vip.assign(rule=VIP_RULE, required=_required_text(vip_centre)))
    staffed = counts[~counts["outlet_type"].isin(org.UNSTAFFED_TYPES)]
    big = staffed[staffed["deposits"] >= deposits_min_yi].copy()
    big["shortfall"] = _shortfall(big, deposits_outlet)
    frames.append(big.assign(rule=DEPOSITS_RULE, required=_required_text(deposits_outlet)))
    unknown = staffed[staffed["deposits"].isna()].copy()
    frames.append(unknown.assign(rule=DEPOSITS_RULE, required=_required_text(deposits_outlet),
                                 shortfall=NO_DEPOSITS))
    out = pd.concat(frames, ignore_index=True)
    if not counts[roles].to_numpy().any() and not _anyone_in_service(con, month, outlets):
        out["shortfall"] = NO_STAFF
    out["meets"] = pd.array([pd.NA if s in (NO_DEPOSITS, NO_STAFF) else s == "" for s in out["shortfall"]],
                            dtype="boolean")
    columns = ["rule", "branch", "subbranch", "outlet_id", "outlet_name", "outlet_type", "deposits",
               "required", *roles, "meets", "shortfall"]
    return out[columns].reset_index(drop=True)


def _anyone_in_service(con, month: str, outlets: list[str] | None) -> bool:
    """Whether any staff member of any role is in service at the month end in the scope."""
    return bool(_in_service(con, periods.month_end(month), outlets).count().to_pandas() > 0)


def _required_text(required: dict[str, int]) -> str:
    return "，".join(f"{role_label(role)}≥{n}" for role, n in required.items())


def misses(checked: pd.DataFrame) -> pd.DataFrame:
    """The outlets that miss a standard or cannot be checked (meets False or NA)."""
    return checked[checked["meets"].fillna(False) == False].reset_index(drop=True)  # noqa: E712


def summary(checked: pd.DataFrame) -> pd.DataFrame:
    """Per rule: outlets checked, meeting, missing, without data."""
    grouped = checked.groupby("rule", sort=False)["meets"]
    return pd.DataFrame({
        "checked": grouped.size(),
        "meets": grouped.apply(lambda s: int((s == True).sum())),  # noqa: E712
        "misses": grouped.apply(lambda s: int((s == False).sum())),  # noqa: E712
        "no_data": grouped.apply(lambda s: int(s.isna().sum())),
    }).reset_index()
