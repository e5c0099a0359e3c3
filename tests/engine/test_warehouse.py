"""warehouse: connection settings, schema, emptiness, staging, quarantine and log tables (upsert: test_upsert.py)."""

from pathlib import Path

import pandas as pd
import pytest

from svc_analysis.core import config
from svc_analysis.core import contract
from svc_analysis.engine import warehouse as wh
from tests.engine.ingest_support import con, stage  # noqa: F401  (con: the shared fixture)


_stage = stage


def test_connect_applies_memory_threads_and_spill_dir(tmp_path):
    con = wh.connect(tmp_path / "w.duckdb", memory_limit="256MB", threads=1)
    try:
        settings = dict(con.execute("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                    "('memory_limit', 'threads', 'temp_directory')").fetchall())
    finally:
        con.close()
    assert settings["threads"] == "1"
    assert settings["memory_limit"] in ("256.0 MiB", "244.1 MiB")  # DuckDB prints MB as MiB
    assert settings["temp_directory"] == str(config.spill_dir(tmp_path / "w.duckdb"))


def test_ingest_works_within_its_own_memory_limit(tmp_path, monkeypatch):
    """Ingest's DuckDB holds at most 384 MB (warehouse.INGEST_MEMORY_LIMIT) and spills beyond it, so a
    file four times larger does not need four times the memory (issue 17)."""
    from svc_analysis.engine import ingest

    seen, real = [], wh.connect

    def spy(*args, **kwargs):
        con = real(*args, **kwargs)
        seen.append(con.execute("SELECT value FROM duckdb_settings() WHERE name = 'memory_limit'").fetchone()[0])
        return con

    monkeypatch.setattr(ingest.wh, "connect", spy)
    outlets = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "outlets.csv"
    ingest.ingest_files([outlets], tmp_path / "w.duckdb", progress=False)
    assert seen == ["366.2 MiB"]  # 384 MB = 384,000,000 bytes = 366.21 MiB, as DuckDB prints it


def test_read_only_needs_an_existing_warehouse(tmp_path):
    with pytest.raises(FileNotFoundError, match="no warehouse at"):
        wh.connect(tmp_path / "none.duckdb", read_only=True)
    with pytest.raises(FileNotFoundError):
        wh.ibis_connect(tmp_path / "none.duckdb")


def test_schema_has_every_contract_table_with_contract_types_and_no_keys(con):
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == set(contract.TABLES) | {"_ingest_log", "_quarantine"}
    types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() "
                             "WHERE table_name = 'complaints'").fetchall())
    assert types["received_at"] == "TIMESTAMP" and types["responsible"] == "BOOLEAN"
    assert types["complaint_id"] == "VARCHAR"
    ordered = [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'surveys' "
                                         "ORDER BY column_index").fetchall()]
    assert ordered == contract.table("surveys").column_names
    assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
                       ).fetchone()[0] == 0


def test_ensure_schema_is_idempotent_and_adds_columns_the_contract_gained(con):
    # a warehouse made before ratings gained rating_id (issue 14), and before _ingest_log counted merged rows
    con.execute("ALTER TABLE ratings DROP COLUMN rating_id")
    con.execute("ALTER TABLE _ingest_log DROP COLUMN rows_merged; ALTER TABLE _ingest_log DROP COLUMN rows_present")
    wh.ensure_schema(con)
    wh.ensure_schema(con)
    columns = [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'ratings' "
                                         "ORDER BY column_index").fetchall()]
    assert columns == ["outlet_id", "rated_at", "score", "staff_id", "rating_id"] == contract.table("ratings").column_names
    log = [r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = '_ingest_log' "
                                     "ORDER BY column_index").fetchall()]
    assert log == list(wh.BOOKKEEPING["_ingest_log"])


def test_is_empty(tmp_path):
    path = tmp_path / "w.duckdb"
    assert wh.is_empty(path)  # no file
    con = wh.connect(path)
    assert wh.is_empty(path)  # file without tables, asked while this process holds a writer
    con.close()
    assert wh.is_empty(path)
    con = wh.connect(path)
    wh.ensure_schema(con)
    con.close()
    assert wh.is_empty(path)  # tables, no outlets
    con = wh.connect(path)
    con.execute("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type) "
                "VALUES ('O1', 'n', 's', 'b', 'standard')")
    con.close()
    assert not wh.is_empty(path)


def test_ibis_connect_reads_the_warehouse(tmp_path, con):
    con.execute("INSERT INTO ratings VALUES ('O1', '2024-10-08 09:00', 5, NULL, NULL), ('O1', '2024-10-08 09:01', 3, NULL, NULL)")
    con.close()
    backend = wh.ibis_connect(tmp_path / "w.duckdb")
    try:
        assert backend.table("ratings").score.sum().execute() == 8
    finally:
        backend.disconnect()


def test_quarantine_and_log_tables(con):
    rejects = pd.DataFrame({"file": ["r.csv"], "row_number": [3], "column": ["score"], "value": ["9"],
                            "reason": ["outside 1–5"]})
    wh.add_quarantine(con, rejects, "ratings", "/x/r.csv", "/q/ratings/r.csv")
    assert con.execute("SELECT file, table_name, row_number, column_name, value, reason, quarantine_file "
                       "FROM _quarantine").fetchall() == [
        ("/x/r.csv", "ratings", 3, "score", "9", "outside 1–5", "/q/ratings/r.csv")]
    wh.add_quarantine(con, rejects, "ratings", "/y/r.csv", "/q/ratings/r-other.csv")  # same name, other folder
    assert wh.clear_quarantine(con, "ratings", "/x/r.csv") == ["/q/ratings/r.csv"]
    assert con.execute("SELECT file FROM _quarantine").fetchall() == [("/y/r.csv",)]
    assert wh.clear_quarantine(con, "complaints", "/y/r.csv") == []  # keyed on file and table
    wh.log_ingest(con, file="/x/r.csv", sha256="ab", table_name="ratings", rows_read=4, rows_loaded=2,
                  rows_set_aside=1, rows_merged=1, rows_present=0)
    assert con.execute("SELECT file, profile, rows_read, rows_loaded, rows_set_aside, rows_merged, rows_present "
                       "FROM _ingest_log").fetchall() == [("/x/r.csv", None, 4, 2, 1, 1, 0)]


def test_engine_is_an_ibis_backend_over_the_same_connection(tmp_path):
    con = wh.connect(tmp_path / "w.duckdb")
    wh.ensure_schema(con)
    con.execute("INSERT INTO ratings VALUES ('O1', '2026-10-01 09:00:00', 5, NULL, NULL), "
                "('O1', '2026-10-02 09:00:00', 3, NULL, NULL), ('O2', '2026-10-02 10:00:00', 4, NULL, NULL)")
    ib = wh.engine(con)
    assert wh.engine(con) is ib  # reused
    r = ib.table("ratings")
    out = r.group_by("outlet_id").agg(n=r.count(), satisfied=(r.score >= 4).sum()).order_by("outlet_id").to_pandas()
    assert out.values.tolist() == [["O1", 2, 1], ["O2", 1, 1]]


def test_engine_runs_after_an_unfinished_execute(tmp_path):
    con = wh.connect(tmp_path / "w.duckdb")
    wh.ensure_schema(con)
    con.execute("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type) "
                "VALUES ('O1', 'a', 's', 'b', 'standard')")
    outlets = wh.engine(con).table("outlets")
    assert outlets.count().to_pandas() == 1
    assert con.execute("SELECT * FROM outlets").fetchone()[0] == "O1"  # leaves the result unfinished
    assert wh.engine(con).table("outlets").count().to_pandas() == 1


def test_limit_memory_holds_for_later_connections_with_the_usual_settings(tmp_path):
    """svc report's own process lowers its DuckDB cache after opening the warehouse; the
    connections its preflight and workbook open later with the usual settings share the lower
    limit instead of being refused (issue 17: the pack's memory must not grow with the data)."""
    path = tmp_path / "w.duckdb"
    wh.connect(path).close()
    held = wh.connect(path, read_only=True)
    try:
        wh.limit_memory(held, "128MB")
        later = wh.connect(path, read_only=True)
        limit = later.execute("SELECT value FROM duckdb_settings() WHERE name = 'memory_limit'").fetchone()[0]
        later.close()
    finally:
        held.close()
    assert limit == "122.0 MiB"  # 128 MB = 128,000,000 bytes = 122.07 MiB, as DuckDB prints it
