"""The DuckDB warehouse: connection, schema, staging and upsert, ingest log, quarantine table, Ibis.

Layout (docs/architecture.md "Warehouse layout"): one table per contract table, columns exactly
the contract's, DuckDB types from schema.DUCKDB_TYPES, and no PRIMARY KEY constraints (on 50 M
rows the index would cost GBs; keys are enforced by ingest instead). Two bookkeeping tables:
_ingest_log and _quarantine.

Moving staged rows into the tables (re-loading, keys, what was merged) is engine.upsert.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from svc_analysis.core import config, contract, schema
# Opening the file (wait for a holder, refuse a damaged file, spill where writable): warehouse_file.
from svc_analysis.engine.warehouse_file import (  # noqa: F401  (the warehouse's public API)
    DEFAULT_MEMORY_LIMIT, DEFAULT_THREADS, INGEST_MEMORY_LIMIT, REPORT_MEMORY_LIMIT, WarehouseDamaged, WarehouseError,
    check_intact, connect, ibis_connect, limit_memory, writable_spill_dir)

ROW = "_row"
# A staged row's spreadsheet row. The chunked path stores it in _row; the engine path stages the file's
# records in file order without that column (every column stored costs about 0.75 s per 34 M rows),
# so there it is the row's place in the staging table (rowid + 2, engine_staging.stage), which holds
# inside the transaction reading it. staged_row() gives the one that applies to a staging table.
STAGED_ROW = f'"{ROW}"'
PLACE_ROW = "rowid + 2"
_V, _B, _T = "VARCHAR", "BIGINT", "TIMESTAMP"
BOOKKEEPING = {
    # rows_merged, rows_present: added later, so last (empty on lines logged before: read as 0)
    "_ingest_log": {"file": _V, "sha256": _V, "table_name": _V, "profile": _V, "rows_read": _B,
                    "rows_loaded": _B, "rows_set_aside": _B, "started_at": _T, "finished_at": _T,
                    "rows_merged": _B, "rows_present": _B},
    "_quarantine": {"file": _V, "table_name": _V, "row_number": _B, "column_name": _V, "value": _V,
                    "reason": _V, "quarantine_file": _V, "ingested_at": _T},
}


def run(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[tuple]:
    """Execute and fetch to the end: DuckDB 2.0 refuses register/unregister/commit on a connection
    with an unfinished result (PITFALLS.md), even an INSERT's row count."""
    return con.execute(sql, params).fetchall()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params=None):
    return run(con, sql, params)[0][0]



def engine(con: duckdb.DuckDBPyConnection):
    """The Ibis backend over an open DuckDB connection: event-table queries are written once in Ibis.

    Analysis functions take the notebook's duckdb connection and build their expressions on this
    backend; the same expressions can later run on another Ibis backend (e.g. Spark) unchanged.
    The backends of the last few connections are kept, so a notebook's table cache is reused.
    An Ibis backend given instead of a connection (e.g. spark_engine.connect) is returned as it is.
    """
    import ibis

    if not isinstance(con, duckdb.DuckDBPyConnection):
        return con

    backend = _ENGINES.get(id(con))
    if backend is None or backend.con is not con:
        backend = _ENGINES[id(con)] = ibis.duckdb.from_connection(con)
        while len(_ENGINES) > _ENGINES_KEPT:  # do not keep every test's connection alive
            _ENGINES.pop(next(iter(_ENGINES)))
    # duckdb 2.0 refuses relational work (what Ibis runs) while an execute() result is unfinished,
    # e.g. after .fetchone(): run it to its end first (a no-op when nothing is pending)
    con.complete()
    return backend


_ENGINES: dict[int, object] = {}
_ENGINES_KEPT = 4


def column_types(name: str) -> dict[str, str]:
    """Contract column -> DuckDB type, in contract order."""
    return {c.name: schema.DUCKDB_TYPES[c.type] for c in contract.table(name).columns}


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every contract table and the bookkeeping tables; add columns the contract gained since."""
    wanted = {name: column_types(name) for name in contract.TABLES} | BOOKKEEPING
    existing = con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                           "WHERE schema_name = 'main' AND NOT internal").fetchall()
    have: dict[str, set[str]] = {}
    for table_name, column in existing:
        have.setdefault(table_name, set()).add(column)
    # staging tables left by an interrupted load (staging is not part of the load's transaction)
    statements = [f'DROP TABLE "{t}"' for t in have if t.startswith("_stage_")]
    for name, columns in wanted.items():
        if name not in have:
            body = ", ".join(f'"{c}" {t}' for c, t in columns.items())
            statements.append(f'CREATE TABLE "{name}" ({body})')
            continue
        statements += [f'ALTER TABLE "{name}" ADD COLUMN "{column}" {type_}'
                       for column, type_ in columns.items() if column not in have[name]]
    if statements:  # one transaction: one disk sync instead of one per table
        run(con, "BEGIN; " + "; ".join(statements) + "; COMMIT")


def is_empty(warehouse: str | Path | None = None, wait: float = 0) -> bool:
    """True when there is no warehouse file, no outlets table, or no outlets rows.

    ``wait``: seconds to wait while another process writes it (then locks.WarehouseBusy)."""
    path = config.warehouse_path(warehouse)
    if not path.is_file():
        return True
    try:
        con = connect(warehouse, read_only=True, wait=wait)
    except duckdb.ConnectionException:
        # this process already holds a read-write connection; DuckDB then refuses a read-only one
        con = connect(warehouse)
    try:
        found = scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'outlets'")
        return not found or not scalar(con, "SELECT count(*) FROM outlets")
    finally:
        con.close()


def staging_name(name: str) -> str:
    return f"_stage_{name}"


def staged_row(con: duckdb.DuckDBPyConnection, stage: str) -> str:
    """SQL for the spreadsheet row of a row of staging table ``stage``: its _row (chunked path) or, for a
    stage without that column, its place in the table (PLACE_ROW, the engine path)."""
    numbered = scalar(con, "SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
                      [stage, ROW])
    return STAGED_ROW if numbered else PLACE_ROW


def create_staging(con: duckdb.DuckDBPyConnection, name: str, target: str | None = None) -> str:
    """An empty staging table (default _stage_<name>): contract columns plus the row number."""
    target = target or staging_name(name)
    body = ", ".join(f'"{c}" {t}' for c, t in column_types(name).items())
    run(con, f'CREATE OR REPLACE TABLE "{target}" ({body}, "{ROW}" BIGINT)')
    return target


def stage_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, target: str | None = None) -> None:
    """Insert a validated frame (contract columns, indexed by row number) into a staging table."""
    view = f"_chunk_{name}"
    con.register(view, frame.reset_index())
    casts = ", ".join(f'CAST("{c}" AS {t})' for c, t in column_types(name).items())
    run(con, f'INSERT INTO "{target or staging_name(name)}" SELECT {casts}, "{ROW}" FROM "{view}"')
    con.unregister(view)


def clear_quarantine(con: duckdb.DuckDBPyConnection, name: str, file: str) -> list[str]:
    """Forget a file's set-aside rows from an earlier load of it (a re-load lists them afresh).

    Lines are keyed on the source's absolute path and the table, as the quarantine CSVs are named
    (quarantine.quarantine_path); returns the quarantine files those lines named, so that the caller
    removes any the new load does not rewrite (e.g. one named by an older naming rule).
    """
    params = [file, name]
    files = [f for (f,) in run(con, "SELECT DISTINCT quarantine_file FROM _quarantine WHERE file = ? "
                                    "AND table_name = ?", params)]
    run(con, "DELETE FROM _quarantine WHERE file = ? AND table_name = ?", params)
    return files


def create_quarantine_staging(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """An empty table shaped like _quarantine, collecting one file's set-aside lines until commit."""
    target = f"_stage_{name}_quarantine"
    run(con, f'CREATE OR REPLACE TABLE "{target}" AS SELECT * FROM _quarantine LIMIT 0')
    return target


def add_quarantine(con: duckdb.DuckDBPyConnection, rejects: pd.DataFrame, name: str, file: str,
                   quarantine_file: str, target: str = "_quarantine") -> None:
    """Append rejects (validation.REJECT_COLUMNS) to _quarantine (or a staging copy of it)."""
    if len(rejects):
        con.register("_rejects", rejects)
        run(con, f'INSERT INTO "{target}" SELECT ?, ?, row_number, "column", value, reason, ?, '
                 "current_localtimestamp() FROM _rejects", [file, name, quarantine_file])
        con.unregister("_rejects")


def drop_tables(con: duckdb.DuckDBPyConnection, names) -> None:
    run(con, "; ".join(f'DROP TABLE IF EXISTS "{t}"' for t in names) or "SELECT 1")


def log_ingest(con: duckdb.DuckDBPyConnection, **entry) -> None:
    """Append one row to _ingest_log (keys = its columns)."""
    columns = list(BOOKKEEPING["_ingest_log"])
    run(con, f"INSERT INTO _ingest_log ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [entry.get(c) for c in columns])  # by name: a warehouse may have gained columns in another order


def data_as_of(con: duckdb.DuckDBPyConnection):
    """When the warehouse last took data: the newest ``_ingest_log`` finish (a datetime), or None
    when there is no ingest log or it is empty."""
    has_log = scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = '_ingest_log'")
    return scalar(con, "SELECT max(finished_at) FROM _ingest_log") if has_log else None
