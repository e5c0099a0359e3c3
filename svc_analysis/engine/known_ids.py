"""The ids a file's referencing columns may name, as DuckDB ENUM types: the engine path's reference check
while it reads the file (issue 17, engine speed).

A column with Column.references (ratings.outlet_id -> outlets.outlet_id) must name a row of the
referenced table; rows that do not are set aside with their cells (engine_ingest._reference_rejects).
For each such column known_ids makes a temporary ENUM of the referenced table's ids, so that the
staging statement can test every cell with one cast (fast_checks.names_known_id) instead of a join,
which would not keep the file's order (the staged rows are numbered by their place, engine_staging.stage):

- a cell that casts is an id exactly as stored: the fast lane types it (fast_checks.fast); only ids
  without whitespace at either end enter the ENUM, so such a cell is also canonical text;
- any other cell sends its row to the full rules with its cells kept (engine_staging), so a row that
  names no known id is set aside with the cells read in the one pass, never read a second time.

The ENUMs are dropped when the file is staged; they never reach a stored table (the staged column
keeps the cell as text).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from svc_analysis.core import contract, schema
from svc_analysis.engine import warehouse as wh
from svc_analysis.engine.check_sql import quoted
from svc_analysis.engine.fast_checks import stripped

__all__ = ["known_ids"]


@contextmanager
def known_ids(con: duckdb.DuckDBPyConnection, name: str, columns: set[str]) -> Iterator[dict[str, str]]:
    """{column: ENUM type} for the referencing columns of table ``name`` among ``columns`` (those the
    file has): the referenced table's ids written without whitespace at either end. Dropped on exit.
    fast_checks.names_known_id tests a cell against one."""
    types: dict[str, str] = {}
    try:
        for col in contract.table(name).columns:
            if col.references and col.type == schema.TEXT and col.name in columns:
                ref_table, ref_col = col.references.split(".")
                types[col.name] = quoted(f"_known_{name}_{col.name}")
                wh.run(con, f"CREATE OR REPLACE TEMP TYPE {types[col.name]} AS ENUM (SELECT DISTINCT {quoted(ref_col)} "
                            f"FROM {quoted(ref_table)} WHERE {stripped(quoted(ref_col))})")
        yield types
    finally:
        for enum in types.values():
            wh.run(con, f"DROP TYPE IF EXISTS {enum}")
