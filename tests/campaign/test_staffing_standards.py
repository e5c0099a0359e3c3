"""staffing_standards: VIP centre staffing and the lobby manager of outlets with deposits >= 1 亿."""

import pytest

from svc_analysis.campaign import staffing_standards as ss
from tests.campaign.support import STAFFING, build

STAFF = [
    # A3 (VIP centre): 3 wealth managers, 2 lobby managers but one left before month end, 1 marketing, no head
    ("s1", "A3", "wealth_manager", "2020-01-01", None), ("s2", "A3", "wealth_manager", "2020-01-01", None),
    ("s3", "A3", "wealth_manager", "2020-01-01", None), ("s4", "A3", "lobby_manager", "2020-01-01", None),
    ("s5", "A3", "lobby_manager", "2020-01-01", "2026-03-15"), ("s6", "A3", "marketing_manager", "2020-01-01", None),
    # A1 (deposits 2.5 亿): a lobby manager hired after the month end does not count yet
    ("s7", "A1", "lobby_manager", "2026-04-02", None), ("s8", "A1", "teller", "2020-01-01", None),
    # A2 (0.4 亿): below the threshold, not checked; B1 has no deposits figure
    ("s9", "B1", "lobby_manager", "2020-01-01", None),
]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    con = build(tmp_path_factory.mktemp("s") / "w.duckdb", staff=STAFF)
    yield ss.check(con, "2026-03", STAFFING["vip_centre"], STAFFING["deposits_min_yi"],
                   STAFFING["deposits_outlet"])
    con.close()


def test_vip_centre_shortfall(checked):
    vip = checked[checked["rule"] == ss.VIP_RULE].iloc[0]
    assert vip["outlet_id"] == "A3" and not vip["meets"]
    assert (vip["wealth_manager"], vip["lobby_manager"], vip["service_head"]) == (3, 1, 0)
    assert vip["shortfall"] == "大堂经理 1/2，网点服务主任 0/1"


def test_deposits_rule(checked):
    rows = checked[checked["rule"] == ss.DEPOSITS_RULE].set_index("outlet_id")
    assert sorted(rows.index) == ["A1", "A3", "B1"]  # A2 is under 1 亿, B2 is self-service
    assert not rows.loc["A1", "meets"] and rows.loc["A1", "shortfall"] == "大堂经理 0/1"
    assert rows.loc["A3", "meets"]  # one lobby manager left: enough for this rule
    assert rows.loc["B1", "shortfall"] == ss.NO_DEPOSITS and rows["meets"].isna()["B1"]


def test_misses_and_summary(checked):
    assert ss.misses(checked)["outlet_id"].tolist() == ["A3", "A1", "B1"]
    summary = ss.summary(checked).set_index("rule")
    assert summary.loc[ss.DEPOSITS_RULE].tolist() == [3, 1, 1, 1]
    assert summary.loc[ss.VIP_RULE].tolist() == [1, 0, 1, 0]


def test_scope_limits_the_outlets(tmp_path):
    con = build(tmp_path / "w.duckdb", staff=STAFF)
    scoped = ss.check(con, "2026-03", STAFFING["vip_centre"], 1.0, STAFFING["deposits_outlet"], outlets=["B1"])
    assert scoped["outlet_id"].tolist() == ["B1"]
    con.close()


def test_without_any_staff_nothing_is_checked_or_missed(tmp_path):
    # no staff export loaded: every checked outlet reads 无员工数据 with meets NA, none counts as a miss
    con = build(tmp_path / "w.duckdb", staff=[])
    checked = ss.check(con, "2026-03", STAFFING["vip_centre"], STAFFING["deposits_min_yi"],
                       STAFFING["deposits_outlet"])
    con.close()
    assert sorted(checked["outlet_id"]) == ["A1", "A3", "A3", "B1"]  # same outlets as with staff
    assert (checked["shortfall"] == ss.NO_STAFF).all() and checked["meets"].isna().all()
    summary = ss.summary(checked).set_index("rule")
    assert summary.loc[ss.DEPOSITS_RULE].tolist() == [3, 0, 0, 3]
    assert summary.loc[ss.VIP_RULE].tolist() == [1, 0, 0, 1]


def test_staff_in_other_roles_only_is_data_and_the_standards_are_missed(tmp_path):
    # a teller in service (not a role of the standards; the lobby manager left before month end):
    # staff data is there, so the standards are checked and missed
    con = build(tmp_path / "w.duckdb", staff=[("s8", "A1", "teller", "2020-01-01", None),
                                              ("s5", "A3", "lobby_manager", "2020-01-01", "2026-03-15")])
    checked = ss.check(con, "2026-03", STAFFING["vip_centre"], STAFFING["deposits_min_yi"],
                       STAFFING["deposits_outlet"]).set_index(["rule", "outlet_id"])
    con.close()
    assert checked.loc[(ss.DEPOSITS_RULE, "A1"), "shortfall"] == "大堂经理 0/1"
    assert checked.loc[(ss.DEPOSITS_RULE, "B1"), "shortfall"] == ss.NO_DEPOSITS
