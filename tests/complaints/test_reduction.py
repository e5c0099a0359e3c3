"""The complaint-rate reduction named in full (base year, its rate and counts) and shown with the digits
that decide (issue 14), on the hand-built warehouse of tests/complaints/support.py."""

from __future__ import annotations

import pandas as pd
import pytest

from svc_analysis.complaints import area, complaints, reduction
from svc_analysis.complaints import page
from svc_analysis.complaints import views as report
from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope
from tests.complaints.support import MONTH, build


@pytest.fixture(scope="module")
def con():
    con = build()
    yield con
    con.close()


@pytest.fixture(scope="module")
def parts(con, tree):
    return complaints.reduction_parts(con, MONTH, tree, base_year=2025, base_rate=None, per_customers=10000)


def test_parts_hold_the_counts(parts):
    province = parts.loc[("province", "province")]
    # 2026 to October: 10 complaints (C1-C5, C10 in October; C6-C8 in September; C9 in August),
    # 12000 served (6000 Oct + 1000 Sep + 5000 Mar); 2025: 22 complaints, 20000 served
    assert (province.ytd_complaints, province.ytd_served) == (10, 12000)
    assert (province.base_complaints, province.base_served) == (22, 20000)
    assert province.ytd_rate == pytest.approx(10 / 12000 * 10000)   # 8.33
    assert province.base_rate == pytest.approx(22 / 20000 * 10000)  # 11.00
    assert province.value == pytest.approx(1 - 8.3333333 / 11.0)    # 0.2424


def test_sentence_names_base_year_rate_and_counts(con):
    params = load_params()
    scope = Scope.of(org.outlet_tree(con), None)
    rows = area.kpi_rows(con, params, scope, Period.month(MONTH))
    text = page.reduction_sentence(con, params, scope, Period.month(MONTH), rows)
    # base year 2025 from params/complaints.yaml; 12000 served = 1.2万; 20000 = 2万; 24.2% < 40%
    assert text == ("**投诉率较基年下降**：2026年1–10月万人投诉率 8.33（投诉 10 件，服务客户 1.2万人次）；"
                    "基年 2025 年万人投诉率 11.00（投诉 22 件，服务客户 2万人次）；较基年下降 24.2%，"
                    "目标下降 40.0%，未达标。")
    shown = page.overview(con, params, scope, Period.month(MONTH), rows)
    assert shown[-1].data == text  # right under the headline table


def _parts(**kw):
    base = dict(ytd_complaints=120, ytd_served=100000, ytd_rate=12.01, base_complaints=200, base_served=100000,
                base_rate=20.0, base_given=False, value=0.3995)
    return pd.Series({**base, **kw})


def test_decisive_digits_in_the_sentence():
    # 1 − 12.01 / 20 = 0.3995: one decimal would print 40.0% beside 未达标
    row = pd.Series({"value": 0.3995, "target": 0.4, "meets_target": False})
    text = reduction.sentence(_parts(), row, Period.month("2026-11"), base_year=2025)
    assert "较基年下降 39.95%，目标下降 40.0%，未达标。" in text and "40.0% ✗" not in text
    row = pd.Series({"value": 0.4, "target": 0.4, "meets_target": True})
    assert "较基年下降 40.0%，目标下降 40.0%，达标。" in reduction.sentence(
        _parts(value=0.4), row, Period.month("2026-11"), base_year=2025)


def test_a_rise_base_given_and_no_value():
    rose = pd.Series({"value": -1.5, "target": 0.4, "meets_target": False})
    text = reduction.sentence(_parts(value=-1.5), rose, Period.month("2026-11"), base_year=2025)
    assert "较基年不降反升 150.0%，目标下降 40.0%，未达标。" in text and "−" not in text and "-" not in text
    given = reduction.sentence(_parts(base_given=True), None, Period.month("2026-11"), base_year=2025)
    assert "基年 2025 年万人投诉率 20.00（参数给定：基年明细数据已不在库中）" in given
    same_year = reduction.sentence(_parts(), pd.Series({"value": float("nan"), "target": 0.4, "meets_target": pd.NA}),
                                   Period.month("2025-11"), base_year=2025)
    assert same_year.endswith("报告年份不晚于基年 2025 年，不计算下降幅度。")


def test_small_sample_reduction_is_shown_not_judged():
    # a unit below params volumes.min_events (base-year complaints): the rise is shown, no 达标/未达标
    row = pd.Series({"value": -1.535, "target": 0.4, "meets_target": pd.NA, "status": "small_sample"})
    text = reduction.sentence(_parts(value=-1.535), row, Period.month("2026-11"), base_year=2025)
    assert text.endswith("较基年不降反升 153.5%，目标下降 40.0%，样本不足（不作判断）。")
    assert "未达标" not in text and "达标" not in text


def test_headline_shows_the_digits_that_decide():
    rows = pd.DataFrame([{"metric": "complaint_rate_reduction", "level": "province", "unit_id": "province",
                          "value": 0.3995, "target": 0.4, "meets_target": False},
                         {"metric": "complaints_closed_on_time_rate", "level": "province", "unit_id": "province",
                          "value": 0.9999, "target": 1.0, "meets_target": False}])
    rows = rows.assign(status=["missed", "missed"])
    table = report.headline(rows, "province", "province").frame.set_index("指标")
    assert table.loc["投诉率较基年下降", ["本月", "目标", "状态"]].tolist() == ["39.95%", "≥ 40.0%", "未达标"]
    assert table.loc["投诉按期办结率", "本月"] == "99.99%"  # not 100.0% beside 未达标


def test_rollup_tables_show_the_digits_that_decide():
    rows = pd.DataFrame([{"metric": "complaint_rate_reduction", "level": "branch", "unit_id": u, "value": v,
                          "target": 0.4, "meets_target": v >= 0.4} for u, v in (("甲分行", 0.3995), ("乙分行", 0.41))])
    rows = rows.assign(status=["missed", "met"])
    view = report.rollup_view(rows, "branch").frame.set_index("二级分行")
    # 39.95% (not 40.0%) for the branch that missed; 41.0% for the one that met 40%
    assert view.loc["甲分行", "投诉率较基年下降"].startswith("39.95%")
    assert view.loc["乙分行", "投诉率较基年下降"].startswith("41.0%")
