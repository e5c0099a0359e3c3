"""campaign.views: sentences from the figures and display tables (no computation of their own)."""

from datetime import datetime

import matplotlib
import pandas as pd
import pytest

from svc_analysis.campaign import views as cv
from tests.campaign.support import board_frame

matplotlib.use("Agg")


def test_board_sentence_counts_and_names():
    text = cv.board_sentence(board_frame(), "province")
    assert text == ("共 2 项指标在考核期内：进度正常 1 项、进度预警 0 项、进度滞后 1 项。"
                    "进度滞后：甲（完成 40.0%，应达 80.0%，按目前节奏截止日约 60 个，目标 100 个）。")
    assert cv.board_sentence(board_frame().iloc[0:0], "province") == "本范围没有在考核期内的活动指标。"


def test_master_data_sentence_and_table():
    checks = pd.DataFrame([
        {"kpi_id": "o", "name": "新建离行式自助银行", "unit_of_measure": "个", "level": "province", "unit_id": "province",
         "reported": 50.0, "counted": 10.0, "outlets": 10.0, "source": "月末营业的离行式自助银行数", "gap": 40.0,
         "flagged": True, "sentence": "活动报送 50 个，网点表仅 10 个，差 40 个，请核对。"},
        {"kpi_id": "s", "name": "智能化网点覆盖率", "unit_of_measure": "占比", "level": "province", "unit_id": "province",
         "reported": 0.6, "counted": 0.625, "outlets": 48.0, "source": "智能化网点占比", "gap": -0.025,
         "flagged": True, "sentence": "…"},
        {"kpi_id": "o", "name": "新建离行式自助银行", "unit_of_measure": "个", "level": "branch", "unit_id": "B1",
         "reported": 2.0, "counted": 2.0, "outlets": 2.0, "source": "月末营业的离行式自助银行数", "gap": 0.0,
         "flagged": False, "sentence": "活动报送与网点表一致（2 个）。"},
    ])
    assert cv.master_data_sentence(checks, "province") == (
        "活动报送与网点表不一致 2 处。新建离行式自助银行：活动报送 50 个，网点表仅 10 个，差 40 个，请核对。智能化网点覆盖率：…")
    table = cv.master_data_table(checks)
    assert table.loc[1, "活动报送"] == "50" and table.loc[1, "网点表"] == "10" and table.loc[1, "差额（报送 − 网点表）"] == "+40"
    assert table.loc[2, "网点表"] == "62.5%" and table.loc[2, "差额（报送 − 网点表）"] == "-2.5 个百分点"
    assert list(table["需核对"]) == ["⚠", "⚠", ""] and table.loc[3, "单位"] == "B1"
    assert cv.master_data_sentence(checks.iloc[2:], "branch") == "可与网点表核对的 1 项指标，活动报送与网点表一致。"


def test_board_table_formats_shares_counts_and_labels():
    table = cv.board_table(board_frame(), "province")
    assert list(table.columns[:3]) == ["指标", "计量单位", "目标"]
    assert table.loc[2, "目标"] == "50.0%" and table.loc[1, "目标"] == "100"
    assert table.loc[1, "完成进度"] == "40.0%" and table.loc[1, "状态"] == "进度滞后"
    assert table.loc[1, "预测能完成"] == "不能"


def test_nothing_flagged_and_state_sentences():
    assert cv.nothing_flagged(board_frame(), "") == "本范围所有指标进度正常，且预计都能按期完成。"
    assert cv.nothing_flagged(board_frame().iloc[0:0], "活动已结束") == "活动已结束"
    assert "活动已结束" in cv.state_sentence("over", "X", "2027-02")
    assert cv.state_sentence("in_force", "X", "2026-02") == ""


def test_submissions_sentence_and_grid():
    due = datetime(2026, 10, 5, 12)
    status = pd.DataFrame({"unit_id": ["A", "B", "C"], "reported_month": "2026-09", "due_at": due,
                           "submitted_at": [datetime(2026, 10, 2), datetime(2026, 10, 6), None],
                           "status": ["on_time", "late", "missing"], "hours_late": [None, 24.0, None]})
    assert cv.submissions_sentence(status) == ("上月（2026-09）进展月报应于 2026-10-05 12:00 前报送：按时 1 家，"
                                               "迟报 1 家，未报 1 家。未报送：C。")
    assert cv.submissions_table(status).loc[2, "迟报小时"] == "24.0"
    assert cv.submissions_grid(status).loc["C", "2026-09"] == "未报"


def test_staffing_view_says_no_data_without_staff():
    from svc_analysis.campaign import staffing_standards as ss

    row = {"rule": ss.DEPOSITS_RULE, "branch": "B", "outlet_id": "A1", "outlet_name": "甲", "deposits": 2.5,
           "required": "大堂经理≥1", "meets": pd.NA}
    no_staff = pd.DataFrame([{**row, "shortfall": ss.NO_STAFF}])
    assert cv.staffing_view(no_staff).data == "报告月末没有在岗员工数据（无数据），无法核对人员配备标准。"
    assert cv.staffing_view(no_staff.iloc[0:0]).data == "所有核对的网点都达到配备标准。"
    missed = pd.DataFrame([{**row, "shortfall": "大堂经理 0/1", "meets": False}])
    assert len(cv.staffing_view(missed)) == 1  # the table of misses


def test_a_forecast_of_things_counted_is_a_whole_number():
    # page 60 read "按目前节奏截止日约 151.9 台" and "预测区间 149.0 – 154.9" for ATMs (issue 14 reading):
    # a count's forecast is whole (151.9 -> 152, 149.04 -> 149, 154.9 -> 155); a share keeps its percent
    board = board_frame()
    board.loc[0, ["forecast", "forecast_low", "forecast_high"]] = [151.9, 149.04, 154.9]
    board.loc[1, ["forecast", "forecast_low", "forecast_high"]] = [0.5512, 0.54, 0.56]
    assert "按目前节奏截止日约 152 个，目标 100 个" in cv.board_sentence(board, "province")
    table = cv.board_table(board, "province")
    assert table.loc[1, ["截止日预测", "预测区间"]].tolist() == ["152", "149 – 155"]
    assert table.loc[2, ["截止日预测", "预测区间"]].tolist() == ["55.1%", "54.0% – 56.0%"]
