"""campaign.master_data: reported actuals beside their counterparts in the outlets table, counted by hand.

The shared warehouse (support.build): BA has A1, A2 standard and A3 VIP centre; BB has B1 standard and
B2 self-service (no opening date: open since before the campaign). Added here: A4 self-service opened
2025-12-01 (before the campaign), B3 self-service opened 2026-03-10 (inside it), B4 self-service opened
2026-02-01 and closed 2026-05-01 (not open at the June month end); A1 and B1 are smart.
"""

from types import SimpleNamespace

import pandas as pd
import pytest

from svc_analysis.campaign import area, campaign, master_data, progress_report, views
from svc_analysis.core import params as P
from svc_analysis.core import status
from svc_analysis.core.period import Period
from svc_analysis.engine import kpis, org
from svc_analysis.engine.scope import Scope
from svc_analysis.summary import scorecard
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


def _parts(tmp_path, camp):
    con = build(tmp_path / "w.duckdb", actuals=ACTUALS)
    con.execute("""INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type, opened_on, closed_on)
        VALUES ('A4', 'a4', 'SA', 'BA', 'self_service', DATE '2025-12-01', NULL),
               ('B3', 'b3', 'SB', 'BB', 'self_service', DATE '2026-03-10', NULL),
               ('B4', 'b4', 'SB', 'BB', 'self_service', DATE '2026-02-01', DATE '2026-05-01')""")
    con.execute("UPDATE outlets SET smart = true WHERE outlet_id IN ('A1', 'B1')")
    params = SimpleNamespace(campaign=camp)
    scope = Scope.of(org.outlet_tree(con), None)
    parts = progress_report.parts(con, params, scope, "2026-06")
    rows = area.kpi_rows(con, params, scope, Period.month("2026-06"), parts)
    con.close()
    return parts, rows.set_index(["metric", "unit_id"])


def test_an_actual_the_outlets_table_does_not_back_is_shown_not_judged(tmp_path):
    parts, rows = _parts(tmp_path, CAMPAIGN)
    # offsite (tolerance 0): province 5 reported / 1 counted, BA 3 / 0, BB 2 / 1 -> every row 待核实;
    # smart: 40.0% reported / 50.0% counted, gap 10 points > tolerance 1 point -> 待核实
    for unit in ("province", "BA", "BB"):
        row = rows.loc[("campaign_progress:offsite", unit)]
        assert row.status == "unverified" and pd.isna(row.meets_target)
    assert rows.loc[("campaign_progress:offsite", "province"), "value"] == pytest.approx(5 / 10)  # still shown
    assert rows.loc[("campaign_progress:smart", "province"), "status"] == "unverified"
    # vip BA: 1 reported, 1 VIP centre (A3) counted: agrees, judged (1 of 1: on track); plain has no counterpart
    assert rows.loc[("campaign_progress:vip", "BA"), "status"] == "on_track"
    assert rows.loc[("campaign_progress:plain", "province"), "status"] in ("on_track", "at_risk", "behind")
    kpis.validate(rows.reset_index())
    board = parts["board"].set_index(["kpi_id", "unit_id"])
    assert pd.isna(board.loc[("offsite", "province"), "forecast"])  # no forecast from an unverified actual
    assert board.loc[("offsite", "province"), "forecast_meets"] is None
    # the page prints the word (label), counts it beside the three campaign words and names the rows
    table = views.board_table(parts["board"], "province").set_index("指标")
    assert table.loc["OFFSITE", "状态"] == "待核实" and table.loc["OFFSITE", "预测能完成"] == "暂不预测"
    text = views.board_sentence(parts["board"], "province")
    assert "待核实 2 项（OFFSITE、SMART）" in text and "进度正常" in text


def test_a_gap_within_the_tolerance_is_judged(tmp_path):
    # offsite with tolerance 4: province gap 5 − 1 = 4 and BA's 3, BB's 1 are within it: judged as before
    loose = make_campaign([
        kpi("offsite", 10, deadline="2026-06-30",
            master_data={"base": "self_service_outlets", "opened_since_start": True, "tolerance": 4}),
    ])
    _, rows = _parts(tmp_path, loose)
    assert not rows["status"].eq("unverified").any()
    # the deadline is the month end: expected 100%, province 5 / 10 below it
    assert rows.loc[("campaign_progress:offsite", "province"), "status"] in ("at_risk", "behind")


def test_the_unverified_status_word_and_its_count():
    assert status.label("unverified") == "待核实" and status.MEETS["unverified"] is None
    codes = ["on_track", "unverified", "behind"]
    assert status.count_text(codes) == "进度正常 1 项、进度预警 0 项、进度滞后 1 项、待核实 1 项"
    assert status.count_text(["on_track"]) == "进度正常 1 项、进度预警 0 项、进度滞后 0 项"  # none: not named
    assert scorecard.mark(None, "unverified") == "— 待核实"


def test_a_gap_that_rounds_to_zero_has_no_minus_sign():
    # the October small pack: transformed share reported 27.08% against 27.0833...% counted: -0.003 points
    checks = pd.DataFrame([{"kpi_id": "t", "name": "T", "unit_of_measure": "占比", "level": "province",
                            "unit_id": "province", "reported": 0.2708, "counted": 13 / 48, "outlets": 48.0,
                            "source": "", "gap": 0.2708 - 13 / 48, "flagged": False, "sentence": ""}])
    assert views.master_data_table(checks).iloc[0]["差额（报送 − 网点表）"] == "+0.0 个百分点"


def test_a_row_without_a_judgment_keeps_its_reason(tmp_path):
    # smart as a growth share without a reported baseline (no_target, 基数未填报): its gap is flagged in the
    # check (40.0% against 50.0%), but the row keeps no_target, not unverified (one reason per row)
    camp = make_campaign([kpi("smart", 0.6, combine="latest", units="province", adds_up=False, unit_of_measure="占比",
                              kind="growth", baseline=None, curve="back_loaded",
                              master_data={"base": "staffed_outlets", "flag": "smart", "tolerance": 0.01})])
    parts, rows = _parts(tmp_path, camp)
    assert parts["master_data"].set_index("kpi_id").loc["smart", "flagged"]
    assert rows.loc[("campaign_progress:smart", "province"), "status"] == "no_target"
