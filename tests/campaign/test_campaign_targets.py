"""campaign_targets: carrying levels and each unit's target (split, target_of, unit_targets, shares)."""

import pytest

from svc_analysis.campaign import targets as ct
from svc_analysis.engine import org
from tests.campaign.support import build, kpi, make_campaign


@pytest.fixture
def tree(tmp_path):
    con = build(tmp_path / "w.duckdb")
    yield org.outlet_tree(con)
    con.close()


def _targets(tree, spec, split="equal", **scope):
    camp = make_campaign([spec])
    frame = ct.unit_targets(camp.kpis[0], tree, "2026-03", split, **scope)
    return {(r.level, r.unit_id): r.target for r in frame.itertuples()}


@pytest.mark.parametrize("split,ba,bb", [("equal", 50, 50), ("outlets", 60, 40), ("larger", 60, 50)])
def test_split_of_a_province_target(tree, split, ba, bb):
    # BA has 3 open outlets, BB 2: by outlets 100 x 3/5 = 60 and 100 x 2/5 = 40
    assert _targets(tree, kpi("k", 100), split) == {("province", "province"): 100, ("branch", "BA"): ba,
                                                     ("branch", "BB"): bb}


def test_target_of_counts_the_base_per_unit(tree):
    # staffed outlets: BA 3, BB 1 (B2 is self-service) -> 2 per outlet: 6, 2; province 8
    assert _targets(tree, kpi("d", 2.0, target_of="staffed_outlets")) == {
        ("province", "province"): 8, ("branch", "BA"): 6, ("branch", "BB"): 2}
    # only BA has a VIP centre: BB does not carry the KPI
    assert _targets(tree, kpi("v", 1.0, combine="latest", target_of="vip_centre_outlets")) == {
        ("province", "province"): 1, ("branch", "BA"): 1}


def test_unit_targets_and_unknown_units(tree):
    assert _targets(tree, kpi("k", 100, unit_targets={"BA": 70, "BB": 30}))[("branch", "BA")] == 70
    with pytest.raises(ct.CampaignTargetError, match=r"unit_targets: BX is not a branch"):
        _targets(tree, kpi("k", 100, unit_targets={"BX": 70}))


def test_shares_are_not_divided_and_have_no_upper_row(tree):
    spec = kpi("s", 0.5, combine="latest", adds_up=False, unit_of_measure="占比", kind="growth", baseline=0.2)
    assert _targets(tree, spec) == {("branch", "BA"): 0.5, ("branch", "BB"): 0.5}


def test_scoped_runs_never_get_rows_above_the_scope(tree):
    assert _targets(tree, kpi("k", 100), scope_level="branch", scope_name="BB") == {("branch", "BB"): 50}
    assert _targets(tree, kpi("p", 52, units="province"), scope_level="branch", scope_name="BB") == {}


def test_outlet_carried_kpi_rolls_up_through_every_level(tree):
    got = _targets(tree, kpi("o", 10, units="outlet", split="equal"))
    assert got[("outlet", "A1")] == 2 and got[("subbranch", "SA")] == 4 and got[("branch", "BA")] == 6
    assert got[("province", "province")] == 10
