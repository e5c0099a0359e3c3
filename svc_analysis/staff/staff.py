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

import pandas as pd

from svc_analysis.engine import kpis
from svc_analysis.engine import org

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
_IN = "IN (SELECT unnest($outlets::VARCHAR[]))"


def people_sql(scope: bool) -> str:
    """SQL of the in-service roster on $day with each person's latest rating and passed tests.

    Parameters: $day (DATE) and, when ``scope``, $outlets (outlet ids). Columns: staff_id,
    outlet_id, role, hired_on, stars, assessed_on, valid_until, rating_status ('valid', 'lapsed',
    'none'), expert, english, sign_language (bool: a passed test on or before $day).
    """
    where = f"AND outlet_id {_IN}" if scope else ""
    return f"""
    WITH s AS (
        SELECT staff_id, outlet_id, role, hired_on FROM staff
        WHERE hired_on <= $day AND (left_on IS NULL OR left_on > $day) {where}),
    latest AS (
        SELECT staff_id, stars, assessed_on, valid_until FROM star_ratings
        WHERE assessed_on <= $day AND staff_id IN (SELECT staff_id FROM s)
        QUALIFY row_number() OVER (PARTITION BY staff_id
                                   ORDER BY assessed_on DESC, stars DESC, valid_until DESC NULLS FIRST) = 1),
    passed AS (
        SELECT staff_id, bool_or(test = 'expert') AS expert, bool_or(test = 'english') AS english,
               bool_or(test = 'sign_language') AS sign_language
        FROM skill_tests WHERE passed AND tested_on <= $day AND staff_id IN (SELECT staff_id FROM s)
        GROUP BY staff_id)
    SELECT s.staff_id, s.outlet_id, s.role, s.hired_on, l.stars, l.assessed_on, l.valid_until,
           CASE WHEN l.staff_id IS NULL THEN 'none'
                WHEN l.valid_until IS NULL OR l.valid_until >= $day THEN 'valid' ELSE 'lapsed' END
               AS rating_status,
           coalesce(p.expert, false) AS expert, coalesce(p.english, false) AS english,
           coalesce(p.sign_language, false) AS sign_language
    FROM s LEFT JOIN latest l USING (staff_id) LEFT JOIN passed p USING (staff_id)"""


def _bind(day: date, outlets: list[str] | None) -> tuple[str, dict]:
    binds = {"day": day}
    if outlets is not None:
        binds["outlets"] = list(outlets)
    return people_sql(outlets is not None), binds


def people(con, day: date, outlets: list[str] | None = None) -> pd.DataFrame:
    """The in-service roster on ``day`` (people_sql's columns), sorted by outlet and staff_id.

    A roster has one row per person (thousands at province scale), never event rows.
    """
    sql, binds = _bind(day, outlets)
    out = con.execute(f"SELECT * FROM ({sql}) ORDER BY outlet_id, staff_id", binds).df()
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
    sql, binds = _bind(day, outlets)
    binds.update(min_stars=star_min_stars, expert_roles=list(expert_roles), front=list(front_line_roles),
                 teller=TELLER, lobby=LOBBY_MANAGER)
    out = con.execute(f"""
        WITH p AS ({sql})
        SELECT outlet_id,
            count(*) FILTER (WHERE role = $teller) AS tellers,
            count(*) FILTER (WHERE role = $teller AND rating_status = 'valid' AND stars >= $min_stars)
                AS star_tellers,
            count(*) FILTER (WHERE list_contains($expert_roles::VARCHAR[], role)) AS expert_staff,
            count(*) FILTER (WHERE list_contains($expert_roles::VARCHAR[], role) AND expert) AS experts,
            count(*) FILTER (WHERE list_contains($front::VARCHAR[], role)) AS front_line,
            count(*) FILTER (WHERE list_contains($front::VARCHAR[], role) AND english) AS english,
            count(*) FILTER (WHERE role = $lobby) AS lobby_managers,
            count(*) FILTER (WHERE role = $lobby AND sign_language) AS sign_lobby_managers
        FROM p GROUP BY outlet_id ORDER BY outlet_id""", binds).df()
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
