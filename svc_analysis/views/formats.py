"""Numbers for readers that never contradict their judgment (issue 14, "reader-facing words").

Two rules of display, shared by every page that writes a share against its target or a change:

- **The digits that decide** (``share_against_target``): a share is shown with one decimal of a
  percent (40.0%) unless that rounding would put the shown number on the other side of the target
  than the value itself: 0.3995 against a target of 0.40 is not met, and '40.0% ✗' reads as a
  contradiction, so decimals are added until the shown number is on the value's side: '39.95%'. The
  judgment itself (meets_target) is the KPI row's; this only chooses how many digits to print.
- **No negative zero** (``signed``, ``points_change``): a change that rounds to zero at the shown
  precision prints as 0.0 (no sign), never '-0.0' or '+0.0'.
- **Thousands separated** (``count``, ``number``): the one spelling of a count or an amount on every
  page and table: 1,237,749 rows, 4,400 元; never 1237749.

Rounding is decimal half-up on the number's shortest decimal form (``decimal`` module), so 0.3995
rounds like a person rounds it (39.95%, not 39.949999…) and a value exactly on the target stays on it.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

NO_DATA = "无数据"
MINUS = "-"  # ASCII hyphen-minus, as every page and the scorecard already print it
MAX_DIGITS = 6  # beyond a millionth of a percent the value and its target are the same number


def _missing(x) -> bool:
    try:
        return x is None or bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _decimal(value, scale: int = 1) -> Decimal:
    """``value`` × ``scale`` exactly, from the value's shortest decimal form (0.3995 -> 39.95, not 39.9499…)."""
    return value * scale if isinstance(value, Decimal) else Decimal(repr(float(value))) * scale


def _round(value, digits: int) -> Decimal:
    """``value`` (a float or Decimal) rounded half-up to ``digits`` decimals."""
    return _decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _meets(value: Decimal, target: Decimal, higher_is_better: bool) -> bool:
    return value >= target if higher_is_better else value <= target


def decisive_digits(value, target, higher_is_better: bool, *, digits: int = 1, scale: int = 100) -> int | None:
    """The fewest decimals (at least ``digits``) at which ``value × scale``, rounded, is on the same
    side of ``target × scale`` as the value (module docstring); None when even MAX_DIGITS do not
    separate them. ``scale`` 100 = percent."""
    exact, goal = _decimal(value, scale), _decimal(target, scale)
    judged = _meets(exact, goal, higher_is_better)
    for d in range(digits, MAX_DIGITS + 1):
        if _meets(_round(exact, d), goal, higher_is_better) == judged:
            return d
    return None


def share_against_target(value, target, higher_is_better: bool = True, digits: int = 1) -> str:
    """A share (0-1) as a percent with the digits that decide against ``target``.

    0.3995 vs 0.40 -> '39.95%'; 0.4 -> '40.0%'; 0.853 -> '85.3%'; no target -> one decimal;
    a value closer to its target than MAX_DIGITS decimals: '<100.0%' / '>40.0%' (its side of the
    target); None/NaN -> '无数据'.
    """
    if _missing(value):
        return NO_DATA
    if not _missing(target):
        decisive = decisive_digits(value, target, higher_is_better, digits=digits)
        if decisive is None:
            side = "<" if _decimal(value) < _decimal(target) else ">"
            return f"{side}{_round(_decimal(target, 100), digits)}%"
        digits = decisive
    return f"{_round(_decimal(value, 100), digits)}%"


def signed(value, digits: int = 1, unit: str = "", grouping: bool = False) -> str:
    """A change with its sign, never a negative zero: +1.2 / -0.3 / 0.0 (rounds to zero); '无数据'.
    ``grouping``: thousands separated (+1,234)."""
    if _missing(value):
        return NO_DATA
    shown = _round(value, digits)
    number = f"{abs(shown):,}" if grouping else f"{abs(shown)}"
    if shown == 0:
        return number + unit
    return ("+" if shown > 0 else MINUS) + number + unit


def points_change(change, digits: int = 1, unit: str = " 个百分点") -> str:
    """A change of a share (0-1) in percentage points: +1.2 个百分点 / -0.3 个百分点 / 0.0 个百分点."""
    if _missing(change):
        return NO_DATA
    return signed(_decimal(change, 100), digits, unit)


def is_zero_change(change, digits: int = 1, scale: int = 100) -> bool:
    """Whether a change shows as 0.0 at ``digits`` decimals (of ``scale`` × change): 持平 in words."""
    return not _missing(change) and math.isfinite(float(change)) and _round(_decimal(change, scale), digits) == 0


def number(value, digits: int = 2) -> str:
    """A figure as a reader writes it: thousands separated, at most ``digits`` decimals, trailing zeros
    dropped: 4400.0 -> '4,400', 80.5 -> '80.5', 1237749 -> '1,237,749', -0.0 -> '0'; None/NaN -> '无数据'."""
    if _missing(value):
        return NO_DATA
    shown = _round(value, digits)
    if shown == 0:
        return "0"
    text = f"{shown:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def count(value) -> str:
    """A count: whole, thousands separated: 1237749 -> '1,237,749'; None/NaN -> '无数据'."""
    return number(value, 0)
