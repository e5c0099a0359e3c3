"""The daily watch's evaluator alerts (satisfaction.watch_alerts) on the hand-built warehouse of
tests/watch_support.py; expected rows counted by hand from its TICKETS and RATINGS."""

from __future__ import annotations

from svc_analysis.satisfaction import watch_alerts
from tests import watch_support as ws
from tests.watch_support import PARAMS, con  # noqa: F401  (con: the shared fixture)


def _alerts(con, params=PARAMS):
    return ws.alerts_of(watch_alerts, con, params=params)


def test_participation_collapse_against_the_outlets_own_baseline(con):
    # baseline days 09-09..10-06 (28 days ending 7 days before DAY): O1 served 100 on 09-20, 60
    # ratings: 60 %. DAY: 4 ratings / 40 served = 10 %; 10 % / 60 % = 0.17 < 0.5, 40 >= 30 served.
    # O1's Saturday 10-10 (30 served, no rating) lies in the 7-day gap and does not count.
    drops = _alerts(con).query("rule_id == 'participation_drop'")
    assert drops["subject"].tolist() == ["O1"]
    assert drops["figure"].iloc[0] == "评价 4 条 / 服务 40 人，参与率 10.0%（基准 60.0%）"
    assert drops["threshold"].iloc[0] == "低于本网点基准的 50%（基准为前第 8–35 天的合计参与率；当日服务不少于 30 人才判断）"


def test_all_top_scores_with_enough_ratings(con):
    # O2: 25 ratings on DAY, all 5 (>= 20 ratings, 100 % >= 98 %). O2 served only 20: its
    # participation is not judged (and it has no baseline). O1's 4 ratings of 4 are neither.
    perfect = _alerts(con).query("rule_id == 'perfect_scores'")
    assert perfect["subject"].tolist() == ["O2"]
    assert perfect["figure"].iloc[0] == "25 条评价中 100.0% 为 5 分"
    assert perfect["threshold"].iloc[0] == "当日至少 20 条评价且 5 分占比不低于 98%"


def test_the_daily_volumes_come_from_params(con):
    # perfect_min_ratings 26: O2's 25 ratings are too few; min_served 41: O1's 40 served are too few
    watch = PARAMS.satisfaction.watch.model_copy(update={"perfect_min_ratings": 26, "min_served": 41})
    params = PARAMS.model_copy(update={"satisfaction": PARAMS.satisfaction.model_copy(update={"watch": watch})})
    assert _alerts(con, params).empty


def test_ratings_after_the_day_change_nothing(con):
    before = _alerts(con)
    ws.after_the_day(con)  # 40 top scores at O1 on 10-15, 50 more tickets
    assert _alerts(con).equals(before)
    assert len(before) == 2
