"""Builders for the bad-input corpus (tests/engine/ingest_corpus.py): files written from Python into a tmp dir,
no binary fixtures committed (not a test module)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from svc_analysis.core import contract
from svc_analysis.engine import warehouse as wh

RATINGS = ["outlet_id", "rated_at", "score", "staff_id"]
GOOD = ["O001", "2026-10-08 09:00", "5", ""]
COMPLAINTS = ["complaint_id", "received_at", "channel", "outlet_id", "category", "responsible"]
CAMPAIGN = ["kpi_id", "unit_id", "month", "value"]
REFERENCE = {
    "outlets.csv": "outlet_id,outlet_name,subbranch,branch,outlet_type\nO001,城东网点,城东支行,一分行,综合网点\n"
                   "O002,城西网点,城西支行,一分行,standard\n",
    "staff.csv": "staff_id,outlet_id,role,hired_on\nS001,O001,柜员,2015-03-01\n",
}


def csv_text(header: list[str], rows: list[list[str]], newline: str = "\n") -> str:
    """CSV text with minimal quoting (a cell with a comma, quote or line break is quoted)."""
    def cell(value: str) -> str:
        return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in ',"\n\r') else value
    return "".join(",".join(cell(v) for v in row) + newline for row in [header, *rows])


@dataclass
class Case:
    """One corpus file: ``build(dir) -> path``; expectations for `svc ingest` on it."""

    id: str
    build: Callable[[Path], Path]
    exit_code: int
    sentence: str  # must appear in the output, or in the reasons of the rows set aside
    rows: int | None = None  # data rows really in the file (None: refused, nothing loaded)
    set_aside: int = 0
    options: list[str] = field(default_factory=list)
    merged: int = 0  # good rows that repeat another row of the file exactly: stored once


def csv_file(name: str, header, rows, encoding="utf-8", newline="\n", bom=b"") -> Callable[[Path], Path]:
    """A builder writing a CSV of ``rows`` in ``encoding``, after an optional BOM."""
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(bom + csv_text(header, rows, newline).encode(encoding))
        return path
    return build


def raw_file(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path
    return build


def xlsx_file(name: str, sheets: dict[str, list[list]], merge: str | None = None, cut: bool = False
          ) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        book = Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
            if merge and title == next(iter(sheets)):
                sheet.merge_cells(merge)
        path = folder / name
        book.save(path)
        if cut:
            cut_first_sheet(path)
        return path
    return build


def cut_first_sheet(path: Path) -> None:
    """Keep the zip valid but cut xl/worksheets/sheet1.xml in the middle of its rows."""
    with zipfile.ZipFile(path) as src:
        items = {i.filename: src.read(i.filename) for i in src.infolist()}
    sheet = items["xl/worksheets/sheet1.xml"]
    items["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) * 2 // 3]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as dst:
        for filename, data in items.items():
            dst.writestr(filename, data)
    path.write_bytes(buffer.getvalue())


def a_folder(folder: Path) -> Path:
    """A folder named like an export (svc ingest must say it is not a file)."""
    (folder / "ratings_folder.csv").mkdir(exist_ok=True)
    return folder / "ratings_folder.csv"


@pytest.fixture
def con(tmp_path):
    """An empty warehouse with the contract's schema (import the fixture into a test module)."""
    connection = wh.connect(tmp_path / "w.duckdb")
    wh.ensure_schema(connection)
    yield connection
    connection.close()


def stage(con, name, rows):
    """Stage typed rows (lists in contract column order), indexed by row number from 2 as a file's rows."""
    frame = pd.DataFrame(rows, columns=contract.table(name).column_names, index=range(2, 2 + len(rows)))
    wh.create_staging(con, name)
    wh.stage_frame(con, name, frame.rename_axis("_row"))


def tables_seen(monkeypatch, module, names: tuple[str, ...]) -> list[tuple[str, bool]]:
    """(table, temporary) of each of ``names`` that exists after each statement ``module`` runs
    through its ``wh.run``, filled while the test goes on: whether scratch tables are TEMP ones."""
    seen, run = [], module.wh.run

    def watch(c, sql, params=None):
        result = run(c, sql, params)
        seen.extend(c.execute("SELECT table_name, temporary FROM duckdb_tables() WHERE table_name IN "
                              f"({', '.join('?' for _ in names)})", list(names)).fetchall())
        return result

    monkeypatch.setattr(module.wh, "run", watch)
    return seen
