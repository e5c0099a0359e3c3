"""params campaign.kpis[].kind: a share is judged as a level or as growth from its baseline, never against a
path rising from zero; the default params say so for each share KPI of the seeds."""

import pandas as pd
import pytest

from svc_analysis.core.params import load_params
from tests.campaign.support import kpi, make_campaign


def test_the_seeds_share_kpis_declare_their_kind():
    camp = load_params("2026-11").campaign
    kinds = {k.id: (k.kind, k.baseline) for k in camp.kpis if not k.adds_up}
    assert kinds["lobby_manager_on_duty"] == ("level", None)          # 确保大堂经理100%值班: a standing rule
    for growing in ("smart_outlet_coverage", "marketing_staff_share", "transformed_outlets_share"):
        kind, baseline = kinds[growing]
        # growth shares; the seeds give no starting figure: the baseline is null (基数未填报), never made up
        assert kind == "growth" and baseline is None and camp.kpi(growing).baseline_missing
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


GROWTH_ACTUALS = [("g_null", "province", "2026-03", 0.45), ("g_real", "province", "2026-03", 0.45)]


def test_a_growth_share_without_a_reported_baseline_is_shown_not_judged(tmp_path):
    """Issue 14: a KPI judged against a made-up base is a false judgment. baseline null -> progress shown,
    no expected progress, no forecast, status no_target, and the page says 基数未填报; a configured
    baseline is judged as before."""
    import math

    from svc_analysis.campaign import campaign, views
    from svc_analysis.engine import kpis, org
    from tests.campaign.support import build

    camp = make_campaign([
        kpi("g_null", 0.6, combine="latest", units="province", adds_up=False, unit_of_measure="占比",
            kind="growth", baseline=None, name="智能化网点覆盖率"),
        kpi("g_real", 0.6, combine="latest", units="province", adds_up=False, unit_of_measure="占比",
            kind="growth", baseline=0.39, name="营销人员占比"),
    ])
    con = build(tmp_path / "w.duckdb", actuals=GROWTH_ACTUALS)
    try:
        board = campaign.progress_board(con, camp, org.outlet_tree(con), "2026-03")
    finally:
        con.close()
    null, real = (board[board["kpi_id"] == k].iloc[0] for k in ("g_null", "g_real"))
    # 0.45 reported of a 0.6 target: progress 0.75 either way
    assert null.progress == pytest.approx(0.75) and real.progress == pytest.approx(0.75)
    assert null.status == "no_target" and bool(null.baseline_missing)
    assert math.isnan(null.expected) and math.isnan(null.pace) and math.isnan(null.forecast)
    # the configured baseline: linear share at 31 March = 90/365; expected = (0.39 + (0.6 - 0.39) x 90/365) / 0.6
    # = (0.39 + 0.051781) / 0.6 = 0.736301; progress 0.75 is past it: on track
    assert real.expected == pytest.approx((0.39 + 0.21 * 90 / 365) / 0.6)
    assert real.status == "on_track" and not bool(real.baseline_missing)
    rows = kpis.validate(campaign.kpi_rows(board, "2026-03")).set_index("metric")
    unjudged = rows.loc["campaign_progress:g_null"]
    assert unjudged["status"] == "no_target" and pd.isna(unjudged["meets_target"]) and pd.isna(unjudged["target"])
    assert unjudged["value"] == pytest.approx(0.75)
    assert bool(rows.loc["campaign_progress:g_real", "meets_target"])
    assert campaign.behind(board).empty  # not listed as behind, not drawn as a burn-up
    sentence = views.board_sentence(board, "province")
    assert "进度正常 1 项、进度预警 0 项、进度滞后 0 项" in sentence
    assert "基数未填报 1 项（智能化网点覆盖率）" in sentence and "不判断进度" in sentence
    table = views.board_table(board, "province").set_index("指标")
    assert table.loc["智能化网点覆盖率", ["应达进度", "状态", "预测能完成"]].tolist() == ["基数未填报", "无目标（基数未填报）", "暂不预测"]
    assert table.loc["营销人员占比", ["应达进度", "状态"]].tolist() == ["73.6%", "进度正常"]


def test_a_growth_share_must_say_its_baseline_even_when_unknown():
    # leaving the key out is an error (a forgotten figure); `baseline: null` says it is not reported yet
    with pytest.raises(ValueError, match="baseline: null"):
        make_campaign([kpi("s", 0.6, combine="latest", adds_up=False, kind="growth")])
    camp = make_campaign([kpi("s", 0.6, combine="latest", adds_up=False, kind="growth", baseline=None)])
    assert camp.kpi("s").baseline_missing
