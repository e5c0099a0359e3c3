"""params campaign.kpis[].kind: a share is judged as a level or as growth from its baseline, never against a
path rising from zero; the default params say so for each share KPI of the seeds."""

import pytest

from svc_analysis.core.params import load_params
from tests.campaign.support import kpi, make_campaign


def test_the_seeds_share_kpis_declare_their_kind():
    camp = load_params("2026-11").campaign
    kinds = {k.id: (k.kind, k.baseline) for k in camp.kpis if not k.adds_up}
    assert kinds["lobby_manager_on_duty"] == ("level", None)          # 确保大堂经理100%值班: a standing rule
    for growing in ("smart_outlet_coverage", "marketing_staff_share", "transformed_outlets_share"):
        kind, baseline = kinds[growing]
        assert kind == "growth" and 0 < baseline < camp.kpi(growing).target
    assert {k.id for k in camp.kpis if k.master_data} == {
        "offsite_self_service_banks", "vip_centres_in_service", "smart_outlet_coverage", "transformed_outlets_share"}


@pytest.mark.parametrize("entry,message", [
    (kpi("s", 0.6, combine="latest", adds_up=False), r"a share \(adds_up false\) is kind level"),
    (kpi("s", 0.6, combine="latest", adds_up=False, kind="growth"), "kind growth needs the baseline"),
    (kpi("s", 1.0, combine="latest", adds_up=False, kind="level", baseline=0.5), "no curve and no baseline"),
    ({**kpi("s", 1.0, combine="latest", adds_up=False, kind="level"), "curve": "linear"}, "no curve and no baseline"),
    (kpi("c", 10, baseline=2), "kind cumulative starts from 0"),
    (kpi("c", 10, kind="growth", baseline=2), "kind growth is for a share"),
    ({**kpi("c", 10), "curve": None}, "kind cumulative needs a curve"),
    (kpi("s", 0.6, combine="latest", adds_up=False, kind="growth", baseline=0.7), "baseline must be below"),
])
def test_inconsistent_kinds_fail_naming_the_kpi(entry, message):
    with pytest.raises(ValueError, match=message):
        make_campaign([entry])


def test_status_thresholds_have_no_on_track_line():
    """On track is the expected progress itself: a threshold below it would call a failing row 正常."""
    with pytest.raises(ValueError, match="on_track"):
        make_campaign([kpi("c", 10)], status_thresholds={"on_track": 0.95, "at_risk": 0.80})
