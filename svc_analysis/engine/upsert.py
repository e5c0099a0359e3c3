"""Moving one file's staged rows into the warehouse tables, and what happened to them.

Re-loading (DATA_CONTRACT.md "Inputs", docs/ingest.md sections 5-6):
- a table with a primary key is upserted: staged keys deleted, then inserted, so the newest
  file's version wins and an identical re-load changes nothing;
- a table without one gets only rows not already present (whole-row comparison, also inside the file);
- a table with an optional key (ratings.rating_id): the first for rows with a key value, else the second.
Staged rows sharing a key with different values are found first (key_conflicts) and set aside by ingest.
What remains is counted (Moved): rows merged as exact duplicates of another row of the same file (stored
once, never dropped silently) and rows the table already held.

A first load (the table holds no rows) does not copy the rows: the later copies of repeated rows
leave the staging table, which then takes the table's place (engine.first_load).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from svc_analysis.core import contract, schema
from svc_analysis.engine import first_load
from svc_analysis.engine import warehouse as wh

__all__ = ["Moved", "drop_key_clashes", "drop_staged_rows", "key_conflicts", "prepare_first_load", "repeated_name",
           "upsert"]


def _columns(name: str) -> str:
    """The contract columns of ``name``, quoted, in contract order."""
    return ", ".join(f'"{c}"' for c in contract.table(name).column_names)


def repeated_name(stage: str) -> str:
    """The temp table of ``stage``'s repeated keys (_repeated_keys), for the caller's clean-up."""
    return f"{stage}_repeated"


def _repeated_keys(con: duckdb.DuckDBPyConnection, stage: str, key: tuple[str, ...], reuse: bool = False) -> str:
    """A temp table of the keys staged more than once (with ``_n``, how often; rows without a key value
    have none): usually tiny, so the whole-row comparisons below touch only those rows. ``reuse``: take
    the table key_conflicts made if still there (drop_staged_rows drops it, drop_key_clashes keeps it
    without the clashing keys, upsert drops it when done) instead of grouping every key again.

    The distinct hashes of the keys are counted first: as many as there are keys, every key is staged
    once (the usual export), nothing is grouped. For the 50 M province tickets counting costs 2.0 s,
    grouping 3.0-5.1 s, and only the grouping, past the ingest's memory limit, grows faster than the
    keys (benchmarks/results/2026-12-04_vm_distinct-keys.md). Otherwise the keys are grouped by hash (as
    first_load.add_repeated_rows groups whole rows), then those sharing a hash by value (by value alone
    50 M keys spill: 2026-12-04_vm_ingest-limit.md). The hashes are a table of the warehouse, not TEMP
    (held in memory): a file appended to itself repeats every hash."""
    cols, target = ", ".join(f'"{k}"' for k in key), repeated_name(stage)
    if reuse and _temp_table_exists(con, target):
        return target
    hashes, has_key = f"{stage}_key_hashes", _has_key("", key)
    keyed, distinct = wh.run(con, f'SELECT count(*), count(DISTINCT hash({cols})) FROM "{stage}" WHERE {has_key}')[0]
    if distinct == keyed:  # as many hashes as keys: every key once (a hash shared by two keys only lowers it)
        wh.run(con, f'CREATE OR REPLACE TEMP TABLE "{target}" AS SELECT {cols}, 0::BIGINT AS _n '
                    f'FROM "{stage}" WHERE FALSE')
        return target
    try:
        wh.run(con, f'CREATE OR REPLACE TABLE "{hashes}" AS SELECT hash({cols}) AS _h FROM "{stage}" '
                    f"WHERE {has_key} GROUP BY ALL HAVING count(*) > 1")
        wh.run(con, f'CREATE OR REPLACE TEMP TABLE "{target}" AS SELECT {cols}, count(*) AS _n FROM "{stage}" '
                    f'WHERE {has_key} AND hash({cols}) IN (SELECT _h FROM "{hashes}") GROUP BY ALL HAVING count(*) > 1')
    finally:
        wh.drop_tables(con, [hashes])
    return target


def _temp_table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(wh.scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND temporary", [table]))


def _with_key(alias: str, other: str, key: tuple[str, ...]) -> str:
    return " AND ".join(f'{alias}."{k}" = {other}."{k}"' for k in key)


def _has_key(alias: str, key: tuple[str, ...]) -> str:
    """SQL true for a row whose key columns are all filled (``alias``: a table alias, or '')."""
    prefix = f"{alias}." if alias else ""
    return " AND ".join(f'{prefix}"{k}" IS NOT NULL' for k in key)


def key_conflicts(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """Staged rows whose key (contract Table.key) occurs with different values elsewhere in the staging table."""
    key = contract.table(name).key
    if not key:
        return pd.DataFrame(columns=["row_number", "key"])
    stage, cols = wh.staging_name(name), ", ".join(f'"{k}"' for k in key)
    repeated = _repeated_keys(con, stage, key)
    versions = (f'SELECT DISTINCT {_columns(name)} FROM "{stage}" s '
                f'WHERE EXISTS (SELECT 1 FROM "{repeated}" r WHERE {_with_key("r", "s", key)})')
    return con.execute(
        f'WITH clash AS (SELECT {cols} FROM ({versions}) GROUP BY ALL HAVING count(*) > 1) '
        f'SELECT {wh.staged_row(con, stage)} AS row_number, concat_ws(\' / \', {cols}) AS key FROM "{stage}" s '
        f'WHERE EXISTS (SELECT 1 FROM clash c WHERE {_with_key("c", "s", key)}) ORDER BY 1').df()


def drop_staged_rows(con: duckdb.DuckDBPyConnection, name: str, where: str) -> None:
    """Take the staged rows matching SQL condition ``where`` out of the staging table (e.g. rows
    naming an unknown outlet); the repeated keys counted before no longer hold."""
    stage = wh.staging_name(name)
    wh.run(con, f'DELETE FROM "{stage}" WHERE {where}')
    wh.drop_tables(con, [repeated_name(stage)])


def drop_key_clashes(con: duckdb.DuckDBPyConnection, name: str, rows: list[int]) -> None:
    """Take the rows key_conflicts found (every row of each clashing key) out of the staging table.

    Those keys no longer occur in the stage at all, so the repeated keys counted before hold for
    every other key: only the clashing keys leave that table, which upsert then reuses instead of
    grouping 50 M keys again (5.6 s for the province tickets)."""
    if not rows:
        return
    stage, key = wh.staging_name(name), contract.table(name).key
    row = wh.staged_row(con, stage)
    if _temp_table_exists(con, repeated_name(stage)):
        cols = ", ".join(f'"{k}"' for k in key)
        wh.run(con, f'DELETE FROM "{repeated_name(stage)}" r USING (SELECT DISTINCT {cols} FROM "{stage}" '
                    f'WHERE {row} IN (SELECT unnest(?))) c WHERE {_with_key("r", "c", key)}', [rows])
    wh.run(con, f'DELETE FROM "{stage}" WHERE {row} IN (SELECT unnest(?))', [rows])


@dataclass(frozen=True)
class Moved:
    """What upsert did with one file's staged rows (docs/ingest.md section 5).

    staged: the file's rows that passed every check; merged: exact duplicates of another staged row
    (the same key with the same values, or the same whole row), stored once; present: of the
    distinct rows, those whose key (or whole row) the table already held (replaced by this
    version, or unchanged). loaded = staged - merged: the file's rows now in the table.
    """

    staged: int = 0
    merged: int = 0
    present: int = 0

    @property
    def loaded(self) -> int:
        return self.staged - self.merged

    def __add__(self, other: "Moved") -> "Moved":
        return Moved(self.staged + other.staged, self.merged + other.merged, self.present + other.present)


def upsert(con: duckdb.DuckDBPyConnection, name: str, source: str | None = None, replace: bool = True,
           prepared: Moved | None = None) -> Moved:
    """Move staged rows into the table (see module docstring) and say what happened to them.

    Rows with a key value go by key (contract Table.key: the primary key, or an optional key such
    as ratings.rating_id where the row has one); the others by the whole row. Staged rows sharing
    a key must be identical (key_conflicts removes the others): they are stored once and counted
    as merged. ``replace=False`` only adds keys not already present (used for outlets a profile
    registers, so they never overwrite an outlet loaded from an outlets file).
    """
    table = contract.table(name)
    stage, key = source or wh.staging_name(name), table.key
    if prepared is not None:  # prepare_first_load took the later copies out of the staging table
        first_load.take_place(con, name, stage)
        return prepared
    if source is None and first_load.adoptable(con, name, stage):
        return _first_load(con, table, stage)
    moved = Moved()
    if key:
        moved += _upsert_keyed(con, name, stage, key, replace)
    if not table.primary_key:  # rows without a key value: the whole row is the identity
        moved += _insert_new_rows(con, table, stage, f"NOT ({_has_key('', key)})" if key else "TRUE")
    return moved


def prepare_first_load(con: duckdb.DuckDBPyConnection, name: str) -> Moved | None:
    """Before the load's transaction, when the table holds no rows (first_load.adoptable): the later
    copies of repeated rows are counted and deleted from the staging table in batches
    (first_load.delete_later_copies); the figures, for upsert(prepared=...), or None."""
    table, stage = contract.table(name), wh.staging_name(name)
    if not first_load.adoptable(con, name, stage):
        return None
    with first_load.later_copies(con, stage) as later:
        moved = _later_copies(con, table, stage, later)
        first_load.delete_later_copies(con, stage, later)
    return moved


def _first_load(con, table: schema.Table, stage: str) -> Moved:
    """The table holds no rows and nothing was prepared: the later copies are listed and counted as
    merged, and the staging table without them takes the table's place (first_load.take_place)."""
    with first_load.later_copies(con, stage) as later:
        moved = _later_copies(con, table, stage, later)
        first_load.take_place(con, table.name, stage, later)
    return moved


def _later_copies(con, table: schema.Table, stage: str, later: str) -> Moved:
    """List in ``later`` the staged rows repeating an earlier one (by key, or by the whole row for rows
    without a key value) and count them as merged."""
    key, moved = table.key, Moved()
    if key:
        repeated, cols = _repeated_keys(con, stage, key, reuse=True), ", ".join(f'"{k}"' for k in key)
        staged = wh.scalar(con, f'SELECT count(*) FROM "{stage}" WHERE {_has_key("", key)}')
        among = f'EXISTS (SELECT 1 FROM "{repeated}" r WHERE {_with_key("r", "s", key)})'
        moved += Moved(staged, first_load.add_later_copies(con, stage, later, among, cols), 0)
        wh.drop_tables(con, [repeated])
    if not table.primary_key:
        where = f"NOT ({_has_key('', key)})" if key else "TRUE"
        staged = wh.scalar(con, f'SELECT count(*) FROM "{stage}" WHERE {where}')
        moved += Moved(staged, first_load.add_repeated_rows(con, stage, later, where, table.column_names), 0)
    return moved


def _upsert_keyed(con, name: str, stage: str, key: tuple[str, ...], replace: bool) -> Moved:
    """The staged rows with a key value: the newest version of a key replaces the stored one."""
    cols, keyed = _columns(name), _has_key("s", key)
    staged = wh.scalar(con, f'SELECT count(*) FROM "{stage}" s WHERE {keyed}')
    repeated = _repeated_keys(con, stage, key, reuse=True)  # as key_conflicts left it, when it did
    merged = int(wh.scalar(con, f'SELECT coalesce(sum(_n - 1), 0) FROM "{repeated}"'))
    stored = f'SELECT 1 FROM "{name}" t WHERE {_with_key("t", "s", key)}'
    present = 0
    if replace and wh.scalar(con, f'SELECT count(*) > 0 FROM "{name}"'):  # nothing to replace on a first load
        present = wh.scalar(con, f'DELETE FROM "{name}" t USING (SELECT DISTINCT {", ".join(key)} FROM "{stage}" s '
                              f'WHERE {keyed}) s WHERE {_with_key("t", "s", key)}')
    keep = "" if replace else f" AND NOT EXISTS ({stored})"
    seen = f'EXISTS (SELECT 1 FROM "{repeated}" r WHERE {_with_key("r", "s", key)})'
    inserted = wh.scalar(con, f'INSERT INTO "{name}" SELECT {cols} FROM "{stage}" s WHERE {keyed} AND NOT {seen}{keep} '
                           f'UNION ALL SELECT DISTINCT ON ({", ".join(key)}) {cols} FROM "{stage}" s '
                           f'WHERE {keyed} AND {seen}{keep}')
    if not replace:
        present = staged - merged - inserted
    wh.drop_tables(con, [repeated])
    return Moved(staged, merged, present)


def _insert_new_rows(con, table: schema.Table, stage: str, where: str) -> Moved:
    """The staged rows (``where``) identified by the whole row: only rows not already stored are added."""
    cols = _columns(table.name)
    window = ""
    if table.event_time:  # only compare with stored rows in the staged time range
        window = (f' WHERE "{table.event_time}" BETWEEN (SELECT min("{table.event_time}") FROM "{stage}") '
                  f'AND (SELECT max("{table.event_time}") FROM "{stage}")')
    staged = wh.scalar(con, f'SELECT count(*) FROM "{stage}" WHERE {where}')
    if not wh.scalar(con, f'SELECT count(*) > 0 FROM (SELECT 1 FROM "{table.name}"{window} LIMIT 1)'):
        # nothing stored in the range (a first load): one pass, each distinct row once
        inserted = wh.scalar(con, f'INSERT INTO "{table.name}" SELECT DISTINCT {cols} FROM "{stage}" WHERE {where}')
        return Moved(staged, staged - inserted, 0)
    distinct = wh.scalar(con, f'SELECT count(*) FROM (SELECT DISTINCT {cols} FROM "{stage}" WHERE {where})')
    inserted = wh.scalar(con, f'INSERT INTO "{table.name}" SELECT {cols} FROM "{stage}" WHERE {where} '
                           f'EXCEPT SELECT {cols} FROM "{table.name}"{window}')
    return Moved(staged, staged - distinct, distinct - inserted)
