"""A CSV export's data rows as raw text chunks, every row accounted for or the file refused.

Rules (docs/ingest.md sections 4 and 11):
- Cells are text, an empty cell is ''; every row carries its spreadsheet row number (_row: the
  header is row 1; blank lines and multi-line cells keep the numbering Excel shows).
- A row with a non-empty cell beyond the header row refuses the file, naming the row: pandas
  alone would shift the values (one cell too many) or drop cells with only a ParserWarning (two
  or more). Spare columns catch them; when a row is wider than the spares, the read stops, the rows
  are measured once with the csv module, and the read restarts with enough spares, skipping the
  rows already given. Cells beyond the header that are all empty (trailing commas) are fine.
- A quote still open at the end of the file, or one that swallows lines until it leaves a row too
  wide, is named as an unclosed quote with the row where it opened.
- Text that does not decode is named with its spreadsheet row and text line.
"""

from __future__ import annotations

import csv
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from svc_analysis.engine.encodings import IngestError, first_undecodable, row_lines, unclosed_quote

ROW = "_row"  # the spreadsheet row number carried with every raw row
_SPARE = "\x00spare"


class _TooWide(Exception):
    """A row has more cells than the header and spare columns (pandas' ParserWarning or ParserError)."""


def csv_chunks(path: Path, encoding: str, headers: list[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Raw text chunks with ``headers`` plus _row, indexed by row number (see the module rules)."""
    done, spares = 2, 1
    while True:
        try:
            for raw in _read(path, encoding, headers, chunk_rows, spares):
                raw = raw[raw[ROW] >= done]
                if len(raw):
                    done = int(raw[ROW].iloc[-1]) + 1
                    yield raw
            return
        except _TooWide:
            quote = unclosed_quote(path, encoding)
            if quote:
                raise unclosed(path, quote.row) from None
            row, width = _widest(path, encoding, len(headers))
            if row is not None:
                raise too_many_cells(path, encoding, row) from None
            if width - len(headers) <= spares:  # pandas and the csv module disagree: say so, never loop
                raise IngestError(f"{path.name}：第 {done} 行之后的一行无法拆分成单元格；"
                                  f"请另存为“CSV UTF-8”或 XLSX。") from None
            spares = width - len(headers)


def _read(path: Path, encoding: str, headers: list[str], chunk_rows: int, spares: int) -> Iterator[pd.DataFrame]:
    next_row, spare_names = 2, [f"{_SPARE}{i}" for i in range(spares)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            with pd.read_csv(path, encoding=encoding, dtype=str, keep_default_na=False, skip_blank_lines=False,
                             header=None, skiprows=1, names=[*headers, *spare_names], index_col=False,
                             chunksize=chunk_rows) as reader:
                for raw in reader:
                    raw[ROW] = range(next_row, next_row + len(raw))
                    raw.index = raw[ROW].to_numpy()
                    next_row += len(raw)
                    beyond = raw[spare_names].fillna("").apply(lambda c: c.str.strip()).ne("").any(axis=1)
                    if beyond.any():
                        raise too_many_cells(path, encoding, int(beyond.idxmax()))
                    yield raw.drop(columns=spare_names)
    except pd.errors.ParserWarning:
        raise _TooWide from None
    except UnicodeDecodeError:
        fault = first_undecodable(path, encoding)
        where = f"第 {fault.row} 行（文本第 {fault.line} 行）" if fault else f"第 {next_row} 行之后"
        raise IngestError(f"{path.name}：{where}不是有效的 {encoding} 文本，没有导入任何行；"
                          f"请另存为“CSV UTF-8”或 XLSX，或用 --encoding 指定编码。") from None
    except pd.errors.ParserError as exc:
        if re.search(r"Expected \d+ fields in line \d+", str(exc)):  # a row wider than the first chunk's
            raise _TooWide from None
        quote = unclosed_quote(path, encoding)
        if quote:
            raise unclosed(path, quote.row) from None
        raise IngestError(f"{path.name}：第 {next_row} 行之后的一行无法拆分成单元格；"
                          f"请另存为“CSV UTF-8”或 XLSX。") from None


def _widest(path: Path, encoding: str, width: int) -> tuple[int | None, int]:
    """(the first spreadsheet row with a non-empty cell beyond ``width`` columns or None, the most cells
    in any row), read once with the csv module."""
    widest = width
    with open(path, encoding=encoding, newline="") as fh:
        records = csv.reader(fh)
        next(records, None)  # the header row
        for row, record in enumerate(records, start=2):
            if any(cell.strip() for cell in record[width:]):
                return row, len(record)
            widest = max(widest, len(record))
    return None, widest


def unclosed(path: Path, row: int) -> IngestError:
    return IngestError(f"{path.name}：第 {row} 行有一个引号没有闭合，之后的内容都被当成了同一个单元格；"
                       f"请补上引号或删掉它。")


def too_many_cells(path: Path, encoding: str | None, row: int) -> IngestError:
    """Row ``row`` has a cell beyond the header: an unclosed quote when it spans several text lines."""
    quote = unclosed_quote(path, encoding) if encoding else None
    if quote and quote.row <= row:
        return unclosed(path, quote.row)
    lines = row_lines(path, encoding, row) if encoding else None
    if lines and lines[1] > lines[0]:
        return IngestError(f"{path.name}：第 {row} 行从文本第 {lines[0]} 行延续到第 {lines[1]} 行，单元格比表头多，"
                           f"多半是第 {row} 行有一个引号没有闭合；"
                           f"请补上引号或删掉它。")
    return IngestError(f"{path.name}：第 {row} 行的单元格比表头多；"
                       f"请删掉多余的单元格或补上表头。")
