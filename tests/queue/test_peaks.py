"""peaks.py on the hand-built warehouse (tests/queue/support.py); values by hand in comments.

October 2026 cells (weekday 0 = Monday): Mon 9h: 甲 T1 (10), T2 (30), 乙 (5); Mon 11h: 丙 (45);
Mon 14h: 乙 (15); Tue 10h: 甲 T3 (20), T4 never called; Wed 11h: 丙 never called; Sat 23h: 甲 T5 (25).
Operating outlet-days: Mon 4 (甲 5th, 乙 5th and 12th, 丙 5th), Tue 1, Wed 1, Sat 1.
"""

import numpy as np
import pytest

from svc_analysis.queue import peaks
from tests.queue.support import MONTH, build

T = 20.0


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    con = build(tmp_path_factory.mktemp("peaks") / "w.duckdb")
    yield peaks.weekday_hour(con, MONTH, None, T)
    con.close()


def _cell(grid, weekday, hour):
    return grid[(grid["weekday"] == weekday) & (grid["hour"] == hour)].iloc[0]


def test_grid_cells_by_hand(grid):
    assert sorted(grid["hour"].unique()) == [9, 10, 11, 14, 23] and len(grid) == 7 * 5
    mon9 = _cell(grid, 0, 9)
    assert (mon9.tickets, mon9.served, mon9.overtime, mon9.outlet_days) == (3, 3, 1, 4)
    assert mon9.arrivals == pytest.approx(0.75) and mon9.mean_wait == pytest.approx(15.0)
    tue10 = _cell(grid, 1, 10)
    assert (tue10.tickets, tue10.served, tue10.overtime, tue10.arrivals) == (2, 1, 0, 2.0)
    sat23 = _cell(grid, 5, 23)  # taken Saturday 23:50, called after midnight: still Saturday 23h
    assert (sat23.tickets, sat23.mean_wait) == (1, 25.0)
    empty = _cell(grid, 3, 9)  # Thursday: no operating day in the sample
    assert empty.tickets == 0 and np.isnan(empty.arrivals) and np.isnan(empty.mean_wait)


def test_scope_filter(tmp_path):
    con = build(tmp_path / "w.duckdb")
    one = peaks.weekday_hour(con, MONTH, ["42000102"], T)
    con.close()
    assert one["tickets"].sum() == 2 and _cell(one, 0, 9).outlet_days == 2  # 乙 on 5 and 12 Oct


def test_classify_and_summary(grid):
    summary = peaks.peak_summary(grid, opening_hours=[9], noon_hours=[11], weekend_days=[5, 6]).set_index("period")
    assert summary.index.tolist() == ["opening", "noon", "weekend", "other"]
    # opening: weekday 9h cells, tickets 3 over outlet-hours Mon 4 + Tue 1 + Wed 1 = 6
    assert summary.loc["opening", "arrivals"] == pytest.approx(0.5)
    assert summary.loc["opening", "mean_wait"] == pytest.approx(15.0)
    assert summary.loc["opening", "overtime_share"] == pytest.approx(1 / 3)
    # noon: Mon 11h (45) + Wed 11h (unserved): 2 tickets / 6, one served and overtime
    assert summary.loc["noon", "arrivals"] == pytest.approx(1 / 3) and summary.loc["noon", "overtime_share"] == 1.0
    # weekend: Sat 1 operating day x 5 hours seen = 5 outlet-hours, 1 ticket
    assert summary.loc["weekend", "arrivals"] == pytest.approx(0.2) and summary.loc["weekend", "mean_wait"] == 25.0
    # other: weekday hours 10, 14, 23: (4 + 1 + 1) x 3 = 18 outlet-hours; Mon 14h 1 + Tue 10h 2 tickets
    assert summary.loc["other", "arrivals"] == pytest.approx(3 / 18)
    assert summary.loc["other", "mean_wait"] == pytest.approx(17.5) and summary.loc["other", "overtime_share"] == 0
    text = peaks.peak_sentence(summary.reset_index(), T)
    assert "平时每网点每小时到达 0.2 人" in text and "开门峰每网点每小时 0.5 人" in text and "超时 100.0%" in text


def test_weekend_hours_are_not_opening_or_noon(grid):
    period = peaks.classify(grid, [9], [11], [5, 6])
    assert period[(grid["weekday"] == 6) & (grid["hour"] == 9)].iloc[0] == "weekend"
    assert period[(grid["weekday"] == 2) & (grid["hour"] == 11)].iloc[0] == "noon"


def test_pivot_leaves_out_weekdays_without_tickets(grid):
    wide = peaks.pivot(grid, "arrivals")
    assert wide.index.tolist() == ["周一", "周二", "周三", "周六"]
    assert wide.columns.tolist() == ["9时", "10时", "11时", "14时", "23时"]
    assert wide.loc["周一", "9时"] == pytest.approx(0.75)


def test_focus_outlets():
    assert peaks.focus_outlets([], ["42000201", "42000101"], ["42000201"]) == ["42000201"]
    assert peaks.focus_outlets(["42000101"], ["42000201"], ["42000101", "42000201"]) == ["42000101"]
    assert peaks.focus_outlets([], [], ["42000101"]) == []
    with pytest.raises(ValueError, match="queue.peak_outlets.*99999999"):
        peaks.focus_outlets(["99999999"], [], ["42000101"])
