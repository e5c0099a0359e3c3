"""summary.watch_backtest: the counting (score) on hand-made alert lists, the run on the hand-built
warehouse of tests/watch_support.py, and the sample's planted burst dates."""

from __future__ import annotations

from datetime import date

import pandas as pd

from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope
from svc_analysis.summary import watch_backtest as bt
from tests import watch_support as ws

BURST = bt.Burst(("category:system", "product:手机银行"), date(2026, 8, 10), 7)


def _alerts(*rows):
    return pd.DataFrame(rows, columns=["day", "rule_id", "subject"])


def test_score_counts_raised_bursts_and_false_alarms_by_hand():
    alerts = _alerts(
        ("2026-08-09", "complaint_cluster", "category:system"),    # before the burst: false
        ("2026-08-11", "complaint_cluster", "category:system"),    # day 2 of the burst: raised, delay 1
        ("2026-08-11", "complaint_cluster", "product:手机银行"),    # true
        ("2026-08-22", "complaint_cluster", "product:手机银行"),    # 08-10 + 7 + 7 - 2 = 08-22: still true
        ("2026-08-23", "complaint_cluster", "product:手机银行"),    # the window no longer holds a burst day: false
        ("2026-08-11", "complaint_cluster", "category:fees"),      # another series: false
        ("2026-08-11", "escalation", "C1"),                        # not a cluster alert: not counted
    )
    found = bt.score(alerts, series_days=400, bursts=[BURST], window_days=7)
    assert found.raised[["first_raised", "delay_days", "in_time"]].values.tolist() == [[date(2026, 8, 11), 1, True]]
    assert found.false_alarms == 3
    assert found.false_per_100 == 0.75  # 100 x 3 / 400


def test_a_burst_never_raised_or_raised_late():
    late = bt.score(_alerts(("2026-08-12", "complaint_cluster", "category:system")), 10, [BURST], 7)
    assert late.raised[["delay_days", "in_time"]].values.tolist() == [[2, False]]
    never = bt.score(_alerts(), 10, [BURST], 7)
    assert never.raised["first_raised"].tolist() == [None] and not never.raised["in_time"].iloc[0]
    assert never.false_alarms == 0


def test_the_sample_outage_is_the_second_monday_two_months_before_the_end():
    # docs/sample_data.md: end month 2026-10 -> the week from Monday 2026-08-10; 2026-11 -> 09-14
    assert [b.start for b in bt.sample_bursts("2026-10")] == [date(2026, 8, 10)]
    assert bt.sample_bursts("2026-11")[0] == bt.Burst(("category:system", "product:手机银行"), date(2026, 9, 14), 7)


def test_run_on_the_hand_built_warehouse():
    con = ws.build()
    scope = Scope.of(org.outlet_tree(con), None)
    alerts, series_days = bt.run(con, scope, date(2026, 10, 13), date(2026, 10, 14))
    # 10-13: nothing clusters; 10-14: the planted burst in its two series
    # (tests/complaints/test_complaints_watch_alerts.py)
    clusters = alerts[alerts["rule_id"] == "complaint_cluster"]
    assert list(zip(clusters["day"], clusters["subject"])) == [("2026-10-14", "category:system"),
                                                               ("2026-10-14", "product:手机银行")]
    # series read by the detector (complaints from 08-01, the first day of data, on): 10-13: system, 手机银行, attitude (D4,
    # D5), policy (R1), environment (CB1), efficiency (CB2), fees (CB3), skill (D1), product (D2),
    # other (D3) = 10; 10-14 adds M1 (attitude, already there): 10 again
    assert series_days == 20
    burst = bt.Burst(("category:system", "product:手机银行"), date(2026, 10, 14), 1)
    found = bt.score(alerts, series_days, [burst], window_days=7)
    assert found.raised["delay_days"].tolist() == [0] and found.false_alarms == 0
    con.close()
