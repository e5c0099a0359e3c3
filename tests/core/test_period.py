"""Period values: months, ISO weeks and days, parsed once; dates checked by hand on a calendar."""

from datetime import date, datetime

import pytest

from svc_analysis.core.period import Period, PeriodError


def test_month_is_the_half_open_range_of_its_days():
    p = Period.month("2026年2月")
    assert (p.start, p.end, p.kind) == (date(2026, 2, 1), date(2026, 3, 1), "month")
    assert p.key == "2026-02" and p.month_key == "2026-02" and p.label == "2026年2月"
    assert p.last_day == date(2026, 2, 28) and len(p.days) == 28
    assert p.bounds == (datetime(2026, 2, 1), datetime(2026, 3, 1))
    assert p.contains(datetime(2026, 2, 28, 23, 59, 59)) and not p.contains(date(2026, 3, 1))


def test_iso_week_runs_monday_to_sunday_and_belongs_to_the_month_of_its_sunday():
    # 2026-01-01 is a Thursday, so week 1 starts Monday 2025-12-29; week 44 starts 43 weeks later
    p = Period.week("2026-W44")
    assert (p.start, p.last_day) == (date(2026, 10, 26), date(2026, 11, 1))
    assert p.key == "2026-W44" and p.month_key == "2026-11"
    assert p.label == "2026年第44周（10月26日至11月1日）"
    assert [d.day for d in p.days_in("2026-10")] == [26, 27, 28, 29, 30, 31]
    assert p.days_in("2026-11") == [date(2026, 11, 1)]
    assert Period.parse("2026w44") == p


def test_week_53_and_week_1_at_the_year_edge():
    w53 = Period.week("2020-W53")  # 2020 began on a Wednesday of a leap year: 53 ISO weeks
    assert (w53.start, w53.last_day, w53.month_key) == (date(2020, 12, 28), date(2021, 1, 3), "2021-01")
    w1 = Period.day("2024-12-30").containing_week()  # a Monday in late December opens 2025's week 1
    assert w1.key == "2025-W01" and w1.last_day == date(2025, 1, 5)
    assert Period.week("2026-W53").start == date(2026, 12, 28)  # 2026 begins on a Thursday
    with pytest.raises(PeriodError, match="2025 年没有第 53 周"):
        Period.week("2025-W53")
    assert Period.week("2026-W53").same_last_year().key == "2025-W52"
    assert Period.week("2026-W01").previous().key == "2025-W52"


def test_day_and_its_neighbours():
    d = Period.parse("2026/11/30")
    assert (d.kind, d.key, d.month_key, d.label) == ("day", "2026-11-30", "2026-11", "2026年11月30日")
    assert d.containing_week().key == "2026-W49" and d.containing_month().key == "2026-11"
    assert d.shift(1).key == "2026-12-01" and d.quarter_start == date(2026, 10, 1)
    assert Period.day("2028-02-29").same_last_year().key == "2027-02-28"
    with pytest.raises(PeriodError, match="不存在"):
        Period.day("2026-02-30")


def test_month_arithmetic_and_quarter():
    p = Period.month("2026-01")
    assert p.previous().key == "2025-12" and p.same_last_year().key == "2025-01"
    assert Period.month("2026-11").quarter_start == date(2026, 10, 1)
    assert Period.month("2026-11").year_start == date(2026, 1, 1)


def test_last_complete_period_of_each_kind():
    thursday = date(2026, 12, 3)
    assert Period.last_complete("day", thursday).key == "2026-12-02"
    assert Period.last_complete("week", thursday).key == "2026-W48"  # 11-23 .. 11-29
    assert Period.last_complete("week", date(2026, 11, 30)).key == "2026-W48"  # on Monday: last week
    assert Period.last_complete("month", thursday).key == "2026-11"


@pytest.mark.parametrize("text", ["2026-W00", "9999-W01", "0000-01-01", "2026-13", "week 4"])
def test_nonsense_is_one_sentence(text):
    with pytest.raises((PeriodError, ValueError)) as info:
        Period.parse(text)
    assert "\n" not in str(info.value) and "Traceback" not in str(info.value)


def test_month_only_gives_the_key_or_refuses_a_week_in_one_sentence():
    assert Period.month("2026-10").month_only("投诉指标") == "2026-10"
    with pytest.raises(ValueError, match="投诉指标只按月计算，报告期 2026-W44 是一周"):
        Period.week("2026-W44").month_only("投诉指标")
