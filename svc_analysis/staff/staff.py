"""Staff qualification at a month end: who is in service, and the four staff KPIs (DOMAIN.md §3, seed 002).

Definitions (DATA_CONTRACT.md "Output"; params key in brackets):
- in service on day d: hired_on <= d and (left_on empty or left_on > d).
- star teller: a teller in service whose latest star rating assessed on or before d has
  valid_until empty or >= d and stars >= [staff.star_min_stars]. Only the latest rating counts: a
  newer 0-star rating replaces an older star, and an expired latest rating means no star (a lapse).
  Ratings assessed after d are ignored. Two ratings on the same day: the higher one counts.
- star_teller_rate = star tellers / tellers in service              target [staff.star_teller_target]
- expert_rate = staff in service whose role is in [staff.expert_test_roles] with a passed expert
  test on or before d / such staff                                 target [staff.expert_target]
- english_rate = staff in [staff.front_line_roles] with a passed english test on or before d /
  such staff                                                        target [staff.english_target]
- sign_language_coverage = outlets with at least one lobby manager in service who passed the
  sign_language test on or before d / outlets with a lobby manager in service
                                                                    target [staff.sign_language_coverage_target]
A passed test stays passed: a failed attempt before or after it changes nothing.

History: the staff table holds each person's *current* outlet and role (HR exports no history).
A person counts at that outlet and in that role for every month, also for past months; someone who
moved between outlets counts at the new outlet even for months before the move. Rerun a past month
from a warehouse loaded with that month's staff export when the exact past split matters.
"""

from __future__ import annotations

import math
from datetime import date

import ibis
import pandas as pd

from svc_analysis.engine import kpis
from svc_analysis.engine import org
from svc_analysis.engine.warehouse import engine

AREA = "staff"
TELLER = "teller"
LOBBY_MANAGER = "lobby_manager"
# metric -> (numerator column, denominator column) of outlet_counts()
METRICS = {
    "star_teller_rate": ("star_tellers", "tellers"),
    "expert_rate": ("experts", "expert_staff"),
    "english_rate": ("english", "front_line"),
    "sign_language_coverage": ("has_sign_language", "has_lobby_manager"),
}


def in_service(con, day: date, outlets: list[str] | None = None, roles: list[str] | None = None):
    """Ibis expression of the staff in service on ``day`` (hired_on <= day, left_on empty or later),
    limited to ``outlets`` and ``roles`` when given: staff_id, outlet_id, role, hired_on."""
    s = engine(con).table("staff")
    keep = (s.hired_on <= day) & (s.left_on.isnull() | (s.left_on > day))
    if outlets is not None:
        keep &= s.outlet_id.isin(list(outlets))
    if roles is not None:
        keep &= s.role.isin(list(roles))
    return s.filter(keep).select("staff_id", "outlet_id", "role", "hired_on")


def people_expr(con, day: date, outlets: list[str] | None = None):
    """Ibis expression of the in-service roster on ``day`` with each person's latest rating and
    passed tests (one backend seam: engine.warehouse.engine).

    Columns: staff_id, outlet_id, role, hired_on, stars, assessed_on, valid_until, rating_status
    ('valid', 'lapsed', 'none'), expert, english, sign_language (bool: a passed test on or before day).
    The latest rating is a window + filter (row_number), which every Ibis backend runs.
    """
    ib = engine(con)
    s = in_service(con, day, outlets)
    r = ib.table("star_ratings")
    r = r.filter(r.assessed_on <= day).semi_join(s, "staff_id")
    order = [r.assessed_on.desc(), r.stars.desc(), r.valid_until.desc(nulls_first=True)]
    latest = (r.mutate(_row=ibis.row_number().over(group_by=r.staff_id, order_by=order))
              .filter(lambda t: t._row == 0)
              .select(_staff=r.staff_id, stars=r.stars, assessed_on=r.assessed_on, valid_until=r.valid_until))
    t = ib.table("skill_tests")
    t = t.filter(t.passed & (t.tested_on <= day)).semi_join(s, "staff_id")
    passed = t.group_by(_staff=t.staff_id).agg(expert=(t.test == "expert").any(),
                                                 english=(t.test == "english").any(),
                                                 sign_language=(t.test == "sign_language").any())
    joined = s.left_join(latest, s.staff_id == latest._staff).left_join(passed, s.staff_id == passed._staff)
    status = ibis.cases((latest._staff.isnull(), "none"),
                        (latest.valid_until.isnull() | (latest.valid_until >= day), "valid"), else_="lapsed")
    return joined.select(s.staff_id, s.outlet_id, s.role, s.hired_on, latest.stars, latest.assessed_on,
                         latest.valid_until, rating_status=status,
                         expert=passed.expert.fill_null(False), english=passed.english.fill_null(False),
                         sign_language=passed.sign_language.fill_null(False))


def people(con, day: date, outlets: list[str] | None = None) -> pd.DataFrame:
    """The in-service roster on ``day`` (people_expr's columns), sorted by outlet and staff_id.

    A roster has one row per person (thousands at province scale), never event rows.
    """
    out = people_expr(con, day, outlets).order_by(["outlet_id", "staff_id"]).to_pandas()
    for col in ("hired_on", "assessed_on", "valid_until"):
        out[col] = pd.Series([None if pd.isna(v) else pd.Timestamp(v).date() for v in out[col]],
                             index=out.index, dtype=object)
    return out


def outlet_counts(con, day: date, *, star_min_stars: int, expert_roles: list[str],
                  front_line_roles: list[str], outlets: list[str] | None = None) -> pd.DataFrame:
    """Per outlet with staff in service on ``day``: the numerators and denominators of METRICS.

    star_min_stars [staff.star_min_stars], expert_roles [staff.expert_test_roles],
    front_line_roles [staff.front_line_roles]. Columns: outlet_id, tellers, star_tellers,
    expert_staff, experts, front_line, english, lobby_managers, sign_lobby_managers,
    has_lobby_manager, has_sign_language (0/1).
    """
    p = people_expr(con, day, outlets)
    teller, lobby = p.role == TELLER, p.role == LOBBY_MANAGER
    expert_role, front = p.role.isin(list(expert_roles)), p.role.isin(list(front_line_roles))
    out = p.group_by("outlet_id").agg(
        tellers=p.count(where=teller),
        star_tellers=p.count(where=teller & (p.rating_status == "valid") & (p.stars >= star_min_stars)),
        expert_staff=p.count(where=expert_role), experts=p.count(where=expert_role & p.expert),
        front_line=p.count(where=front), english=p.count(where=front & p.english),
        lobby_managers=p.count(where=lobby), sign_lobby_managers=p.count(where=lobby & p.sign_language),
    ).order_by("outlet_id").to_pandas()
    out["outlet_id"] = out["outlet_id"].astype(object)
    count_cols = [c for c in out.columns if c != "outlet_id"]
    out[count_cols] = out[count_cols].astype("int64")
    out["has_lobby_manager"] = (out["lobby_managers"] > 0).astype("int64")
    out["has_sign_language"] = (out["sign_lobby_managers"] > 0).astype("int64")
    return out


def units(tree: pd.DataFrame, counts: pd.DataFrame, day: date) -> pd.DataFrame:
    """The outlets that count: staffed outlets open on ``day`` plus any outlet with staff in service.

    An outlet holding staff in service is never dropped, even when it is closed or self-service in
    the outlets table (the staff export is then stale, and the figure shows it).
    """
    keep = org.open_mask(tree, day) & ~tree["outlet_type"].isin(org.UNSTAFFED_TYPES)
    return tree[keep | tree["outlet_id"].isin(counts["outlet_id"])]


def targets_from(staff_params) -> dict[str, float]:
    """metric -> target from the params' staff section (svc_analysis.core.params.Staff)."""
    return {"star_teller_rate": staff_params.star_teller_target,
            "expert_rate": staff_params.expert_target,
            "english_rate": staff_params.english_target,
            "sign_language_coverage": staff_params.sign_language_coverage_target}


def staff_kpis(counts: pd.DataFrame, tree: pd.DataFrame, month: str, targets: dict[str, float],
               scope_level: str | None = None) -> pd.DataFrame:
    """The four KPI rows of area staff at every level (kpis.rollup: numerators and denominators add).

    ``tree``: the outlets that count (units()); ``targets``: metric -> target (targets_from()).
    """
    missing = [m for m in METRICS if m not in targets]
    if missing:
        raise KeyError(f"staff KPI targets lack {', '.join(missing)} (params staff section)")
    frames = []
    for metric, (num, den) in METRICS.items():
        part = counts[["outlet_id", num, den]].rename(columns={num: "numerator", den: "denominator"})
        frames.append(kpis.rollup(part, tree, month=month, area=AREA, metric=metric,
                                  target=targets[metric],
                                  scope_level=None if scope_level == org.PROVINCE else scope_level))
    return pd.concat(frames, ignore_index=True)


def shortfall(numerator: float, denominator: float, target: float) -> int | None:
    """How many more people (or outlets) must qualify to reach ``target``, the denominator fixed.

    The smallest n >= 0 with (numerator + n) / denominator >= target, i.e. ceil(target x den - num);
    None when the denominator is 0 (no data). Rounded first so that 0.85 x 20 is 17, not 17.0000001.
    """
    if denominator is None or pd.isna(denominator) or denominator <= 0:
        return None
    if target > 1:
        raise ValueError(f"a share target must be 0-1, not {target}")
    return max(0, math.ceil(round(target * denominator - numerator, 9)))


def below_target(kpi_rows: pd.DataFrame) -> pd.DataFrame:
    """KPI rows that miss their target, with ``shortfall`` (people, or outlets for sign language).

    Rows with no value or no target are not listed (no data is not a miss).
    """
    missed = kpi_rows[kpi_rows["meets_target"].fillna(True).eq(False)].copy()
    missed["shortfall"] = pd.array([shortfall(n, d, t) for n, d, t in
                                    zip(missed["numerator"], missed["denominator"], missed["target"])],
                                   dtype="Int64")
    return missed.reset_index(drop=True)


def sign_language_gaps(counts: pd.DataFrame, tree: pd.DataFrame) -> pd.DataFrame:
    """Outlets with a lobby manager in service but none who passed sign language: the tree's columns
    plus lobby_managers, sorted by branch, sub-branch, outlet."""
    gaps = counts[(counts["has_lobby_manager"] == 1) & (counts["has_sign_language"] == 0)]
    cols = ["outlet_id", "outlet_name", "subbranch", "branch"]
    return tree[cols].merge(gaps[["outlet_id", "lobby_managers"]], on="outlet_id").sort_values(
        ["branch", "subbranch", "outlet_id"]).reset_index(drop=True)
