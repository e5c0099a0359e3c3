"""Calendar arithmetic for report months. Pure functions, no I/O.

A report month is the text ``YYYY-MM``. Its period is the half-open interval
[first day 00:00, first day of the next month 00:00): a timestamp on the last day at 23:59:59
belongs to the month, one at 00:00 of the next month does not.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_MONTH_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*月?\s*$")


class MonthError(ValueError):
    """A report month that cannot be understood."""


def parse_month(value) -> str:
    """Normalise '2026-10', '2026/10', '202610', 202610 or '2026年10月' to '2026-10'.

    papermill passes ``-p month 202610`` as an int, so ints are accepted too.
    """
    if isinstance(value, (date, datetime)):
        return f"{value.year:04d}-{value.month:02d}"
    match = _MONTH_RE.match(str(value))
    if not match:
        raise MonthError(f"month '{value}' is not a month: write it as YYYY-MM, e.g. 2026-10")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise MonthError(f"month '{value}' has month number {month}: it must be 1 to 12")
    return f"{year:04d}-{month:02d}"


def _ym(month: str) -> tuple[int, int]:
    year, mon = parse_month(month).split("-")
    return int(year), int(mon)


def month_start(month: str) -> date:
    year, mon = _ym(month)
    return date(year, mon, 1)


def add_months(month: str, n: int) -> str:
    """The month n months after (n < 0: before) the given one."""
    year, mon = _ym(month)
    index = year * 12 + (mon - 1) + n
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
