from datetime import date, datetime

import pytest

from svc_analysis.core import periods


@pytest.mark.parametrize("raw", ["2026-10", "2026/10", "202610", 202610, "2026年10月", " 2026-10 ", date(2026, 10, 5)])
def test_parse_month_accepts_the_usual_spellings(raw):
    assert periods.parse_month(raw) == "2026-10"


@pytest.mark.parametrize("raw", ["2026-13", "2026-00", "Oct 2026", "", "2026-1-1"])
def test_parse_month_rejects_with_a_readable_message(raw):
    with pytest.raises(periods.MonthError, match="YYYY-MM|month number"):
        periods.parse_month(raw)


def test_month_bounds_are_half_open():
    assert periods.month_bounds("2026-12") == (datetime(2026, 12, 1), datetime(2027, 1, 1))
    assert periods.month_end("2028-02") == date(2028, 2, 29)  # leap year
    assert periods.month_end("2026-02") == date(2026, 2, 28)
    assert periods.days_in_month("2026-04") == 30


def test_month_arithmetic_across_year_ends():
    assert periods.add_months("2026-01", -1) == "2025-12"
    assert periods.add_months("2025-11", 14) == "2027-01"
    assert periods.same_month_last_year("2026-03") == "2025-03"
    assert periods.months_back("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    assert periods.months_between("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert periods.months_between("2026-03", "2026-02") == []


def test_quarter_and_year_start():
    assert periods.quarter_start("2026-08") == date(2026, 7, 1)
    assert periods.quarter_start("2026-12") == date(2026, 10, 1)
    assert periods.quarter_start("2026-01") == date(2026, 1, 1)
    assert periods.year_start("2026-08") == date(2026, 1, 1)


def test_last_complete_month_at_the_cron_hour():
    # the scheduled run at 06:00 on 1 December reports November
    assert periods.last_complete_month(datetime(2026, 12, 1, 6, 0)) == "2026-11"
    assert periods.last_complete_month(date(2027, 1, 31)) == "2026-12"


def test_first_monday():
    # June 2026 starts on a Monday; November 2026 on a Sunday; 2026-03-01 is a Sunday too
    assert periods.first_monday("2026-06") == date(2026, 6, 1)
    assert periods.first_monday("2026-11") == date(2026, 11, 2)
    assert periods.first_monday("2026-10") == date(2026, 10, 5)  # Thursday 1st -> Monday 5th


@pytest.mark.parametrize("raw,year", [("0000-01", 0), ("9999-12", 9999), ("1999-12", 1999), ("2101-01", 2101)])
def test_a_month_outside_the_plausible_years_is_refused_in_one_sentence(raw, year):
    with pytest.raises(periods.MonthError) as caught:
        periods.parse_month(raw)
    message = str(caught.value)
    assert message.startswith(f"月份 '{raw}'")  # Chinese first, naming what was typed
    assert str(year) in message and "10000" not in message


@pytest.mark.parametrize("raw,number", [("2026-13", 13), ("2026-00", 0)])
def test_a_month_number_outside_1_to_12_is_named(raw, number):
    with pytest.raises(periods.MonthError, match=f"月数 {number} 不在 1–12 之间"):
        periods.parse_month(raw)


def test_the_plausible_window_edges_are_accepted():
    assert periods.parse_month("2000-01") == "2000-01"
    assert periods.parse_month("2100-12") == "2100-12"


def test_month_arithmetic_never_leaves_the_calendar_silently():
    assert periods.add_months("2000-06", -24) == "1998-06"  # a trend may reach before the window
    assert periods.months_back("2000-02", 3) == ["1999-12", "2000-01", "2000-02"]
    assert periods.month_end("1999-02") == date(1999, 2, 28)
    with pytest.raises(periods.MonthError, match="超出日历范围"):
        periods.add_months("9999-12", 1)  # was '10000-01'
    with pytest.raises(periods.MonthError, match="超出日历范围"):
        periods.add_months("0001-01", -1)
