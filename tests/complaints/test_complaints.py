"""svc_analysis.complaints.complaints on the hand-built warehouse of tests/complaints/support.py."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from svc_analysis.complaints import complaints
from svc_analysis.engine import kpis
from svc_analysis.engine import org
from svc_analysis.core.periods import month_bounds
from tests.complaints.support import MONTH, build


@pytest.fixture(scope="module")
def con():
    con = build()
    yield con
    con.close()


def _value(frame, metric, level, unit, column="value"):
    rows = frame[(frame["metric"] == metric) & (frame["level"] == level) & (frame["unit_id"] == unit)]
    assert len(rows) == 1, rows
    return rows.iloc[0][column]


@pytest.fixture(scope="module")
def month_rows(con, tree):
    return complaints.month_kpis(con, MONTH, tree, per_customers=10000, responsible_target=0)


def test_counts_at_every_level(month_rows):
    # October: O1 C1 C2 C10, O2 C3, O3 C5, O4 C4
    assert _value(month_rows, "complaints_total", "province", "province") == 6
    assert _value(month_rows, "complaints_total", "branch", "甲分行") == 5
    assert _value(month_rows, "complaints_total", "subbranch", "甲一支行") == 4
    assert _value(month_rows, "complaints_total", "outlet", "O4") == 1
    # responsible: C1, C2 (O1), C4 (O4); target 0 -> not met where any
    assert _value(month_rows, "complaints_responsible", "province", "province") == 3
    assert _value(month_rows, "complaints_responsible", "outlet", "O1") == 2
    assert not _value(month_rows, "complaints_responsible", "outlet", "O1", "meets_target")
    assert _value(month_rows, "complaints_responsible", "outlet", "O3", "meets_target")
    # praises P1 P2 (O1), P3 (O3); P4 is September
    assert _value(month_rows, "praises_total", "province", "province") == 3
    kpis.validate(month_rows)


def test_rate_per_10k_and_no_customers_served(month_rows):
    # served: O1 2000 (500 left uncalled), O2 3000, O3 1000, O4 none
    assert _value(month_rows, "complaint_rate_per_10k", "outlet", "O1") == pytest.approx(3 / 2000 * 10000)
    assert _value(month_rows, "complaint_rate_per_10k", "outlet", "O1", "denominator") == 2000
    assert _value(month_rows, "complaint_rate_per_10k", "province", "province") == pytest.approx(6 / 6000 * 10000)
    # O4: one complaint, nobody served: no rate (not 0, not infinity), also for its branch
    assert math.isnan(_value(month_rows, "complaint_rate_per_10k", "outlet", "O4"))
    assert math.isnan(_value(month_rows, "complaint_rate_per_10k", "branch", "乙分行"))


def test_month_without_complaints(con, tree):
    rows = complaints.month_kpis(con, "2026-12", tree, per_customers=10000, responsible_target=0)
    assert (rows[rows["metric"] == "complaints_total"]["value"] == 0).all()
    assert rows[rows["metric"] == "complaint_rate_per_10k"]["value"].isna().all()
    assert complaints.breakdown(con, "2026-12", "category").empty


def test_scoped_run_has_no_province_row(con, tree):
    scoped = org.scope_tree(tree, "甲一支行")
    rows = complaints.month_kpis(con, MONTH, scoped, per_customers=10000, responsible_target=0,
                                 scope_level="subbranch", outlets=["O1", "O2"])
    assert set(rows["level"]) == {"subbranch", "outlet"}
    assert _value(rows, "complaints_total", "subbranch", "甲一支行") == 4


def test_reduction_against_base_year_from_data(con, tree):
    rows = complaints.reduction_kpis(con, MONTH, tree, base_year=2025, base_rate=None, target=0.4,
                                     per_customers=10000)
    # YTD 2026: O1 4 complaints / 5000 served = 8 per 10k; base 2025: 20 / 10000 = 20 per 10k
    assert _value(rows, "complaint_rate_reduction", "outlet", "O1") == pytest.approx(1 - 8 / 20)
    assert _value(rows, "complaint_rate_reduction", "outlet", "O1", "meets_target")
    # O2: YTD 3 / 6000 = 5, base 2 / 10000 = 2: the rate went up
    assert _value(rows, "complaint_rate_reduction", "outlet", "O2") == pytest.approx(1 - 5 / 2)
    # province: YTD 10 / 12000, base 22 / 20000
    assert _value(rows, "complaint_rate_reduction", "province", "province") == pytest.approx(
        1 - (10 / 12000) / (22 / 20000))
    assert _value(rows, "complaint_rate_reduction", "province", "province", "numerator") == pytest.approx(
        10 / 12000 * 10000)
    # O3 has no base-year customers, O4 no customers at all: no value
    assert math.isnan(_value(rows, "complaint_rate_reduction", "outlet", "O3"))
    assert math.isnan(_value(rows, "complaint_rate_reduction", "outlet", "O4"))
    kpis.validate(rows)


def test_reduction_below_the_minimum_of_base_year_complaints_is_not_judged(con, tree):
    # params volumes.min_events complaint_rate_reduction 10: the base year's complaints behind the base rate.
    # Base 2025 (support.BASE_COMPLAINTS): O1 20 complaints (judged), O2 2 (below 10: small_sample although
    # its rate rose from 2 to 5 per 10k, "不降反升 150%"), 甲一支行 and 甲分行 22 (O1 + O2), province 22.
    rows = complaints.reduction_kpis(con, MONTH, tree, base_year=2025, base_rate=None, target=0.4,
                                     per_customers=10000, min_events=10)
    assert _value(rows, "complaint_rate_reduction", "outlet", "O2", "status") == "small_sample"
    assert pd.isna(_value(rows, "complaint_rate_reduction", "outlet", "O2", "meets_target"))
    assert _value(rows, "complaint_rate_reduction", "outlet", "O2") == pytest.approx(1 - 5 / 2)  # still shown
    # O1: 20 base complaints, 1 - 8/20 = 0.6 >= 0.4 met; 甲一支行: YTD 7 / 11000 = 6.36, base 22 / 20000 = 11:
    # 0.42 met; province (22 base complaints): 1 - (10/12000) / (22/20000) = 0.24 < 0.4, judged: missed
    assert _value(rows, "complaint_rate_reduction", "outlet", "O1", "status") == "met"
    assert _value(rows, "complaint_rate_reduction", "subbranch", "甲一支行", "status") == "met"
    assert _value(rows, "complaint_rate_reduction", "province", "province", "status") == "missed"
    # 23 is above the province's 22 base-year complaints: every row with a value is small_sample
    strict = complaints.reduction_kpis(con, MONTH, tree, base_year=2025, base_rate=None, target=0.4,
                                       per_customers=10000, min_events=23)
    assert set(strict.loc[strict["value"].notna(), "status"]) == {"small_sample"}
    # a base rate given in params (the province's, no unit's complaints behind it): the minimum does not apply
    given = complaints.reduction_kpis(con, MONTH, tree, base_year=2025, base_rate=20.0, target=0.4,
                                      per_customers=10000, min_events=23)
    # O2: YTD 3 / 6000 = 5 per 10k against 20: 1 - 5/20 = 0.75 met
    assert _value(given, "complaint_rate_reduction", "outlet", "O2", "status") == "met"
    kpis.validate(rows)


def test_reduction_with_base_rate_from_params_and_year_not_after_base(con, tree):
    rows = complaints.reduction_kpis(con, MONTH, tree, base_year=2025, base_rate=20.0, target=0.4,
                                     per_customers=10000)
    assert _value(rows, "complaint_rate_reduction", "province", "province") == pytest.approx(
        1 - (10 / 12000 * 10000) / 20)
    same = complaints.reduction_kpis(con, MONTH, tree, base_year=2026, base_rate=None, target=0.4,
                                     per_customers=10000)
    assert same["value"].isna().all()


def test_monthly_trend_and_rolling_rate(con):
    trend = complaints.monthly_trend(con, MONTH, 3, per_customers=10000, rolling=2)
    assert trend["month"].tolist() == ["2026-08", "2026-09", "2026-10"]
    assert trend["complaints"].tolist() == [1, 3, 6]
    assert trend["served"].tolist() == [0, 1000, 6000]
    assert math.isnan(trend["rate"].iloc[0])  # August: complaints but nobody served
    assert trend["rate"].iloc[1] == pytest.approx(30.0)
    # rolling over Sep + Oct: (3 + 6) / (1000 + 6000); Aug + Sep has a month without served: no value
    assert trend["rolling_rate"].iloc[2] == pytest.approx(9 / 7000 * 10000)
    assert math.isnan(trend["rolling_rate"].iloc[1])
    table = complaints.compare(trend, MONTH)
    assert table["period"].tolist() == ["本月", "上月", "去年同月"]
    assert table["complaints"].iloc[1] == 3 and math.isnan(table["complaints"].iloc[2])


def test_breakdown_pareto(con):
    frame = complaints.breakdown(con, MONTH, "category")
    # attitude C1 C4; skill, system, efficiency, policy one each
    assert frame.iloc[0][["key", "label", "complaints", "responsible"]].tolist() == ["attitude", "服务态度", 2, 2]
    assert frame["cum_share"].iloc[-1] == pytest.approx(1.0)
    assert frame["share"].iloc[0] == pytest.approx(2 / 6)
    resp = complaints.breakdown(con, MONTH, "responsible").set_index("label")
    assert resp.loc["责任性", "complaints"] == 3
    with pytest.raises(ValueError, match="breakdown by"):
        complaints.breakdown(con, MONTH, "description; DROP TABLE complaints")


def test_scoped_filters_window_and_outlets_in_the_engine(con):
    start, end = month_bounds(MONTH)
    october = complaints.scoped(con, "complaints", start, end, ["O1", "O4"]).to_pandas()
    # October at O1: C1, C2, C10; at O4: C4
    assert sorted(october["complaint_id"]) == ["C1", "C10", "C2", "C4"]
    # no lower bound: O2 received C3, C7, C9 and two base-year complaints before November
    assert complaints.scoped(con, "complaints", None, end, ["O2"]).count().execute() == 5
    # an empty scope selects nothing (not the province)
    assert complaints.scoped(con, "complaints", start, end, []).count().execute() == 0
    assert complaints.served_by_outlet(con, start, end, outlets=[]).empty
    # served: O1 took 2,500 tickets on 15 October, 2,000 of them called
    served = complaints.served_by_outlet(con, start, end, outlets=["O1"])
    assert served[["outlet_id", "served"]].values.tolist() == [["O1", 2000]]
