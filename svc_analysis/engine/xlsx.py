"""XLSX exports: one sheet streamed as text rows, broken workbooks refused with one sentence.

Rules (docs/ingest.md section 1):
- The first sheet is read, or the one named with ``--sheet NAME``; a name the workbook does not
  have is refused, listing the sheets it has.
- When the sheet read is empty or lacks a required column and another sheet's header row fits the
  table, the refusal names that sheet and offers ``--sheet`` (only one sheet is ever read).
- A workbook whose zip opens but whose sheet XML is cut or corrupt is refused with one sentence
  (the row reached, when known): never a traceback, never a partial load.
- Cells become the text a CSV export would hold (dates YYYY-MM-DD[ HH:MM:SS], whole floats without
  '.0', booleans true/false). openpyxl's read-only mode gives merged cells' value only to the
  top-left cell and formulas their cached value (none when no program calculated the file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

from svc_analysis.engine.encodings import IngestError

_RESAVE = "请在 Excel 中打开并另存为 XLSX 或“CSV UTF-8”"


def cell_text(value) -> str:
    """An XLSX cell as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _open(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a broken workbook
        raise IngestError(f"{path.name}：不是可读的 XLSX 工作簿（读取时出错：{exc}）；"
                          f"{_RESAVE}。") from None


def _sheet(book, sheet: str | None, path: Path):
    if sheet is None:
        return book.worksheets[0]
    if sheet not in book.sheetnames:
        raise IngestError(f"{path.name}：工作簿中没有名为“{sheet}”的工作表，"
                          f"现有：{'、'.join(book.sheetnames)}。")
    return book[sheet]


def _broken(path: Path, sheet_name: str, row: int | None) -> IngestError:
    where = f"读到第 {row} 行时" if row else ""
    return IngestError(f"{path.name}：工作表“{sheet_name}”的内容已损坏，{where}无法读取，"
                       f"没有导入任何行；{_RESAVE}。")


def sheet_headers(path: Path, sheet: str | None = None) -> tuple[list[str], str]:
    """The header row (trimmed, trailing blanks dropped) and the name of the sheet read."""
    book = _open(path)
    try:
        ws = _sheet(book, sheet, path)
        try:
            first = next(ws.iter_rows(max_row=1, values_only=True), ())
        except Exception:  # a cut or corrupt sheet XML: lxml/ElementTree/zip errors
            raise _broken(path, ws.title, 1) from None
        title = ws.title
    finally:
        book.close()
    headers = [cell_text(v).strip() for v in first]
    while headers and not headers[-1]:
        headers.pop()
    return headers, title


def fitting_sheet(path: Path, read: str, fits: Callable[[list[str]], bool]) -> str | None:
    """The first other sheet whose header row ``fits`` the table (for the --sheet hint), or None."""
    book = _open(path)
    try:
        for ws in book.worksheets:
            if ws.title == read:
                continue
            try:
                first = next(ws.iter_rows(max_row=1, values_only=True), ())
            except Exception:
                continue
            if fits([cell_text(v).strip() for v in first]):
                return ws.title
    finally:
        book.close()
    return None


def sheet_rows(path: Path, sheet: str | None, width: int) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row, ``width`` text cells) for every row below the header; cells beyond the
    header row that hold something are refused (they would have no column)."""
    book = _open(path)
    try:
        ws = _sheet(book, sheet, path)
        row = 1
        rows = ws.iter_rows(min_row=2, values_only=True)
        while True:
            try:
                values = next(rows, None)
            except Exception:
                raise _broken(path, ws.title, row + 1) from None
            if values is None:
                return
            row += 1
            if any(v not in (None, "") for v in values[width:]):
                raise IngestError(f"{path.name}：第 {row} 行的单元格比表头多；"
                                  f"请删掉多余的单元格或补上表头。")
            cells = [cell_text(v) for v in values[:width]]
            yield row, cells + [""] * (width - len(cells))
    finally:
        book.close()
