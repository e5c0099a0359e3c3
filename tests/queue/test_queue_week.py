"""The weekly bulletin 周通报 (issue 15): the queue's KPI rows over an ISO week, the weekly-to-monthly sums
and the bulletin's sections, on the hand-built warehouse of tests/queue/support.py (every ticket is
listed there). Threshold 20 minutes ("longer than"), tolerance 0.05 (params/queue.yaml defaults).

ISO weeks touching October 2026: W40 (28 Sep - 4 Oct), W41 (5-11 Oct), W42 (12-18), W43 (19-25),
W44 (26 Oct - 1 Nov). Waits by week, from support.TICKETS:
- W40: 乙 30 Sep 23:55 wait 15 (a September day);
- W41: 甲 10, 30 (overtime), 20 (not: 20 is not longer than 20), one never called; 乙 5; 丙 45 (overtime);
- W42: 乙 15; 丙 14 Oct never called;  W43: nothing;
- W44: 甲 31 Oct 23:50 wait 25 (overtime); 乙 1 Nov 00:05 wait 45 (overtime, a November day).
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope
from svc_analysis.queue import area, bulletin
from tests.queue.support import build
from tests.support import kpi_value

SUMS = {"avg_wait_minutes": ("numerator", "denominator"), "overtime_wait_share": ("numerator", "denominator"),
        "unserved_share": ("numerator", "denominator")}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = build(tmp_path_factory.mktemp("queue-week") / "w.duckdb")
    yield con
    con.close()


value = kpi_value  # one cell of a KPI row (tests.support)


@pytest.fixture(scope="module")
def setting(con):
    return load_params(month="2026-10"), Scope.of(org.outlet_tree(con), None)


def rows_of(con, setting, period):
    params, scope = setting
    return area.kpi_rows(con, params, scope, period)


def test_week_41_by_hand(con, setting):
    rows = rows_of(con, setting, Period.week("2026-W41"))
    assert set(rows["period"]) == {"2026-W41"} and set(rows["month"]) == {"2026-10"}
    # served 甲 3 + 乙 1 + 丙 1 = 5; waits 10+30+20+5+45 = 110 -> 22.0 minutes
    assert value(rows, "avg_wait_minutes", column="denominator") == 5
    assert value(rows, "avg_wait_minutes") == pytest.approx(22.0)
    # overtime: 甲 30 and 丙 45 -> 2 of 5; unserved: 1 of 6 tickets
    assert value(rows, "overtime_wait_share") == pytest.approx(0.4)
    assert value(rows, "unserved_share") == pytest.approx(1 / 6)
    # 甲支行 (甲, 乙): 4 served, 65 minutes, 1 overtime
    assert value(rows, "avg_wait_minutes", "subbranch", "甲支行") == pytest.approx(16.25)
    assert value(rows, "overtime_wait_share", "subbranch", "甲支行") == pytest.approx(0.25)
    # p90 over the unit's own waits (linear): 甲 10,20,30 -> 28; province 5,10,20,30,45 -> 39
    assert value(rows, "p90_wait_minutes", "outlet", "42000101") == pytest.approx(28.0)
    assert value(rows, "p90_wait_minutes") == pytest.approx(39.0)
    # overtime outlets: 甲 1/3 and 丙 1/1 are above 5%, but with 3, 1 and 1 customers served every outlet
    # is below the minimum of 100 (params volumes, issue 14): none is counted, 0 of 0 outlets, not judged
    assert value(rows, "overtime_outlets") == 0
    assert value(rows, "overtime_outlets", column="denominator") == 0
    assert value(rows, "overtime_outlets", column="status") == "small_sample"
    # every unit is far below 100 customers served: shares shown, not judged
    assert value(rows, "overtime_wait_share", column="status") == "small_sample"


def test_week_44_ends_in_november_and_is_published_under_it(con, setting):
    rows = rows_of(con, setting, Period.week("2026-W44"))
    assert set(rows["period"]) == {"2026-W44"} and set(rows["month"]) == {"2026-11"}
    # 甲 31 Oct wait 25 and 乙 1 Nov wait 45: 2 served, 70 minutes, both overtime
    assert value(rows, "avg_wait_minutes", column="numerator") == pytest.approx(70.0)
    assert value(rows, "overtime_wait_share") == pytest.approx(1.0)
    # 丙 closed on 15 Oct and has no ticket that week: it does not count; 丁 is open with no ticket
    assert set(rows.loc[rows["level"] == "outlet", "unit_id"]) == {"42000101", "42000102", "42000301"}


def test_weeks_minus_the_days_outside_the_month_add_up_to_the_month(con, setting):
    # served: weeks 1+5+1+0+2 = 9 = October 7 + 30 Sep 1 + 1 Nov 1; wait minutes 210 = 150 + 15 + 45
    month = rows_of(con, setting, Period.month("2026-10"))
    weeks = pd.concat([rows_of(con, setting, Period.week(f"2026-W{n}")) for n in range(40, 45)])
    outside = pd.concat([rows_of(con, setting, Period.day(d)) for d in ("2026-09-28", "2026-09-29", "2026-09-30",
                                                                        "2026-11-01")])
    assert value(month, "avg_wait_minutes", column="denominator") == 7
    assert value(month, "avg_wait_minutes", column="numerator") == pytest.approx(150.0)
    key = ["metric", "level", "unit_id"]
    for metric, columns in SUMS.items():
        for column in columns:
            def pick(frame):
                return frame[frame["metric"] == metric].groupby(key)[column].sum()
            want = pick(month)
            got = pick(weeks).sub(pick(outside), fill_value=0).reindex(want.index).fillna(0)
            pd.testing.assert_series_equal(got, want, check_names=False, rtol=1e-12)


def test_days_add_up_to_the_month(con, setting):
    month = rows_of(con, setting, Period.month("2026-10"))
    first = Period.month("2026-10").start
    days = pd.concat([rows_of(con, setting, Period.day(first + timedelta(days=k))) for k in range(31)])
    for metric, columns in SUMS.items():
        for column in columns:
            want = month[month["metric"] == metric].groupby(["level", "unit_id"])[column].sum()
            got = days[days["metric"] == metric].groupby(["level", "unit_id"])[column].sum()
            pd.testing.assert_series_equal(got.reindex(want.index).fillna(0), want, check_names=False, rtol=1e-12)


def test_outlets_are_ranked_only_above_the_minimum_volume(con, setting):
    params, scope = setting
    rows = rows_of(con, setting, Period.week("2026-W41"))
    frame, target = bulletin.outlet_frame(rows, scope)
    assert target == pytest.approx(0.4)  # the scope's own share: 2 overtime of 5 served
    assert frame["rank"].isna().all()  # 3, 1 and 1 customers: nobody is ranked below 100 served
    # with a minimum of 1 served (params volumes lowered): 丙 100% first, 甲 33% second, 乙 0% third; 丁 served none
    low = params.model_copy(update={"volumes": params.volumes.model_copy(
        update={"min_denominator": {"overtime_wait_share": 1}})})
    ranked, _ = bulletin.outlet_frame(area.kpi_rows(con, low, scope, Period.week("2026-W41")), scope)
    assert ranked.set_index("outlet_id")["rank"].dropna().to_dict() == {"42000201": 1, "42000101": 2, "42000102": 3}
    assert ranked["outlet_id"].tolist()[-1] == "42000301"  # no customer served: no share, no rank, listed last


def test_zero_overtime_outlets_and_the_worst_hours(con, setting):
    params, scope = setting
    period = Period.week("2026-W41")
    text, table = bulletin.zero_overtime(rows_of(con, setting, period), scope)
    assert table["网点编号"].tolist() == ["42000102"]  # 乙: 1 served, no overtime; 丁 served nobody
    assert "零超时的网点 1 个" in text.data
    cells = bulletin.hour_cells(con, period, None, 20.0)
    # 5 Oct 09h: 甲 10 and 30, 乙 5 -> 3 served, 1 overtime; 5 Oct 11h: 丙 45 -> 1 of 1; 6 Oct 10h: 20 and uncalled
    top = cells.iloc[0]
    assert (str(top["day"])[:10], top["hour"], top["served"], top["overtime"]) == ("2026-10-05", 9, 3, 1)
    assert cells["overtime"].tolist() == [1, 1, 0]
    assert cells.set_index("hour").loc[10, ["tickets", "served"]].tolist() == [2, 1]
    hours_text, hours = bulletin.worst_hours(con, params, scope, period)
    assert hours["时段"].tolist() == ["9:00–10:00", "11:00–12:00"] and hours["星期"].tolist() == ["周一", "周一"]
