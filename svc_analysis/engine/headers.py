"""Header rows onto contract columns (DATA_CONTRACT.md "Inputs", docs/ingest.md section 2).

- A header is the canonical English name or a Chinese alias (contract Column.headers), in any
  order; spaces around it are ignored and English ignores case.
- A column given twice is refused, naming both texts and positions: the same name twice
  (``score,score``; also `` score`` and ``SCORE``) or a name and its alias (``score`` and ``评价分值``).
  Nothing is guessed: the file does not say which of the two is right.
- A required column that is missing is refused, naming it in English and Chinese.
- Other headers are extras: listed once each, by their own text, in one warning.
Repeated extras and blank headers get internal names so that a DataFrame can hold them
(unique_headers); messages and quarantine files show the text as written (as_written, shown).
"""

from __future__ import annotations

from svc_analysis.core import schema
from svc_analysis.engine.encodings import IngestError


def header_lookup(table: schema.Table) -> dict[str, str]:
    """Accepted header text (English lower-cased) -> canonical column name."""
    return {h.strip().lower(): col.name for col in table.columns for h in col.headers}


def map_headers(headers: list[str], table: schema.Table, file: str) -> tuple[dict[str, str], list[str]]:
    """Source header -> contract column for the headers the contract knows, and the extra headers.

    ``headers`` are unique (see unique_headers). Raises IngestError naming the file and the column when a
    required column is missing or two headers give the same column (with their column positions).
    """
    lookup = header_lookup(table)
    mapping: dict[str, str] = {}
    extras: list[str] = []
    for position, header in enumerate(headers, start=1):
        name = lookup.get(as_written(header).strip().lower())
        if name is None:
            extras.append(shown(header))
        elif name in mapping.values():
            first = next(h for h, n in mapping.items() if n == name)
            raise IngestError(f"{file}：表头“{as_written(first)}”（第 {headers.index(first) + 1} 列）和"
                              f"“{as_written(header)}”（第 {position} 列）是同一列 {table.name}.{name}，"
                              f"只能保留一个。")
        else:
            mapping[header] = name
    for col in table.columns:
        if col.required and col.name not in mapping.values():
            raise IngestError(f"{file}：{table.name} 文件缺少必需的列 {col.name}（{'/'.join(col.zh)}）。")
    return mapping, list(dict.fromkeys(extras))


_REPEAT = "\x00#"  # internal suffix that keeps a repeated or blank header unique (never shown)


def as_written(header: str) -> str:
    """The header text as written in the file ('' for a blank header)."""
    return header.split(_REPEAT)[0]


def shown(header: str) -> str:
    """A header as messages name it: its text, or '第 3 列（无表头）' for a blank one."""
    text = as_written(header)
    return text or f"第 {header.rsplit('blank', 1)[-1]} 列（无表头）"


def unique_headers(headers: list[str]) -> list[str]:
    """Headers as DataFrame column names: repeated and blank ones get an internal suffix that
    as_written and shown remove again for messages."""
    seen: dict[str, int] = {}
    out = []
    for position, header in enumerate(headers, start=1):
        if not header:
            out.append(f"{_REPEAT}blank{position}")
            continue
        out.append(f"{header}{_REPEAT}{seen[header]}" if header in seen else header)
        seen[header] = seen.get(header, 0) + 1
    return out
