"""A source system's own formats: how its export spells headers and writes dates (used by profiles).

Headers: two headers are the same column when their normalised forms are equal. The normalised form
(normalise_header) is the NFKC form (full-width letters and punctuation become ASCII), case-folded,
with every space, underscore and hyphen/dash removed and trailing sentence punctuation
(? ! . : ; , 。) stripped. So `Consumer disputed?`, `consumer_disputed?`, `consumer_disputed` and
`Consumer-Disputed` are one column, and `Sub-issue` is `sub_issue`. Anything else (brackets, inner
dots, the words themselves) must match.

Dates: each distinct text is tried against the formats in order (Python strptime codes, e.g.
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
import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

# ---- headers ----

_IGNORED = re.compile(r"[\s_\-\u2010-\u2015\u2212]+")  # spaces, underscores, ASCII and Unicode dashes
_TRAILING_PUNCTUATION = "?!.:;,。"


def normalise_header(text: str) -> str:
    """The form two headers share when they name the same column (see the module rule on headers)."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return _IGNORED.sub("", folded).rstrip(_TRAILING_PUNCTUATION)


class AmbiguousHeader(ValueError):
    """Two headers of one file normalise alike, so a name cannot tell which one is meant."""

    def __init__(self, name: str, headers: Sequence[str]):
        self.name, self.headers = name, list(headers)
        super().__init__(f"'{name}' matches {len(headers)} columns: {', '.join(repr(h) for h in headers)}")


class HeaderIndex:
    """The headers of one file, looked up by normalised text."""

    def __init__(self, headers: Iterable[str]):
        self.headers = list(headers)
        self._by_key: dict[str, list[str]] = {}
        for header in self.headers:
            self._by_key.setdefault(normalise_header(header), []).append(header)

    def find(self, names: Sequence[str]) -> str | None:
        """The file's header for the first of ``names`` (alternatives, in order) that it has, else None.

        Raises AmbiguousHeader when that name matches two of the file's headers.
        """
        for name in names:
            found = self._by_key.get(normalise_header(name), [])
            if len(found) > 1:
                raise AmbiguousHeader(name, found)
            if found:
                return found[0]
        return None


# ---- dates ----

# a contract timestamp or a bare contract date (midnight); the rest passes on to the contract's checks.
# Timestamps first: a format costs a try per distinct value, and timestamps are mostly distinct.
DEFAULT_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")
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


def _with_offset(values: pd.Series, fmt: str) -> pd.Series:
    """strptime value by value (a column's UTC offsets may differ), keeping the time as written."""
    def read(value: str):
        try:
            return dt.datetime.strptime(value, fmt).replace(tzinfo=None)
        except ValueError:
            return None
    return pd.to_datetime(values.map(read), errors="coerce")


def to_timestamps(text: pd.Series, formats: Sequence[str], day_only: bool = False) -> pd.Series:
    """Every value the formats read, as a contract timestamp; the rest unchanged (module rule on dates).

    Each distinct value is read once. pandas.to_datetime(format=...) reads like strptime, vectorised;
    a format with a UTC offset (%z, %Z) goes through strptime itself (pandas refuses mixed offsets).
    """
    distinct = pd.Series(text[text.ne("")].unique(), dtype="str")
    moments = pd.Series(pd.NaT, index=distinct.index, dtype="datetime64[us]")
    for fmt in formats:
        unread = moments.isna()
        if not unread.any():
            break
        if "%z" in fmt or "%Z" in fmt:
            moments[unread] = _with_offset(distinct[unread], fmt)
        else:
            moments[unread] = pd.to_datetime(distinct[unread], format=fmt, errors="coerce")
    if day_only:
        moments = moments.dt.normalize()
    read = moments.notna()
    written = np.datetime_as_string(moments[read].to_numpy().astype("datetime64[s]"), unit="s")
    rewritten = pd.Series(written, index=distinct[read].to_numpy(), dtype="str").str.replace("T", " ", regex=False)
    return text.map(rewritten).fillna(text).astype("str")
