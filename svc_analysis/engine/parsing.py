"""Text cells to typed values, and values that parse but cannot be real (DATA_CONTRACT.md "Inputs").

parse_column(col, text) parses one contract column from text (vectorised): a value that does not
parse becomes missing, and the column's reason says why. impossible_values(col, text, typed, window)
then names the values that parse but cannot be real, so they are set aside instead of loaded:

- numbers: ``inf``, ``-inf``, ``nan`` (any case, also ``infinity``) and anything that overflows a
  double (``1e309``): "不是有限的数";
- dates, timestamps and months outside the plausible window [earliest, latest] (params
  ``ingest``: 1950-01-01 to today + three years by default): year 0001, 2099 or 9999;
- months must be ``YYYY-MM`` with a month 01–12 (``2026-13`` and ``2026-00`` are not months).

Accepted text (docs/ingest.md): dates YYYY-MM-DD or YYYY/MM/DD (an Excel midnight time
' 00:00[:00]' is tolerated); timestamps YYYY-MM-DD HH:MM[:SS] (also with '/'); booleans per
schema.TRUE_WORDS / FALSE_WORDS; allowed values by canonical name (any case) or alias.
Reasons are Chinese first, with the English gloss the project has always printed.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from svc_analysis.core import schema

# The accepted layouts, written once for both ingest paths (pandas here, DuckDB's RE2 in check_sql).
# Digits are ASCII [0-9], never \d: Python's \d also matches full-width and other Unicode digits
# (２０２６), which neither path can turn into a number; such a cell is set aside with its reason.
DATE_PATTERN = r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})(?: 00:00(?::00)?)?"
TIMESTAMP_PATTERN = r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?"
MONTH_PATTERN = r"[0-9]{4}-(?:0[1-9]|1[0-2])"
NOT_FINITE_PATTERN = r"[+-]?(?:nan|inf|infinity)"  # any case
EXCEL_SERIAL_PATTERN = r"[0-9]{5}(?:\.[0-9]+)?"  # days since 1899-12-30: 10000 = 1927, 99999 = 2173

_DATE = f"^{DATE_PATTERN}$"
_TIMESTAMP = f"^{TIMESTAMP_PATTERN}$"
_DATE_ISO = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_TIMESTAMP_ISO = r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}(:[0-9]{2})?"
_MONTH = MONTH_PATTERN
_NOT_FINITE_WORDS = NOT_FINITE_PATTERN
_EXCEL_SERIAL = re.compile(EXCEL_SERIAL_PATTERN)
_PARTS = ["year", "month", "day", "hour", "minute", "second"]
_BOOLS = {**{w: True for w in schema.TRUE_WORDS}, **{w: False for w in schema.FALSE_WORDS}}

NOT_FINITE = "不是有限的数（inf、nan 或超出范围如 1e309）"
NOT_A_MONTH = "不是 YYYY-MM 格式的月份，月份须为 01–12"

DateWindow = tuple[dt.date, dt.date]  # (earliest, latest), both included


def outside_window_reason(window: DateWindow) -> str:
    """The set-aside reason for a date outside the plausible window."""
    return f"日期不在合理范围 {window[0]} 至 {window[1]} 内"


def value_lookup(col: schema.Column) -> dict[str, str]:
    """Accepted text (lower-cased) -> canonical value, for a column with allowed values."""
    return {alias.strip().lower(): canon for canon, aliases in col.values.items() for alias in (canon, *aliases)}


def _parse_datetime(text: pd.Series, pattern: str, strict: str) -> pd.Series:
    """Text matching ``pattern`` as datetimes, else NaT.

    The common zero-padded ISO form (``strict``) takes pandas' fast ISO parser; only the rest
    (slashes, one-digit months or hours) goes through regex extraction of the parts.
    """
    out = pd.to_datetime(text.where(text.str.fullmatch(strict)), format="ISO8601", errors="coerce")
    slow = out.isna() & text.notna()
    if slow.any():
        parts = text[slow].str.extract(pattern).apply(pd.to_numeric)
        parts.columns = _PARTS[: parts.shape[1]]
        if "second" in parts:
            parts["second"] = parts["second"].fillna(0)
            # pandas adds hour 25 as a day and an hour: out-of-range clock parts are invalid instead
            clock_ok = parts["hour"].le(23) & parts["minute"].le(59) & parts["second"].le(59)
            parts = parts.where(clock_ok)
        out[slow] = pd.to_datetime(parts, errors="coerce")
    return out


def parse_column(col: schema.Column, text: pd.Series) -> tuple[pd.Series, str]:
    """The typed column (missing where empty or unparseable) and the reason for unparseable text."""
    present = text.where(text.ne(""))
    if col.values is not None:
        return present.str.lower().map(value_lookup(col)).astype("str"), "不是允许的值之一"
    if col.type == schema.TEXT:
        return present.astype("str"), ""
    if col.type == schema.MONTH:
        return present.where(present.str.fullmatch(_MONTH).fillna(False)).astype("str"), NOT_A_MONTH
    if col.type == schema.BOOL:
        return present.str.lower().map(_BOOLS).astype("boolean"), "不是是/否值（可写 1/0、是/否、Y/N）"
    if col.type in (schema.INT, schema.FLOAT):
        numbers = pd.to_numeric(present, errors="coerce").astype("Float64")
        if col.type == schema.FLOAT:
            return numbers, "不是数字"
        whole = numbers.where(numbers.mod(1).eq(0))
        return whole.astype("Int64"), "不是整数"
    if col.type == schema.DATE:
        return _parse_datetime(present, _DATE, _DATE_ISO).astype("datetime64[s]"), "不是日期（格式 YYYY-MM-DD）"
    if col.type == schema.TIMESTAMP:
        return _parse_datetime(present, _TIMESTAMP, _TIMESTAMP_ISO).astype("datetime64[s]"), \
            "不是时间（格式 YYYY-MM-DD HH:MM[:SS]）"
    raise ValueError(f"column {col.name}: unknown contract type {col.type}")


def unparsed_reason(col: schema.Column, text: str, reason: str) -> str:
    """The reason for one unparseable value: a date typed as an Excel serial number (46303.375, what a
    date cell formatted as General or text exports) says so, anything else gets the column's reason."""
    if col.type in (schema.DATE, schema.TIMESTAMP) and _EXCEL_SERIAL.fullmatch(text):
        return f"{text} 像是 Excel 日期序号，不是日期；请把单元格设为日期格式"
    return reason


def impossible_values(col: schema.Column, text: pd.Series, typed: pd.Series,
                      window: DateWindow | None) -> pd.Series:
    """True where ``text`` parsed (or looks like a number) but cannot be a real value; see the module
    docstring. ``window`` None skips the date check (only for callers that have no params)."""
    if col.type in (schema.INT, schema.FLOAT):
        infinite = np.isinf(typed.to_numpy(dtype="float64", na_value=np.nan))
        # 'nan' parses to missing: look at the text only where nothing parsed (usually no row)
        unparsed = typed.isna().to_numpy() & text.ne("").to_numpy()
        words = np.zeros(len(text), dtype=bool)
        if unparsed.any():
            words[unparsed] = text[unparsed].str.fullmatch(_NOT_FINITE_WORDS, case=False).to_numpy(dtype=bool)
        return pd.Series(infinite | words, index=text.index)
    if window is None or col.type not in (schema.DATE, schema.TIMESTAMP, schema.MONTH):
        return pd.Series(False, index=text.index)
    if col.type == schema.MONTH:
        first_days = pd.to_datetime(typed + "-01", format="%Y-%m-%d", errors="coerce")
        earliest = pd.Timestamp(window[0].replace(day=1))
        return first_days.notna() & ((first_days < earliest) | (first_days > pd.Timestamp(window[1])))
    earliest, latest = pd.Timestamp(window[0]), pd.Timestamp(window[1]) + pd.Timedelta(days=1)
    return typed.notna() & ((typed < earliest) | (typed >= latest))


def impossible_reason(col: schema.Column, window: DateWindow | None) -> str:
    """Why impossible_values set a value of this column aside."""
    return NOT_FINITE if col.type in (schema.INT, schema.FLOAT) else outside_window_reason(window)
