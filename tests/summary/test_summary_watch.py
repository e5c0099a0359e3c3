"""summary.watch: the day's list from every area's hook, as known at the day's end, on the
hand-built warehouse of tests/watch_support.py (the rows of each area: tests/<area>/test_<area>_watch_alerts.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from svc_analysis.core import areas
from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope
from svc_analysis.summary import watch
from tests import watch_support as ws

PARAMS = load_params("2026-10")
DAY = Period.day(ws.DAY)


@pytest.fixture
def con():
    con = ws.build()
    yield con
    con.close()


def _list(con, **kw):
    return watch.day_alerts(con, PARAMS, Scope.of(org.outlet_tree(con), None), DAY, **kw)


def test_the_list_reads_complaints_then_queues_then_satisfaction(con):
    alerts, failures = _list(con)
    assert failures == {}
    # complaints: 2 cluster rows + M1, CB2, CB1, D4, D2, D1; queue: O1 overtime, O3 no data;
    # satisfaction: O1 drop, O2 perfect (each counted in its area's test)
    assert alerts["area"].tolist() == ["complaints"] * 8 + ["queue"] * 2 + ["satisfaction"] * 2
    assert alerts["area_label"].unique().tolist() == ["投诉", "排队效率", "满意度"]
    assert set(alerts["day"]) == {"2026-10-14"}
    assert watch.counts_sentence(alerts, DAY, Scope.of(org.outlet_tree(con), None)) == \
        "全省2026年10月14日共有 12 条需要处理的事项：投诉 8 条、排队效率 2 条、满意度 2 条。"


def test_the_list_equals_the_list_of_a_warehouse_cut_at_the_days_end(con):
    ws.after_the_day(con)
    full, _ = _list(con)
    # the same warehouse cut by hand: every event of 10-15 deleted, every later reply or closing undone
    for table, at in (("complaints", "received_at"), ("tickets", "taken_at"), ("ratings", "rated_at")):
        con.execute(f"DELETE FROM {table} WHERE {at} >= TIMESTAMP '2026-10-15'")
    for column in ("replied_at", "closed_at"):
        con.execute(f"UPDATE complaints SET {column} = NULL WHERE {column} >= TIMESTAMP '2026-10-15'")
    cut, _ = _list(con)
    pd.testing.assert_frame_equal(full, cut)
    assert len(full) == 12


def test_one_failing_area_leaves_the_others(con, monkeypatch):
    def broken(*args):
        raise RuntimeError("排队数据异常 13812345678")

    hooks = dict(areas.hooks(watch.HOOK), queue=broken)
    monkeypatch.setattr(areas, "hooks", lambda name: hooks)
    alerts, failures = _list(con)
    assert failures == {"queue": "RuntimeError: 排队数据异常 138****5678"}  # masked
    assert alerts["area"].unique().tolist() == ["complaints", "satisfaction"]


def test_for_reader_has_the_chinese_headers_in_order(con):
    shown = watch.for_reader(_list(con)[0])
    assert shown.columns.tolist() == ["日期", "领域", "规则", "单位", "数值", "阈值", "处理建议"]
    assert shown.iloc[0, :3].tolist() == ["2026-10-14", "投诉", "投诉聚集（新发）"]


def test_some_areas_only_and_an_unknown_one(con):
    alerts, _ = _list(con, only=["satisfaction"])
    assert alerts["subject"].tolist() == ["O1", "O2"]
    with pytest.raises(KeyError):
        _list(con, only=["staff"])


def test_an_empty_day(con):
    alerts, failures = watch.day_alerts(con, PARAMS, Scope.of(org.outlet_tree(con), "乙分行"), Period.day("2026-08-03"))
    # 乙分行 on a Monday before any event: O4 open (closes 10-01) but its feed is missing: one row
    assert failures == {} and alerts["rule_id"].tolist() == ["no_queue_data"]
    assert watch.counts_sentence(alerts.iloc[0:0], DAY, Scope.of(org.outlet_tree(con), "乙分行")) == \
        "乙分行2026年10月14日没有需要处理的事项。"
