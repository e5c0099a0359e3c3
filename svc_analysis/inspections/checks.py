"""Video (non-site) and on-site checks against seed 003's frequency rules (DOMAIN.md §4).

Seed 003 plan 1 (分行和网点 (1)): "一级分行每周开展一次非现场检查，每月综合检查覆盖率不低于100%".

- Weekly rule: every tier-1 branch runs at least ``per_week`` checks of ``weekly_check_kinds``
  (default: video, i.e. 非现场检查) in every week. The weeks are ISO weeks (core.period.Period,
  Monday to Sunday), and a week counts for the month that holds its Thursday (the ISO rule that puts a
  week in the year holding its Thursday): every week is judged exactly once, in the month holding at
  least four of its days. November 2026 has the weeks of Mondays 2, 9, 16 and 23; the week of Monday
  30 November (one day in November) belongs to December, the week of Monday 28 September (Thursday
  1 October) to October. A check counts in the week of its date, also on the week's days outside the
  month. A week ending after the month end (its Friday to Sunday in the next month) is judged only
  when the inspections table holds a check dated on or after its Sunday (the data have reached its
  end); until then it is open (weeks_open): met once it has its checks, never a miss before it ends
  (issue 14: a partial week at a month edge is never a miss). Weeks ending inside the month are
  always judged: the month's data are taken as complete.
- Monthly check coverage: staffed outlets (not self_service) open at month end with at least one check
  of ``monthly_check_kinds`` (default video, on-site and mystery) dated in the month / staffed outlets
  open at month end; target monthly_check_coverage_target (1.0). Published as the extension metric
  inspection_check_coverage_month.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from svc_analysis.core.period import Period
from svc_analysis.engine import kpis
from svc_analysis.engine import org, warehouse
from svc_analysis.core.periods import month_end, month_start

KINDS = ("mystery", "video", "onsite")
KIND_LABELS = {"mystery": "神秘人", "video": "视频(非现场)", "onsite": "现场"}


def _kinds(kinds) -> list[str]:
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown or not kinds:
        raise ValueError(f"check kinds must be among {', '.join(KINDS)}, not {', '.join(unknown) or 'none'}")
    return list(kinds)


def _between(con, first: date, last: date, kinds: list[str] | None = None):
    """The checks dated on days [first, last] (of ``kinds``; None = all) as an Ibis expression over the
    inspections table (engine.warehouse.engine)."""
    t = warehouse.engine(con).table("inspections")
    t = t.filter(t.inspected_on >= first, t.inspected_on <= last)
    return t if kinds is None else t.filter(t.kind.isin(list(kinds)))


def weeks_of(month: str) -> list[Period]:
    """The ISO weeks counted for the month: those whose Thursday falls in it (module docstring)."""
    first = Period.day(month_start(month)).containing_week()
    weeks, week = [], first
    while week.start <= month_end(month):
        if f"{week.start + timedelta(days=3):%Y-%m}" == month:
            weeks.append(week)
        week = week.shift(1)
    return weeks


def week_starts(month: str) -> list[date]:
    """The Mondays of the month's weeks (weeks_of)."""
    return [week.start for week in weeks_of(month)]


def data_reach(con) -> date | None:
    """The latest day the inspections table holds a check of any kind on (None: no check at all)."""
    t = warehouse.engine(con).table("inspections")
    latest = t.inspected_on.max().to_pandas()
    return None if latest is None or pd.isna(latest) else pd.Timestamp(latest).date()


def counts_by_branch(con, tree: pd.DataFrame, month: str) -> pd.DataFrame:
    """branch and one column per kind (mystery, video, onsite): checks dated in the month, re-checks
    included, at the branches' outlets in ``tree``."""
    t = _between(con, month_start(month), month_end(month))
    frame = t.group_by(["outlet_id", "kind"]).aggregate(checks=t.count()).to_pandas()
    frame = frame.merge(tree[["outlet_id", "branch"]], on="outlet_id")
    table = frame.pivot_table(index="branch", columns="kind", values="checks", aggfunc="sum", fill_value=0)
    branches = sorted(tree["branch"].unique())
    table = table.reindex(index=branches, columns=list(KINDS), fill_value=0).astype("int64")
    table.columns.name = None
    return table.rename_axis("branch").reset_index()


def week_counts(con, tree: pd.DataFrame, weeks: list[date], kinds) -> pd.DataFrame:
    """Per branch of ``tree`` and week (its Monday, in ``weeks``): checks of ``kinds`` dated in the week
    and the outlets they visited; a branch without a check in a week has zeros. Columns: branch,
    week, checks, outlets_checked."""
    kinds = _kinds(kinds)
    t = _between(con, min(weeks), max(weeks) + timedelta(days=6), kinds)
    t = t.mutate(week=t.inspected_on.truncate("W"))
    frame = t.group_by(["outlet_id", "week"]).aggregate(checks=t.count()).to_pandas()
    frame = frame.merge(tree[["outlet_id", "branch"]], on="outlet_id").assign(
        week=lambda f: pd.to_datetime(f["week"]).dt.date)
    grid = pd.MultiIndex.from_product([sorted(tree["branch"].unique()), weeks], names=["branch", "week"])
    grouped = frame.groupby(["branch", "week"])
    return pd.DataFrame({"checks": grouped["checks"].sum(), "outlets_checked": grouped["outlet_id"].nunique()}
                        ).reindex(grid, fill_value=0).astype("int64").reset_index()


def week_met(checks, per_week: int):
    """The weekly rule for one week: at least ``per_week`` checks (a number, or a Series of them)."""
    return checks >= per_week


def weekly_rule(con, tree: pd.DataFrame, month: str, kinds, per_week: int) -> pd.DataFrame:
    """Per branch of ``tree``: weeks (the month's weeks judged: ended within the data, or already met),
    weeks_met (judged weeks with >= per_week checks of ``kinds``), weeks_open (weeks the data do not
    cover to their Sunday and not met yet: neither met nor missed), checks (in the month's weeks),
    min_in_a_week (over the judged weeks), meets (every judged week met)."""
    weeks = weeks_of(month)
    branches = sorted(tree["branch"].unique())
    counts = week_counts(con, tree, [w.start for w in weeks], kinds)[["branch", "week", "checks"]]
    reach = data_reach(con)
    ended = {w.start: w.last_day <= month_end(month) or (reach is not None and reach >= w.last_day)
             for w in weeks}
    counts["met"] = week_met(counts["checks"], per_week)
    counts["judged"] = counts["met"] | counts["week"].map(ended)
    counts["open"] = ~counts["judged"]
    by_branch = counts.groupby("branch")
    out = pd.DataFrame({
        "weeks": by_branch["judged"].sum().astype("int64"),
        "weeks_met": by_branch["met"].sum().astype("int64"),
        "weeks_open": by_branch["open"].sum().astype("int64"),
        "checks": by_branch["checks"].sum().astype("int64"),
        "min_in_a_week": counts[counts["judged"]].groupby("branch")["checks"].min()
        .reindex(branches).astype("Int64"),
    }).reset_index()
    out["meets"] = out["weeks_met"] == out["weeks"]
    return out


def coverage(con, tree: pd.DataFrame, month: str, kinds) -> pd.DataFrame:
    """Per staffed outlet open at month end: outlet_id, subbranch, branch, numerator (1 when checked in
    the month by one of ``kinds``), denominator (1)."""
    kinds = _kinds(kinds)
    base = org.open_outlets(org.staffed(tree), month_end(month))[["outlet_id", "subbranch", "branch"]]
    seen = _between(con, month_start(month), month_end(month), kinds).select("outlet_id").distinct().to_pandas()
    out = base.assign(numerator=base["outlet_id"].isin(seen["outlet_id"]).astype("float64"), denominator=1.0)
    return out.reset_index(drop=True)


def coverage_kpis(con, tree: pd.DataFrame, month: str, kinds, target: float,
                  scope_level: str | None = None) -> pd.DataFrame:
    """KPI rows of inspection_check_coverage_month at every level of ``tree`` (the scope's tree)."""
    cover = coverage(con, tree, month, kinds)
    staffed_tree = tree[tree["outlet_id"].isin(cover["outlet_id"])]
    return kpis.rollup(cover, staffed_tree, month=month, area="inspections",
                       metric="inspection_check_coverage_month", target=target, scope_level=scope_level)


def branch_table(con, tree: pd.DataFrame, month: str, params) -> pd.DataFrame:
    """One row per branch: checks by kind, the weekly rule and the monthly check coverage.

    params: the ``inspections`` section (weekly_check_kinds, video_checks_per_branch_per_week,
    monthly_check_kinds).
    """
    counts = counts_by_branch(con, tree, month)
    weekly = weekly_rule(con, tree, month, params.weekly_check_kinds, params.video_checks_per_branch_per_week)
    cover = coverage(con, tree, month, params.monthly_check_kinds)
    share = cover.groupby("branch")[["numerator", "denominator"]].sum()
    share = (share["numerator"] / share["denominator"].where(share["denominator"] > 0)).rename("coverage")
    out = counts.merge(weekly[["branch", "weeks", "weeks_met", "weeks_open", "meets"]], on="branch", how="left")
    return out.merge(share.reset_index(), on="branch", how="left")
