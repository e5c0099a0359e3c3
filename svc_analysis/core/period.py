"""The report period as a value: a month, an ISO week or a day, parsed once at the edge.

A Period is the half-open day range [start, end) it covers, plus its kind. Everything downstream
asks the value (bounds, last day, the month that holds it, the quarter to date, the one before)
instead of re-parsing a string. DATA_CONTRACT.md "Output": a weekly or daily run's ``month`` is
the month holding the period's last day; ``period`` is its key: ``YYYY-MM``, ``YYYY-Www`` (ISO
week, Monday to Sunday) or ``YYYY-MM-DD``.

Weeks follow ISO 8601 (datetime.date.isocalendar): week 1 is the week holding the year's first
Thursday, so 2020-W53 exists and ends on 2021-01-03, and 2024-12-30 lies in 2025-W01. A week that
crosses a month edge belongs to both months; ``days_in(month)`` says which of its days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from svc_analysis.core.periods import FIRST_YEAR, LAST_YEAR, MonthError, add_months, month_start, parse_month

Kind = Literal["month", "week", "day"]
_WEEK_RE = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$")
_DAY_RE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*$")


class PeriodError(MonthError):
    """A period that cannot be understood (one sentence, Chinese first)."""


def _check_year(text, year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"报告期 '{text}' 的年份 {year} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间，请检查是否写错 "
                          f"(period '{text}': year {year} is outside {FIRST_YEAR}..{LAST_YEAR})")


@dataclass(frozen=True, order=True)
class Period:
    """A report period: ``kind`` and the days [start, end)."""

    start: date
    end: date
    kind: Kind = "month"

    # --- construction: the only places a period's text is read -------------------------------
    @classmethod
    def month(cls, value) -> "Period":
        """'2026-10', '2026/10', 202610, '2026年10月' (periods.parse_month) as a month period."""
        start = month_start(parse_month(value))
        return cls(start, month_start(add_months(parse_month(value), 1)), "month")

    @classmethod
    def week(cls, value) -> "Period":
        """'2026-W44' / '2026W44' / '2026-w44' as the ISO week Monday to Sunday."""
        match = _WEEK_RE.match(str(value))
        if not match:
            raise PeriodError(f"周 '{value}' 无法识别，请写成 YYYY-Www，例如 2026-W44 "
                              f"(week '{value}' is not an ISO week: write it as YYYY-Www, e.g. 2026-W44)")
        year, number = int(match[1]), int(match[2])
        _check_year(value, year)
        try:
            monday = date.fromisocalendar(year, number, 1)
        except ValueError:
            raise PeriodError(f"{year} 年没有第 {number} 周（ISO 周） (ISO year {year} has no week {number})") from None
        return cls(monday, monday + timedelta(days=7), "week")

    @classmethod
    def day(cls, value) -> "Period":
        """'2026-10-31' or '2026/10/31' (or a date) as a one-day period."""
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            match = _DAY_RE.match(str(value))
            if not match:
                raise PeriodError(f"日期 '{value}' 无法识别，请写成 YYYY-MM-DD，例如 2026-10-31 "
                                  f"(day '{value}' is not a date: write it as YYYY-MM-DD)")
            try:
                value = date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                raise PeriodError(f"日期 '{value}' 不存在 (day '{value}' does not exist)") from None
        _check_year(value, value.year)
        return cls(value, value + timedelta(days=1), "day")

    @classmethod
    def parse(cls, value) -> "Period":
        """Any period key: a week ('2026-W44'), a day ('2026-10-31') or a month ('2026-10')."""
        if isinstance(value, Period):
            return value
        text = str(value)
        if _WEEK_RE.match(text):
            return cls.week(text)
        if isinstance(value, (date, datetime)) or _DAY_RE.match(text):
            return cls.day(value)
        return cls.month(value)

    @classmethod
    def last_complete(cls, kind: Kind, today: date | None = None) -> "Period":
        """The last period of ``kind`` that ended before ``today``: yesterday, last ISO week, last month."""
        today = today or date.today()
        if kind == "day":
            return cls.day(today - timedelta(days=1))
        if kind == "week":
            return cls.day(today - timedelta(days=today.isoweekday())).containing_week()
        return cls.month(today.replace(day=1) - timedelta(days=1))

    # --- what a period is --------------------------------------------------------------------
    @property
    def key(self) -> str:
        """The kpis.csv ``period`` value: YYYY-MM, YYYY-Www or YYYY-MM-DD."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year:04d}-W{week:02d}"
        return self.start.isoformat()

    def __str__(self) -> str:
        return self.key

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def month_key(self) -> str:
        """The kpis.csv ``month``: the month holding the period's last day."""
        return f"{self.last_day:%Y-%m}"

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as datetimes: a timestamp at 23:59:59 of the last day is inside."""
        return datetime.combine(self.start, datetime.min.time()), datetime.combine(self.end, datetime.min.time())

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=k) for k in range((self.end - self.start).days)]

    @property
    def label(self) -> str:
        """Chinese label for titles: 2026年10月 / 2026年第44周（10月26日至11月1日） / 2026年10月31日."""
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            last = self.last_day
            return f"{year}年第{week}周（{self.start.month}月{self.start.day}日至{last.month}月{last.day}日）"
        return f"{self.start.year}年{self.start.month}月{self.start.day}日"

    @property
    def quarter_start(self) -> date:
        """First day of the calendar quarter holding the last day (the quarter to date's start)."""
        last = self.last_day
        return date(last.year, 3 * ((last.month - 1) // 3) + 1, 1)

    @property
    def year_start(self) -> date:
        return date(self.last_day.year, 1, 1)

    def month_only(self, what: str) -> str:
        """The month key, for an area that computes monthly KPI rows only (until the weekly and daily
        cadence exists); ValueError naming ``what`` for a week or a day."""
        if self.kind != "month":
            kind = {"week": "一周", "day": "一天"}[self.kind]
            raise ValueError(f"{what}只按月计算，报告期 {self.key} 是{kind} "
                             f"({what}: monthly KPI rows only; period {self.key} is a {self.kind}, not a month)")
        return self.key

    def contains(self, day: date | datetime) -> bool:
        day = day.date() if isinstance(day, datetime) else day
        return self.start <= day < self.end

    def days_in(self, month: str) -> list[date]:
        """The period's days that fall in ``month`` (a week at a month edge: only some of them)."""
        return [d for d in self.days if f"{d:%Y-%m}" == parse_month(month)]

    def containing_month(self) -> "Period":
        """The month holding the period's last day."""
        return Period.month(self.month_key)

    def containing_week(self) -> "Period":
        """The ISO week holding the period's last day."""
        monday = self.last_day - timedelta(days=self.last_day.isoweekday() - 1)
        return Period(monday, monday + timedelta(days=7), "week")

    def shift(self, n: int) -> "Period":
        """The period ``n`` steps later (n < 0: earlier) of the same kind."""
        if self.kind == "month":
            return Period.month(add_months(self.key, n))
        step = timedelta(days=7 if self.kind == "week" else 1) * n
        return Period(self.start + step, self.end + step, self.kind)

    def previous(self) -> "Period":
        return self.shift(-1)

    def same_last_year(self) -> "Period":
        """Last year's counterpart: the month 12 months back, the same ISO week number (week 53
        falls back to 52 in a 52-week year), the same calendar day (29 Feb: 28 Feb)."""
        if self.kind == "month":
            return self.shift(-12)
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            weeks_then = date(year - 1, 12, 28).isocalendar()[1]  # 28 Dec is always in the last week
            return Period.week(f"{year - 1}-W{min(week, weeks_then):02d}")
        try:
            return Period.day(self.start.replace(year=self.start.year - 1))
        except ValueError:
            return Period.day(self.start.replace(year=self.start.year - 1, day=28))
