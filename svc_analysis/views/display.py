"""Numbers and small frames as a reader sees them: shares as percents ('85.3%'), large counts in 万
('1.2万'), changes with their sign or in 个百分点 (never '-0.0'), true/false as 是/否, and a frame
ready for a page (display_frame). No data is written '无数据' and never as 0. The charts' setup,
palette and axis formatters: views.plotting.
"""

from __future__ import annotations

import math
from pathlib import PurePath

import numpy as np
import pandas as pd

from svc_analysis.core.masking import mask_text
from svc_analysis.views import formats

NO_DATA = "无数据"
NO_DATA_MONTH = "本月无数据"


def missing(x) -> bool:
    """No value: None, NaN, pandas.NA (shown as 无数据, never 0)."""
    if x is None:
        return True
    try:
        return bool(math.isnan(x))
    except TypeError:  # pandas.NA and other non-floats
        try:
            return bool(pd.isna(x))
        except (TypeError, ValueError):
            return False


def trim_zeros(number: str) -> str:
    """'2.0' -> '2', '1.50' -> '1.5': trailing zeros after the point carry no information."""
    return number.rstrip("0").rstrip(".") if "." in number else number


def fmt_pct(x, digits: int = 1) -> str:
    """A share (0-1) as a percent: 0.853 -> '85.3%'; None/NaN -> '无数据'."""
    if missing(x):
        return NO_DATA
    return f"{float(x) * 100:.{digits}f}%"


def fmt_signed(x, digits: int = 1) -> str:
    """A change with its sign, thousands separated: 1.25 -> '+1.2', a change that rounds to zero has no
    sign ('0.0', never '-0.0'); None/NaN -> '无数据' (views.formats.signed)."""
    return formats.signed(x, digits, grouping=True)


def fmt_points(x, digits: int = 1) -> str:
    """A change of a share (0-1) in percentage points: 0.012 -> '+1.2 个百分点', never '-0.0'
    (views.formats.points_change, the one spelling of a points change on every page)."""
    return formats.points_change(x, digits)


def fmt_wan(x, digits: int = 1) -> str:
    """A count in 万 when it reaches 10,000: 12345 -> '1.2万', 20000 -> '2万', 800 -> '800'.

    None/NaN -> '无数据'. Below 万 the whole number reads better in a sentence, thousands separated as
    every count on a page (views.formats.count): 7870 -> '7,870'; 123456789 -> '12,345.7万'.
    """
    if missing(x):
        return NO_DATA
    value = float(x)
    if abs(value) < 10_000:
        return formats.count(value)
    return trim_zeros(f"{value / 10_000:,.{digits}f}") + "万"


YES_NO = {True: "是", False: "否"}


def yes_no(value) -> str:
    """A true/false for a reader: 是 / 否; blank when empty (never 'True' / 'False')."""
    return "" if missing(value) else YES_NO[bool(value)]


def _is_yes_no(column: pd.Series) -> bool:
    """A bool column, or an object column whose values are all bools (numpy or Python) or empty."""
    if pd.api.types.is_bool_dtype(column):
        return True
    if column.dtype != object:
        return False
    present = column.dropna()
    return len(present) > 0 and all(isinstance(v, (bool, np.bool_)) for v in present)


def display_frame(frame, labels: dict | None = None, percent=(), flags=(), paths=(), counts=()):
    """A copy of a small frame for showing in a report.

    ``percent`` columns become '85.3%' (无数据 when empty), ``counts`` columns '1,237,749'
    (views.formats.count; blank when empty), ``flags`` columns '⚠' or blank, other
    true/false columns 是 / 否 (``yes_no``: never 'True' / 'False' on a page), ``paths``
    columns keep only the file name (a folder says nothing to the reader and may name a person's home);
    times are cut to the second, empty text and dates are blank, text is masked (masking.mask_text:
    free text such as a product may hold a phone number), rows are numbered from 1, and columns are
    renamed with ``labels``. HTML escaping is pandas' own (to_html escapes by default).
    """
    out = frame.copy()
    for col in out.columns:
        if col in paths:
            out[col] = out[col].map(lambda p: PurePath(p).name, na_action="ignore")
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d %H:%M:%S")
        if col in percent:
            out[col] = out[col].map(fmt_pct)
        elif col in counts:
            out[col] = out[col].map(lambda x: "" if missing(x) else formats.count(x))
        elif col in flags:
            out[col] = out[col].map(lambda flag: "⚠" if not pd.isna(flag) and bool(flag) else "")
        elif _is_yes_no(out[col]):
            out[col] = out[col].astype(object).map(yes_no)
        elif not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].astype(object).where(out[col].notna(), "").map(mask_text)
    out.index = pd.RangeIndex(1, len(out) + 1)
    return out.rename(columns=labels or {})
