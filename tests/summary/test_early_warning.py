"""early_warning: components, weights, score and reasons on hand-built signals; the planted outlets
of the tiny sample; a scoped run."""

import math

import pandas as pd
import pytest

from svc_analysis.summary import early_warning as ew
from tests.summary.support import EW

NAN = float("nan")


def signals():
    """Hand-built signals: each judgment as the area's KPI row states it (status) or its hook flags it."""
    base = {c: NAN for c in ew.SIGNAL_COLUMNS}
    rows = [
        # A: complaint rate above the 95% limit (2) + 1 responsible complaint, row missed (2) = 4: flagged
        dict(base, outlet_id="A", outlet_name="甲网点", branch="X", complaints=3, served=1000, complaint_rate=30.0,
             scope_complaint_rate=2.0, complaint_funnel="above_95", responsible=1, responsible_status="missed"),
        # B: participation drop (1) + star rate missed by 2 tellers (1) + mystery 85 < 90 (1) = 3: not flagged
        dict(base, outlet_id="B", outlet_name="乙网点", branch="X", participation_dropped=True,
             participation_perfect=False, participation=0.1, participation_baseline=0.6, star_rate=0.6,
             star_target=0.85, star_status="missed", star_shortfall=2, mystery_score=85.0, complaint_funnel="within",
             responsible=0, responsible_status="met"),
        # C: on the re-check list (3) + overtime outlet, row missed (2) = 5: flagged, first
        dict(base, outlet_id="C", outlet_name="丙网点", branch="Y", below_recheck=1, overtime_status="missed",
             overtime_share=0.3, mystery_score=90.0),
        # D: no data anywhere, off the re-check list (0), satisfaction no data; 2 responsible complaints and a
        # star shortfall in rows the area left unjudged (small_sample): never fired, so 0
        dict(base, outlet_id="D", outlet_name="丁网点", branch="Y", below_recheck=0, responsible=2,
             responsible_status="small_sample", star_shortfall=1, star_status="small_sample",
             satisfaction_funnel="no_data", complaint_funnel="no_data"),
    ]
    return pd.DataFrame(rows, columns=ew.SIGNAL_COLUMNS)


def test_components_and_score_by_hand():
    scored = ew.score(signals(), EW)
    assert scored["outlet_id"].tolist() == ["C", "A", "B", "D"]
    assert scored["score"].tolist() == [5.0, 4.0, 3.0, 0.0]
    assert scored["flagged"].tolist() == [True, True, False, False]
    b = scored.set_index("outlet_id").loc["B"]
    assert [b[f"c_{c}"] for c in ew.COMPONENTS] == [0, 0, 0, 1, 1, 0, 1, 0]
    assert b["pts_star_shortfall"] == 1.0 and b["pts_recheck_open"] == 0.0
    # the mystery floor is strict: 90.0 is not below 90
    assert scored.set_index("outlet_id").loc["C", "c_mystery_low"] == 0


def test_weights_and_flag_score_come_from_params():
    heavier = EW.model_copy(update={"weights": {**EW.weights, "participation_drop": 2.0}, "flag_score": 4.0})
    scored = ew.score(signals(), heavier).set_index("outlet_id")
    assert scored.loc["B", "score"] == 4.0 and bool(scored.loc["B", "flagged"])


def test_reasons_in_chinese_for_the_top_outlets():
    top = ew.top_list(ew.score(signals(), EW), EW, recheck_below=85, scope_label="全省")
    assert top["outlet_id"].tolist() == ["C", "A"]  # top_n = 2
    assert top.loc[0, "reasons"] == "超时等候占比 30.0%，为超时网点；本季度最新一次神秘人检查低于 85 分，在复查名单上（尚未复查达标）。"
    assert top.loc[1, "reasons"] == ("万人投诉率 30.0（投诉 3 件），高于漏斗图 95% 上限（全省 2.0）；"
                                     "责任性投诉 1 件（目标为零）。")
    b = ew.score(signals(), EW).set_index("outlet_id").loc["B"]
    assert ew.reasons(b, EW, recheck_below=85) == [
        "评价器参与率 10.0%，基准 60.0%，骤降", "星级柜员率 60.0%，距目标 85.0% 差 2 人", "本季度神秘人检查 85.0 分，低于 90 分"]


def test_bad_input_names_the_missing_columns():
    with pytest.raises(KeyError, match="below_recheck"):
        ew.score(signals().drop(columns="below_recheck"), EW)


def test_weights_must_cover_every_component():
    from svc_analysis.core.params import EarlyWarning

    with pytest.raises(ValueError, match="lacks overtime"):
        EarlyWarning(**{**EW.model_dump(), "weights": {k: v for k, v in EW.weights.items() if k != "overtime"}})
    with pytest.raises(ValueError, match="nothing could be flagged"):
        EarlyWarning(**{**EW.model_dump(), "flag_score": 100})


def _open_staffed(tree):
    from datetime import date

    closed = tree["closed_on"].map(lambda d: d is not None and d <= date(2026, 10, 31))
    opened = tree["opened_on"].map(lambda d: d is None or d <= date(2026, 10, 31))
    return tree[(tree["outlet_type"] != "self_service") & ~closed & opened]


@pytest.fixture(scope="module")
def tiny():
    from svc_analysis.engine import org
    from svc_analysis.engine import sample
    from svc_analysis.engine import warehouse
    from svc_analysis.core.params import load_params
    from tests.support import TINY_MONTH, tiny_warehouse

    con = warehouse.connect(tiny_warehouse(), read_only=True)
    yield con, org.outlet_tree(con), load_params(TINY_MONTH), sample.plan_for("tiny", end_month=TINY_MONTH)
    con.close()


def test_planted_outlets_of_the_tiny_sample_are_found(tiny):
    from svc_analysis.summary.registry import KpiSource, Scope
    from tests.support import TINY_MONTH

    con, tree, params, plan = tiny
    scored = ew.score(ew.signals(KpiSource(con, Scope.of(tree, None), params), TINY_MONTH),
                      params.summary.early_warning).set_index("outlet_id")
    assert scored.loc[plan.participation_outlet, "c_participation_drop"] == 1   # scenario 3
    assert scored.loc[plan.overtime_outlet, "c_overtime"] == 1                  # scenario 6
    assert scored.loc[plan.mystery_outlet, "c_recheck_open"] == 1               # scenario 5
    assert bool(scored.loc[plan.mystery_outlet, "flagged"]) and bool(scored.loc[plan.overtime_outlet, "flagged"])
    # staffed outlets open at month end only: neither the self-service bank nor a closed outlet
    assert set(scored.index) == set(_open_staffed(tree)["outlet_id"])
    assert "42010190" not in scored.index


def test_scoped_run_scores_the_branch_outlets_only(tiny):
    from svc_analysis.summary.registry import KpiSource, Scope
    from tests.support import TINY_MONTH

    con, tree, params, plan = tiny
    branch = plan.star_branch
    sig = ew.signals(KpiSource(con, Scope.of(tree, branch), params), TINY_MONTH)
    assert set(sig["branch"]) == {branch}
    inside = _open_staffed(tree)
    assert set(sig["outlet_id"]) == set(inside.loc[inside["branch"] == branch, "outlet_id"])
    assert not math.isnan(sig["scope_complaint_rate"].iloc[0])


class _RatesByHand:
    """The tiny sample's KpiSource with the complaint-rate rows replaced by hand: the province at 5.0
    per 10k, and one outlet at 5 complaints in 1,000 customers (50.0 per 10k) with the ``status`` given."""

    def __init__(self, source, outlet: str, status: str):
        self.source, self.outlet, self.status = source, outlet, status

    def __getattr__(self, name):
        return getattr(self.source, name)

    def rows(self, month, metrics=None):
        rows = self.source.rows(month, metrics=metrics).copy()
        rate = rows["metric"] == "complaint_rate_per_10k"
        province = rate & (rows["level"] == "province")
        rows.loc[province, ["value", "numerator", "denominator"]] = [5.0, 5.0, 10000.0]
        mine = rate & (rows["level"] == "outlet") & (rows["unit_id"] == self.outlet)
        rows.loc[mine, ["value", "numerator", "denominator", "status"]] = [50.0, 5.0, 1000.0, self.status]
        return rows


@pytest.mark.parametrize("status, funnel, fired", [("small_sample", "small_sample", 0),
                                                    ("no_target", "above_99.8", 1)])
def test_a_small_sample_outlet_is_never_flagged_for_its_complaint_rate(tiny, status, funnel, fired):
    # 1,000 customers at the province's 5.0 per 10k expect 0.5 complaints; 5 or more has Poisson
    # P(X >= 5 | 0.5) = 1 - e^-0.5 (1 + 0.5 + 0.125 + 0.0208 + 0.0026) = 0.00017 < 0.001: beyond the
    # 99.8% limit when judged. Below the 2,000-customer minimum (params volumes) the complaints area
    # marks the row small_sample: the early warning classes it so and does not fire (issue 14).
    from svc_analysis.summary.registry import KpiSource, Scope
    from tests.support import TINY_MONTH

    con, tree, params, plan = tiny
    outlet = plan.participation_outlet
    source = _RatesByHand(KpiSource(con, Scope.of(tree, None), params), outlet, status)
    scored = ew.score(ew.signals(source, TINY_MONTH), params.summary.early_warning).set_index("outlet_id")
    assert params.volumes.minimum("complaint_rate_per_10k") == 2000
    assert scored.loc[outlet, "complaint_funnel"] == funnel
    assert scored.loc[outlet, "c_complaint_rate"] == fired
