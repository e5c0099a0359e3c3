"""The daily watch's complaint alerts (complaints.watch_alerts) on the hand-built warehouse of
tests/watch_support.py: every expected row is counted there by hand (see the comment of each row)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from svc_analysis.complaints import watch_alerts
from svc_analysis.core.period import Period
from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope
from tests import watch_support as ws
from tests.watch_support import PARAMS, con  # noqa: F401  (con: the shared fixture)


def _alerts(con, day=ws.DAY, params=PARAMS, scope=None):
    return ws.alerts_of(watch_alerts, con, day, params, scope)


def test_the_planted_burst_is_raised_on_its_day_and_not_the_day_before(con):
    # 8 system complaints about 手机银行 on DAY, 2 in the 68 baseline days (08-01..10-07) before the
    # window: mean 2/68 < floor 0.0333, so mu = 0.0333, E = 7 x 0.0333 = 0.2331; phi = (68-2)/67 < 1 -> 1
    # (Poisson); its 0.9999 quantile is 4 (CDF(3) = 0.99990 is just under 0.9999, CDF(4) = 0.999995);
    # W = 8 > 4 and W - E = 7.8 >= 5: an alarm, new on DAY, in both series (category and product).
    rows = _alerts(con)
    clusters = rows[rows["rule_id"] == "complaint_cluster"]
    assert clusters["subject"].tolist() == ["category:system", "product:手机银行"]
    assert clusters["rule"].tolist() == ["投诉聚集（新发）"] * 2
    assert clusters["unit"].tolist() == ["投诉类别：系统故障（全省）", "产品或系统：手机银行（全省）"]
    # start = end = DAY: 8 complaints, expected 0.0333 x 1 day: excess 7.97 -> 8
    assert set(clusters["figure"]) == {"10月14日以来 8 件，比基线多 8 件"}
    assert set(clusters["threshold"]) == {"7 日合计超过 4 件即为聚集"}
    before = _alerts(con, ws.DAY - timedelta(days=1))  # the window 10-07..10-13 holds no system complaint
    assert not (before["rule_id"] == "complaint_cluster").any()


def test_a_continuing_burst_is_marked_as_such(con):
    ws.after_the_day(con)  # 8 more system complaints on 10-15: still above the baseline, first alarm 10-14
    clusters = _alerts(con, ws.DAY + timedelta(days=1)).query("rule_id == 'complaint_cluster'")
    assert clusters["rule"].tolist() == ["投诉聚集（持续）"] * 2
    assert set(clusters["figure"]) == {"10月14日以来 16 件，比基线多 16 件"}  # 16 - 2 x 0.0333 = 15.93


def test_the_cases_of_the_day_in_reading_order(con):
    rows = _alerts(con).query("rule_id != 'complaint_cluster'")
    assert list(zip(rows["rule_id"], rows["subject"])) == [
        ("escalation", "M1"),          # media on DAY (R1, regulator, came the day before)
        ("reply_overdue", "CB2"),      # deadline 10-13 10:00, replied only on 10-15
        ("reply_due", "CB1"),          # deadline 10-15 09:00 in [E, E + 24 h)
        ("closing_overdue", "D4"),     # deadline 10-05 10:00, closed only on 10-15
        ("closing_due", "D2"),         # complex: 09-16 + 30 days = 10-16 09:00 (oldest first)
        ("closing_due", "D1"),         # 09-30 12:00 + 15 days = 10-15 12:00
    ]                                  # D3 (deadline 10-18 00:00 = E + 3 days exactly) is not yet due
    figures = dict(zip(rows["subject"], rows["figure"]))
    assert figures["M1"] == "投诉 M1（媒体，服务态度）：2026-10-14 10:00 受理"
    assert figures["CB2"] == "投诉 CB2（意见簿，服务效率）：已超期 38 小时，仍未答复"  # 10-13 10:00 -> 10-15 00:00
    assert figures["CB1"] == "投诉 CB1（意见簿，环境设施）：距期限 9 小时"  # 10-15 00:00 -> 09:00
    assert figures["D4"] == "投诉 D4（热线，服务态度）：2026-09-20 10:00 受理，已超期 9 天"  # 230 h: 9 whole days
    assert figures["D2"] == "投诉 D2（信函，产品）：2026-09-16 09:00 受理，距期限 33 小时"
    assert figures["D1"] == "投诉 D1（热线，业务技能）：2026-09-30 12:00 受理，距期限 12 小时"
    thresholds = dict(zip(rows["subject"], rows["threshold"]))
    assert thresholds["CB2"] == "受理后 72 小时内答复（期限 2026-10-13 10:00）"
    assert thresholds["D1"] == "办结期限 2026-10-15 12:00"
    assert dict(zip(rows["subject"], rows["unit"]))["D2"] == f"{ws.O3_NAME}（O3）"


def test_deadlines_within_the_params_window(con):
    # closing_due_days 4: D3 (10-18 00:00 = E + 3 days) comes in; reply_due_hours 8: CB1 (E + 9 h) drops out
    watch = PARAMS.complaints.watch.model_copy(update={"closing_due_days": 4, "reply_due_hours": 8})
    params = PARAMS.model_copy(update={"complaints": PARAMS.complaints.model_copy(update={"watch": watch})})
    rows = _alerts(con, params=params)
    assert rows.query("rule_id == 'closing_due'")["subject"].tolist() == ["D2", "D1", "D3"]
    assert not (rows["rule_id"] == "reply_due").any()


def test_nothing_after_the_day_changes_the_day(con):
    before = _alerts(con)
    ws.after_the_day(con)  # CB1 replied, D1/D2/M1 closed, new media and system complaints: all on 10-15
    assert _alerts(con).equals(before)


def test_the_scope_limits_the_cases_and_the_series(con):
    rows = _alerts(con, scope="甲二支行")  # O3 only: D2 is due; the burst was at O1
    assert list(zip(rows["rule_id"], rows["subject"])) == [("closing_due", "D2")]


def test_a_week_is_refused(con):
    with pytest.raises(ValueError, match="日监测按天计算"):
        watch_alerts.alerts(con, PARAMS, Scope.of(org.outlet_tree(con), None), Period.week("2026-W42"))
