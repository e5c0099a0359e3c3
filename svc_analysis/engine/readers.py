"""Open one export file (CSV or XLSX), map its headers onto the contract, yield raw text chunks.

Rules (DATA_CONTRACT.md "Inputs", docs/ingest.md):
- CSV encodings: detected or forced by the caller (svc_analysis.engine.encodings: refused when not
  certain). A file that turns out undecodable later fails with one sentence naming the real row.
- XLSX: the first sheet or the one named, streamed (svc_analysis.engine.xlsx).
- Headers: the canonical English name or a Chinese alias (contract Column.headers), any order,
  trimmed, case-insensitive for English. A column given twice (``score,score``, or ``score`` and
  ``评价分值``) is refused, naming both positions. Extra columns: one warning per file, then ignored.
- Everything is read as text; an empty cell is missing. Row numbers are the spreadsheet rows a
  user sees: the header is row 1, the first data row is row 2. Entirely empty rows are skipped
  (they hold nothing to load) but keep their number.
- A row with more cells than the header, or a quote still open at the end of the file, refuses
  the file with one sentence naming the row (they cannot be split into rows reliably).
Every refusal is an IngestError: one sentence, Chinese first, naming file, row and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from svc_analysis.core import contract
from svc_analysis.engine import xlsx
from svc_analysis.engine.csv_rows import ROW, csv_chunks, unclosed
from svc_analysis.engine.headers import map_headers, shown, unique_headers
from svc_analysis.engine.encodings import ENCODING_SAMPLE_BYTES, IngestError, check_encoding, detect_encoding

__all__ = ["ENCODING_SAMPLE_BYTES", "ROW", "IngestError", "Source", "detect_encoding", "map_headers", "open_source",
           "unique_headers"]

DEFAULT_CHUNK_ROWS = 200_000  # ~100-200 MB of text per chunk: bounded memory on 50 M-row files
CSV_SUFFIXES = {".csv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass
class Source:
    """One opened export: its table, encoding, header mapping and a chunk iterator."""

    path: Path
    table: str
    headers: list[str]  # the file's headers, trimmed, unique, in file order
    mapping: dict[str, str]  # source header -> contract column (empty with a profile)
    encoding: str | None = None  # None for XLSX
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    warnings: list[str] = field(default_factory=list)
    sheet: str | None = None  # the XLSX sheet read (None: the first)

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Raw text chunks with the file's own headers plus _row; empty cells are ''."""
        reader = self._xlsx_chunks() if self.encoding is None else self._csv_chunks()
        for raw in reader:
            raw = raw.fillna("")
            keep = raw.drop(columns=ROW).ne("").any(axis=1)
            if keep.any():
                yield raw[keep]

    def _csv_chunks(self) -> Iterator[pd.DataFrame]:
        return csv_chunks(self.path, self.encoding, self.headers, self.chunk_rows)

    def _xlsx_chunks(self) -> Iterator[pd.DataFrame]:
        batch, first_row = [], 2
        for row, cells in xlsx.sheet_rows(self.path, self.sheet, len(self.headers)):
            if not batch:
                first_row = row
            batch.append(cells)
            if len(batch) == self.chunk_rows:
                yield self._frame(batch, first_row)
                batch = []
        if batch:
            yield self._frame(batch, first_row)

    def _frame(self, batch: list[list[str]], first_row: int) -> pd.DataFrame:
        rows = range(first_row, first_row + len(batch))
        frame = pd.DataFrame(batch, columns=self.headers, index=rows, dtype=str)
        frame[ROW] = rows
        return frame


def read_headers(path: Path, encoding: str | None = None, sheet: str | None = None
                 ) -> tuple[list[str], str | None, str | None]:
    """The file's header row (trimmed, as written), its text encoding (None for XLSX) and the sheet read."""
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        headers, title = xlsx.sheet_headers(path, sheet)
        return headers, None, title
    if suffix not in CSV_SUFFIXES:
        raise IngestError(f"{path.name}：只能导入 .csv 和 .xlsx 文件。")
    encoding = check_encoding(encoding, path) if encoding else detect_encoding(path)
    try:
        first = pd.read_csv(path, encoding=encoding, dtype=str, header=None, nrows=1, keep_default_na=False,
                            index_col=False).iloc[0].tolist()
    except pd.errors.EmptyDataError:
        first = []
    except UnicodeError:
        raise IngestError(f"{path.name}：表头行不是有效的 {encoding} 文本；"
                          f"请另存为“CSV UTF-8”，或用 --encoding 指定编码。") from None
    except pd.errors.ParserError:  # a quote opened in the header row and never closed
        raise unclosed(path, 1) from None
    headers = [str(h).strip().lstrip("\ufeff").strip() for h in first]
    while headers and not headers[-1]:
        headers.pop()
    return headers, encoding, None


def _table_name(path: Path, table: str | None, profile) -> str:
    if table and profile is not None and table != profile.table:
        raise IngestError(f"{path.name}：映射配置“{profile.name}”对应 {profile.table} 表，不是 {table} 表。")
    name = table or (profile.table if profile is not None else contract.table_for_filename(path.stem))
    if name is None:
        raise IngestError(f"{path.name}：文件名看不出是哪张表；"
                          f"请用表名命名（{', '.join(contract.TABLES)}），或加 --table。")
    if name not in contract.TABLES:
        raise IngestError(f"{path.name}：没有“{name}”这张表；"
                          f"合同中的表：{', '.join(contract.TABLES)}。")
    return name


def open_source(path, table: str | None = None, profile=None, chunk_rows: int = DEFAULT_CHUNK_ROWS,
                encoding: str | None = None, sheet: str | None = None) -> Source:
    """Open an export and check its headers; the table comes from the argument, profile or file name.

    ``encoding`` forces a CSV's encoding (else detected); ``sheet`` names the XLSX sheet (else the first).
    """
    path = Path(path)
    if path.is_dir():
        raise IngestError(f"{path}：这是一个文件夹，不是文件；请给出文件名。")
    if not path.is_file():
        raise IngestError(f"{path}：文件不存在。")
    name = _table_name(path, table, profile)
    try:
        headers, encoding, read_sheet = read_headers(path, encoding, sheet)
    except PermissionError:
        raise IngestError(f"{path.name}：没有读取这个文件的权限。") from None
    except OSError as exc:
        raise IngestError(f"{path.name}：无法读取文件（系统提示：{exc.strerror or exc}）。") from None
    try:
        if not any(headers):
            raise IngestError(f"{path.name}：文件是空的，没有表头行。")
        unique = unique_headers(headers)
        if profile is not None:
            mapping, extras = {}, list(dict.fromkeys(shown(h) for h in profile.check_headers(unique, path.name)))
        else:
            mapping, extras = map_headers(unique, contract.table(name), path.name)
    except IngestError as exc:
        if read_sheet is not None and sheet is None and profile is None:
            _offer_other_sheet(path, name, read_sheet, exc)
        _name_the_separator(path, headers, exc)
        raise
    source = Source(path, name, unique, mapping, encoding, chunk_rows, sheet=sheet)
    if extras:
        source.warnings.append(f"{path.name}：忽略了 {name} 合同中没有的列 (ignored columns not in the {name} "
                               f"contract): {', '.join(extras)}")
    return source


def _name_the_separator(path: Path, headers: list[str], error: IngestError) -> None:
    """Raise a clearer sentence when the one header holds semicolons or tabs (not a comma CSV)."""
    if len(headers) == 1:
        for separator, label in ((";", "分号"), ("\t", "制表符")):
            if separator in headers[0]:
                raise IngestError(f"{path.name}：表头行是用{label}分隔的，不是逗号；"
                                  f"请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 XLSX。") from error


def _offer_other_sheet(path: Path, name: str, read: str, error: IngestError) -> None:
    """Raise the --sheet hint when another sheet of the workbook holds the table's header row."""
    def fits(headers: list[str]) -> bool:
        try:
            map_headers(unique_headers(headers), contract.table(name), path.name)
            return True
        except IngestError:
            return False

    other = xlsx.fitting_sheet(path, read, fits)
    if other is not None:
        raise IngestError(f"{path.name}：只读取第一个工作表“{read}”，它没有 {name} 的表头；表头符合的是工作表"
                          f"“{other}”，请加 --sheet {other}。") from error
