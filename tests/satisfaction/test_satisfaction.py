"""satisfaction.py on a hand-built warehouse: counts, monthly series, headline, YTD, KPI rows."""

import math

import pandas as pd
import pytest

from svc_analysis.engine import org
from svc_analysis.satisfaction import satisfaction
from svc_analysis.engine import warehouse

MONTH = "2026-10"
OUTLETS = [  # id, name, subbranch, branch, type, opened_on, closed_on
    ("O1", "一号网点", "甲支行", "一分行", "standard", None, None),
    ("O2", "二号网点", "乙支行", "一分行", "standard", None, None),
    ("O3", "三号网点", "丙支行", "二分行", "standard", None, None),  # open, no ratings: no data
    ("O4", "四号网点", "丙支行", "二分行", "standard", None, "2026-09-15"),  # closed before October
    ("O9", "自助银行", "丙支行", "二分行", "self_service", None, None),
]
RATINGS = (
    [("O1", "2026-10-05 10:00:00", s) for s in (5, 5, 4, 3, 2)]       # 3 of 5 satisfied, 2 top scores
    + [("O2", "2026-10-31 23:59:59", s) for s in (4, 4, 4, 1)]        # 3 of 4, the last second counts
    + [("O1", "2026-11-01 00:00:00", 1), ("O1", "2026-09-30 23:59:59", 1)]  # next month / September
    + [("O1", "2025-10-10 09:00:00", 5)] * 4                          # same month last year: 4 of 4
)
TICKETS = (
    [(f"T{k}", "O1", "2026-10-05 09:00:00", "2026-10-05 09:05:00" if k < 8 else None) for k in range(10)]
    + [(f"U{k}", "O2", "2026-10-06 09:00:00", "2026-10-06 09:10:00") for k in range(4)]
    + [("V1", "O1", "2026-09-30 23:50:00", "2026-10-01 08:30:00")]    # taken in September
)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = warehouse.connect(tmp_path_factory.mktemp("sat") / "w.duckdb")
    warehouse.ensure_schema(con)
    con.executemany("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type, opened_on, closed_on) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", OUTLETS)
    con.executemany("INSERT INTO ratings (outlet_id, rated_at, score) VALUES (?, ?, ?)", RATINGS)
    con.executemany("INSERT INTO tickets (ticket_id, outlet_id, taken_at, called_at) VALUES (?, ?, ?, ?)", TICKETS)
    yield con
    con.close()


@pytest.fixture(scope="module")
def counts(con):
    return satisfaction.outlet_months(con, satisfaction.window(MONTH, 3))


def test_window_reaches_january_of_last_year():
    assert satisfaction.window(MONTH, 3)[0] == "2025-01"
    assert satisfaction.window(MONTH, 24)[0] == "2024-11"
    assert satisfaction.window(MONTH, 24)[-1] == MONTH


def test_outlet_months(counts, con):
    o1 = counts[(counts["outlet_id"] == "O1") & (counts["month"] == MONTH)].iloc[0]
    assert (o1.ratings, o1.satisfied, o1.top_score, o1.served) == (5, 3, 2, 8)
    sept = counts[(counts["outlet_id"] == "O1") & (counts["month"] == "2026-09")].iloc[0]
    assert (sept.ratings, sept.satisfied, sept.served) == (1, 0, 1)
    assert "2026-11" not in set(counts["month"])
    scoped = satisfaction.outlet_months(con, [MONTH], outlets=["O2"])
    assert scoped["outlet_id"].tolist() == ["O2"] and scoped["ratings"].tolist() == [4]
    stricter = satisfaction.outlet_months(con, [MONTH], outlets=["O1"], satisfied_min_score=5)
    assert stricter["satisfied"].tolist() == [2]
    with pytest.raises(ValueError, match="no months"):
        satisfaction.outlet_months(con, [])


def test_monthly_and_headline(counts):
    series = satisfaction.monthly(counts, ["2026-08", "2026-09", MONTH])
    aug, oct_ = series.iloc[0], series.iloc[2]
    assert aug["ratings"] == 0 and math.isnan(aug["rate"]) and math.isnan(aug["lower"])  # no data, not 0%
    assert oct_["rate"] == pytest.approx(6 / 9) and oct_["participation"] == pytest.approx(9 / 12)
    assert oct_["lower"] < 6 / 9 < oct_["upper"]
    head = satisfaction.headline(satisfaction.monthly(counts, satisfaction.window(MONTH, 3)), MONTH)
    assert head["rate"] == pytest.approx(6 / 9) and head["previous"] == 0.0
    assert head["change_previous"] == pytest.approx(6 / 9)
    assert head["last_year"] == 1.0 and head["change_last_year"] == pytest.approx(6 / 9 - 1)
    # no previous month in the series: no data, so no change either
    alone = satisfaction.headline(series.iloc[2:], MONTH)
    assert math.isnan(alone["previous"]) and math.isnan(alone["change_previous"])
    with pytest.raises(ValueError, match="not in the series"):
        satisfaction.headline(series, "2026-12")


def test_year_to_date(counts):
    series = satisfaction.monthly(counts, satisfaction.window(MONTH, 3))
    ytd = satisfaction.year_to_date(series, MONTH, overdispersion=1.0)
    # 2026-01..10: 3+3 of 5+4 in October, 0 of 1 in September = 6/10; 2025-01..10: 4/4
    assert (ytd["rate"], ytd["ratings"], ytd["rate_before"], ytd["ratings_before"]) == (0.6, 10, 1.0, 4)
    assert ytd["months"] == ("2026-01", MONTH) and ytd["months_before"] == ("2025-01", "2025-10")
    assert not ytd["test"].rose and not ytd["test"].significant
    empty = satisfaction.year_to_date(series[series["month"] < "2026-01"], MONTH, overdispersion=1.0)
    assert empty["test"] is None and math.isnan(empty["rate"])


def test_kpi_rows(counts, con):
    tree = org.outlet_tree(con)
    rows = satisfaction.kpi_rows(counts, tree, MONTH, target=0.9).set_index(["metric", "level", "unit_id"])
    rate = rows.loc["satisfaction_rate"]
    assert rate.loc[("outlet", "O1"), "value"] == pytest.approx(0.6)
    assert rate.loc[("subbranch", "乙支行"), "value"] == pytest.approx(0.75)
    assert (rate.loc[("branch", "一分行"), ["numerator", "denominator"]] == [6, 9]).all()
    assert rate.loc[("province", "province"), "value"] == pytest.approx(6 / 9)
    assert not rate.loc[("province", "province"), "meets_target"] and rate["target"].eq(0.9).all()
    # O3 is open with no ratings: a row with no value; O4 (closed) and O9 (self-service) have no row
    assert pd.isna(rate.loc[("outlet", "O3"), "value"]) and pd.isna(rate.loc[("branch", "二分行"), "value"])
    assert pd.isna(rate.loc[("outlet", "O3"), "meets_target"])
    assert {"O4", "O9"}.isdisjoint(rate.loc["outlet"].index)
    share = rows.loc["evaluator_participation_rate"]
    assert share.loc[("outlet", "O1"), "value"] == pytest.approx(5 / 8)
    assert share.loc[("outlet", "O2"), "value"] == 1.0
    assert share.loc[("province", "province"), "value"] == pytest.approx(9 / 12)
    assert share["target"].isna().all()


def test_kpi_rows_scoped(counts, con):
    tree = org.scope_tree(org.outlet_tree(con), "一分行")
    rows = satisfaction.kpi_rows(counts, tree, MONTH, target=0.9, scope_level="branch")
    assert set(rows["level"]) == {"branch", "subbranch", "outlet"}
    assert set(rows.loc[rows["level"] == "outlet", "unit_id"]) == {"O1", "O2"}


def test_headline_sentence_verdicts(counts):
    from svc_analysis.stats.proportions import RiseTest

    series = satisfaction.monthly(counts, satisfaction.window(MONTH, 3))
    head = satisfaction.headline(series, MONTH)
    ytd = satisfaction.year_to_date(series, MONTH, overdispersion=1.0)
    text = satisfaction.headline_sentence(head, ytd, 0.9, 0.85)
    assert "满意率 66.7%" in text and "低于底线" in text and "较上月 +66.7 个百分点" in text
    assert "未实现同比提升" in text
    rose = dict(ytd, test=RiseTest(0.93, 0.92, 0.01, 1.0, 0.16, 1.0, 0.05))
    assert "尚不能认定" in satisfaction.headline_sentence(head, rose, 0.6, 0.5)
    real = dict(ytd, test=RiseTest(0.93, 0.92, 0.01, 3.0, 0.001, 1.0, 0.05))
    text = satisfaction.headline_sentence(head, real, 0.6, 0.5)
    assert "达到目标" in text and "同比提升在统计上成立" in text
    none = satisfaction.headline_sentence(dict(head, ratings=0), dict(ytd, test=None), 0.9, 0.85)
    assert "无数据" in none and "满意率 " not in none
    # a month's ratings as every page counts them (issue 14: page 20 read "共 48705 条评价")
    many = satisfaction.headline_sentence(dict(head, ratings=48705), ytd, 0.9, 0.85)
    assert "共 48,705 条评价" in many


def test_control_sentence():
    chart = pd.DataFrame({"month": ["2026-09", MONTH], "rate": [0.9, 0.8], "out_of_control": [False, True],
                          "chart": ["laney_p_prime"] * 2, "sigma_z": [2.5, 2.5]})
    text = satisfaction.control_sentence(chart)
    # sigma_z 2.5: the months vary 2.5 times as much as chance alone would make them (said in words, not σz)
    assert "已校正过度离散的控制图" in text and "纯随机的 2.50 倍" in text and "2026-10（80.0%）" in text
    assert "Laney" not in text and "σz" not in text
    calm = chart.assign(out_of_control=[False, pd.NA], chart="p")
    assert "所有月份均在控制限内" in satisfaction.control_sentence(calm)


def test_control_sentence_without_data():
    chart = pd.DataFrame({"month": [MONTH], "rate": [float("nan")], "out_of_control": [pd.NA], "chart": ["p"],
                          "sigma_z": [float("nan")]})
    assert "无数据" in satisfaction.control_sentence(chart)
