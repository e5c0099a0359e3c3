"""Write sample tables in the contract's file formats, deliberately varied to exercise ingest.

Every file holds the contract columns the generator produced, in contract order (hidden ``_``
columns are dropped). Formats (FILES): most tables are UTF-8 CSV with English headers; outlets is
UTF-8 with a BOM, Chinese headers (Column.zh[0]), Chinese enum values (the first alias) and 是/否
booleans, as an HR system saves it from Excel; staff has Chinese headers and values without BOM;
complaints is 投诉.csv in GB18030 with Chinese headers and values; inspections is an XLSX with
real date cells. Timestamps are written ``YYYY-MM-DD HH:MM:SS``, dates ``YYYY-MM-DD``.

The two big tables (tickets, ratings) are streamed month by month through pyarrow's CSV writer.
Output is byte-identical for identical input (no time stamps in CSV files).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from svc_analysis.core import contract, schema

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class FileSpec:
    stem: str
    suffix: str = ".csv"
    chinese: bool = False  # Chinese headers, enum values and booleans
    encoding: str = "utf-8"  # utf-8 | utf-8-sig (with BOM) | gb18030


FILES: dict[str, FileSpec] = {
    "outlets": FileSpec("outlets", chinese=True, encoding="utf-8-sig"),
    "staff": FileSpec("staff", chinese=True),
    "star_ratings": FileSpec("star_ratings"),
    "skill_tests": FileSpec("skill_tests"),
    "complaints": FileSpec("投诉", chinese=True, encoding="gb18030"),
    "praises": FileSpec("praises"),
    "ratings": FileSpec("ratings"),
    "surveys": FileSpec("surveys"),
    "tickets": FileSpec("tickets"),
    "inspections": FileSpec("inspections", suffix=".xlsx", chinese=True),
    "campaign_actuals": FileSpec("campaign_actuals"),
    "report_submissions": FileSpec("report_submissions"),
}


def path_for(out_dir: Path, table: str) -> Path:
    spec = FILES[table]
    return Path(out_dir) / f"{spec.stem}{spec.suffix}"


def _columns(table: str, present) -> list[schema.Column]:
    return [c for c in contract.table(table).columns if c.name in present]


def _bool_words(chinese: bool) -> tuple[str, str]:
    """(true, false) words the contract accepts: 是/否 or 1/0."""
    return ("是", "否") if chinese else (schema.TRUE_WORDS[0], schema.FALSE_WORDS[0])


def _text(value, col: schema.Column, chinese: bool) -> str | None:
    """One value as the source system would print it (None stays empty)."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if col.type == schema.BOOL:
        yes, no = _bool_words(chinese)
        return yes if value else no
    if col.type == schema.TIMESTAMP:
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")
    if col.type == schema.DATE:
        return f"{value:%Y-%m-%d}"
    if col.values and chinese:
        return col.values[value][0]
    if col.type == schema.FLOAT:
        return f"{float(value):.4f}".rstrip("0").rstrip(".")
    return str(value)


def text_frame(table: str, frame: pd.DataFrame, chinese: bool) -> pd.DataFrame:
    """The frame as export text: contract columns only, formatted, headers English or Chinese."""
    cols = _columns(table, frame.columns)
    out = pd.DataFrame({
        (c.zh[0] if chinese else c.name): pd.Series([_text(v, c, chinese) for v in frame[c.name].tolist()],
                                                    dtype=object)
        for c in cols})
    return out


def write_frame(out_dir: Path, table: str, frame: pd.DataFrame) -> Path:
    """Write a whole (small) table in its FILES format; returns the path."""
    spec, path = FILES[table], path_for(out_dir, table)
    if spec.suffix == ".xlsx":
        _write_xlsx(path, table, frame, spec.chinese)
        return path
    text = text_frame(table, frame, spec.chinese).to_csv(index=False, lineterminator="\n")
    path.write_bytes(text.encode(spec.encoding))
    return path


def _write_xlsx(path: Path, table: str, frame: pd.DataFrame, chinese: bool) -> None:
    cols = _columns(table, frame.columns)
    book = openpyxl.Workbook(write_only=True)
    book.properties.created = book.properties.modified = datetime(2000, 1, 1)
    sheet = book.create_sheet(contract.table(table).zh[0] if chinese else table)
    sheet.append([c.zh[0] if chinese else c.name for c in cols])
    for row in frame[[c.name for c in cols]].itertuples(index=False):
        cells = []
        for value, col in zip(row, cols):
            if col.type in (schema.DATE, schema.FLOAT, schema.INT) and isinstance(value, (date, int, float)):
                cells.append(value)  # real date and number cells, as Excel holds them
            else:
                cells.append(_text(value, col, chinese))
        sheet.append(cells)
    book.save(path)


class StreamWriter:
    """Append pyarrow tables (same columns each time) to one CSV file; English headers, UTF-8."""

    def __init__(self, out_dir: Path, table: str):
        spec = FILES[table]
        if spec.suffix != ".csv" or spec.chinese or spec.encoding == "gb18030":
            raise ValueError(f"{table}: streaming writes plain UTF-8 CSV only")
        self.table, self.path = table, path_for(out_dir, table)
        self._bom = spec.encoding == "utf-8-sig"
        self._file = None
        self._writer: pacsv.CSVWriter | None = None
        self.rows = 0

    def __enter__(self) -> StreamWriter:
        self._file = open(self.path, "wb")
        if self._bom:
            self._file.write(BOM)
        return self

    def write(self, data: pa.Table) -> None:
        names = [c.name for c in _columns(self.table, data.column_names)]
        data = data.select(names)
        if self._writer is None:
            self._schema = data.schema
            self._writer = pacsv.CSVWriter(self._file, self._schema)
        self._writer.write_table(data.cast(self._schema))
        self.rows += data.num_rows

    def __exit__(self, *exc) -> None:
        if self._writer is not None:
            self._writer.close()
        self._file.close()
