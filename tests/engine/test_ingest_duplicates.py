"""Exact duplicates, re-loads and the optional rating_id (issue 14, ratings): what ingest counts and says.

Every expected figure is counted by hand from the rows the test writes (the comments say how).
Rule (docs/ingest.md section 5): rows read = rows loaded + rows set aside + duplicates merged; a
re-load of the same file reports the same figures with all of its rows already present, and the
per-table view counts each file by its latest load only.
"""

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from svc_analysis.engine import bookkeeping, engine_ingest
from svc_analysis.engine import warehouse as wh
from svc_analysis.engine.ingest import ingest_files
from svc_analysis.pack.cli import main

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
REFERENCE = [FIX / "outlets.csv", FIX / "staff_bom.csv"]  # outlets O001, O002, O003
HEADER = "outlet_id,rated_at,score,staff_id"
A, B, C = "O001,2026-10-08 09:00,5,", "O001,2026-10-08 09:05,3,", "O002,2026-10-08 09:10,4,"
PAIRS = [A, A, B, B, C]  # 5 ratings, two exact duplicate pairs: 3 distinct, 2 merged


@pytest.fixture
def w(tmp_path):
    path = tmp_path / "w.duckdb"
    ingest_files(REFERENCE, warehouse=path, progress=False)
    return path


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _figures(report):
    return (report.rows_read, report.rows_loaded, report.rows_set_aside, report.rows_merged, report.rows_present,
            report.rows_in_table)


def _loaded(w, table="ratings"):
    con = wh.connect(w, read_only=True)
    try:
        return bookkeeping.table_rows(con, [table]).iloc[0].to_dict(), bookkeeping.ingested_files(con)
    finally:
        con.close()


def test_exact_duplicates_are_merged_counted_and_a_reload_adds_nothing(w, tmp_path):
    path = _write(tmp_path / "ratings.csv", HEADER, PAIRS)
    [first] = ingest_files([path], warehouse=w, progress=False)
    # read 5 = loaded 3 (A, B, C) + set aside 0 + merged 2 (the second A, the second B); table holds 3
    assert _figures(first) == (5, 3, 0, 2, 0, 3)
    [again] = ingest_files([path], warehouse=w, progress=False)
    # the same file again: the same 3 loaded and 2 merged, all 3 already present; still 3 rows
    assert _figures(again) == (5, 3, 0, 2, 3, 3)
    table, files = _loaded(w)
    # per table each file counts by its latest load: merged 2, not 2 + 2; read 5 = 3 + 0 + 2 + 0
    assert table == {"table": "ratings", "rows_in_warehouse": 3, "rows_merged": 2, "rows_set_aside": 0,
                     "rows_read": 5, "rows_overlap": 0, "files": 1}
    ratings = files[files["table"] == "ratings"]
    assert ratings[["rows_read", "rows_loaded", "rows_present", "rows_merged", "unaccounted"]].values.tolist() == [
        [5, 3, 3, 2, 0], [5, 3, 0, 2, 0]]  # newest first: the re-load, then the first load

    other = _write(tmp_path / "ratings_more.csv", HEADER, [A, "O002,2026-10-08 09:20,2,"])
    [more] = ingest_files([other], warehouse=w, progress=False)
    assert _figures(more) == (2, 2, 0, 0, 1, 4)  # A was there already (present), the other is new: 4 rows
    table, _ = _loaded(w)
    # two files: read 5 + 2 = 7 = 4 in the warehouse + 0 set aside + 2 merged + 1 (A, in both files)
    assert (table["rows_in_warehouse"], table["rows_merged"], table["rows_read"], table["rows_overlap"],
            table["files"]) == (4, 2, 7, 1, 2)


def test_svc_ingest_prints_merged_rows_and_the_table_count(w, tmp_path):
    path = _write(tmp_path / "ratings.csv", HEADER, PAIRS)
    args = ["ingest", "--warehouse", str(w), "--quiet", str(path)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        f"{path}：评价表，读取 5 行，导入 3 行，另放 0 行，合并重复 2 行",
        "  文件中与另一行完全相同的 2 行只存一份",
        "  评价表现有 3 行"]
    again = CliRunner().invoke(main, args)
    assert again.output.splitlines()[2:] == [
        "  导入的行中 3 行此前已在仓库中，按编号更新或原样保留，不重复写入",
        "  评价表现有 3 行"]


def test_rating_id_keys_a_rating_as_complaint_id_keys_a_complaint(w, tmp_path):
    header = HEADER + ",rating_id"
    path = _write(tmp_path / "ratings.csv", header, [
        A + ",R1", "O001,2026-10-08 09:00,4,,R1",  # R1 twice with different scores: both set aside (as K1)
        A + ",R2", A + ",R2",  # R2 twice identical: stored once, one merged (as K2)
        A + ","])  # no id: the whole row is its identity (different from R2's row by the id)
    [report] = ingest_files([path], warehouse=w, progress=False)
    assert _figures(report) == (5, 2, 2, 1, 0, 2)  # 5 = 2 loaded (R2, the row without id) + 2 + 1
    lines = pd.read_csv(report.quarantine_file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert lines[["rating_id", "score", "_row", "_column", "_reason"]].values.tolist() == [
        ["R1", "5", "2", "rating_id", "rating_id 在文件中重复出现且内容不同"],
        ["R1", "4", "3", "rating_id", "rating_id 在文件中重复出现且内容不同"]]

    fix = _write(tmp_path / "ratings_fix.csv", "网点编号,评价时间,评价分值,评价编号",  # the Chinese header
                 ["O001,2026-10-08 09:00,3,R2", "O001,2026-10-08 09:00,4,R1"])
    [corrected] = ingest_files([fix], warehouse=w, progress=False)
    assert _figures(corrected) == (2, 2, 0, 0, 1, 3)  # R2 replaced (present), R1 new: 3 rows
    con = wh.connect(w, read_only=True)
    try:
        assert con.execute("SELECT rating_id, score FROM ratings ORDER BY rating_id NULLS LAST").fetchall() == [
            ("R1", 4), ("R2", 3), (None, 5)]
    finally:
        con.close()


def test_rating_id_clash_across_chunks_is_set_aside_too(w, tmp_path):
    # chunks of 2 rows: R1's two versions land in different chunks (rows 2 and 4)
    path = _write(tmp_path / "ratings.csv", HEADER + ",rating_id",
                  [A + ",R1", B + ",R3", "O001,2026-10-08 09:00,1,,R1", B + ",R3"])
    [report] = ingest_files([path], warehouse=w, chunk_rows=2, progress=False)
    assert _figures(report) == (4, 1, 2, 1, 0, 1)  # R1 twice differently: set aside; R3 twice: 1 loaded, 1 merged


# Plain rows take the engine's fast lane; a row written otherwise (no seconds, a space around a cell)
# is typed by the full rules afterwards (engine_ingest._recheck). Typed alike, the two are one rating.
PLAIN = "O001,2026-10-08 09:00:00,5,"
MIXED = [PLAIN, "O001,2026-10-08 09:00,5,",  # row 3: the same rating without seconds: merged with row 2
         " O002,2026-10-08 09:10:00,4,",  # row 4: a space before the outlet: O002, loaded
         "O002,2026-10-08 09:10:00,9,",  # row 5: score 9 above 5: set aside
         "O003,2026-10-08 09:20:00,3,"]  # row 6: plain, loaded


@pytest.mark.parametrize("engine", [True, False], ids=["engine", "chunked"])
def test_a_plain_row_and_its_twin_written_otherwise_merge_on_both_paths(w, tmp_path, engine, monkeypatch):
    path = _write(tmp_path / "ratings.csv", HEADER, MIXED)
    staged = _spy(monkeypatch)
    [report] = ingest_files([path], warehouse=w, progress=False, engine_checks=engine)
    assert [s is not None for s in staged] == ([True] if engine else [])  # the engine path took the file
    # read 5 = loaded 3 (rows 2, 4, 6) + set aside 1 (row 5) + merged 1 (row 3, the twin of row 2)
    assert _figures(report) == (5, 3, 1, 1, 0, 3)
    lines = pd.read_csv(report.quarantine_file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert lines[["_row", "_column", "score"]].values.tolist() == [["5", "score", "9"]]
    con = wh.connect(w, read_only=True)
    try:
        assert con.execute("SELECT outlet_id, strftime(rated_at, '%H:%M:%S'), score FROM ratings ORDER BY 1"
                           ).fetchall() == [("O001", "09:00:00", 5), ("O002", "09:10:00", 4), ("O003", "09:20:00", 3)]
    finally:
        con.close()


@pytest.mark.parametrize("engine", [True, False], ids=["engine", "chunked"])
def test_rating_id_twins_across_the_lanes_merge_by_key_on_both_paths(w, tmp_path, engine, monkeypatch):
    staged = _spy(monkeypatch)
    path = _write(tmp_path / "ratings.csv", HEADER + ",rating_id", [
        PLAIN + ",R1", "O001,2026-10-08 09:00,5,, R1",  # rows 2-3: R1 plain, then R1 with no seconds and a
        "O002,2026-10-08 09:10:00,4,,", "O002,2026-10-08 09:10:00,4,,",  # space: one rating; rows 4-5: no id,
        "O003,2026-10-08 09:20:00,3,,R2"])  # the same whole row twice: one rating; row 6: R2
    [report] = ingest_files([path], warehouse=w, progress=False, engine_checks=engine)
    # read 5 = loaded 3 (R1, the row without id, R2) + set aside 0 + merged 2 (row 3 by key, row 5 by whole row)
    assert _figures(report) == (5, 3, 0, 2, 0, 3)
    assert report.quarantine_file is None
    assert [s is not None for s in staged] == ([True] if engine else [])


def _spy(monkeypatch) -> list:
    """What engine_ingest.stage_csv returned for each file (None: handed to the chunked path)."""
    taken, real = [], engine_ingest.stage_csv
    monkeypatch.setattr(engine_ingest, "stage_csv", lambda *a, **k: taken.append(real(*a, **k)) or taken[-1])
    return taken
