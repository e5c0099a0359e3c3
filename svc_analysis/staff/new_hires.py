"""New hires and the business-expert test: "new hires reach expert level within one year of joining"
(DOMAIN.md §3, seed 002).

Params: roles [staff.expert_test_roles] (应测人员), first year [staff.expert_within_months],
cohort window [staff.new_hire_cohort_months], warning [staff.anniversary_warning_days].

- first anniversary = hired_on + expert_within_months months (month arithmetic: 2025-01-31 + 1 month
  is 2025-02-28).
- passed within the first year: a passed expert test with tested_on <= the first anniversary.
- cohort on day d: staff in service on d, in the expert roles, whose first anniversary fell in the
  last new_hire_cohort_months months (d - window < anniversary <= d); with the window null every
  in-service staff member whose anniversary is on or before d (all who joined a year ago or more).
- first_year_expert_share = cohort members who passed within their first year / cohort.
- approaching: staff in service on d, in the expert roles, with d < anniversary <= d + warning days
  and no passed expert test on or before d: the office's to-do list.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

_COLS = ["branch", "subbranch", "outlet_id", "outlet_name", "staff_id", "role", "hired_on", "anniversary"]


def _sql(scope: bool) -> str:
    where = "AND outlet_id IN (SELECT unnest($outlets::VARCHAR[]))" if scope else ""
    return f"""
    WITH s AS (
        SELECT staff_id, outlet_id, role, hired_on,
               (hired_on + to_months($months))::DATE AS anniversary
        FROM staff
        WHERE hired_on <= $day AND (left_on IS NULL OR left_on > $day)
          AND list_contains($roles::VARCHAR[], role) {where})
    SELECT s.*,
        (SELECT min(tested_on) FROM skill_tests t
         WHERE t.staff_id = s.staff_id AND t.test = 'expert' AND t.passed AND t.tested_on <= $day)
            AS first_pass_on,
        (SELECT count(*) FROM skill_tests t
         WHERE t.staff_id = s.staff_id AND t.test = 'expert' AND NOT t.passed AND t.tested_on <= $day)
            AS failed_attempts
    FROM s ORDER BY outlet_id, staff_id"""


def expert_roster(con, day: date, *, roles: list[str], within_months: int,
                  outlets: list[str] | None = None) -> pd.DataFrame:
    """Staff in service on ``day`` in ``roles``: staff_id, outlet_id, role, hired_on, anniversary,
    first_pass_on (first passed expert test on or before day, or None), failed_attempts,
    passed_in_first_year (first_pass_on <= anniversary)."""
    if within_months <= 0:
        raise ValueError(f"expert_within_months must be > 0, not {within_months}")
    binds = {"day": day, "months": int(within_months), "roles": list(roles)}
    if outlets is not None:
        binds["outlets"] = list(outlets)
    out = con.execute(_sql(outlets is not None), binds).df()
    for col in ("hired_on", "anniversary", "first_pass_on"):
        out[col] = pd.Series([None if pd.isna(v) else pd.Timestamp(v).date() for v in out[col]],
                             index=out.index, dtype=object)
    out["failed_attempts"] = out["failed_attempts"].astype("int64")
    out["passed_in_first_year"] = [p is not None and p <= a for p, a in zip(out["first_pass_on"], out["anniversary"])]
    return out


def cohort(roster: pd.DataFrame, day: date, window_months: int | None) -> pd.DataFrame:
    """The roster members whose first anniversary fell in the window ending on ``day`` (see module)."""
    if window_months is None:
        return roster[_mask(roster, [a <= day for a in roster["anniversary"]])]
    if window_months <= 0:
        raise ValueError(f"new_hire_cohort_months must be > 0 or null, not {window_months}")
    start = (pd.Timestamp(day) - pd.DateOffset(months=window_months)).date()
    return roster[_mask(roster, [start < a <= day for a in roster["anniversary"]])]


def _mask(frame: pd.DataFrame, flags: list[bool]) -> pd.Series:
    """Row filter as a boolean Series: a plain empty list would select no columns instead of no rows."""
    return pd.Series(flags, index=frame.index, dtype=bool)


def first_year_summary(members: pd.DataFrame, tree: pd.DataFrame, by: str = "branch") -> pd.DataFrame:
    """Per unit and 合计: cohort, passed_in_first_year, share (None with an empty cohort), passed_later
    (passed after the anniversary), not_passed."""
    frame = members.merge(tree[list(dict.fromkeys(["outlet_id", by]))], on="outlet_id", how="left")
    frame = frame.assign(later=frame["first_pass_on"].notna() & ~frame["passed_in_first_year"],
                         never=frame["first_pass_on"].isna())
    units = sorted(tree[by].dropna().unique())
    grouped = frame.groupby(by).agg(cohort=("staff_id", "size"), passed_in_first_year=("passed_in_first_year", "sum"),
                                    passed_later=("later", "sum"), not_passed=("never", "sum"))
    table = grouped.reindex(units, fill_value=0)
    table.loc["合计"] = table.sum()
    table = table.astype("int64")
    table["share"] = table["passed_in_first_year"] / table["cohort"].where(table["cohort"] > 0)
    table.index.name = by
    return table.reset_index()


def approaching(roster: pd.DataFrame, day: date, warning_days: int, tree: pd.DataFrame) -> pd.DataFrame:
    """Staff whose first anniversary is within ``warning_days`` after ``day`` with no passed expert test:
    _COLS plus failed_attempts and days_left, sorted by anniversary."""
    if warning_days <= 0:
        raise ValueError(f"anniversary_warning_days must be > 0, not {warning_days}")
    soon = pd.Series([0 < (a - day).days <= warning_days for a in roster["anniversary"]],
                     index=roster.index, dtype=bool)
    near = roster[soon & roster["first_pass_on"].isna()].copy()
    near["days_left"] = [(a - day).days for a in near["anniversary"]]
    out = near.merge(tree[["outlet_id", "outlet_name", "subbranch", "branch"]], on="outlet_id", how="left")
    return out[[*_COLS, "failed_attempts", "days_left"]].sort_values(
        ["anniversary", "outlet_id", "staff_id"]).reset_index(drop=True)
