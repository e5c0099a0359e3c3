"""Open one export file (CSV or XLSX), map its headers onto the contract, yield raw text chunks.

Rules (DATA_CONTRACT.md "Inputs", docs/ingest.md):
- CSV encodings: a UTF-8 BOM means UTF-8 with BOM; else a sample that decodes as UTF-8 means UTF-8;
  else GB18030 (a superset of GBK, as Chinese Excel saves it). A file that turns out undecodable
  later fails with one sentence.
- XLSX: the first sheet, streamed (openpyxl read_only).
- Headers: the canonical English name or a Chinese alias (contract Column.headers), any order,
  trimmed, case-insensitive for English. Extra columns: one warning per file, then ignored.
- Everything is read as text; an empty cell is missing. Row numbers are the spreadsheet rows a
  user sees: the header is row 1, the first data row is row 2. Entirely empty rows are skipped
  (they hold nothing to load) but keep their number.
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from svc_analysis import contract

ROW = "_row"  # the spreadsheet row number carried with every raw row
_SPARE = "\x00spare"
DEFAULT_CHUNK_ROWS = 200_000  # ~100-200 MB of text per chunk: bounded memory on 50 M-row files
ENCODING_SAMPLE_BYTES = 4 * 1024 * 1024
CSV_SUFFIXES = {".csv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}


class IngestError(Exception):
    """A file that cannot be loaded at all; the message is one sentence for the user."""


def detect_encoding(path: Path, sample_bytes: int = ENCODING_SAMPLE_BYTES) -> str:
    """'utf-8-sig' for a BOM, 'utf-8' if the sample decodes as UTF-8, else 'gb18030'."""
    with open(path, "rb") as fh:
        sample = fh.read(sample_bytes)
        whole = not fh.read(1)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            # final=False lets a multi-byte character cut at the sample's end pass
            codecs.getincrementaldecoder(encoding)().decode(sample, final=whole)
            return encoding
        except UnicodeDecodeError:
            continue
    raise IngestError(f"{path.name}: the file is neither UTF-8 nor GB18030/GBK text; "
                      f"save it from Excel as CSV UTF-8 or as XLSX.")


def header_lookup(table: contract.Table) -> dict[str, str]:
    """Accepted header text (English lower-cased) -> canonical column name."""
    return {h.strip().lower(): col.name for col in table.columns for h in col.headers}


def map_headers(headers: list[str], table: contract.Table, file: str) -> tuple[dict[str, str], list[str]]:
    """Source header -> contract column for the headers the contract knows, and the extra headers.

    Raises IngestError naming the file and the column when a required column is missing or two
    headers give the same column.
    """
    lookup = header_lookup(table)
    mapping: dict[str, str] = {}
    extras: list[str] = []
    for header in headers:
        name = lookup.get(header.strip().lower())
        if name is None:
            extras.append(header)
        elif name in mapping.values():
            first = next(h for h, n in mapping.items() if n == name)
            raise IngestError(f"{file}: columns '{first}' and '{header}' both give {table.name}.{name}; "
                              f"keep one of them.")
        else:
            mapping[header] = name
    for col in table.columns:
        if col.required and col.name not in mapping.values():
            raise IngestError(f"{file}: required column {col.name} ({'/'.join(col.zh)}) is missing "
                              f"from the {table.name} file.")
    return mapping, extras


def _cell_text(value) -> str:
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


@dataclass
class Source:
    """One opened export: its table, encoding, header mapping and a chunk iterator."""

    path: Path
    table: str
    headers: list[str]  # the file's headers, trimmed, in file order
    mapping: dict[str, str]  # source header -> contract column (empty with a profile)
    encoding: str | None = None  # None for XLSX
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    warnings: list[str] = field(default_factory=list)

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Raw text chunks with the file's own headers plus _row; empty cells are ''."""
        reader = self._xlsx_chunks() if self.encoding is None else self._csv_chunks()
        for raw in reader:
            raw = raw.fillna("")
            keep = raw.drop(columns=ROW).ne("").any(axis=1)
            if keep.any():
                yield raw[keep]

    def _csv_chunks(self) -> Iterator[pd.DataFrame]:
        next_row = 2
        try:
            # one spare column catches rows with more cells than headers (pandas would otherwise
            # quietly turn a leading cell into the index and shift every value)
            with pd.read_csv(self.path, encoding=self.encoding, dtype=str, keep_default_na=False,
                             skip_blank_lines=False, header=None, skiprows=1, names=[*self.headers, _SPARE],
                             index_col=False, chunksize=self.chunk_rows) as reader:
                for raw in reader:
                    raw[ROW] = range(next_row, next_row + len(raw))
                    raw.index = raw[ROW].to_numpy()
                    next_row += len(raw)
                    spare = raw.pop(_SPARE).fillna("")
                    if spare.ne("").any():
                        raise IngestError(f"{self.path.name}: row {spare.ne('').idxmax()} has more cells than "
                                          f"the header row; fix the row or add the missing header.")
                    yield raw
        except UnicodeDecodeError:
            raise IngestError(f"{self.path.name}: after row {next_row - 1} the file is no longer valid "
                              f"{self.encoding} text; save it again as CSV UTF-8 or XLSX.") from None
        except pd.errors.ParserError as exc:
            raise IngestError(f"{self.path.name}: a row after row {next_row - 1} has more cells than the header "
                              f"row ({str(exc).strip()}).") from None

    def _xlsx_chunks(self) -> Iterator[pd.DataFrame]:
        from openpyxl import load_workbook

        book = load_workbook(self.path, read_only=True, data_only=True)
        try:
            rows = book.worksheets[0].iter_rows(min_row=2, values_only=True)
            width, batch, next_row = len(self.headers), [], 2
            for values in rows:
                if any(v not in (None, "") for v in values[width:]):
                    raise IngestError(f"{self.path.name}: row {next_row + len(batch)} has more cells than "
                                      f"the header row; fix the row or add the missing header.")
                cells = [_cell_text(v) for v in values[:width]]
                batch.append(cells + [""] * (width - len(cells)))
                if len(batch) == self.chunk_rows:
                    yield self._frame(batch, next_row)
                    next_row, batch = next_row + len(batch), []
            if batch:
                yield self._frame(batch, next_row)
        finally:
            book.close()

    def _frame(self, batch: list[list[str]], first_row: int) -> pd.DataFrame:
        rows = range(first_row, first_row + len(batch))
        frame = pd.DataFrame(batch, columns=self.headers, index=rows, dtype=str)
        frame[ROW] = rows
        return frame


def _unique(headers: list[str]) -> list[str]:
    """Name blank headers and number repeated ones, as pandas does for CSV ('Unnamed: 3', 'x.1')."""
    seen: dict[str, int] = {}
    out = []
    for i, header in enumerate(headers):
        header = header or f"Unnamed: {i}"
        out.append(f"{header}.{seen[header]}" if header in seen else header)
        seen[header] = seen.get(header, 0) + 1
    return out


def read_headers(path: Path) -> tuple[list[str], str | None]:
    """The file's header row (trimmed) and its text encoding (None for XLSX)."""
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for a broken workbook
            raise IngestError(f"{path.name}: not a readable XLSX workbook ({exc}).") from None
        try:
            first = next(book.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        finally:
            book.close()
        headers = [_cell_text(v).strip() for v in first]
        while headers and not headers[-1]:
            headers.pop()
        return _unique(headers), None
    if suffix not in CSV_SUFFIXES:
        raise IngestError(f"{path.name}: only .csv and .xlsx files can be loaded.")
    encoding = detect_encoding(path)
    try:
        headers = list(pd.read_csv(path, encoding=encoding, dtype=str, nrows=0).columns)
    except pd.errors.EmptyDataError:
        headers = []
    return [str(h).strip() for h in headers], encoding


def open_source(path, table: str | None = None, profile=None,
                chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Source:
    """Open an export and check its headers; the table comes from the argument, profile or file name."""
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"{path}: no such file.")
    if table and profile is not None and table != profile.table:
        raise IngestError(f"{path.name}: profile '{profile.name}' feeds {profile.table}, not {table}.")
    name = table or (profile.table if profile is not None else contract.table_for_filename(path.stem))
    if name is None:
        raise IngestError(f"{path.name}: the file name does not say which table it holds; name it after "
                          f"a table ({', '.join(contract.TABLES)}) or pass the table explicitly.")
    if name not in contract.TABLES:
        raise IngestError(f"{path.name}: unknown table '{name}'; the contract has {', '.join(contract.TABLES)}.")
    headers, encoding = read_headers(path)
    if not any(headers):
        raise IngestError(f"{path.name}: the file is empty (no header row).")
    if profile is not None:
        mapping, extras = {}, profile.check_headers(headers, path.name)
    else:
        mapping, extras = map_headers(headers, contract.table(name), path.name)
    source = Source(path, name, headers, mapping, encoding, chunk_rows)
    if extras:
        source.warnings.append(f"{path.name}: ignored columns not in the {name} contract: {', '.join(extras)}")
    return source
