"""svc_analysis.complaints.weekly: ISO weeks with the days inside the month, responsibility split, case list.

Calendar facts checked by hand: 2026-01-01 is a Thursday, so 2026-W01 runs 2025-12-29 to 2026-01-04.
2026-11-01 is a Sunday (day 305 of the year; 3 + 304 = 307 days after 2025-12-29 = 43 weeks + 6 days):
it is the last day of 2026-W44. 2026-11-30 is a Monday (307 + 29 = 336 = 48 weeks): the first day of
2026-W49. 2026-10-01 is a Thursday (276 days = 39 weeks + 3 days): in 2026-W40 (09-28 to 10-04).
"""

from __future__ import annotations

import pytest

from svc_analysis.complaints import weekly
from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope
from tests.complaints.support import MONTH, build


@pytest.fixture(scope="module")
def con():
    con = build()
    yield con
    con.close()


def test_iso_weeks_of_november_2026_with_the_days_inside_the_month():
    month = Period.month("2026-11")
    weeks = weekly.month_weeks(month)
    assert [w.key for w in weeks] == ["2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-W49"]
    assert [weekly.days_inside(w, month) for w in weeks] == [
        "11-01（仅 1 天在本月）", "11-02~11-08", "11-09~11-15", "11-16~11-22", "11-23~11-29", "11-30（仅 1 天在本月）"]
    # the week itself stays a whole ISO week (Monday 10-26 to Sunday 11-01)
    assert (weeks[0].start.isoformat(), weeks[0].last_day.isoformat()) == ("2026-10-26", "2026-11-01")


def test_weekly_summary_by_responsibility_in_iso_weeks(con):
    table = weekly.weekly_summary(con, Period.month(MONTH), "responsible")
    # October 2026: W40 (10-01~10-04, 4 days), W41, W42, W43, W44 (10-26~10-31, 6 days)
    assert table.index.tolist() == ["2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44"]
    assert table["本月内日期"].tolist() == ["10-01~10-04（仅 4 天在本月）", "10-05~10-11", "10-12~10-18",
                                      "10-19~10-25", "10-26~10-31（仅 6 天在本月）"]
    # C1 10-01 responsible; C3 10-05 not, C4 10-10 responsible; C5 10-12 not; C10 10-20 not; C2 10-29 responsible
    assert table["责任性"].tolist() == [1, 1, 0, 0, 1]
    assert table["非责任性"].tolist() == [0, 1, 1, 1, 0]
    assert table["合计"].tolist() == [1, 2, 1, 1, 1]


def test_weekly_summary_by_channel_keeps_contract_order(con):
    table = weekly.weekly_summary(con, Period.month(MONTH), "channel")
    assert list(table.columns) == ["本月内日期", "热线", "意见簿", "媒体", "监管转办", "合计"]
    # W41: C3 hotline, C4 media
    assert table.loc["2026-W41", ["热线", "意见簿", "媒体", "监管转办", "合计"]].tolist() == [1, 0, 1, 0, 2]
    assert table["合计"].sum() == 6
    with pytest.raises(ValueError, match="weekly_summary by"):
        weekly.weekly_summary(con, Period.month(MONTH), "product")


def test_month_without_complaints_has_every_week_at_zero(con):
    table = weekly.weekly_summary(con, Period.month("2026-12"), "responsible")
    # 2026-12-01 is a Tuesday (W49); 12-28 is a Monday: 2026 has 53 ISO weeks, W53 = 12-28~12-31 here
    assert table.index.tolist() == ["2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"]
    assert table["本月内日期"].iloc[-1] == "12-28~12-31（仅 4 天在本月）"
    assert (table[["责任性", "非责任性", "合计"]] == 0).all().all()


def test_excerpt_masks_before_cutting():
    # masked first: 联系电话138****5678; its first 9 characters are 联系电话138** (cutting first would
    # leave 联系电话13812 readable)
    assert weekly.excerpt("联系电话13812345678", 9) == "联系电话138**…"
    assert weekly.excerpt("排队等候时间过长", 30) == "排队等候时间过长"
    assert weekly.excerpt(None, 30) == ""


def test_case_list(con, tree):
    cases = weekly.case_list(con, Period.month(MONTH), tree, excerpt_chars=10)
    assert list(cases.columns) == weekly.CASE_COLUMNS
    assert cases["complaint_id"].tolist() == ["C1", "C3", "C4", "C5", "C10", "C2"]  # by time received
    c4 = cases.set_index("complaint_id").loc["C4"]
    assert (c4.week, c4.day, c4.outlet_name, c4.subbranch) == ("2026-W41", "2026-10-10", "四号网点", "乙一支行")
    assert (c4.category, c4.channel, c4.responsible) == ("服务态度", "媒体", "责任性")
    # C4's text holds 13812345678 and the name 张三: 10 masked characters and '…', no number left
    assert len(c4.excerpt) == 11 and c4.excerpt.endswith("…") and "张三" not in c4.excerpt
    assert not any(ch.isdigit() for ch in "".join(cases["excerpt"]))


def test_section_sentence_and_tables(con):
    scope = Scope.of(org.outlet_tree(con), None)
    shown = weekly.section(con, load_params(), scope, Period.month(MONTH))
    assert shown[0].data == ("本月受理投诉 6 件，其中责任性 3 件、非责任性 3 件；本月的日子分属 5 周（周一至周日，周次按 ISO 标准编号），"
                             "2026-W40、2026-W44 只有部分日子在本月，只计这些日子受理的投诉（见“本月内日期”）。")
    tables = [x for x in shown if hasattr(x, "columns")]
    assert list(tables[0].columns) == ["周", "本月内日期", "责任性", "非责任性", "合计"]
    assert list(tables[-1].columns)[:3] == ["投诉编号", "周", "受理日期"] and len(tables[-1]) == 6
