"""new_hires.py on a hand-built warehouse (day 2026-10-31, first year = 12 months; values counted by hand)."""

import math
from datetime import date

import pytest

from svc_analysis.staff import new_hires
from svc_analysis.engine import org
from tests.staff import support as fx

DAY = date(2026, 10, 31)
OUTLETS = [("O1", "一号网点", "S1", "B1", "standard", date(2000, 1, 1), None),
           ("O2", "二号网点", "S2", "B2", "standard", date(2000, 1, 1), None),
           ("O3", "三号网点", "S3", "B3", "standard", date(2000, 1, 1), None)]  # no staff
STAFF = [
    ("N1", "O1", "teller", date(2025, 1, 31), None),    # anniversary 2026-01-31, passed that day
    ("N2", "O2", "teller", date(2025, 3, 15), None),    # failed, passed after the anniversary
    ("N3", "O1", "teller", date(2024, 2, 29), None),    # anniversary 2025-02-28: before the 12-month window
    ("N4", "O2", "teller", date(2025, 10, 31), None),   # anniversary on the day: in the window, not passed
    ("N5", "O1", "teller", date(2025, 12, 30), None),   # anniversary day + 60: listed, one failed attempt
    ("N6", "O2", "teller", date(2025, 11, 15), None),   # anniversary soon but already passed
    ("N7", "O2", "teller", date(2025, 12, 31), None),   # anniversary day + 61: not listed
    ("N8", "O1", "teller", date(2024, 11, 1), None),    # anniversary 2025-11-01: first day of the window
    ("N9", "O1", "teller", date(2024, 10, 31), None),   # anniversary 2025-10-31: just outside the window
    ("N10", "O1", "lobby_manager", date(2025, 6, 1), None),        # not a role that takes the test
    ("N11", "O2", "teller", date(2025, 5, 1), date(2026, 9, 1)),   # left
    ("N12", "O1", "teller", date(2025, 11, 20), None),  # passes 2026-11-05, after the day: still listed
]
TESTS = [
    ("N1", "expert", date(2026, 1, 31), True),
    ("N2", "expert", date(2025, 12, 1), False),
    ("N2", "expert", date(2026, 5, 1), True),
    ("N5", "expert", date(2026, 8, 1), False),
    ("N6", "expert", date(2026, 6, 1), True),
    ("N8", "expert", date(2025, 6, 1), True),
    ("N9", "expert", date(2026, 1, 1), True),
    ("N12", "expert", date(2026, 11, 5), True),
    ("N4", "english", date(2026, 3, 1), True),          # another test: not the expert test
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = fx.build(tmp_path_factory.mktemp("hires") / "w.duckdb", outlets=OUTLETS, staff=STAFF,
                   ratings=[], tests=TESTS)
    yield con
    con.close()


@pytest.fixture(scope="module")
def roster(con):
    return new_hires.expert_roster(con, DAY, roles=["teller"], within_months=12)


def test_roster(roster):
    r = roster.set_index("staff_id")
    assert "N10" not in r.index and "N11" not in r.index and len(r) == 10
    assert r.at["N3", "anniversary"] == date(2025, 2, 28)   # month arithmetic from 29 February
    assert r.at["N1", "passed_in_first_year"]                # passed on the anniversary itself
    assert not r.at["N2", "passed_in_first_year"] and r.at["N2", "first_pass_on"] == date(2026, 5, 1)
    assert r.at["N2", "failed_attempts"] == 1
    assert r.at["N12", "first_pass_on"] is None              # the pass after the day does not count yet


def _row(table, unit):
    return table.set_index(table.columns[0]).loc[unit]


def test_cohort_of_the_last_12_months(roster, tree):
    members = new_hires.cohort(roster, DAY, 12)
    assert sorted(members.staff_id) == ["N1", "N2", "N4", "N8"]
    table = new_hires.first_year_summary(members, tree)
    total = _row(table, "合计")
    assert total[["cohort", "passed_in_first_year", "passed_later", "not_passed"]].tolist() == [4, 2, 1, 1]
    assert total.share == pytest.approx(0.5)
    assert _row(table, "B1").share == pytest.approx(1.0) and _row(table, "B2").share == pytest.approx(0.0)
    assert math.isnan(_row(table, "B3").share)                 # no cohort: no data, not 0%


def test_cohort_without_window_is_everyone_a_year_in(roster, tree):
    members = new_hires.cohort(roster, DAY, None)
    assert sorted(members.staff_id) == ["N1", "N2", "N3", "N4", "N8", "N9"]
    total = _row(new_hires.first_year_summary(members, tree), "合计")
    assert total[["cohort", "passed_in_first_year", "passed_later", "not_passed"]].tolist() == [6, 2, 2, 2]


def test_approaching_first_anniversary(roster, tree):
    near = new_hires.approaching(roster, DAY, 60, tree)
    assert near[["staff_id", "days_left", "failed_attempts"]].values.tolist() == [["N12", 20, 0], ["N5", 60, 1]]
    assert near.loc[0, "branch"] == "B1"


def test_bad_arguments(con, roster, tree):
    with pytest.raises(ValueError, match="expert_within_months"):
        new_hires.expert_roster(con, DAY, roles=["teller"], within_months=0)
    with pytest.raises(ValueError, match="new_hire_cohort_months"):
        new_hires.cohort(roster, DAY, 0)
    with pytest.raises(ValueError, match="anniversary_warning_days"):
        new_hires.approaching(roster, DAY, 0, tree)


def test_summary_by_outlet(roster, tree):
    table = new_hires.first_year_summary(new_hires.cohort(roster, DAY, 12), tree, by="outlet_id")
    assert _row(table, "O1")[["cohort", "passed_in_first_year"]].tolist() == [2, 2]  # N1, N8


def test_no_staff_gives_an_empty_cohort_and_a_no_data_share(tmp_path):
    # a warehouse without any staff row (e.g. a complaints-only load): every frame keeps its columns
    con = fx.build(tmp_path / "w.duckdb", outlets=OUTLETS, staff=[], ratings=[], tests=[])
    try:
        tree = org.outlet_tree(con)
        roster = new_hires.expert_roster(con, DAY, roles=["teller"], within_months=12)
    finally:
        con.close()
    assert roster.empty and {"outlet_id", "anniversary", "first_pass_on"} <= set(roster.columns)
    for window in (12, None):
        members = new_hires.cohort(roster, DAY, window)
        assert members.empty and list(members.columns) == list(roster.columns)
    table = new_hires.first_year_summary(new_hires.cohort(roster, DAY, 12), tree).set_index("branch")
    assert list(table.index) == ["B1", "B2", "B3", "合计"]
    assert table["cohort"].tolist() == [0, 0, 0, 0] and table["share"].isna().all()  # 无数据, not 0%
    near = new_hires.approaching(roster, DAY, 60, tree)
    assert near.empty and "days_left" in near.columns
