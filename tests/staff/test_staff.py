"""staff.py on the hand-built warehouse of tests/staff/support.py (expected values counted by hand)."""

import math
from datetime import date

import pandas as pd
import pytest

from svc_analysis.engine import org
from svc_analysis.staff import staff
from tests.staff import support as fx

TARGETS = {"star_teller_rate": 0.85, "expert_rate": 0.80, "english_rate": 0.30, "sign_language_coverage": 1.0}
ROLES = {"star_min_stars": 1, "expert_roles": ["teller"], "front_line_roles": ["teller", "lobby_manager"]}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = fx.build(tmp_path_factory.mktemp("staff") / "w.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="module")
def counts(con):
    return staff.outlet_counts(con, fx.DAY, **ROLES).set_index("outlet_id")


@pytest.fixture(scope="module")
def rows(con, tree, counts):
    frame = counts.reset_index()
    return staff.staff_kpis(frame, staff.units(tree, frame, fx.DAY), "2026-10", TARGETS)


def _kpi(rows, metric, level, unit):
    row = rows[(rows.metric == metric) & (rows.level == level) & (rows.unit_id == unit)]
    assert len(row) == 1, (metric, level, unit)
    return row.iloc[0]


def test_people_in_service_and_rating_states(con):
    roster = staff.people(con, fx.DAY).set_index("staff_id")
    # T2 left 10-15, T6 left on month end, T8 hired 11-01, L3 left 10-20: not in service
    assert not {"T2", "T6", "T8", "L3"} & set(roster.index)
    assert {"T7", "T9", "X1", "C1"} <= set(roster.index)  # T7 leaves 11-01: still in service
    assert roster.at["T3", "rating_status"] == "lapsed"      # latest rating expired 2025-12-31
    assert roster.at["T9", "rating_status"] == "none"
    assert (roster.at["T4", "stars"], roster.at["T4", "assessed_on"]) == (3, date(2025, 6, 1))  # 11-05 ignored
    assert roster.at["T5", "stars"] == 0 and roster.at["T5", "rating_status"] == "valid"
    assert roster.at["T7", "rating_status"] == "valid"       # valid_until == month end
    assert roster.at["T12", "stars"] == 1                    # same-day duplicate: the higher counts
    assert bool(roster.at["T3", "expert"]) and not bool(roster.at["T4", "expert"])
    assert not bool(roster.at["T4", "english"])              # passed 11-02, after month end


def test_outlet_counts_by_hand(counts):
    # O1 tellers T1 T3 T4 T11 T14, star: all but T3 (lapsed); experts T1, T3 (failed then passed)
    assert counts.loc["O1", ["tellers", "star_tellers", "expert_staff", "experts"]].tolist() == [5, 4, 5, 2]
    # O2 tellers T5 (0 stars) T7 T10 (lapsed 10-19) T13 (re-rated): 2 stars; T6 left on month end
    assert counts.loc["O2", ["tellers", "star_tellers", "experts"]].tolist() == [4, 2, 2]
    # O3 tellers T9 (new, unassessed) T12 X1; T8 hired after month end
    assert counts.loc["O3", ["tellers", "star_tellers", "experts"]].tolist() == [3, 2, 1]
    # front line: O1 T1(english) T3 T4 T11 T14 L1(failed); O4 only a customer manager
    assert counts.loc["O1", ["front_line", "english"]].tolist() == [6, 1]
    assert counts.loc["O4", ["tellers", "front_line", "lobby_managers"]].tolist() == [0, 0, 0]
    assert counts.loc["O1", ["has_lobby_manager", "has_sign_language"]].tolist() == [1, 1]
    assert counts.loc["O2", ["lobby_managers", "has_lobby_manager"]].tolist() == [0, 0]  # L3 left
    assert counts.loc["O3", ["has_lobby_manager", "has_sign_language"]].tolist() == [1, 0]


def test_star_teller_rate_every_level(rows):
    assert _kpi(rows, "star_teller_rate", "outlet", "O1").value == pytest.approx(4 / 5)
    assert _kpi(rows, "star_teller_rate", "subbranch", "S1").value == pytest.approx(6 / 9)
    b1 = _kpi(rows, "star_teller_rate", "branch", "B1")
    assert (b1.numerator, b1.denominator) == (8, 12) and not b1.meets_target
    assert _kpi(rows, "star_teller_rate", "province", "province").value == pytest.approx(8 / 12)
    o4 = _kpi(rows, "star_teller_rate", "outlet", "O4")  # an outlet with no tellers: no data, not 0%
    assert math.isnan(o4.value) and pd.isna(o4.meets_target)
    assert math.isnan(_kpi(rows, "star_teller_rate", "branch", "B2").value)
    assert set(rows.target[rows.metric == "star_teller_rate"]) == {0.85}


def test_other_metrics_and_units(rows):
    province = {m: _kpi(rows, m, "province", "province") for m in TARGETS}
    assert (province["expert_rate"].numerator, province["expert_rate"].denominator) == (5, 12)
    assert (province["english_rate"].numerator, province["english_rate"].denominator) == (1, 14)
    assert (province["sign_language_coverage"].numerator, province["sign_language_coverage"].denominator) == (1, 2)
    assert math.isnan(_kpi(rows, "sign_language_coverage", "outlet", "O2").value)  # no lobby manager
    # O5 self-service and O6 closed are not units; O1-O4 are, at every level
    assert sorted(rows.loc[rows.level == "outlet", "unit_id"].unique()) == ["O1", "O2", "O3", "O4"]
    assert len(rows) == 4 * (1 + 2 + 3 + 4)


def test_transfer_counts_at_the_current_outlet(con):
    # X1 moved from O1 to O3 in 2026-05; the staff table only knows O3, so April counts X1 at O3 too
    april = staff.outlet_counts(con, date(2026, 4, 30), **ROLES).set_index("outlet_id")
    assert april.loc["O3", "tellers"] == 2  # T12, X1
    assert staff.people(con, date(2026, 4, 30)).set_index("staff_id").at["X1", "outlet_id"] == "O3"


def test_scope_limits_the_engine_query_and_the_levels(con, tree):
    only = staff.outlet_counts(con, fx.DAY, outlets=["O1"], **ROLES)
    assert only["outlet_id"].tolist() == ["O1"]
    b1 = tree[tree.branch == "B1"]
    out = staff.staff_kpis(staff.outlet_counts(con, fx.DAY, outlets=b1.outlet_id.tolist(), **ROLES),
                           staff.units(b1, only, fx.DAY), "2026-10", TARGETS, scope_level="branch")
    assert "province" not in set(out.level)
    assert _kpi(out, "star_teller_rate", "branch", "B1").denominator == 12


def test_units_keep_outlets_holding_staff(tree):
    counts = pd.DataFrame({"outlet_id": ["O1", "O6"]})  # stale: staff still in service at closed O6
    assert sorted(staff.units(tree, counts, fx.DAY).outlet_id) == ["O1", "O2", "O3", "O4", "O6"]


def test_shortfall():
    assert staff.shortfall(16, 20, 0.85) == 1      # 17 needed; 0.85 x 20 is not 17.000001
    assert staff.shortfall(17, 20, 0.85) == 0
    assert staff.shortfall(8, 12, 0.85) == 3       # 10.2 -> 11 needed
    assert staff.shortfall(5, 12, 0.80) == 5       # 9.6 -> 10
    assert staff.shortfall(1, 14, 0.30) == 4       # 4.2 -> 5
    assert staff.shortfall(20, 20, 0.85) == 0
    assert staff.shortfall(0, 0, 0.85) is None
    with pytest.raises(ValueError, match="0-1"):
        staff.shortfall(1, 2, 85)


def test_below_target(rows):
    missed = staff.below_target(rows)
    star = missed[missed.metric == "star_teller_rate"].set_index("unit_id")
    # B2 and O4 have no data: not a miss
    assert sorted(star.index) == ["B1", "O1", "O2", "O3", "S1", "S2", "province"]
    assert star.at["province", "shortfall"] == 3 and star.at["O2", "shortfall"] == 2  # 2/4 -> 4 x .85 = 3.4
    sign = missed[missed.metric == "sign_language_coverage"].set_index("unit_id")
    assert sign.at["province", "shortfall"] == 1 and sign.at["O3", "shortfall"] == 1


def test_sign_language_gaps(counts, tree):
    gaps = staff.sign_language_gaps(counts.reset_index(), tree)
    assert gaps[["outlet_id", "outlet_name", "lobby_managers"]].values.tolist() == [["O3", "三号网点", 1]]


def test_missing_target_is_named(counts, tree):
    frame = counts.reset_index()
    with pytest.raises(KeyError, match="expert_rate"):
        staff.staff_kpis(frame, staff.units(tree, frame, fx.DAY), "2026-10", {"star_teller_rate": 0.85})


def test_targets_from_params():
    from svc_analysis.core.params import load_params

    assert staff.targets_from(load_params("2026-10").staff) == TARGETS


def test_planted_branches_on_the_tiny_sample():
    from svc_analysis.engine import sample
    from svc_analysis.engine import warehouse
    from tests.support import TINY_MONTH, tiny_warehouse

    plan = sample.plan_for("tiny", end_month=TINY_MONTH)
    con = warehouse.connect(tiny_warehouse(), read_only=True)
    try:
        tree = org.outlet_tree(con)
        counts = staff.outlet_counts(con, date(2026, 10, 31), **ROLES)
        rows = staff.staff_kpis(counts, staff.units(tree, counts, date(2026, 10, 31)), TINY_MONTH, TARGETS)
    finally:
        con.close()
    branches = rows[rows.level == "branch"]
    star = branches[branches.metric == "star_teller_rate"].set_index("unit_id")
    expert = branches[branches.metric == "expert_rate"].set_index("unit_id")
    # docs/sample_data.md: 宜昌分行 12/17 on stars, 武汉分行 12/18 on experts; the others meet
    assert (star.at[plan.star_branch, "numerator"], star.at[plan.star_branch, "denominator"]) == (12, 17)
    assert not star.at[plan.star_branch, "meets_target"]
    assert star.drop(plan.star_branch)["meets_target"].all()
    assert (expert.at[plan.expert_branch, "numerator"], expert.at[plan.expert_branch, "denominator"]) == (12, 18)
    assert not expert.at[plan.expert_branch, "meets_target"]
    assert expert.drop(plan.expert_branch)["meets_target"].all()
    missed = staff.below_target(rows)
    star_missed = missed[(missed.metric == "star_teller_rate") & (missed.level == "branch")]
    assert star_missed[["unit_id", "shortfall"]].values.tolist() == [[plan.star_branch, 3]]  # 14.45 -> 15
