"""Header matching that survives the ways a system renames its export columns between versions.

Rule: two headers are the same column when their normalised forms are equal. The normalised form
(normalise_header) is the NFKC form (full-width letters and punctuation become ASCII), case-folded,
with every space, underscore and hyphen/dash removed and trailing sentence punctuation
(? ! . : ; , 。) stripped. So `Consumer disputed?`, `consumer_disputed?`, `consumer_disputed` and
`Consumer-Disputed` are one column, and `Sub-issue` is `sub_issue`. Anything else (brackets, inner
dots, the words themselves) must match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

_IGNORED = re.compile(r"[\s_\-\u2010-\u2015\u2212]+")  # spaces, underscores, ASCII and Unicode dashes
_TRAILING_PUNCTUATION = "?!.:;,。"


def normalise_header(text: str) -> str:
    """The form two headers share when they name the same column (see the module docstring)."""
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
