"""Mystery-shopper scores, coverage and the re-check list (DOMAIN.md §4, seed 003, DATA_CONTRACT.md).

Definitions (DATA_CONTRACT.md metrics; thresholds from params ``inspections``):

- round score of an outlet in a period: the mean of its mystery inspections in the period, re-checks
  (is_recheck true) excluded. mystery_score_avg = sum of these scores / their count in the month,
  rolled up by adding sums and counts; target = the stage target in force (params stage_target).
- inspection_coverage_quarter: staffed outlets (not self_service) open at month end with at least one
  mystery inspection (re-checks count) from the quarter's start to month end / staffed outlets open
  at month end; target quarter_coverage_target (0.60). inspection_coverage_year: the same from
  1 January (extension; target year_coverage_target, 1.0).
- re-check list (outlets_below_85): outlets whose latest mystery inspection in the quarter to date,
  re-checks included, scored below recheck_below (85). For each, the round inspection, whether a
  re-check followed it, its result, and a mark when the latest score is below severe_below (80).

Every query runs in DuckDB over the month's or quarter's rows and returns a small frame.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from svc_analysis.engine import kpis
from svc_analysis.engine import org
from svc_analysis.inspections import rules
from svc_analysis.core.periods import month_end, month_start, quarter_start, year_start

AREA = "inspections"
MYSTERY = "mystery"


def _scope(outlets: list[str] | None) -> tuple[str, list]:
    """An SQL condition on outlet_id for the scope (empty for the province) and its parameters."""
    if outlets is None:
        return "", []
    return " AND list_contains(?, outlet_id)", [list(outlets)]


def round_scores(con, start: date, end: date, outlets: list[str] | None = None) -> pd.DataFrame:
    """outlet_id, inspections, score_sum, score: mystery inspections on days [start, end], re-checks excluded."""
    where, extra = _scope(outlets)
    return con.execute(
        f"""SELECT outlet_id, count(*) AS inspections, sum(score) AS score_sum, avg(score) AS score
            FROM inspections
            WHERE kind = '{MYSTERY}' AND NOT coalesce(is_recheck, false)
              AND inspected_on BETWEEN ? AND ?{where}
            GROUP BY outlet_id ORDER BY outlet_id""", [start, end, *extra]).df()


def mystery_rows(con, start: date, end: date, outlets: list[str] | None = None,
                 rechecks: bool = False) -> pd.DataFrame:
    """The mystery inspections of days [start, end] (a quarter holds one per outlet or two): for charts."""
    where, extra = _scope(outlets)
    if not rechecks:
        where += " AND NOT coalesce(is_recheck, false)"
    frame = con.execute(
        f"""SELECT inspection_id, outlet_id, inspected_on, score, coalesce(is_recheck, false) AS is_recheck
            FROM inspections WHERE kind = '{MYSTERY}' AND inspected_on BETWEEN ? AND ?{where}
            ORDER BY inspected_on, outlet_id, inspection_id""", [start, end, *extra]).df()
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
    where, extra = _scope(outlets)
    frame = con.execute(
        f"""SELECT strftime(inspected_on, '%Y-%m') AS month, outlet_id, count(*) AS inspections,
                   sum(score) AS score_sum
            FROM inspections WHERE kind = '{MYSTERY}' AND NOT coalesce(is_recheck, false)
              AND inspected_on BETWEEN ? AND ?{where}
            GROUP BY ALL""", [month_start(months[0]), month_end(months[-1]), *extra]).df()
    frame = frame.merge(tree[["outlet_id", "branch"]], on="outlet_id")
    out = frame.groupby(["month", "branch"], as_index=False)[["inspections", "score_sum"]].sum()
    out["score"] = out["score_sum"] / out["inspections"]
    return out.sort_values(["month", "branch"]).reset_index(drop=True)


def coverage(con, tree: pd.DataFrame, month: str, since: date) -> pd.DataFrame:
    """Per staffed outlet open at month end: outlet_id, subbranch, branch, numerator (1 when it had a
    mystery inspection, re-checks included, on days [since, month end]) and denominator (1)."""
    end = month_end(month)
    base = org.open_outlets(org.staffed(tree), end)[["outlet_id", "subbranch", "branch"]]
    seen = con.execute(
        f"""SELECT DISTINCT outlet_id FROM inspections
            WHERE kind = '{MYSTERY}' AND inspected_on BETWEEN ? AND ?""", [since, end]).df()
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
    where, extra = _scope(outlets)
    frame = con.execute(
        f"""WITH q AS (
              SELECT inspection_id, outlet_id, inspected_on, score, coalesce(is_recheck, false) AS rc
              FROM inspections WHERE kind = '{MYSTERY}' AND inspected_on BETWEEN ? AND ?{where}),
            k AS (
              SELECT *, row_number() OVER (PARTITION BY outlet_id
                                           ORDER BY inspected_on DESC, rc DESC, inspection_id DESC) AS latest,
                        row_number() OVER (PARTITION BY outlet_id, rc
                                           ORDER BY inspected_on DESC, inspection_id DESC) AS latest_of_kind
              FROM q)
            SELECT outlet_id,
                   max(inspected_on) FILTER (WHERE NOT rc AND latest_of_kind = 1) AS round_on,
                   max(score) FILTER (WHERE NOT rc AND latest_of_kind = 1) AS round_score,
                   max(inspected_on) FILTER (WHERE rc AND latest_of_kind = 1) AS recheck_on,
                   max(score) FILTER (WHERE rc AND latest_of_kind = 1) AS recheck_score,
                   max(inspected_on) FILTER (WHERE latest = 1) AS latest_on,
                   max(score) FILTER (WHERE latest = 1) AS latest_score
            FROM k GROUP BY outlet_id HAVING min(score) < ? ORDER BY outlet_id""",
        [quarter_start(month), month_end(month), *extra, recheck_below]).df()
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


def kpi_rows(con, tree: pd.DataFrame, scope_tree: pd.DataFrame, month: str, params, ledger: pd.DataFrame,
             scope_level: str | None = None) -> pd.DataFrame:
    """The area's KPI rows at every level: mystery_score_avg, inspection_coverage_quarter,
    inspection_coverage_year, outlets_below_85, penalty_yuan, reward_yuan.

    params: the ``inspections`` section. ledger: rules.evaluate_all lines; only active rule sets count.
    scope_tree limits the units published; scope_level as for kpis.rollup.
    """
    outlets = scope_tree["outlet_id"].tolist()
    common = {"month": month, "area": AREA, "scope_level": scope_level}
    scores = round_scores(con, month_start(month), month_end(month), outlets)
    frames = [kpis.rollup(scores.rename(columns={"score_sum": "numerator", "inspections": "denominator"}),
                          scope_tree, metric="mystery_score_avg", target=params.stage_target(month), **common)]
    for metric, since, target in (("inspection_coverage_quarter", quarter_start(month), params.quarter_coverage_target),
                                  ("inspection_coverage_year", year_start(month), params.year_coverage_target)):
        cover = coverage(con, scope_tree, month, since)
        staffed_tree = scope_tree[scope_tree["outlet_id"].isin(cover["outlet_id"])]
        frames.append(kpis.rollup(cover, staffed_tree, metric=metric, target=target, **common))
    below = recheck_table(con, month, params.recheck_below, params.severe_below, outlets)
    below = below.loc[below["on_list"], ["outlet_id"]].assign(value=1.0)
    frames.append(kpis.rollup(below, scope_tree, metric="outlets_below_85", kind="count", **common))
    active = {r.name for r in params.rule_sets if r.active}
    counted = ledger[ledger["rule_set"].isin(active) & ledger["outlet_id"].isin(outlets)]
    for effect in ("penalty", "reward"):
        frames.append(kpis.rollup(rules.per_outlet_yuan(counted, effect), scope_tree,
                                  metric=f"{effect}_yuan", kind="count", **common))
    return pd.concat(frames, ignore_index=True)

