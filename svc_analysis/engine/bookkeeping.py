"""The warehouse's bookkeeping tables read back: _quarantine (rows set aside) and _ingest_log (files).

The two tables are the engine's own (engine.warehouse writes them at ingest); their queries live
here, next to the writer, so no area spells SQL. Both return empty frames with the same columns on
a warehouse that has not ingested anything yet (the tables do not exist).
"""

from __future__ import annotations

import pandas as pd

SET_ASIDE_COLUMNS = ["table", "reason", "rows", "files", "columns", "example_file", "example_row",
                     "example_column", "example_value"]
INGEST_COLUMNS = ["file", "table", "profile", "rows_read", "rows_loaded", "rows_set_aside", "unaccounted",
                  "finished_at"]


def has_table(con, name: str) -> bool:
    """Whether the warehouse holds a table called ``name``."""
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()[0] > 0


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
    """_ingest_log newest first, with ``unaccounted`` = rows read − loaded − set aside."""
    if not has_table(con, "_ingest_log"):
        return pd.DataFrame(columns=INGEST_COLUMNS)
    return con.execute(
        "SELECT file, table_name AS \"table\", profile, rows_read, rows_loaded, rows_set_aside, "
        "rows_read - rows_loaded - rows_set_aside AS unaccounted, finished_at "
        "FROM _ingest_log ORDER BY finished_at DESC, file"
    ).df()[INGEST_COLUMNS]
