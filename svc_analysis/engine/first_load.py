"""A first load: the staging table becomes the table, so its rows are written once (issue 17).

Loading into a table that holds no rows (a head office's first load of a year of a whole bank) needs
no comparison with stored rows: what upsert would copy out of the staging table is the staging table
minus the later copies of repeated rows (the same key, or the same whole row, seen earlier in the file;
upsert lists them here). Those rows leave the staging table, its scratch columns go, and it takes the
table's place: 33.8 M ratings no longer pass through a whole-row DISTINCT and a second write
(benchmarks/results/2026-12-04_vm_ingest-first-load.md).

The staging table can take the table's place only when it has the table's columns, types and order
(adoptable). Deleting rows costs DuckDB memory until the next checkpoint: 16 KB for every vector of
2,048 rows holding a deleted row, counted against the memory limit (measured: 33,819 rows deleted
across a 33.8 M-row table, 279 MB; a ratings load deleting rows in 16,137 vectors ran out of memory
at the ingest's limit, then 512MB). So the engine path deletes them before the load's transaction, at most
VECTORS_A_BATCH vectors a transaction, each followed by a CHECKPOINT (delete_later_copies: the
staging table is scratch, nothing of the warehouse changes); inside a transaction (the chunked path,
whose key clashes leave the staging table there) the rows are copied without them when they lie in
more vectors than that.
"""

from __future__ import annotations

from contextlib import contextmanager

from svc_analysis.engine import warehouse as wh

__all__ = ["VECTORS_A_BATCH", "adoptable", "add_later_copies", "add_repeated_rows", "delete_later_copies",
           "later_copies", "take_place"]

VECTOR_ROWS = 2048  # DuckDB's vector size: deletes are recorded per vector
VECTORS_A_BATCH = 4_096  # 64 MB of delete records in one transaction, a sixth of the ingest's memory limit
# The whole-row grouping's first pass groups the top 32 bits of each row's hash: DuckDB's hash table of
# 33.8 M distinct ratings costs 1.8 s against 2.0 s for the 64-bit hash. More rows then share a hash
# (158 k hashes of the province ratings, 25.6 k with 64 bits; about n * n / 2**33 pairs by chance), and the
# second pass compares them by value, so the same rows are found
# (benchmarks/results/2026-12-04_vm_whole-row-hash.md).
ROW_HASH_BITS = 32
# the staging table's own columns: the row's cells as read (engine path) and its spreadsheet row
SCRATCH = ("_raw", wh.ROW)


def _columns(con, table: str) -> list[tuple[str, str]]:
    return [(c, t) for c, t in wh.run(con, "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = "
                                           "'main' AND table_name = ? ORDER BY column_index", [table])]


def adoptable(con, name: str, stage: str) -> bool:
    """True when the table holds no rows and the staging table, without its scratch columns, has the
    table's columns with the same types in the same order."""
    if wh.scalar(con, f'SELECT count(*) FROM (SELECT 1 FROM "{name}" LIMIT 1)'):
        return False
    table = _columns(con, name)
    return bool(table) and table == [(c, t) for c, t in _columns(con, stage) if c not in SCRATCH]


@contextmanager
def later_copies(con, stage: str):
    """A scratch table of the rowids of staged rows that repeat an earlier one (add_later_copies), dropped
    after. It and the repeated hashes are tables of the warehouse, not TEMP ones: DuckDB holds temporary
    tables in memory, and an export appended to itself lists 33.8 M hashes and rowids (out of memory at
    the ingest's limit, then 512MB); a stored table spills. Left by an interrupted load, warehouse.ensure_schema drops
    them with the other _stage_ tables."""
    later = f"{stage}_later_copies"
    wh.run(con, f'CREATE OR REPLACE TABLE "{later}" (_rowid BIGINT)')
    try:
        yield later
    finally:
        wh.drop_tables(con, [later])


def add_later_copies(con, stage: str, later: str, among: str, same: str) -> int:
    """Add to ``later`` every staged row (of those matching SQL ``among``, alias s) that repeats an
    earlier one in the columns ``same``; how many."""
    return wh.scalar(con, f'INSERT INTO "{later}" SELECT rowid FROM "{stage}" s WHERE {among} '
                          f"QUALIFY row_number() OVER (PARTITION BY {same} ORDER BY rowid) > 1")


def add_repeated_rows(con, stage: str, later: str, where: str, columns: list[str]) -> int:
    """add_later_copies for rows identified by the whole row (``columns``) among those matching
    ``where``: the rows are grouped by a share of their hash first (ROW_HASH_BITS), then only those
    sharing it by value. A column NULL in every staged row (one the file lacks) is equal in every row
    and is left out of both."""
    quoted = [f'"{c}"' for c in columns]
    compared = [c for c in quoted if _holds_a_value(con, stage, c)] or quoted[:1]
    hashes, same = f"{stage}_repeated_hashes", ", ".join(compared)
    row_hash = f"(hash({same}) >> {64 - ROW_HASH_BITS})::UINTEGER"
    try:
        wh.run(con, f'CREATE OR REPLACE TABLE "{hashes}" AS SELECT {row_hash} AS _h FROM "{stage}" '
                    f"WHERE {where} GROUP BY ALL HAVING count(*) > 1")
        return add_later_copies(con, stage, later, f'{where} AND {row_hash} IN (SELECT _h FROM "{hashes}")', same)
    finally:
        wh.drop_tables(con, [hashes])


def _holds_a_value(con, stage: str, column: str) -> bool:
    """True when some staged row has a value in ``column`` (DuckDB's per-row-group statistics answer
    at once for a column without one; the first row with one ends the search)."""
    return wh.scalar(con, f'SELECT EXISTS (SELECT 1 FROM "{stage}" WHERE {column} IS NOT NULL)')


def delete_later_copies(con, stage: str, later: str) -> None:
    """Delete the ``later`` rows from the staging table outside any transaction: at most VECTORS_A_BATCH
    vectors a transaction, each followed by a CHECKPOINT, which gives their delete records' memory back.

    The batches go from the last rows to the first: a CHECKPOINT compacts row groups it finds emptied
    and renumbers every row after them, never a row before (tests/engine/test_first_load.py), so the
    rowids of the batches still to come hold. The rows left are counted against the rows listed."""
    vectors = [v for (v,) in wh.run(con, f'SELECT DISTINCT _rowid // {VECTOR_ROWS} FROM "{later}" ORDER BY 1 DESC')]
    expected = wh.scalar(con, f'SELECT count(*) FROM "{stage}"') - wh.scalar(con, f'SELECT count(*) FROM "{later}"')
    for first in range(0, len(vectors), VECTORS_A_BATCH):
        high, low = vectors[first], vectors[min(first + VECTORS_A_BATCH, len(vectors)) - 1]
        wh.run(con, f'DELETE FROM "{stage}" WHERE rowid IN (SELECT _rowid FROM "{later}" '
                    f"WHERE _rowid // {VECTOR_ROWS} BETWEEN {low} AND {high})")
        wh.run(con, "CHECKPOINT")
    if (left := wh.scalar(con, f'SELECT count(*) FROM "{stage}"')) != expected:
        raise RuntimeError(f"{stage}: {left} rows left after deleting repeated rows, {expected} expected")


def take_place(con, name: str, stage: str, later: str | None = None) -> bool:
    """The staging table becomes the (empty) table ``name``: True. ``later``: rows still to leave it, inside
    the load's transaction (None: delete_later_copies took them out before); when they lie in more than
    VECTORS_A_BATCH vectors, the other rows are copied into the table instead: False."""
    if later is not None:
        if wh.scalar(con, f'SELECT count(DISTINCT _rowid // {VECTOR_ROWS}) FROM "{later}"') > VECTORS_A_BATCH:
            columns = ", ".join(f'"{c}"' for c, _ in _columns(con, name))
            wh.run(con, f'INSERT INTO "{name}" SELECT {columns} FROM "{stage}" s '
                        f'WHERE NOT EXISTS (SELECT 1 FROM "{later}" l WHERE l._rowid = s.rowid)')
            return False
        wh.run(con, f'DELETE FROM "{stage}" WHERE rowid IN (SELECT _rowid FROM "{later}")')
    for column in [c for c, _ in _columns(con, stage) if c in SCRATCH]:
        wh.run(con, f'ALTER TABLE "{stage}" DROP COLUMN "{column}"')
    wh.run(con, f'DROP TABLE "{name}"')
    wh.run(con, f'ALTER TABLE "{stage}" RENAME TO "{name}"')
    return True
