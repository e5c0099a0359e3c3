"""The daily watch's queue alerts (queue.watch_alerts) on the hand-built warehouse of
tests/watch_support.py; expected rows counted by hand from its TICKETS and OUTLETS."""

from __future__ import annotations

from datetime import date, timedelta

from svc_analysis.core.period import Period
from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope
from svc_analysis.queue import watch_alerts
from tests import watch_support as ws
from tests.watch_support import PARAMS, con  # noqa: F401  (con: the shared fixture)


def _alerts(con, day=ws.DAY, params=PARAMS, scope=None):
    return ws.alerts_of(watch_alerts, con, day, params, scope)


def test_overtime_share_of_the_day_is_volume_aware(con):
    rows = _alerts(con)
    overtime = rows[rows["rule_id"] == "overtime_day"]
    # O1: 16 of 40 called tickets waited 30 min (> 20): 40 % > 30 % with 40 >= 30 served: listed.
    # O2: 15 of 20 = 75 %, but 20 served < 30: not judged.
    assert overtime["subject"].tolist() == ["O1"]
    assert overtime["figure"].iloc[0] == "超时 16 人 / 已叫号 40 人，占 40.0%"
    assert overtime["threshold"].iloc[0] == "当日超时客户占比高于 30%（等候超过 20 分钟为超时，当日服务不少于 30 人才判断）"
    assert overtime["unit"].iloc[0] == f"{ws.O1_NAME}（O1）"


def test_the_threshold_and_the_minimum_come_from_params(con):
    # min_served 20 lets O2 (75 %) in, worst first; share 0.5 then drops O1 (40 %)
    watch = PARAMS.queue.watch.model_copy(update={"min_served": 20, "overtime_share": 0.5})
    params = PARAMS.model_copy(update={"queue": PARAMS.queue.model_copy(update={"watch": watch})})
    assert _alerts(con, params=params).query("rule_id == 'overtime_day'")["subject"].tolist() == ["O2"]


def test_an_open_outlet_without_queue_data_is_listed(con):
    # Wednesday: O1 and O2 have tickets, O3 none; O4 closed on 10-01, O5 is self-service
    missing = _alerts(con).query("rule_id == 'no_queue_data'")
    assert missing["subject"].tolist() == ["O3"]
    assert missing["figure"].tolist() == ["当日无取号记录"]


def test_a_weekend_day_is_skipped_only_where_the_outlet_never_trades_on_it(con):
    # Saturday 10-17, no ticket at all: O1 took tickets on Saturday 10-10 (within 8 weeks), so it
    # is expected and listed; O2 and O3 never had a Saturday ticket: skipped. One expected outlet
    # missing is that outlet's row, not the "no feed" row.
    saturday = date(2026, 10, 17)
    assert saturday.weekday() == 5
    rows = _alerts(con, saturday)
    assert list(zip(rows["rule_id"], rows["subject"])) == [("no_queue_data", "O1")]


def test_a_missing_feed_is_one_row_for_the_scope(con):
    # Monday 10-19: nothing loaded yet; O1, O2, O3 expected (a working day): one row, not three
    rows = _alerts(con, date(2026, 10, 19))
    assert list(zip(rows["rule_id"], rows["unit"], rows["figure"])) == [
        ("no_queue_feed", "全省", "3 个应营业网点当日均无取号记录")]


def test_tickets_after_the_day_change_nothing(con):
    before = _alerts(con)
    ws.after_the_day(con)  # O3's tickets on 10-15, all overtime; O1's on 10-15
    assert _alerts(con).equals(before)
    assert not before.empty


def test_the_scope_limits_the_outlets(con):
    rows = _alerts(con, scope="甲一支行")  # O1 and O2 only: O3's missing data is another sub-branch's
    assert list(zip(rows["rule_id"], rows["subject"])) == [("overtime_day", "O1")]


def test_trading_weekdays_look_back_the_params_weeks(con):
    # from Saturday 12-05, 8 weeks back is 10-10 exactly: O1's Saturday still counts; 12-12: no longer
    assert watch_alerts.trading_on_weekday(con, Scope.of(org.outlet_tree(con), None), Period.day("2026-12-05"),
                                           8) == {"O1"}
    later = Period.day(date(2026, 12, 5) + timedelta(days=7))
    assert watch_alerts.trading_on_weekday(con, Scope.of(org.outlet_tree(con), None), later, 8) == set()
