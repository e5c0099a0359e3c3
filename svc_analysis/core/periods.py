"""Calendar arithmetic for report months. Pure functions, no I/O.

A report month is the text ``YYYY-MM``. Its period is the half-open interval
[first day 00:00, first day of the next month 00:00): a timestamp on the last day at 23:59:59
belongs to the month, one at 00:00 of the next month does not.

A month given by a person (``--month``, ``SVC_MONTH``, params) must lie in the plausible window
FIRST_YEAR..LAST_YEAR: '0000-01' or '9999-12' is a typo, refused with a sentence, never a date
error deep in a notebook. Arithmetic on months (a 24-month trend back from 2000-06) may leave the
window, but never the calendar: add_months refuses a year outside 1..9999 instead of printing
'10000-01'.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_MONTH_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*月?\s*$")
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the plausible report years; anything else is a typo


class MonthError(ValueError):
    """A report month that cannot be understood."""


def parse_month(value) -> str:
    """Normalise '2026-10', '2026/10', '202610', 202610 or '2026年10月' to '2026-10'.

    papermill passes ``-p month 202610`` as an int, so ints are accepted too. A year outside
    FIRST_YEAR..LAST_YEAR is refused (MonthError, one sentence).
    """
    year, month = _split(value)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise MonthError(f"月份 '{value}' 的年份 {year} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间，请检查是否写错 "
                         f"(month '{value}': year {year} is outside {FIRST_YEAR}..{LAST_YEAR})")
    return f"{year:04d}-{month:02d}"


def _split(value) -> tuple[int, int]:
    """(year, month) of a month in any accepted spelling, any calendar year; MonthError otherwise."""
    if isinstance(value, (date, datetime)):
        return value.year, value.month
    match = _MONTH_RE.match(str(value))
    if not match:
        raise MonthError(f"月份 '{value}' 无法识别，请写成 YYYY-MM，例如 2026-10 "
                         f"(month '{value}' is not a month: write it as YYYY-MM, e.g. 2026-10)")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise MonthError(f"月份 '{value}' 的月数 {month} 不在 1–12 之间 "
                         f"(month '{value}' has month number {month}: it must be 1 to 12)")
    if year < 1:
        raise MonthError(f"月份 '{value}' 的年份 0 不存在 (month '{value}': there is no year 0)")
    return year, month


def _ym(month: str) -> tuple[int, int]:
    """Arithmetic accepts any calendar month (a trend may reach before FIRST_YEAR)."""
    return _split(month)


def month_start(month: str) -> date:
    year, mon = _ym(month)
    return date(year, mon, 1)


def add_months(month: str, n: int) -> str:
    """The month n months after (n < 0: before) the given one."""
    year, mon = _ym(month)
    index = year * 12 + (mon - 1) + n
    if not 1 <= index // 12 <= 9999:
        raise MonthError(f"月份 {year:04d}-{mon:02d} 加 {n} 个月超出日历范围 (year 1–9999) "
                         f"(month {year:04d}-{mon:02d} plus {n} months leaves the calendar)")
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def next_month_start(month: str) -> date:
    return month_start(add_months(month, 1))


def month_end(month: str) -> date:
    """The last calendar day of the month (the contract's 'month end')."""
    return next_month_start(month) - timedelta(days=1)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[start, end) as datetimes: start of the first day, start of the next month's first day."""
    start = month_start(month)
    end = next_month_start(month)
    return datetime(start.year, start.month, 1), datetime(end.year, end.month, 1)


def previous_month(month: str) -> str:
    return add_months(month, -1)


def same_month_last_year(month: str) -> str:
    return add_months(month, -12)


def quarter_start(month: str) -> date:
    """First day of the calendar quarter containing the month."""
    year, mon = _ym(month)
    return date(year, 3 * ((mon - 1) // 3) + 1, 1)


def year_start(month: str) -> date:
    year, _ = _ym(month)
    return date(year, 1, 1)


def months_back(month: str, count: int) -> list[str]:
    """The ``count`` months ending with ``month``, oldest first (e.g. a 24-month trend)."""
    return [add_months(month, -k) for k in range(count - 1, -1, -1)]


def months_between(first: str, last: str) -> list[str]:
    """Every month from first to last inclusive; empty if first is after last."""
    out, current = [], parse_month(first)
    last = parse_month(last)
    while current <= last:
        out.append(current)
        current = add_months(current, 1)
    return out


def last_complete_month(today: date | datetime | None = None) -> str:
    """The calendar month before today's: the default report month.

    Run at 06:00 on 1 December, this is November.
    """
    today = today or date.today()
    return previous_month(parse_month(today))


def first_monday(month: str) -> date:
    """The first Monday on or after the first day of the month."""
    start = month_start(month)
    return start + timedelta(days=(7 - start.weekday()) % 7)


def days_in_month(month: str) -> int:
    return (next_month_start(month) - month_start(month)).days
