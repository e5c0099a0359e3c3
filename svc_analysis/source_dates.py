"""Dates and times written in a source system's own formats, rewritten as contract timestamps.

Rule: each distinct text is tried against the formats in order (Python strptime codes, e.g.
``%m/%d/%Y`` reads 3/7/2013 as 7 March 2013, ``%Y-%m-%dT%H:%M:%S%z`` reads 2019-05-10T12:00:00-05:00);
the first format that reads the whole text wins. The result is the contract timestamp
``YYYY-MM-DD HH:MM:SS`` at the time of day as written: a UTC offset is dropped, not converted, since
contract timestamps are local time where the event happened. ``day_only`` drops the time of day too
(midnight of that day), for sources whose time of day means nothing. Text that no format reads is
passed on unchanged, so the contract's own rules judge it: a contract timestamp still loads, anything
else is set aside with its file, row, column and reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")  # a bare contract date; anything else passes on
_CONTRACT_TIMESTAMP = "%Y-%m-%d %H:%M:%S"
_PROBE = dt.datetime(2001, 2, 3, 4, 5, 6, tzinfo=dt.timezone.utc)


def check_format(fmt: str) -> str:
    """The format itself, or ValueError when strptime cannot read back the date it writes."""
    try:
        read_back = dt.datetime.strptime(_PROBE.strftime(fmt), fmt)
    except ValueError as exc:
        raise ValueError(f"'{fmt}' is not a usable date format ({exc})") from None
    if read_back.date() != _PROBE.date():
        raise ValueError(f"'{fmt}' does not read a year, a month and a day")
    return fmt


def _parse(text: str, formats: Sequence[str]) -> dt.datetime | None:
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def to_timestamps(text: pd.Series, formats: Sequence[str], day_only: bool = False) -> pd.Series:
    """Every value the formats read as a contract timestamp; the rest unchanged (see the module rule).

    Parses each distinct value once: dates repeat, so a large chunk costs a few thousand parses.
    """
    rewritten = {}
    for value in text[text.ne("")].unique():
        moment = _parse(value, formats)
        if moment is not None:
            if day_only:
                moment = dt.datetime.combine(moment.date(), dt.time())
            rewritten[value] = moment.strftime(_CONTRACT_TIMESTAMP)
    return text.map(rewritten).fillna(text).astype("str")
