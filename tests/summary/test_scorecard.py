"""scorecard: compare on hand-built KPI rows (values, targets, changes, arrows, marks)."""

import math
from types import SimpleNamespace

import pandas as pd
import pytest

from svc_analysis.summary import scorecard
from tests.summary.support import frame, row

HIGHER = {"overtime_outlets": False}


def card():
    now = frame(row("satisfaction_rate", 0.92, 0.90, True),
                row("satisfaction_rate", 0.80, 0.90, False, level="branch", unit="A"),
                row("evaluator_participation_rate", 0.70),  # no target: not on the scorecard
                row("overtime_outlets", 3, 0, False, area="queue"),
                row("mystery_score_avg", 93.0, 98.0, False, area="inspections"))
    prev = frame(row("satisfaction_rate", 0.89, 0.90, False), row("overtime_outlets", 5, 0, False, area="queue"),
                 row("mystery_score_avg", None, 98.0, None, area="inspections"))
    last = frame(row("satisfaction_rate", 0.93, 0.90, True), row("overtime_outlets", 3, 0, False, area="queue"))
    return scorecard.compare(now, prev, last, HIGHER, flat_share_points=0.005, flat_relative=0.02)


def test_compare_keeps_targeted_rows_in_area_order():
    c = card()
    assert list(zip(c["area"], c["metric"], c["level"])) == [
        ("satisfaction", "satisfaction_rate", "province"), ("satisfaction", "satisfaction_rate", "branch"),
        ("inspections", "mystery_score_avg", "province"), ("queue", "overtime_outlets", "province")]


def test_changes_moves_and_better():
    c = card().set_index(["metric", "level"])
    sat = c.loc[("satisfaction_rate", "province")]
    assert sat["change_previous"] == pytest.approx(0.03)      # 0.92 - 0.89
    assert sat["move_previous"] == "up" and bool(sat["better_previous"]) is True
    assert sat["change_last_year"] == pytest.approx(-0.01)    # 0.92 - 0.93: 1 point > 0.5 point flat band
    assert sat["move_last_year"] == "down" and bool(sat["better_last_year"]) is False
    assert bool(sat["previous_meets"]) is False               # newly met
    over = c.loc[("overtime_outlets", "province")]
    assert over["change_previous"] == -2 and over["move_previous"] == "down"
    assert bool(over["better_previous"]) is True                    # fewer overtime outlets is better
    assert over["move_last_year"] == "flat" and pd.isna(over["better_last_year"])
    mystery = c.loc[("mystery_score_avg", "province")]
    assert math.isnan(mystery["change_previous"]) and pd.isna(mystery["move_previous"])  # no round last month
    branch = c.loc[("satisfaction_rate", "branch")]
    assert math.isnan(branch["previous"]) and pd.isna(branch["move_last_year"])


def test_movement_flat_bands():
    assert scorecard.movement("satisfaction_rate", 0.004, 0.9, 0.005, 0.02) == "flat"
    assert scorecard.movement("satisfaction_rate", -0.006, 0.9, 0.005, 0.02) == "down"
    # a score: 2% of 90 = 1.8 points
    assert scorecard.movement("mystery_score_avg", 1.8, 90.0, 0.005, 0.02) == "flat"
    assert scorecard.movement("mystery_score_avg", 1.9, 90.0, 0.005, 0.02) == "up"
    assert scorecard.movement("overtime_outlets", 1, 0.0, 0.005, 0.02) == "up"  # from 0: any change moves
    assert scorecard.movement("overtime_outlets", float("nan"), 1, 0.005, 0.02) is None


def test_marks_read_without_colour():
    assert scorecard.mark(True) == "✓ 达标" and scorecard.mark(False) == "✗ 未达标" and scorecard.mark(pd.NA) == "—"
    # a campaign row reads as the campaign page reads it (issue 14: 营销人员占比 96.9% against 98.1% said
    # ✗ 未达标 on the summary and 进度预警 on page 60)
    assert scorecard.mark(False, "at_risk") == "✗ 进度预警" and scorecard.mark(False, "behind") == "✗ 进度滞后"
    assert scorecard.mark(True, "on_track") == "✓ 进度正常"
    assert scorecard.trend_text("overtime_outlets", -2, "down", True) == "▼ -2 向好"
    assert scorecard.trend_text("satisfaction_rate", 0.001, "flat", None) == "＝ +0.1 个百分点 持平"
    assert scorecard.trend_text("satisfaction_rate", None, None, None) == "无数据"
    assert scorecard.target_text("overtime_outlets", 0, False) == "≤ 0"


def test_unit_card_and_unit_table():
    c = card()
    shown = scorecard.unit_card(c, "province", "province")
    assert shown["指标"].tolist() == ["满意率", "神秘人检查平均分", "超时网点数"]
    assert shown.iloc[0].tolist() == ["满意度", "满意率", "92.0%", "≥ 90.0%", "✓ 达标",
                                      "▲ +3.0 个百分点 向好", "▼ -1.0 个百分点 变差"]
    table = scorecard.unit_table(c, "branch")
    assert table.loc["满意率", "A"] == "80.0% ✗" and table.loc["达标项", "A"] == "0/1"
    assert scorecard.top_level(c) == ("province", "province")


def test_directions_come_from_the_catalogue_and_the_campaign_params():
    # The catalogue's direction is the one source: a queue's overtime outlets and a complaint count
    # improve when they fall, satisfaction and star tellers when they rise (DOMAIN §1, §2, §5); the
    # complaint penalty total falls to improve too (it was missing from the old params list).
    campaign = SimpleNamespace(kpis=[SimpleNamespace(id="queue_cut", direction="down"),
                                     SimpleNamespace(id="atms", direction="up")])
    higher = scorecard.higher_is_better(campaign)
    assert [higher[m] for m in ("overtime_outlets", "complaints_responsible", "complaint_penalty_yuan",
                                "satisfaction_rate", "star_teller_rate")] == [False, False, False, True, True]
    assert higher["campaign_progress:queue_cut"] is False and higher["campaign_progress:atms"] is True
