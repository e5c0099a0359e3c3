"""campaign.master_data: reported actuals beside their counterparts in the outlets table, counted by hand.

The shared warehouse (support.build): BA has A1, A2 standard and A3 VIP centre; BB has B1 standard and
B2 self-service (no opening date: open since before the campaign). Added here: A4 self-service opened
2025-12-01 (before the campaign), B3 self-service opened 2026-03-10 (inside it), B4 self-service opened
2026-02-01 and closed 2026-05-01 (not open at the June month end); A1 and B1 are smart.
"""

import pytest

from svc_analysis.campaign import campaign, master_data
from svc_analysis.core import params as P
from svc_analysis.engine import org
from tests.campaign.support import build, kpi, make_campaign

ACTUALS = [("offsite", "BA", "2026-01", 3), ("offsite", "BB", "2026-04", 2),
           ("smart", "province", "2026-06", 0.40), ("vip", "BA", "2026-02", 1)]
CAMPAIGN = make_campaign([
    kpi("offsite", 10, deadline="2026-06-30",
        master_data={"base": "self_service_outlets", "opened_since_start": True}),
    kpi("smart", 0.6, combine="latest", units="province", adds_up=False, unit_of_measure="占比", kind="growth",
        baseline=0.2, curve="back_loaded", master_data={"base": "staffed_outlets", "flag": "smart", "tolerance": 0.01}),
    kpi("vip", 1.0, combine="latest", target_of="vip_centre_outlets", master_data={"base": "vip_centre_outlets"}),
    kpi("plain", 5),
])


@pytest.fixture(scope="module")
def checks(tmp_path_factory):
    con = build(tmp_path_factory.mktemp("md") / "w.duckdb", actuals=ACTUALS)
    con.execute("""INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type, opened_on, closed_on)
        VALUES ('A4', 'a4', 'SA', 'BA', 'self_service', DATE '2025-12-01', NULL),
               ('B3', 'b3', 'SB', 'BB', 'self_service', DATE '2026-03-10', NULL),
               ('B4', 'b4', 'SB', 'BB', 'self_service', DATE '2026-02-01', DATE '2026-05-01')""")
    con.execute("UPDATE outlets SET smart = true WHERE outlet_id IN ('A1', 'B1')")
    board = campaign.progress_board(con, CAMPAIGN, org.outlet_tree(con), "2026-06")
    out = master_data.check(con, CAMPAIGN, board, "2026-06").set_index(["kpi_id", "unit_id"])
    con.close()
    return out


def test_new_self_service_banks_are_those_opened_since_the_start_and_open_at_the_month_end(checks):
    # opened since 2026-01-01 and open on 06-30: only B3 (A4 opened 2025, B4 closed in May, B2 no date)
    province, ba, bb = (checks.loc[("offsite", u)] for u in ("province", "BA", "BB"))
    assert (province.reported, province.counted, province.outlets, province.gap) == (5, 1, 3, 4)  # 3 open: A4, B2, B3
    assert (ba.counted, ba.outlets, bb.counted, bb.outlets) == (0, 1, 1, 2)
    assert province.flagged and province.sentence == (
        "活动报送 5 个，网点表中 2026-01-01 以来开业的仅 1 个（离行式自助银行共 3 个），差 4 个，请核对。")
    assert ba.sentence == "活动报送 3 个，网点表中 2026-01-01 以来开业的仅 0 个（离行式自助银行共 1 个），差 3 个，请核对。"


def test_a_share_is_checked_against_the_flagged_share_of_its_base(checks):
    # staffed outlets open on 06-30: A1, A2, A3, B1; smart: A1, B1 -> 2/4 = 50.0 %, reported 40.0 %
    row = checks.loc[("smart", "province")]
    assert (row.outlets, row.counted) == (4, 0.5) and row.gap == pytest.approx(-0.10) and row.flagged
    assert row.sentence == "活动报送 40.0%，网点表有 50.0%，差 10.0 个百分点，请核对。"
    assert row.source == "月末营业的有人网点中智能化网点占比"


def test_an_agreeing_count_is_not_flagged_and_kpis_without_a_counterpart_are_not_checked(checks):
    ba = checks.loc[("vip", "BA")]  # A3 is BA's one VIP centre, BA reports 1
    assert (ba.reported, ba.counted, ba.flagged) == (1, 1, False)
    assert ba.sentence == "活动报送与网点表一致（1 个）。"
    assert "plain" not in checks.index.get_level_values(0)


def test_a_share_counterpart_needs_a_flag_and_a_count_none():
    with pytest.raises(ValueError, match="master_data of a share needs a flag"):
        make_campaign([kpi("s", 0.6, combine="latest", units="province", adds_up=False, kind="growth", baseline=0.2,
                           master_data={"base": "staffed_outlets"})])
    with pytest.raises(ValueError, match="a count's master_data counts outlets"):
        make_campaign([kpi("c", 10, master_data={"base": "all_outlets", "flag": "smart"})])
    assert P.MasterData(base="vip_centre_outlets").tolerance == 0
