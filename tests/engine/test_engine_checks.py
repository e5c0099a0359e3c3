"""The engine path (engine_ingest: DuckDB checks a whole CSV) against the chunked path (pandas), file by file.

For every CSV of tests/fixtures/ingest and of the bad-input corpus, both paths load it into their own
warehouse (same reference data); the _ingest_log figures, the _quarantine lines (file, row, column,
value, reason), the quarantine CSV and the loaded table must be identical. The chunked path is the
reference the project has tested by hand for several sessions; the hand-counted cases below pin the
row numbers where the two could drift (a quoted multi-line cell, blank lines).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.engine.ingest_corpus import CASES, REFERENCE
from tests.engine.ingest_support import COMPLAINTS, csv_text

from svc_analysis.core import contract
from svc_analysis.engine import engine_ingest, warehouse as wh
from svc_analysis.engine.ingest import IngestError, ingest_files

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest"


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """A warehouse holding the corpus's reference data (outlets O001, O002, staff S001), copied per load."""
    folder = tmp_path_factory.mktemp("reference")
    paths = []
    for name, text in REFERENCE.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    ingest_files(paths, folder / "w.duckdb", progress=False)
    return folder / "w.duckdb"


def _warehouse(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REFERENCE_WAREHOUSE[0], folder / "w.duckdb")
    return folder / "w.duckdb"


REFERENCE_WAREHOUSE: list[Path] = []


@pytest.fixture(autouse=True)
def _reference_warehouse(reference):
    REFERENCE_WAREHOUSE[:] = [reference]


def _outcome(path: Path, folder: Path, engine: bool, options: list[str], taken: list | None = None) -> dict:
    """What one path made of the file: error sentence, or log figures, quarantine lines and CSV, table rows.
    ``taken`` (from _spy) is emptied once the reference data is in, so it then holds this file's call only."""
    warehouse = _warehouse(folder)
    if taken is not None:
        taken.clear()
    kwargs = {"encoding": options[1]} if options[:1] == ["--encoding"] else {}
    try:
        [report] = ingest_files([path], warehouse, progress=False, engine_checks=engine, **kwargs)
    except IngestError as exc:
        return {"error": str(exc)}
    con = wh.connect(warehouse, read_only=True)
    try:
        log = con.execute("SELECT rows_read, rows_loaded, rows_set_aside, rows_merged, rows_present, sha256 "
                          "FROM _ingest_log WHERE file = ?", [str(path.resolve())]).fetchall()
        lines = con.execute("SELECT file, table_name, row_number, column_name, value, reason FROM _quarantine "
                            "WHERE file = ? ORDER BY rowid", [str(path.resolve())]).fetchall()
        columns = ", ".join(f'"{c}"' for c in contract.table(report.table).column_names)
        rows = con.execute(f'SELECT {columns} FROM "{report.table}" ORDER BY ALL').fetchall()
    finally:
        con.close()
    quarantine = report.quarantine_file.read_bytes() if report.quarantine_file else None
    return {"log": log, "lines": lines, "quarantine": quarantine, "rows": rows, "warnings": report.warnings}


CSV_CASES = [c for c in CASES if c.id not in {"missing_file", "a_folder"} and not c.id.startswith("xlsx")]


# the files DuckDB cannot number or read as Excel does: refused or loaded by the chunked path
CHUNKED = {"mixed_newlines", "blank_lines_between", "short_row", "long_row", "two_cells_too_many", "unclosed_quote",
           "quote_closed_lines_later", "bad_byte_row_53", "bom_then_gbk"}


@pytest.mark.parametrize("case", CSV_CASES, ids=[c.id for c in CSV_CASES])
def test_corpus_file_same_on_both_paths(case, tmp_path, monkeypatch):
    path = case.build(tmp_path)
    taken = _spy(monkeypatch)
    engine = _outcome(path, tmp_path / "engine", True, case.options, taken)
    if taken:  # a file refused at its header never reaches either path
        assert (taken[-1] is None) == (case.id in CHUNKED), taken
    assert engine == _outcome(path, tmp_path / "chunked", False, case.options)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.csv")))
def test_fixture_same_on_both_paths(name, tmp_path):
    path = tmp_path / name
    shutil.copy(FIXTURES / name, path)
    options = []
    assert _outcome(path, tmp_path / "engine", True, options) == _outcome(path, tmp_path / "chunked", False, options)


def _spy(monkeypatch) -> list:
    """Records what engine_ingest.stage_csv returned (None: the chunked path took the file)."""
    taken, real = [], engine_ingest.stage_csv

    def spy(*args, **kwargs):
        taken.append(real(*args, **kwargs))
        return taken[-1]

    monkeypatch.setattr(engine_ingest, "stage_csv", spy)
    return taken


def test_multiline_cell_keeps_excel_row_numbers(tmp_path, monkeypatch):
    # Row 2 holds a description over three text lines; the complaint after it is spreadsheet row 3
    # (text line 5), and its channel 'fax' is not an allowed value: set aside as row 3, not 5.
    rows = [["M1", "2026-10-08 09:00", "热线", "O001", "服务态度", "1", "第一行\n第二行\n第三行"],
            ["M2", "2026-10-08 09:00", "fax", "O001", "服务态度", "1", ""],
            ["M3", "2026-10-08 09:00", "热线", "O009", "服务态度", "1", ""]]
    path = tmp_path / "complaints.csv"
    path.write_text(csv_text(COMPLAINTS + ["description"], rows), encoding="utf-8")
    taken = _spy(monkeypatch)
    got = _outcome(path, tmp_path / "w", True, [], taken)
    assert taken[0] is not None  # the engine path took it
    assert [(r, c) for _, _, r, c, _, _ in got["lines"]] == [(3, "channel"), (4, "outlet_id")]
    assert got["log"][0][:4] == (3, 1, 2, 0)  # 3 read, M1 loaded, M2 and M3 set aside


def test_blank_lines_take_the_chunked_path(tmp_path, monkeypatch):
    # Excel counts the blank line as row 3, so the bad score is row 4; DuckDB would skip the blank line.
    path = tmp_path / "ratings.csv"
    path.write_bytes(b"outlet_id,rated_at,score\nO001,2026-10-08 09:00,5\n\nO001,2026-10-08 09:00,9\n")
    taken = _spy(monkeypatch)
    got = _outcome(path, tmp_path / "w", True, [], taken)
    assert taken == [None]
    assert [(r, c) for _, _, r, c, _, _ in got["lines"]] == [(4, "score")]


def test_gbk_file_is_transcoded_and_takes_the_engine_path(tmp_path, monkeypatch):
    # Two complaints in GBK; the second has channel 传真 (fax, not allowed): row 3, value as written.
    rows = [["G1", "2026-10-08 09:00", "热线", "O001", "服务态度", "是"],
            ["G2", "2026-10-08 09:00", "传真", "O001", "服务态度", "否"]]
    path = tmp_path / "complaints.csv"
    path.write_bytes(csv_text(COMPLAINTS, rows).encode("gbk"))
    taken = _spy(monkeypatch)
    got = _outcome(path, tmp_path / "w", True, [], taken)
    assert taken[0] is not None
    assert [(r, c, v) for _, _, r, c, v, _ in got["lines"]] == [(3, "channel", "传真")]
    frame = pd.read_csv(io_of(got["quarantine"]), dtype=str, keep_default_na=False)
    assert frame["complaint_id"].tolist() == ["G2"]


def io_of(data: bytes):
    import io
    return io.BytesIO(data)


# canonical-looking traps for the engine path's fast lane (fast_checks; tests/engine/test_fast_checks.py)
TRAPS = ["O001,2026-10-01 09:23:35,4", "O001,2026-10-01 24:00:00,4", "O001,2026-10-1 09:24:00,4",
         "O001,2026-10-01 09:25:00.5,4", "O001,0000-01-01 00:00:00,4", "O001,2099-01-01 00:00:00,3",
         "O001,2026-10-01 09:26:00,04", "O001,2026-10-01 09:27:00,+4", "O001,2026-10-01 09:28:00,4.0",
         "O001,2026-10-01 09:29:00,6", "\" O001\",2026-10-01 09:30:00,5", "O001\u3000,2026-10-01 09:31:00,5",
         "O009,2026-10-01 09:33:00,3", "O001,2026-10-01 09:23:35,4", "O002,2026-10-01 09:34:00,2147483648"]


def test_fast_lane_traps_same_on_both_paths(tmp_path):
    path = tmp_path / "ratings_traps.csv"
    path.write_text("outlet_id,rated_at,score\n" + "\n".join(TRAPS) + "\n", encoding="utf-8")
    engine = _outcome(path, tmp_path / "engine", True, [])
    assert engine == _outcome(path, tmp_path / "chunked", False, [])
    # counted by hand (header = row 1): set aside 3 (24:00), 6 (year 0), 7 (2099), 11 (score 6), 14 (no
    # outlet O009), 16 (beyond INTEGER and 5); row 15 repeats row 2 (merged); the other 8 load
    assert engine["log"][0][:5] == (15, 8, 6, 1, 0)
    assert sorted({line[2] for line in engine["lines"]}) == [3, 6, 7, 11, 14, 16]


def test_full_width_digits_are_set_aside_alike_on_both_paths(tmp_path):
    # Python's \d matches full-width digits (２０２６) that no parser turns into a number: the chunked path
    # used to stop with a pandas ValueError on such a timestamp. Both paths now set the row aside alike.
    # By hand (header = row 1): row 2 full-width year in a slashed timestamp, row 3 full-width ISO
    # timestamp, row 4 Arabic-Indic year: set aside; row 5 is plain and loads.
    rows = ["O001,２０２６/10/1 9:00,4", "O001,２０２６-１０-０１ 09:00:00,4", "O001,٢٠٢٦-10-01 09:00:00,4",
            "O001,2026-10-01 09:00:00,4"]
    path = tmp_path / "ratings_full_width.csv"
    path.write_text("outlet_id,rated_at,score\n" + "\n".join(rows) + "\n", encoding="utf-8")
    engine = _outcome(path, tmp_path / "engine", True, [])
    assert engine == _outcome(path, tmp_path / "chunked", False, [])
    assert engine["log"][0][:4] == (4, 1, 3, 0)
    assert [(line[2], line[3]) for line in engine["lines"]] == [(2, "rated_at"), (3, "rated_at"), (4, "rated_at")]


def test_rows_keep_their_numbers_when_duckdb_reads_in_parallel(tmp_path, monkeypatch):
    # 600 000 ratings (about 20 MB): DuckDB reads such a file on several threads, and the staged rows
    # are numbered by their place in the table (engine_staging.stage). Planted by hand (header = row 1):
    # score 9 at row 2, score 0 at row 300 001, outlet O999 (no such outlet: found after staging) at
    # row 500 001, score x at the last row 600 001; rating id R1 at rows 520 001 and 550 001 with
    # different scores (a key clash: both found after staging, their cells printed back from the stage); row 450 001 is
    # entirely empty (keeps its number, not a row read). Rows 3 to 200 001 write their score as +N: the
    # full rules take them out of the stage and put them back typed, and the clashes are numbered after
    # that. Every other row is distinct and loads.
    n, start = 600_000, pd.Timestamp("2026-10-01")
    planted = {2: ("O001", "9", ""), 300_001: ("O001", "0", ""), 500_001: ("O999", "1", ""),
               520_001: ("O001", "2", "R1"), 550_001: ("O001", "3", "R1"), 600_001: ("O001", "x", "")}
    lines = ["outlet_id,rated_at,score,rating_id"]
    for row in range(2, n + 2):
        outlet, score, rating = planted.get(row, ("O001", ("+" if row <= 200_001 else "") + str(row % 5 + 1), ""))
        at = (start + pd.Timedelta(seconds=row)).strftime("%Y-%m-%d %H:%M:%S")
        lines.append(",,," if row == 450_001 else f"{outlet},{at},{score},{rating}")
    path = tmp_path / "ratings.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    taken = _spy(monkeypatch)
    got = _outcome(path, tmp_path / "w", True, [], taken)
    assert taken[0] is not None  # the engine path took it
    clash = "rating_id 在文件中重复出现且内容不同"
    assert [(r, c, v, why) for _, _, r, c, v, why in got["lines"] if why == clash] == [
        (520_001, "rating_id", "R1", clash), (550_001, "rating_id", "R1", clash)]
    assert [(r, c, v) for _, _, r, c, v, _ in got["lines"]] == [
        (2, "score", "9"), (300_001, "score", "0"), (500_001, "outlet_id", "O999"), (520_001, "rating_id", "R1"),
        (550_001, "rating_id", "R1"), (600_001, "score", "x")]
    assert got["log"][0][:4] == (n - 1, n - 7, 6, 0)


MANY = {  # three rows set aside for each of the engine path's reasons (by hand: rows 3, 4, 5)
    "missing_outlet": ("ratings.csv", "outlet_id,rated_at,score\n" + "O001,2026-10-08 09:00:00,5\n"
                       + "".join(f"O00{9 - i},2026-10-08 09:0{i}:00,4\n" for i in range(3))),
    "bad_score": ("ratings.csv", "outlet_id,rated_at,score\n" + "O001,2026-10-08 09:00:00,5\n"
                  + "".join(f"O001,2026-10-08 09:0{i}:00,{6 + i}\n" for i in range(3))),
    "key_clash": ("complaints.csv", csv_text(COMPLAINTS, [
        ["K1", "2026-10-08 09:00", "热线", "O001", "服务态度", "是"],
        ["K2", "2026-10-08 09:00", "热线", "O001", "服务态度", "是"],
        ["K2", "2026-10-08 10:00", "热线", "O001", "服务态度", "是"],
        ["K2", "2026-10-08 11:00", "热线", "O001", "服务态度", "是"]])),
}


@pytest.mark.parametrize("reason", sorted(MANY))
@pytest.mark.parametrize("limit", [2, 3])
def test_more_rows_to_set_aside_than_held_in_memory_take_the_chunked_path(reason, limit, tmp_path, monkeypatch):
    # The engine path holds the rows it sets aside in memory; over MAX_SET_ASIDE (here 2) the chunked
    # path, which writes them chunk by chunk, takes the file; at the limit (3 of 3) the engine path keeps it.
    name, text = MANY[reason]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(engine_ingest, "MAX_SET_ASIDE", limit)
    taken = _spy(monkeypatch)
    engine = _outcome(path, tmp_path / "engine", True, [], taken)
    assert (taken[0] is None) == (limit == 2)
    assert engine == _outcome(path, tmp_path / "chunked", False, [])
    assert engine["log"][0][:3] == (4, 1, 3)  # 4 read, row 2 loaded, rows 3 to 5 set aside
    assert sorted({line[2] for line in engine["lines"]}) == [3, 4, 5]


def test_the_operators_guide_names_the_limit_the_code_uses():
    from svc_analysis.core import config

    text = (config.DOCS_DIR / "ingest.md").read_text(encoding="utf-8")
    assert f"more than {engine_ingest.MAX_SET_ASIDE:,} rows to set aside" in text


TICKETS = ["ticket_id", "outlet_id", "taken_at", "called_at", "finished_at", "business_type"]


@pytest.mark.parametrize("extra", [False, True])
def test_key_clash_cells_are_printed_back_unless_a_column_is_outside_the_contract(extra, tmp_path, monkeypatch):
    # By hand (header = row 1): ticket A1 at O001 09:00 twice with different business types (rows 2, 4:
    # a clash, both set aside; row 4 has no call time), A2 loads. Every cell of these fast-lane rows is
    # written as DuckDB prints its value, so their cells come from the stage; with a column outside the
    # contract (备注) they cannot, and the file is read once more. Both ways as the chunked path reports.
    rows = [["A1", "O001", "2026-10-08 09:00:00", "2026-10-08 09:05:00", "2026-10-08 09:10:00", "现金存取"],
            ["A2", "O001", "2026-10-08 09:01:00", "2026-10-08 09:06:00", "2026-10-08 09:11:00", "对公业务"],
            ["A1", "O001", "2026-10-08 09:00:00", "", "2026-10-08 09:10:00", "对公业务"]]
    header = TICKETS + (["备注"] if extra else [])
    path = tmp_path / "tickets.csv"
    path.write_text(csv_text(header, [r + (["x"] if extra else []) for r in rows]), encoding="utf-8")
    reads, real = [], engine_ingest.text.numbered_scan
    monkeypatch.setattr(engine_ingest.text, "numbered_scan", lambda *a: reads.append(1) or real(*a))
    taken = _spy(monkeypatch)
    engine = _outcome(path, tmp_path / "engine", True, [], taken)
    assert taken[0] is not None and bool(reads) == extra
    assert engine == _outcome(path, tmp_path / "chunked", False, [])
    assert engine["log"][0][:3] == (3, 1, 2)
    assert [(r, v) for _, _, r, _, v, _ in engine["lines"]] == [(2, "A1 / O001 / 2026-10-08 09:00:00"),
                                                              (4, "A1 / O001 / 2026-10-08 09:00:00")]
