"""The warehouse's bookkeeping read back: _quarantine (rows set aside), _ingest_log (files), and
table_rows, the one count of rows loaded per table.

The two tables are the engine's own (engine.warehouse writes them at ingest); their queries live
here, next to the writer, so no area spells SQL. Both return empty frames with the same columns on
a warehouse that has not ingested anything yet (the tables do not exist), and on a Parquet lake
read by Spark (``con`` an Ibis backend, engine.connection: a lake holds the contract's tables
only, no bookkeeping; its table_rows are the tables' counts). Lines logged before _ingest_log
had rows_merged and rows_present read those as 0 (their rows_loaded included them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from svc_analysis.core import contract


@dataclass
class FileReport:
    """What happened to one file at ingest: the line _ingest_log keeps of it (engine.ingest's module
    docstring defines rows_loaded)."""

    file: Path
    table: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_set_aside: int = 0
    rows_merged: int = 0  # exact duplicates of another row of the file: stored once
    rows_present: int = 0  # of rows_loaded, those already in the warehouse before this load
    rows_in_table: int = 0  # the table's rows after this load (bookkeeping.table_rows: the one count)
    quarantine_file: Path | None = None  # None when no row was set aside
    warnings: list[str] = field(default_factory=list)
    outlets_added: int = 0  # outlets a profile registered from this file


SET_ASIDE_COLUMNS = ["table", "reason", "rows", "files", "columns", "example_file", "example_row",
                     "example_column", "example_value"]
INGEST_COLUMNS = ["file", "table", "profile", "rows_read", "rows_loaded", "rows_present", "rows_set_aside",
                  "rows_merged", "unaccounted", "finished_at"]
TABLE_ROWS_COLUMNS = ["table", "rows_in_warehouse", "rows_merged", "rows_set_aside", "rows_read", "rows_overlap",
                      "files"]
_LOG_COUNTS = ("rows_read", "rows_set_aside", "rows_merged")


def _is_duckdb(con) -> bool:
    return isinstance(con, duckdb.DuckDBPyConnection)


def has_table(con, name: str) -> bool:
    """Whether the warehouse (a DuckDB connection, or an Ibis backend such as spark_engine's lake)
    holds a table called ``name``."""
    if not _is_duckdb(con):
        return name in con.list_tables()
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()[0] > 0


def _row_counts(con, tables: list[str]) -> dict[str, int]:
    """Rows per table, one round trip on DuckDB; an Ibis count per table on another backend."""
    if not tables:
        return {}
    if not _is_duckdb(con):
        return {t: int(con.table(t).count().execute()) for t in tables}
    return dict(con.execute(" UNION ALL ".join(f"SELECT '{t}', count(*) FROM \"{t}\"" for t in tables)).fetchall())


def _logged(con, column: str) -> str:
    """SQL for an _ingest_log count added after the first release (rows_merged, rows_present): 0 on
    lines logged before it, and on a warehouse no ingest has brought the column to yet (a report
    opens the warehouse read-only, so it never adds columns)."""
    found = con.execute("SELECT count(*) FROM duckdb_columns() WHERE table_name = '_ingest_log' AND column_name = ?",
                        [column]).fetchone()[0]
    return f"coalesce({column}, 0)" if found else "0"


def set_aside(con) -> pd.DataFrame:
    """_quarantine per table and reason: rows (distinct file and row), files, columns, and the first
    example (file, row, column, value: raw, NOT masked; the caller masks). Largest first per table."""
    if not has_table(con, "_quarantine"):
        return pd.DataFrame(columns=SET_ASIDE_COLUMNS)
    return con.execute(
        "SELECT table_name AS \"table\", reason, count(DISTINCT (file, row_number)) AS rows, count(DISTINCT file) AS files, "
        "string_agg(DISTINCT column_name, ', ' ORDER BY column_name) AS columns, "
        "first(file ORDER BY file, row_number) AS example_file, "
        "first(row_number ORDER BY file, row_number) AS example_row, "
        "first(column_name ORDER BY file, row_number) AS example_column, "
        "first(value ORDER BY file, row_number) AS example_value "
        "FROM _quarantine GROUP BY ALL ORDER BY \"table\", rows DESC, reason"
    ).df()[SET_ASIDE_COLUMNS]


def ingested_files(con) -> pd.DataFrame:
    """_ingest_log newest first, with ``unaccounted`` = rows read − loaded − set aside − merged."""
    if not has_table(con, "_ingest_log"):
        return pd.DataFrame(columns=INGEST_COLUMNS)
    merged, present = _logged(con, "rows_merged"), _logged(con, "rows_present")
    return con.execute(
        f"SELECT file, table_name AS \"table\", profile, rows_read, rows_loaded, {present} AS rows_present, "
        f"rows_set_aside, {merged} AS rows_merged, rows_read - rows_loaded - rows_set_aside - {merged} AS unaccounted, "
        "finished_at FROM _ingest_log ORDER BY finished_at DESC, file"
    ).df()[INGEST_COLUMNS]


def table_rows(con, tables: list[str] | None = None) -> pd.DataFrame:
    """Rows loaded per contract table (contract order; ``tables`` limits them): the one count.

    ``rows_in_warehouse``: the rows in the warehouse table after merging, the single definition of
    "rows loaded" that page 00, the index and `svc ingest` show (a table the warehouse lacks: 0).
    Beside it, summed over the latest load of every file in _ingest_log (a re-load of the same file
    replaces its earlier figures, as it replaces its set-aside rows): ``files``, ``rows_read``,
    ``rows_set_aside``, ``rows_merged`` (exact duplicates of another row of the same file, stored
    once) and ``rows_overlap`` = rows_read − rows_set_aside − rows_merged − rows_in_warehouse: rows
    that more than one file supplied (overlapping exports; an older version of a key a later file
    replaced). It is 0 when every file brought its own rows, so rows read = rows in the warehouse
    + set aside + merged; empty (NA) for a table no logged file fed; negative only for rows no
    logged file brought (outlets a mapping profile registered beside an outlets file).
    """
    names = [t for t in contract.LOAD_ORDER if tables is None or t in tables]
    present = [t for t in names if has_table(con, t)]
    counts = _row_counts(con, present)
    logged = pd.DataFrame(columns=["table", "files", *_LOG_COUNTS])
    if has_table(con, "_ingest_log"):
        logged = con.execute(
            "SELECT table_name AS \"table\", count(*) AS files, sum(rows_read) AS rows_read, "
            f"sum(rows_set_aside) AS rows_set_aside, sum({_logged(con, 'rows_merged')}) AS rows_merged "
            "FROM (SELECT * FROM _ingest_log QUALIFY row_number() OVER "
            "(PARTITION BY file, table_name ORDER BY finished_at DESC, started_at DESC) = 1) GROUP BY ALL").df()
    out = pd.DataFrame({"table": names, "rows_in_warehouse": [int(counts.get(t, 0)) for t in names]})
    out = out.merge(logged, on="table", how="left")
    for column in ("files", *_LOG_COUNTS):
        out[column] = pd.to_numeric(out[column]).fillna(0).astype("int64")
    overlap = out["rows_read"] - out["rows_set_aside"] - out["rows_merged"] - out["rows_in_warehouse"]
    out["rows_overlap"] = overlap.astype("Int64").where(out["files"] > 0, pd.NA)  # no file logged: nothing to compare
    return out[TABLE_ROWS_COLUMNS]
