"""inspections.py on a hand-built warehouse (expected values worked out by hand in the comments)
and the planted failing outlet of the tiny sample."""

import math
from datetime import date

import duckdb
import pandas as pd
import pytest

from svc_analysis.inspections import area, inspections
from svc_analysis.engine import org
from svc_analysis.core.params import load_params
from svc_analysis.engine.sample import plan_for
from svc_analysis.engine.warehouse import ensure_schema
from tests.support import TINY_MONTH, TINY_SEED, tiny_warehouse

MONTH = "2026-10"
P = load_params(MONTH).inspections

# OUTLETS, INSPECTIONS and the `con` fixture of this hand-built warehouse: tests/inspections/conftest.py


def _kpi(rows, metric, level, unit):
    row = rows[(rows.metric == metric) & (rows.level == level) & (rows.unit_id == unit)]
    assert len(row) == 1, (metric, level, unit)
    return row.iloc[0]


def test_round_scores_exclude_rechecks(con):
    s = inspections.round_scores(con, date(2026, 10, 1), date(2026, 10, 31)).set_index("outlet_id")
    # O2: 84 and 83 (the 86 re-check is left out) -> 2 inspections, mean 83.5
    assert (s.loc["O2", "inspections"], s.loc["O2", "score"]) == (2, 83.5)
    assert s.loc["O1", "score"] == 84.0 and s.loc["O8", "score"] == 84.0
    assert "O6" not in s.index


def test_kpis_by_hand(con, tree):
    ledger = inspections.month_ledger(con, tree, MONTH, P)
    rows = area.rows(con, tree, tree, MONTH, P, ledger)
    # mean: (84 + 84 + 83 + 79.5 + 95 + 84) / 6 = 509.5 / 6; B1 425.5 / 5 = 85.1; B2 84
    province = _kpi(rows, "mystery_score_avg", "province", "province")
    assert (province.numerator, province.denominator) == (509.5, 6)
    assert province.value == pytest.approx(84.9167, abs=1e-4) and province.target == 98
    assert not province.meets_target
    assert _kpi(rows, "mystery_score_avg", "branch", "B1").value == pytest.approx(85.1)
    assert math.isnan(_kpi(rows, "mystery_score_avg", "outlet", "O6").value)  # no data, not 0
    # quarter coverage: staffed and open at 31 Oct = O1 O2 O4 O6 O8; inspected this quarter O1 O2 O4 O8
    cover = _kpi(rows, "inspection_coverage_quarter", "province", "province")
    assert (cover.numerator, cover.denominator, cover.target) == (4, 5, 0.6) and cover.meets_target
    assert _kpi(rows, "inspection_coverage_quarter", "branch", "B2").value == 0.5
    assert _kpi(rows, "inspection_coverage_year", "province", "province").value == 1.0  # + O6 in July
    # below 85 at the latest inspection of the quarter: O2 (83) and O4 (79.5); O1 and O8 passed re-checks
    assert _kpi(rows, "outlets_below_85", "province", "province").value == 2
    assert _kpi(rows, "outlets_below_85", "branch", "B2").value == 0
    # plan 2, target 98: O1 1000 + 14 x 200 = 3800; O2 (83.5) 3900 + last-but-one of B1 300 + 14.5 x 200 = 3200;
    # O4 (79.5) 4700 + last of B1 500 + 18.5 x 200 = 4200; O5 1600; O8 3800 (alone in B2: no bottom-two rule)
    assert _kpi(rows, "penalty_yuan", "outlet", "O2").value == 7100
    assert _kpi(rows, "penalty_yuan", "outlet", "O4").value == 8900
    assert _kpi(rows, "penalty_yuan", "branch", "B1").value == 3800 + 7100 + 8900 + 1600
    assert _kpi(rows, "penalty_yuan", "province", "province").value == 25200
    assert _kpi(rows, "reward_yuan", "province", "province").value == 0
    assert set(rows.metric) == {"mystery_score_avg", "inspection_coverage_quarter", "inspection_coverage_year",
                                "outlets_below_85", "penalty_yuan", "reward_yuan", "inspection_check_coverage_month",
                                "mystery_score_latest_round", "mystery_score_quarter"}
    # October is itself the round month and the quarter's first: both equal the month's 509.5 / 6
    for metric in ("mystery_score_latest_round", "mystery_score_quarter"):
        row = _kpi(rows, metric, "province", "province")
        assert (row.numerator, row.denominator, row.target) == (509.5, 6, 98)


def test_scoped_kpis_keep_province_ranks_and_publish_no_province_row(con, tree):
    ledger = inspections.month_ledger(con, tree, MONTH, P)
    scope = org.scope_tree(tree, "B2")
    rows = area.rows(con, tree, scope, MONTH, P, ledger, scope_level="branch")
    assert "province" not in set(rows.level) and set(rows[rows.level == "branch"].unit_id) == {"B2"}
    assert _kpi(rows, "penalty_yuan", "branch", "B2").value == 3800


def test_recheck_table_latest_counts(con):
    table = inspections.recheck_table(con, MONTH, 85, 80).set_index("outlet_id")
    assert list(table.index) == ["O4", "O2", "O8", "O1"]  # on the list first, then by latest score: 85 before 86
    o2 = table.loc["O2"]
    assert (o2.round_on, o2.round_score, o2.latest_score, o2.on_list) == (date(2026, 10, 25), 83.0, 83.0, True)
    assert pd.isna(o2.recheck_score) and o2.status == "待复查"  # the 12 Oct re-check belonged to the 6 Oct visit
    assert table.loc["O4", "severe"] and table.loc["O4", "status"] == "待复查"
    assert table.loc["O1", "status"] == "复查已达标" and table.loc["O1", "recheck_score"] == 86.0
    assert table.loc["O8", "latest_score"] == 85.0 and not table.loc["O8", "on_list"]  # exactly 85 is not below
    scoped = inspections.recheck_table(con, MONTH, 85, 80, outlets=["O1", "O6"])
    assert scoped["outlet_id"].tolist() == ["O1"]


def test_coverage_and_uncovered_branches(con, tree):
    cover = inspections.coverage(con, tree, "2026-09", date(2026, 7, 1))
    # Q3 to 30 Sep: only O6 inspected; O5 still open on 30 Sep; O7 not yet open
    assert set(cover.outlet_id) == {"O1", "O2", "O4", "O5", "O6", "O8"}
    assert cover.set_index("outlet_id").numerator.to_dict()["O6"] == 1
    assert inspections.uncovered_branches(cover) == ["B1"]


def test_month_without_a_round_has_no_mean_and_no_ledger(con, tree):
    ledger = inspections.month_ledger(con, tree, "2026-11", P)
    assert ledger.empty
    rows = area.rows(con, tree, tree, "2026-11", P, ledger)
    assert math.isnan(_kpi(rows, "mystery_score_avg", "province", "province").value)
    assert _kpi(rows, "penalty_yuan", "province", "province").value == 0


def test_a_month_without_a_round_shows_the_latest_round_and_the_quarter(con, tree):
    """Issue 14: November has no round (无数据) while October's averaged 509.5 / 6 = 84.92 against 98.
    The latest round is October's (the last non-re-check mystery inspection: O2 on 25 Oct); the quarter
    to date (1 Oct - 30 Nov) holds the same six inspections. In January 2027 the quarter has no round
    yet (no data, the January target 92) while the latest round is still October's with its target 98.
    Scoped to B2 the round is still the province's October: O8's 84."""
    assert inspections.latest_round_month(con, "2026-11") == "2026-10"
    assert inspections.latest_round_month(con, "2026-09") == "2026-07"   # O6 on 10 Jul (22 Jul is a re-check)
    rows = area.rows(con, tree, tree, "2026-11", P, inspections.month_ledger(con, tree, "2026-11", P))
    assert math.isnan(_kpi(rows, "mystery_score_avg", "province", "province").value)
    for metric in ("mystery_score_latest_round", "mystery_score_quarter"):
        row = _kpi(rows, metric, "province", "province")
        assert (row.numerator, row.denominator, row.target, row.status) == (509.5, 6, 98, "missed")
        assert _kpi(rows, metric, "branch", "B1").value == pytest.approx(425.5 / 5)
    january = area.rows(con, tree, tree, "2027-01", P, inspections.month_ledger(con, tree, "2027-01", P))
    latest = _kpi(january, "mystery_score_latest_round", "province", "province")
    assert (latest.value, latest.target) == (pytest.approx(509.5 / 6), 98)
    quarter = _kpi(january, "mystery_score_quarter", "province", "province")
    assert math.isnan(quarter.value) and quarter.target == 92 and quarter.status == "no_data"
    scoped = area.rows(con, tree, org.scope_tree(tree, "B2"), "2026-11", P,
                       inspections.month_ledger(con, tree, "2026-11", P), scope_level="branch")
    assert _kpi(scoped, "mystery_score_latest_round", "branch", "B2").value == 84.0


def test_branch_month_means(con, tree):
    means = inspections.branch_month_means(con, tree, ["2026-07", "2026-08", "2026-09", "2026-10"])
    assert means[["month", "branch", "inspections"]].values.tolist() == [
        ["2026-07", "B2", 1], ["2026-10", "B1", 5], ["2026-10", "B2", 1]]


def test_planted_failing_outlet_is_on_the_recheck_list_and_in_the_ledger():
    plan = plan_for("tiny", seed=TINY_SEED, end_month=TINY_MONTH)
    con = duckdb.connect(str(tiny_warehouse()), read_only=True)
    try:
        tree = org.outlet_tree(con)
        table = inspections.recheck_table(con, TINY_MONTH, P.recheck_below, P.severe_below)
        ledger = inspections.month_ledger(con, tree, TINY_MONTH, P)
    finally:
        con.close()
    row = table.set_index("outlet_id").loc[plan.mystery_outlet]
    # scenario 5: round score 78-84 and a re-check still below 85
    assert row.on_list and row.status == "复查仍未达标" and 78 <= row.round_score < 85
    line = ledger[(ledger.outlet_id == plan.mystery_outlet) & (ledger.rule_id == "stage_target_missed")]
    assert len(line) == 1
    assert line.iloc[0].amount == 1000 + (98 - row.round_score) * 200
    assert line.iloc[0].formula.startswith("1,000 + (98 − ")
