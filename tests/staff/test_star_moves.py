"""star_moves.py on the hand-built warehouse of tests/staff/support.py (expected values counted by hand)."""

from datetime import date

import pytest

from svc_analysis.engine import org
from svc_analysis.staff import star_moves
from tests.staff import support as fx


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = fx.build(tmp_path_factory.mktemp("moves") / "w.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="module")
def roster(con):
    return star_moves.tellers(con, fx.DAY)


def _counts(table, unit="合计"):
    return table.set_index(table.columns[0]).loc[unit].to_dict()


def test_tellers_are_tellers_in_service_with_their_state(roster):
    states = dict(zip(roster.staff_id, roster.state))
    assert len(states) == 12 and "L1" not in states and "T2" not in states
    assert (states["T3"], states["T9"], states["T5"], states["X1"]) == ("已失效", "未评定", "0星", "4星")


def test_distribution_by_branch(roster, tree):
    dist = _counts(star_moves.distribution(roster, tree))
    # B1: T9 unassessed; T3, T10 lapsed; T5 0; T14 T7 T13 T12 1; T1 2; T4 T11 3; X1 4
    assert dist == {"未评定": 1, "已失效": 2, "0星": 1, "1星": 4, "2星": 1, "3星": 2, "4星": 1, "5星": 0,
                    "total": 12}
    b2 = _counts(star_moves.distribution(roster, tree), "B2")  # a branch without tellers stays, with 0
    assert b2["total"] == 0


def test_month_movements(con, tree):
    moves, table = star_moves.movements(con, date(2026, 9, 30), fx.DAY, tree)
    by_teller = dict(zip(moves.staff_id, moves.move))
    assert by_teller == {"T1": "unchanged", "T2": "left", "T3": "still_unrated", "T4": "unchanged",
                         "T5": "unchanged", "T6": "left", "T7": "unchanged", "T9": "new_unassessed",
                         "T10": "lapsed", "T11": "upgrade", "T12": "downgrade", "T13": "rated",
                         "T14": "unchanged", "X1": "unchanged"}
    t11 = moves.set_index("staff_id").loc["T11"]
    assert (t11.stars_before, t11.stars_after) == (2, 3)
    assert _counts(table) == {"upgrade": 1, "downgrade": 1, "unchanged": 6, "lapsed": 1, "rated": 1,
                              "new_rated": 0, "new_unassessed": 1, "still_unrated": 1, "left": 2}


def test_year_movements(con, tree):
    moves, table = star_moves.movements(con, date(2025, 12, 31), fx.DAY, tree, by="subbranch")
    by_teller = dict(zip(moves.staff_id, moves.move))
    # T3 valid on 2025-12-31 (its last day) then lapsed; T5 2 -> 0; T7 first rated 2026-01; T14 hired 2026-03
    assert (by_teller["T3"], by_teller["T5"], by_teller["T7"], by_teller["T14"]) == (
        "lapsed", "downgrade", "rated", "new_rated")
    assert _counts(table) == {"upgrade": 1, "downgrade": 2, "unchanged": 3, "lapsed": 2, "rated": 2,
                              "new_rated": 1, "new_unassessed": 1, "still_unrated": 0, "left": 2}
    assert _counts(table, "S2") == {"upgrade": 0, "downgrade": 1, "unchanged": 1, "lapsed": 0, "rated": 0,
                                    "new_rated": 0, "new_unassessed": 1, "still_unrated": 0, "left": 0}


def test_lapsing_soon(roster, tree):
    soon = star_moves.lapsing_soon(roster, fx.DAY, 60, tree)
    # T7 ends on month end (0 days left), X1 on 12-29 (59); T12 on 12-30 = day + 60 is outside
    assert soon[["staff_id", "days_left", "stars"]].values.tolist() == [["T7", 0, 1], ["X1", 59, 4]]
    assert soon.loc[1, "outlet_name"] == "三号网点"


def test_bad_arguments(con, roster, tree):
    with pytest.raises(ValueError, match="must be before"):
        star_moves.movements(con, fx.DAY, fx.DAY, tree)
    with pytest.raises(ValueError, match="rating_lapse_warning_days"):
        star_moves.lapsing_soon(roster, fx.DAY, 0, tree)


def test_by_outlet_for_a_subbranch_scope(con, roster, tree):
    dist = star_moves.distribution(roster, tree, by="outlet_id")
    assert _counts(dist, "O3") == {"未评定": 1, "已失效": 0, "0星": 0, "1星": 1, "2星": 0, "3星": 0, "4星": 1,
                                   "5星": 0, "total": 3}
    _, table = star_moves.movements(con, date(2026, 9, 30), fx.DAY, tree, by="outlet_id")
    assert _counts(table, "O2")["left"] == 1 and _counts(table, "O1")["left"] == 1


@pytest.fixture(scope="module")
def no_staff(tmp_path_factory):
    """The same outlets with no staff, ratings or tests loaded (a bank that sent no HR export)."""
    con = fx.build(tmp_path_factory.mktemp("no-staff") / "w.duckdb", staff=[], ratings=[], tests=[])
    yield con, org.outlet_tree(con)
    con.close()


def test_no_staff_gives_empty_frames_with_their_columns(no_staff):
    con, tree = no_staff
    roster = star_moves.tellers(con, fx.DAY)
    assert roster.empty and {"staff_id", "rating_status", "valid_until", "state"} <= set(roster.columns)
    lapsing = star_moves.lapsing_soon(roster, fx.DAY, 60, tree)
    assert lapsing.empty and list(lapsing.columns) == ["branch", "subbranch", "outlet_id", "outlet_name", "staff_id",
                                                       "stars", "assessed_on", "valid_until", "days_left"]
    # every unit listed with 0 tellers, the 合计 row too
    dist = star_moves.distribution(roster, tree).set_index("branch")
    assert list(dist.index) == ["B1", "B2", "合计"] and dist["total"].tolist() == [0, 0, 0]
    moves, by_unit = star_moves.movements(con, date(2026, 9, 30), fx.DAY, tree)
    assert moves.empty and _counts(by_unit) == dict.fromkeys(star_moves.MOVES, 0)


def test_lapsing_soon_with_no_valid_rating_keeps_its_columns(roster, tree):
    # only lapsed / never-assessed tellers: nothing can lapse, the frame still has every column
    unrated = roster[roster["rating_status"] != star_moves.VALID]
    lapsing = star_moves.lapsing_soon(unrated, fx.DAY, 60, tree)
    assert lapsing.empty and "days_left" in lapsing.columns
