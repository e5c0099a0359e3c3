"""campaign: actual to date (sum / latest / ratio), progress, status, forecast, KPI rows, out-of-campaign
months, and the planted scenario 4 on the tiny sample."""

import math

import pandas as pd
import pytest

from svc_analysis.campaign import campaign
from svc_analysis.engine import kpis
from svc_analysis.engine import org
from svc_analysis.engine.sample import plan_for
from svc_analysis.core.params import load_params
from tests.campaign.support import build, kpi, make_campaign
from tests.support import TINY_MONTH, tiny_warehouse

ACTUALS = [
    ("k_sum", "BA", "2026-01", 10), ("k_sum", "BA", "2026-02", 10), ("k_sum", "BA", "2026-03", 10),
    ("k_sum", "BB", "2026-01", 5), ("k_sum", "BB", "2026-03", 5),              # no February report
    ("k_latest", "province", "2026-01", 0.40), ("k_latest", "province", "2026-02", 0.42),
    ("k_past", "BA", "2026-01", 2), ("k_past", "BA", "2026-02", 1),
    ("k_past", "BB", "2026-01", 5), ("k_past", "BB", "2026-02", 1),
    ("k_vip", "BA", "2026-03", 1),
    ("k_den", "BA", "2026-01", 20), ("k_den", "BA", "2026-03", 20), ("k_den", "BB", "2026-02", 40),
    ("k_sum", "province", "2026-01", 99), ("nope", "BA", "2026-01", 1),      # unusable rows
]
CAMPAIGN = make_campaign([
    kpi("k_sum", 100),
    kpi("k_latest", 0.5, combine="latest", units="province", adds_up=False, unit_of_measure="占比",
        kind="growth", baseline=0.0),
    kpi("k_none", 52, units="province"),
    kpi("k_past", 10, deadline="2026-02-28"),
    kpi("k_future", 10, start="2026-06-01"),
    kpi("k_vip", 1.0, combine="latest", target_of="vip_centre_outlets"),
    kpi("k_den", 100),
    kpi("k_ratio", 0.5, combine="ratio", numerator="k_sum", denominator="k_den", adds_up=False,
        unit_of_measure="占比", kind="growth", baseline=0.0),
])
MARCH_EXPECTED = 90 / 365  # Jan 1 .. Mar 31 of a 365-day year, linear


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    con = build(tmp_path_factory.mktemp("c") / "w.duckdb", actuals=ACTUALS)
    tree = org.outlet_tree(con)
    board = campaign.progress_board(con, CAMPAIGN, tree, "2026-03").set_index(["kpi_id", "level", "unit_id"])
    yield con, tree, board
    con.close()


def test_sum_adds_the_months_since_start_per_branch_and_for_the_province(setup):
    _, _, board = setup
    ba, bb, prov = (board.loc[("k_sum", lvl, u)] for lvl, u in
                    [("branch", "BA"), ("branch", "BB"), ("province", "province")])
    assert (ba.actual, bb.actual, prov.actual) == (30, 10, 40)  # the 'province' row of 99 is not used
    assert (ba.target, bb.target, prov.target) == (50, 50, 100)   # equal split
    assert ba.progress == pytest.approx(0.6) and bb.progress == pytest.approx(0.2)
    assert ba.expected == pytest.approx(MARCH_EXPECTED)
    assert ba.status == "on_track"  # pace 0.6 / 0.2466 = 2.4
    assert bb.month_value == 5 and ba.month_value == 10


def test_status_of_bb_is_from_its_pace(setup):
    _, _, board = setup
    bb = board.loc[("k_sum", "branch", "BB")]
    assert bb.pace == pytest.approx(0.2 / MARCH_EXPECTED)  # 0.811: at risk (>= 0.80)
    assert bb.status == "at_risk"


def test_forecast_carries_the_pace_against_the_plan_and_agrees_with_the_status(setup):
    _, _, board = setup
    ba, bb = board.loc[("k_sum", "branch", "BA")], board.loc[("k_sum", "branch", "BB")]
    # forecast = actual / share of the linear path by Mar 31 (90/365): BA 30 x 365/90 = 121.67 >= 50, its
    # amounts 10, 10, 10 do not vary: no range; BB 10 x 365/90 = 40.56 < 50: a miss, and BB is at risk
    assert ba.forecast == pytest.approx(30 * 365 / 90) and ba.forecast_meets and ba.status == "on_track"
    assert (ba.forecast_low, ba.forecast_high) == (pytest.approx(ba.forecast), pytest.approx(ba.forecast))
    assert bb.forecast == pytest.approx(10 * 365 / 90) and bb.forecast_meets == False  # noqa: E712
    assert bb.status == "at_risk"
    # BB's amounts 5, 0, 5: s = sqrt(25/3), R = 9 months left, n = 3 -> half = z(0.90) s sqrt(9 + 81/3)
    from scipy import stats
    half = stats.norm.ppf(0.90) * math.sqrt(25 / 3) * math.sqrt(9 + 27)
    assert bb.forecast_high == pytest.approx(10 * 365 / 90 + half)
    assert bb.forecast_low == pytest.approx(10 * 365 / 90 - half)  # 18.4: above the 10 already built


def test_latest_takes_the_most_recent_report(setup):
    _, _, board = setup
    row = board.loc[("k_latest", "province", "province")]
    assert row.actual == 0.42 and row.progress == pytest.approx(0.84)
    assert math.isnan(row.month_value)  # nothing reported in March
    assert ("k_latest", "branch", "BA") not in board.index


def test_no_actuals_yet_is_progress_zero_not_missing(setup):
    _, _, board = setup
    row = board.loc[("k_none", "province", "province")]
    assert (row.actual, row.progress, row.status, row.forecast) == (0, 0, "behind", 0)


def test_kpi_past_its_deadline(setup):
    _, _, board = setup
    ba, bb = board.loc[("k_past", "branch", "BA")], board.loc[("k_past", "branch", "BB")]
    assert ba.deadline_passed and ba.expected == 1.0
    assert ba.progress == pytest.approx(0.6) and ba.status == "behind"
    assert (ba.forecast, ba.forecast_meets) == (3, False)  # after the deadline the forecast is the actual
    assert bb.progress == pytest.approx(1.2) and bb.status == "on_track" and bb.forecast_meets


def test_not_started_and_carried_only_where_the_base_exists(setup):
    _, _, board = setup
    assert "k_future" not in board.index.get_level_values(0)
    assert board.loc[("k_vip", "branch", "BA")].progress == 1.0
    assert ("k_vip", "branch", "BB") not in board.index  # no VIP centre in BB


def test_ratio_of_two_kpis(setup):
    _, _, board = setup
    # BA: 30 / 40 = 0.75 -> progress 1.5 against 0.5; province: 40 / 80 = 0.5
    assert board.loc[("k_ratio", "branch", "BA")].actual == pytest.approx(0.75)
    assert board.loc[("k_ratio", "branch", "BA")].progress == pytest.approx(1.5)


def test_kpi_rows_follow_the_contract(setup):
    _, _, board = setup
    rows = campaign.kpi_rows(board.reset_index(), "2026-03")
    kpis.validate(rows)
    row = rows[(rows["metric"] == "campaign_progress:k_sum") & (rows["unit_id"] == "BB")].iloc[0]
    assert (row["value"], row["numerator"], row["denominator"]) == (pytest.approx(0.2), 10, 50)
    assert row["target"] == pytest.approx(MARCH_EXPECTED) and not row["meets_target"]
    assert row["status"] == "at_risk"  # the board's status: pace 0.811 >= 0.80
    none = rows[rows["metric"] == "campaign_progress:k_none"].iloc[0]
    assert none["value"] == 0 and none["meets_target"] == False  # noqa: E712


def test_unusable_actuals_are_listed(setup):
    con, tree, _ = setup
    bad = campaign.unmatched_actuals(con, CAMPAIGN, tree, "2026-03")
    assert bad[["kpi_id", "unit_id"]].values.tolist() == [["k_sum", "province"], ["nope", "BA"]]


@pytest.mark.parametrize("month,state", [("2025-12", "before"), ("2026-01", "in_force"),
                                         ("2026-12", "in_force"), ("2027-01", "over")])
def test_months_outside_the_campaign_have_no_rows(setup, month, state):
    con, tree, _ = setup
    assert campaign.campaign_state(CAMPAIGN, month) == state
    board = campaign.progress_board(con, CAMPAIGN, tree, month)
    assert board.empty == (state != "in_force")


def test_history_has_one_board_per_month(setup):
    con, tree, _ = setup
    hist = campaign.history(con, CAMPAIGN, tree, "2026-03")
    ba = hist[(hist["kpi_id"] == "k_sum") & (hist["unit_id"] == "BA")]
    assert ba["month"].tolist() == ["2026-01", "2026-02", "2026-03"] and ba["actual"].tolist() == [10, 20, 30]


def test_planted_campaign_behind_plan_on_the_tiny_sample():
    """Scenario 4: new_atms at ~half pace everywhere, behind with a forecast miss; the plan's branch
    at ~40 % of its offsite_self_service_banks target after the 30 June deadline."""
    import duckdb

    plan = plan_for("tiny", end_month=TINY_MONTH)
    params = load_params(TINY_MONTH)
    with duckdb.connect(str(tiny_warehouse()), read_only=True) as con:
        board = campaign.progress_board(con, params.campaign, org.outlet_tree(con), TINY_MONTH)
    atms = board[board["kpi_id"] == "new_atms"]
    assert len(atms) >= 3 and (atms["status"] == "behind").all() and not atms["forecast_meets"].any()
    assert atms["pace"].between(0.35, 0.7).all()
    offsite = board[board["kpi_id"] == "offsite_self_service_banks"].set_index("unit_id")
    behind = offsite.loc[plan.offsite_behind_branch]
    assert behind.deadline_passed and behind.status == "behind" and not behind.forecast_meets
    assert behind.progress == pytest.approx(0.4, abs=0.1)
    others = offsite.drop(index=[plan.offsite_behind_branch, "province"])
    assert (others["progress"] >= 1).all()
