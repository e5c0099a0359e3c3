"""Mystery-shopper scores, coverage and the re-check list (DOMAIN.md §4, seed 003, DATA_CONTRACT.md).

Definitions (DATA_CONTRACT.md metrics; thresholds from params ``inspections``):

- round score of an outlet in a period: the mean of its mystery inspections in the period, re-checks
  (is_recheck true) excluded. mystery_score_avg = sum of these scores / their count in the month,
  rolled up by adding sums and counts; target = the stage target in force (params stage_target).
- inspection_coverage_quarter: staffed outlets (not self_service) open at month end with at least one
  mystery inspection (re-checks count) from the quarter's start to month end / staffed outlets open
  at month end; target quarter_coverage_target (0.60). inspection_coverage_year: the same from
  1 January (extension; target year_coverage_target, 1.0).
- latest round: the latest month, up to the report month, in which any outlet of the province had a
  mystery inspection that is not a re-check (the sample and seed 003 hold one round per quarter, in
  its first month). mystery_score_latest_round = that month's round scores (sum / count, rolled up
  by adding); mystery_score_quarter = the same over the quarter to date. Both take the stage target
  in force in the round's month (the quarter's without a round).
- re-check list (outlets_below_85): outlets whose latest mystery inspection in the quarter to date,
  re-checks included, scored below recheck_below (85). For each, the round inspection, whether a
  re-check followed it, its result, and a mark when the latest score is below severe_below (80).

Every query is an Ibis expression over the inspections table (engine.warehouse.engine): it runs in the
engine over the month's or quarter's rows and returns a small frame.
"""

from __future__ import annotations

from datetime import date

import ibis
import pandas as pd

from svc_analysis.engine import org, warehouse
from svc_analysis.inspections import rules
from svc_analysis.core.periods import month_end, month_start, quarter_start

AREA = "inspections"
MYSTERY = "mystery"


def mystery(con, start: date, end: date, outlets: list[str] | None = None, rechecks: bool = True):
    """The mystery inspections of days [start, end] at ``outlets`` (None = all) as an Ibis expression
    over the inspections table (warehouse.engine), is_recheck with NULL read as false."""
    t = warehouse.engine(con).table("inspections")
    t = org.scope_filter(t.filter(t.kind == MYSTERY, t.inspected_on >= start, t.inspected_on <= end), outlets)
    t = t.mutate(is_recheck=t.is_recheck.fill_null(False))
    return t if rechecks else t.filter(~t.is_recheck)


def round_scores(con, start: date, end: date, outlets: list[str] | None = None) -> pd.DataFrame:
    """outlet_id, inspections, score_sum, score: mystery inspections on days [start, end], re-checks excluded."""
    t = mystery(con, start, end, outlets, rechecks=False)
    return (t.group_by("outlet_id").aggregate(inspections=t.count(), score_sum=t.score.sum(), score=t.score.mean())
            .order_by("outlet_id").to_pandas())


def latest_round_month(con, month: str) -> str | None:
    """The month (YYYY-MM) of the province's latest mystery round up to ``month``'s end: the month of the
    latest mystery inspection that is not a re-check, at any outlet (None: none yet). Province-wide, so a
    branch's figure is the same in a province run and in a run scoped to it."""
    t = mystery(con, date(1900, 1, 1), month_end(month), rechecks=False)
    latest = t.inspected_on.max().to_pandas()
    return None if latest is None or pd.isna(latest) else f"{pd.Timestamp(latest):%Y-%m}"


def mystery_rows(con, start: date, end: date, outlets: list[str] | None = None,
                 rechecks: bool = False) -> pd.DataFrame:
    """The mystery inspections of days [start, end] (a quarter holds one per outlet or two): for charts."""
    t = mystery(con, start, end, outlets, rechecks)
    frame = (t.select("inspection_id", "outlet_id", "inspected_on", "score", "is_recheck")
             .order_by(["inspected_on", "outlet_id", "inspection_id"]).to_pandas())
    frame["inspected_on"] = pd.to_datetime(frame["inspected_on"])
    return frame


def with_tree(frame: pd.DataFrame, tree: pd.DataFrame) -> pd.DataFrame:
    """The frame, in its own row order, with each outlet's name, sub-branch and branch in front
    (outlets missing from the tree dropped)."""
    names = tree[["outlet_id", "outlet_name", "subbranch", "branch"]]
    merged = frame.merge(names, on="outlet_id", how="inner")
    return merged[[*names.columns, *[c for c in frame.columns if c != "outlet_id"]]]


def month_outlet_scores(con, tree: pd.DataFrame, month: str) -> pd.DataFrame:
    """The month's round score of every outlet inspected, with its tree columns, for the whole province
    (the rules rank outlets province-wide even when a run shows one branch)."""
    scores = round_scores(con, month_start(month), month_end(month))
    return with_tree(scores, tree)


def month_ledger(con, tree: pd.DataFrame, month: str, params) -> pd.DataFrame:
    """Reward and penalty ledger of every rule set (params ``inspections.rule_sets``) for the month's
    round scores of the whole province, against the stage target in force."""
    return rules.evaluate_all(month_outlet_scores(con, tree, month), params.rule_sets, month=month,
                              stage_target=params.stage_target(month))


def branch_month_means(con, tree: pd.DataFrame, months: list[str], outlets: list[str] | None = None) -> pd.DataFrame:
    """month, branch, inspections, score_sum, score: round scores per branch and month (trend)."""
    t = mystery(con, month_start(months[0]), month_end(months[-1]), outlets, rechecks=False)
    t = t.mutate(month=t.inspected_on.strftime("%Y-%m"))
    frame = t.group_by(["month", "outlet_id"]).aggregate(inspections=t.count(), score_sum=t.score.sum()).to_pandas()
    frame = frame.merge(tree[["outlet_id", "branch"]], on="outlet_id")
    out = frame.groupby(["month", "branch"], as_index=False)[["inspections", "score_sum"]].sum()
    out["score"] = out["score_sum"] / out["inspections"]
    return out.sort_values(["month", "branch"]).reset_index(drop=True)


def coverage(con, tree: pd.DataFrame, month: str, since: date) -> pd.DataFrame:
    """Per staffed outlet open at month end: outlet_id, subbranch, branch, numerator (1 when it had a
    mystery inspection, re-checks included, on days [since, month end]) and denominator (1)."""
    end = month_end(month)
    base = org.open_outlets(org.staffed(tree), end)[["outlet_id", "subbranch", "branch"]]
    seen = mystery(con, since, end).select("outlet_id").distinct().to_pandas()
    out = base.assign(numerator=base["outlet_id"].isin(seen["outlet_id"]).astype("float64"), denominator=1.0)
    return out.reset_index(drop=True)


def uncovered_branches(cover: pd.DataFrame) -> list[str]:
    """Branches with staffed open outlets none of which was inspected (seed 003: every branch each round)."""
    by = cover.groupby("branch")["numerator"].sum()
    return sorted(by[by == 0].index)


def recheck_table(con, month: str, recheck_below: float, severe_below: float,
                  outlets: list[str] | None = None) -> pd.DataFrame:
    """Outlets with a mystery score below ``recheck_below`` in the quarter to date.

    Columns: outlet_id; round_on, round_score (latest non-re-check inspection); recheck_on,
    recheck_score (latest re-check on or after the round, empty when none yet); latest_on,
    latest_score (the latest inspection, re-checks included; a re-check on the same day as the round
    counts as the later one); on_list (latest_score < recheck_below: the contract's outlets_below_85);
    severe (latest_score < severe_below); status 待复查 / 复查仍未达标 / 复查已达标.
    """
    q = mystery(con, quarter_start(month), month_end(month), outlets).rename(rc="is_recheck")
    newest = [ibis.desc("inspected_on"), ibis.desc("inspection_id")]
    k = q.mutate(latest=ibis.row_number().over(group_by="outlet_id", order_by=[newest[0], ibis.desc("rc"), newest[1]]),
                 latest_of_kind=ibis.row_number().over(group_by=["outlet_id", "rc"], order_by=newest))
    round_, recheck, latest = (~k.rc) & (k.latest_of_kind == 0), k.rc & (k.latest_of_kind == 0), k.latest == 0
    frame = k.group_by("outlet_id").aggregate(
        round_on=k.inspected_on.max(where=round_), round_score=k.score.max(where=round_),
        recheck_on=k.inspected_on.max(where=recheck), recheck_score=k.score.max(where=recheck),
        latest_on=k.inspected_on.max(where=latest), latest_score=k.score.max(where=latest),
        lowest=k.score.min())
    frame = frame.filter(frame.lowest < recheck_below).drop("lowest").order_by("outlet_id").to_pandas()
    for col in ("round_on", "recheck_on", "latest_on"):
        frame[col] = pd.to_datetime(frame[col]).dt.date.astype(object).where(frame[col].notna(), None)
    # a re-check dated before the latest round inspection belongs to an earlier round
    stale = frame["recheck_on"].notna() & frame["round_on"].notna() & (frame["recheck_on"] < frame["round_on"])
    frame.loc[stale, ["recheck_on", "recheck_score"]] = None
    frame["on_list"] = frame["latest_score"] < recheck_below
    frame["severe"] = frame["latest_score"] < severe_below
    done = frame["recheck_score"].notna()
    frame["status"] = "待复查"
    frame.loc[done & frame["on_list"], "status"] = "复查仍未达标"
    frame.loc[done & ~frame["on_list"], "status"] = "复查已达标"
    frame.loc[~done & ~frame["on_list"], "status"] = "最新检查已达标"
    return frame.sort_values(["on_list", "latest_score"], ascending=[False, True]).reset_index(drop=True)
