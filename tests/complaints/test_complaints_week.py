"""The weekly cadence of the complaint figures (issue 15): complaints.month_kpis / area.kpi_rows over a
week or a day, the weekly-to-monthly sums, partial weeks at month and year edges, and the 周汇总
sections, on the hand-built warehouse of tests/complaints/support.py plus the edge rows below.

October 2026 starts on a Thursday, so its ISO weeks are 2026-W40 (28 Sep - 4 Oct) ... 2026-W44
(26 Oct - 1 Nov). Every expected value is counted by hand from support.COMPLAINTS, PRAISES, TICKETS
and EDGE (the comments say which rows).
"""

from __future__ import annotations

import math
from datetime import timedelta

import pandas as pd
import pytest

from svc_analysis.complaints import area, complaints, week_summary
from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import kpis, org
from svc_analysis.engine.scope import Scope
from tests.complaints.support import build
from tests.support import kpi_value

ADDITIVE = ("complaints_total", "complaints_responsible", "praises_total")
# complaints at the year edges: (id, received_at, outlet)
EDGE = [("E1", "2026-12-27 23:59:59", "O1"),  # Sunday: 2026-W52
        ("E2", "2026-12-28 00:00:00", "O1"),  # Monday: 2026-W53 starts
        ("E3", "2026-12-31 23:59:59", "O2"),  # 2026-W53, December
        ("E4", "2027-01-01 00:00:00", "O3"),  # 2026-W53, January
        ("E5", "2027-01-03 23:59:59", "O1"),  # Sunday: the last second of 2026-W53
        ("E6", "2027-01-04 00:00:00", "O1"),  # 2027-W01
        ("E7", "2024-12-30 10:00:00", "O1"),  # Monday: 2025-W01 starts in December 2024
        ("E8", "2024-12-29 23:00:00", "O1")]  # Sunday: 2024-W52


@pytest.fixture(scope="module")
def con():
    con = build()
    con.executemany("INSERT INTO complaints (complaint_id, received_at, channel, outlet_id, category, responsible) "
                    "VALUES (?, ?, 'hotline', ?, 'other', false)", EDGE)
    yield con
    con.close()


value = kpi_value  # one cell of a KPI row (tests.support)


@pytest.fixture(scope="module")
def setting(con):
    return load_params(month="2026-10"), Scope.of(org.outlet_tree(con), None)


def rows_of(con, setting, period: Period) -> pd.DataFrame:
    params, scope = setting
    return area.kpi_rows(con, params, scope, period)


def test_a_week_counts_its_own_days(con, setting):
    # 2026-W41, 5-11 Oct: C3 (O2, 甲分行, not responsible) and C4 (O4, 乙分行, responsible); praise P3 (O3)
    rows = rows_of(con, setting, Period.week("2026-W41"))
    assert set(rows["period"]) == {"2026-W41"} and set(rows["month"]) == {"2026-10"}
    assert value(rows, "complaints_total") == 2
    assert value(rows, "complaints_total", "branch", "甲分行") == 1
    assert value(rows, "complaints_total", "branch", "乙分行") == 1
    assert value(rows, "complaints_responsible") == 1
    assert not value(rows, "complaints_responsible", column="meets_target")  # target 0: one is one too many
    assert value(rows, "praises_total") == 1
    # nobody served that week (the tickets are all on 15 Oct): no rate, never 0 or infinity
    assert math.isnan(value(rows, "complaint_rate_per_10k"))
    assert value(rows, "complaint_rate_per_10k", column="status") == "no_data"


def test_a_week_rate_is_its_complaints_over_its_customers_served(con, setting):
    # 2026-W42, 12-18 Oct: C5 (O3); served on 15 Oct: O1 2000 + O2 3000 + O3 1000 = 6000 called tickets
    rows = rows_of(con, setting, Period.week("2026-W42"))
    assert value(rows, "complaint_rate_per_10k", column="numerator") == 1
    assert value(rows, "complaint_rate_per_10k", column="denominator") == 6000
    assert value(rows, "complaint_rate_per_10k") == pytest.approx(1 / 6000 * 10000)
    # O3: 1 complaint / 1000 served, below the minimum volume (2000 served): shown, not judged
    assert value(rows, "complaint_rate_per_10k", "outlet", "O3") == pytest.approx(10.0)
    assert value(rows, "complaint_rate_per_10k", "outlet", "O3", "status") == "small_sample"


def test_weeks_add_up_to_the_month_once_the_days_outside_it_are_taken_off(con, setting):
    # October: C1 C2 C3 C4 C5 C10 = 6 complaints (C1 C2 C4 responsible), P1 P2 P3 = 3 praises.
    # Weeks W40..W44 hold 7 complaints: the 6 and C6 (29 Sep, in W40); 3 praises; 3 responsible.
    month = rows_of(con, setting, Period.month("2026-10"))
    weeks = pd.concat([rows_of(con, setting, Period.week(f"2026-W{n}")) for n in range(40, 45)])
    outside = pd.concat([rows_of(con, setting, Period.day(d)) for d in ("2026-09-28", "2026-09-29", "2026-09-30",
                                                                        "2026-11-01")])
    assert weeks[(weeks["metric"] == "complaints_total") & (weeks["level"] == "province")]["value"].sum() == 7
    key = ["metric", "level", "unit_id"]
    for column in ("value", "numerator", "denominator"):
        for metric in ADDITIVE + ("complaint_rate_per_10k",):
            if column == "value" and metric == "complaint_rate_per_10k":
                continue  # a rate does not add; its numerator and denominator do
            pick = lambda f: f[f["metric"] == metric].groupby(key)[column].sum(min_count=1)  # noqa: E731
            got = pick(weeks).sub(pick(outside), fill_value=0)
            want = pick(month)
            pd.testing.assert_series_equal(got.reindex(want.index).fillna(0), want.fillna(0), check_names=False)
    assert value(month, "complaints_total") == 6 and value(month, "praises_total") == 3


def test_days_add_up_to_the_month(con, setting):
    # every day of October (31 one-day periods): the sums are the month's figures at every unit
    month = rows_of(con, setting, Period.month("2026-10"))
    days = pd.concat([rows_of(con, setting, Period.day(Period.month("2026-10").start + timedelta(days=k)))
                      for k in range(31)])
    for metric, column in [(m, "value") for m in ADDITIVE] + [("complaint_rate_per_10k", "numerator"),
                                                                ("complaint_rate_per_10k", "denominator")]:
        got = days[days["metric"] == metric].groupby(["level", "unit_id"])[column].sum()
        want = month[month["metric"] == metric].set_index(["level", "unit_id"])[column]
        pd.testing.assert_series_equal(got.reindex(want.index), want.astype("float64"), check_names=False)
    assert days["month"].unique().tolist() == ["2026-10"] and days["period"].nunique() == 31


def test_iso_week_53_straddles_the_year_and_belongs_to_the_month_of_its_last_day(con, setting):
    # 2026-W53 = 28 Dec 2026 .. 3 Jan 2027: E2 E3 (December) and E4 E5 (January); not E1 (W52), not E6 (W01)
    week = Period.week("2026-W53")
    rows = rows_of(con, setting, week)
    assert (week.start.isoformat(), week.last_day.isoformat()) == ("2026-12-28", "2027-01-03")
    assert set(rows["period"]) == {"2026-W53"} and set(rows["month"]) == {"2027-01"}
    assert value(rows, "complaints_total") == 4
    assert value(rows, "complaints_total", "outlet", "O1") == 2  # E2, E5
    december = rows_of(con, setting, Period.month("2026-12"))
    january = rows_of(con, setting, Period.month("2027-01"))
    assert value(december, "complaints_total") == 3  # E1 E2 E3
    assert value(january, "complaints_total") == 3  # E4 E5 E6
    in_december = sum(value(rows_of(con, setting, Period.day(d)), "complaints_total") for d in week.days_in("2026-12"))
    assert in_december == 2 and value(rows, "complaints_total") - in_december == 2  # the January part: E4 E5


def test_week_one_can_start_in_december(con, setting):
    # 2025-W01 = 30 Dec 2024 .. 5 Jan 2025: E7 only (E8 is Sunday 29 Dec, 2024-W52); published under 2025-01
    rows = rows_of(con, setting, Period.week("2025-W01"))
    assert set(rows["period"]) == {"2025-W01"} and set(rows["month"]) == {"2025-01"}
    assert value(rows, "complaints_total") == 1
    assert value(rows_of(con, setting, Period.week("2024-W52")), "complaints_total") == 1  # E8


def test_monthly_only_metrics_are_not_published_for_a_week(con, setting):
    rows = rows_of(con, setting, Period.week("2026-W41"))
    assert set(rows["metric"]) == {"complaints_total", "complaints_responsible", "complaint_rate_per_10k",
                                   "praises_total"}
    kpis.validate(rows)


def test_weekly_summary_sections(con, setting):
    params, scope = setting
    period = Period.week("2026-W41")
    rows, before = rows_of(con, setting, period), rows_of(con, setting, period.previous())
    # W40 (28 Sep - 4 Oct): C1 and C6 = 2; W41: 2 -> 持平; responsible 1 (C4), praise 1 (P3)
    sentence = week_summary.week_sentence(rows, before, scope, period)
    assert "受理投诉 **2 件**，较上周（2 件）持平" in sentence and "责任性投诉 **1 件**（目标为零，未达标）" in sentence
    table = week_summary.headline(rows, before, scope).set_index("指标")
    assert table.loc["投诉总量", "本周"] == "2" and table.loc["责任性投诉", "状态"] == "未达标"
    assert table.loc["万人投诉率", "本周"] == "无数据"
    # 2026-W46 (9-15 Nov): no complaint at all
    assert [x.data for x in week_summary.breakdowns(con, scope, Period.week("2026-W46"))] == ["本周没有受理投诉。"]
    by_channel = complaints.breakdown(con, period, "channel")
    assert dict(zip(by_channel["label"], by_channel["complaints"])) == {"热线": 1, "媒体": 1}
    units = week_summary.units(rows, scope).set_index("二级分行")
    assert units.loc["甲分行", "投诉总量（件）"] == 1 and units.loc["乙分行", "责任性投诉（件）"] == 1
    text, cases = week_summary.case_list(con, scope, period)
    # C3 closed 20 Oct (after the week: 已答复未办结 at its end), C4 never replied (未答复); C4's phone masked
    assert cases["投诉编号"].tolist() == ["C3", "C4"]
    assert cases["截至周日状态"].tolist() == ["已答复未办结", "未答复"]
    assert "13812345678" not in cases.to_string() and "138****5678" in cases.to_string()
    assert "共 2 件" in text.data and "仍未办结 2 件" in text.data
