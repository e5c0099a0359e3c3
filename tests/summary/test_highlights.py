"""highlights: candidates and the pick on a hand-built scorecard, alarms, and the empty month."""

from datetime import date

import pandas as pd
import pytest

from svc_analysis.summary import highlights
from svc_analysis.summary import scorecard
from tests.summary.support import RULES, frame, row


def card():
    now = frame(row("satisfaction_rate", 0.88, 0.90, False),            # was met: newly missed
                row("star_teller_rate", 0.86, 0.85, True, area="staff"),  # was missed: newly met
                row("expert_rate", 0.90, 0.80, True, area="staff"),       # +5 points: movement x2.5
                row("english_rate", 0.40, 0.30, True, area="staff"),      # +1 point: below 2 points
                row("overtime_outlets", 5, 0, False, area="queue"))       # 10 -> 5: -50% = x5 of 10%
    prev = frame(row("satisfaction_rate", 0.91, 0.90, True), row("star_teller_rate", 0.84, 0.85, False, area="staff"),
                 row("expert_rate", 0.85, 0.80, True, area="staff"), row("english_rate", 0.39, 0.30, True, area="staff"),
                 row("overtime_outlets", 10, 0, False, area="queue"))
    return scorecard.compare(now, prev, prev.iloc[0:0], {"overtime_outlets": False}, 0.005, 0.02)


def test_kpi_candidates_by_hand():
    c = highlights.kpi_candidates(card(), "province", "province", RULES, "全省").set_index("metric")
    assert c.loc["satisfaction_rate", "kind"] == "newly_missed"
    assert c.loc["satisfaction_rate", "sentence"] == "全省满意率本月为 88.0%，未达到目标（≥ 90.0%），上月为 91.0%。"
    assert c.loc["star_teller_rate", "kind"] == "newly_met"
    assert c.loc["expert_rate", "strength"] == pytest.approx(2.5)   # 0.05 / 0.02
    assert c.loc["overtime_outlets", "strength"] == 5.0   # 5 / (0.10 x 10)
    assert c.loc["overtime_outlets", "sentence"] == "全省超时网点（个）较上月下降 5（向好），由 10 到 5，✗ 未达标。"
    assert "english_rate" not in c.index


def test_pick_orders_by_kind_then_strength():
    clusters = pd.DataFrame({"series": ["系统故障：手机银行"], "start": [date(2026, 10, 5)], "end": [date(2026, 10, 9)],
                             "complaints": [18.0], "excess": [15.0]})
    picked = highlights.highlights(card(), "province", "province", RULES, "全省", clusters=clusters)
    assert picked["kind"].tolist() == ["newly_missed", "alarm", "newly_met"]
    assert picked.loc[1, "sentence"].startswith("投诉聚集：系统故障：手机银行 在 10月05日至10月09日 共 18 件，比基线多 15 件")
    movements = highlights.pick(highlights.kpi_candidates(card(), "province", "province", RULES, "全省")
                                .query("kind == 'movement'"), RULES)
    assert movements["metric"].tolist() == ["overtime_outlets", "expert_rate"]


def test_new_warnings_alarm_and_markdown():
    now = pd.DataFrame({"outlet_id": ["A", "B", "C"], "outlet_name": ["甲", "乙", "丙"], "score": [7.0, 5.0, 1.0],
                        "flagged": [True, True, False]})
    before = pd.DataFrame({"outlet_id": ["A", "C"], "flagged": [True, True]})
    new = highlights.new_warnings(now, before)
    assert new["outlet_id"].tolist() == ["B"]
    alarm = highlights.alarm_candidates(None, new, RULES)
    assert alarm.loc[0, "sentence"] == "本月新进入预警名单的网点 1 个：乙（5 分），请在检查或投诉发生前跟进。"
    assert highlights.markdown(alarm) == "1. " + alarm.loc[0, "sentence"]
    empty = highlights.highlights(card().iloc[0:0], "province", "province", RULES, "全省")
    assert empty.empty and highlights.markdown(empty).startswith("本月各项指标与上月相比没有明显变化")
