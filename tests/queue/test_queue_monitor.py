"""queue_monitor.py on the hand-built warehouse (tests/queue/support.py); values by hand in comments."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from svc_analysis.engine import org
from svc_analysis.queue import queue
from svc_analysis.queue import monitor as qm
from tests.queue.support import MONTH

T, TOL = 20.0, 0.05


@pytest.fixture(scope="module")
def weekly(con, tree):
    return qm.weekly_counts(con, MONTH, tree, T)


def _day(daily, outlet, day):
    return daily[(daily["outlet_id"] == outlet) & (daily["day"] == day)].iloc[0]


def test_daily_overtime_shares_and_statuses(con, tree):
    daily = qm.daily_overtime(con, MONTH, tree, T)
    assert len(daily) == 4 * 31  # every counting outlet, every day
    d = _day(daily, "42000101", date(2026, 10, 5))
    assert (d.served, d.overtime, d.overtime_share, d.status) == (2, 1, 0.5, "open")
    d = _day(daily, "42000101", date(2026, 10, 6))  # T3 wait 20 not overtime, T4 never called
    assert (d.served, d.overtime_share) == (1, 0.0)
    d = _day(daily, "42000101", date(2026, 10, 31))  # taken 23:50, called after midnight: 31 Oct
    assert (d.served, d.overtime_share) == (1, 1.0)
    closed = _day(daily, "42000201", date(2026, 10, 15))  # 丙 closes on 10-15
    assert closed.status == "closed" and np.isnan(closed.overtime_share)
    unserved_only = _day(daily, "42000201", date(2026, 10, 14))
    assert unserved_only.status == "no_data" and np.isnan(unserved_only.overtime_share)
    quiet = _day(daily, "42000301", date(2026, 10, 20))
    assert quiet.status == "no_data" and quiet.served == 0


def test_worst_outlets_and_heatmap(con, tree):
    stats = queue.outlet_stats(con, MONTH, T)
    worst = qm.worst_outlets(stats, 2)
    assert worst == ["42000201", "42000101"]  # 1.0, 0.5; 丁 has no data and is never listed
    assert qm.worst_outlets(queue.level_stats(con, MONTH, T, tree), 3) == ["42000201", "42000101", "42000102"]
    wide = qm.heatmap_frame(qm.daily_overtime(con, MONTH, tree, T), worst, tree)
    assert wide.index.tolist() == ["丙网点（42000201）", "甲网点（42000101）"]
    assert wide.shape == (2, 31) and wide.loc["甲网点（42000101）", 5] == 0.5
    assert np.isnan(wide.loc["丙网点（42000201）", 20])


def test_weeks_are_clipped_to_the_month(weekly):
    spans = sorted(set(zip(weekly["week_start"], weekly["week_end"])))
    # 1 Oct 2026 is a Thursday: tickets fall in the weeks of 5, 12 and 26 Oct
    assert spans == [(date(2026, 10, 5), date(2026, 10, 11)), (date(2026, 10, 12), date(2026, 10, 18)),
                     (date(2026, 10, 26), date(2026, 10, 31))]
    assert qm.week_label(date(2026, 10, 1), date(2026, 10, 4)) == "10-01~10-04"


def test_outlet_ranking_month_and_weeks(weekly, tree):
    ranks = qm.ranking(weekly, tree, "outlet")
    month = ranks[ranks["period"] == qm.MONTH_PERIOD].set_index("unit_id")
    # 丙 1/1, 甲 2/4, 乙 0/2, 丁 no served customer: no rank
    assert (month.loc["42000201", "rank"], month.loc["42000101", "rank"], month.loc["42000102", "rank"]) == (1, 2, 3)
    assert month["rank"].isna()["42000301"] and month.loc["42000301", "served"] == 0
    week = ranks[ranks["period"] == "10-05~10-11"].set_index("unit_id")
    assert week.loc["42000101", "overtime_share"] == pytest.approx(1 / 3)  # T1, T2 (overtime), T3
    assert (week.loc["42000201", "rank"], week.loc["42000101", "rank"], week.loc["42000102", "rank"]) == (1, 2, 3)
    later = ranks[ranks["period"] == "10-12~10-18"].set_index("unit_id")
    assert np.isnan(later.loc["42000201", "overtime_share"])  # only an unserved ticket that week


def test_ties_share_the_better_rank(tree):
    import pandas as pd
    weekly = pd.DataFrame({"outlet_id": ["42000101", "42000102", "42000201"],
                           "week_start": [date(2026, 10, 5)] * 3, "week_end": [date(2026, 10, 11)] * 3,
                           "served": [10, 20, 10], "overtime": [1, 2, 0]})
    month = qm.ranking(weekly, tree, "outlet").query("period == 'month'").set_index("unit_id")
    assert (month.loc["42000101", "rank"], month.loc["42000102", "rank"], month.loc["42000201", "rank"]) == (1, 1, 3)


def test_units_below_the_minimum_volume_are_not_ranked(weekly, tree):
    # month: 丙 1 served, 甲 4, 乙 2; with a minimum of 2 customers 丙 (100% overtime) is small: its share
    # stays, it has no rank, and 甲 (2/4) comes first, 乙 (0/2) second
    ranks = qm.ranking(weekly, tree, "outlet", min_served=2)
    month = ranks[ranks["period"] == qm.MONTH_PERIOD].set_index("unit_id")
    assert month.loc["42000201", "small"] and month.loc["42000201", "overtime_share"] == 1.0
    assert pd.isna(month.loc["42000201", "rank"])
    assert (month.loc["42000101", "rank"], month.loc["42000102", "rank"]) == (1, 2)
    assert not month.loc["42000301", "small"]  # nobody served: no data, not a small sample
    table = qm.ranking_table(ranks, tree, "outlet")
    assert table["unit_id"].tolist()[:2] == ["42000101", "42000102"]
    assert "1 个网点本月服务客户数不足最低样本量，样本不足，不参加排名" in qm.ranking_sentence(table, TOL)


def test_subbranch_ranking_adds_counts(weekly, tree):
    ranks = qm.ranking(weekly, tree, "subbranch")
    month = ranks[ranks["period"] == qm.MONTH_PERIOD].set_index("unit_id")
    assert month.loc["甲支行", "overtime_share"] == pytest.approx(2 / 6)  # 甲 2/4 + 乙 0/2, not (0.5 + 0) / 2
    assert (month.loc["乙支行", "rank"], month.loc["甲支行", "rank"]) == (1, 2)
    with pytest.raises(ValueError, match="ranking level"):
        qm.ranking(weekly, tree, "branch")


def test_ranking_table_and_sentence(weekly, tree):
    table = qm.ranking_table(qm.ranking(weekly, tree, "outlet"), tree, "outlet")
    assert table["unit_id"].tolist() == ["42000201", "42000101", "42000102", "42000301"]
    assert "10-05~10-11 排名" in table.columns and "10-26~10-31 超时占比" in table.columns
    assert qm.ranking_table(qm.ranking(weekly, tree, "outlet"), tree, "outlet", top_n=2).shape[0] == 2
    text = qm.ranking_sentence(table, TOL)
    # 丙 (support.py) was ranked only in 10-05~10-11 (1 served, 45 min: first); in 10-12~10-18 its one ticket
    # was never called (nobody served) and in 10-26~10-31 it had none: 1 week of 3 ranked, first in it
    assert "丙网点" in text and "100.0%" in text and "共 2 个" in text
    assert "在参加排名的 1 个周中有 1 周排名第一（本月共 3 个周，其余周无已叫号客户或样本不足，不参加排名）" in text


def test_planted_overtime_outlet_tops_every_week_on_tiny_sample():
    from svc_analysis.engine import sample
    from svc_analysis.engine import warehouse as wh
    from tests.support import TINY_MONTH, tiny_warehouse

    plan = sample.plan_for("tiny", end_month=TINY_MONTH)
    con = wh.connect(tiny_warehouse(), read_only=True)
    try:
        tree = queue.counting_outlets(con, org.outlet_tree(con), TINY_MONTH)
        ranks = qm.ranking(qm.weekly_counts(con, TINY_MONTH, tree, T), tree, "outlet")
        table = qm.ranking_table(ranks, tree, "outlet")
    finally:
        con.close()
    assert table.iloc[0]["unit_id"] == plan.overtime_outlet
    week_ranks = [c for c in table.columns if c.endswith(" 排名")]
    assert all(table.iloc[0][c] == 1 for c in week_ranks)
