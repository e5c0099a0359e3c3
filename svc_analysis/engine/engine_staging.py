"""The engine path's staging statements: a CSV checked and typed by DuckDB (issue 17, engine speed).

stage_statement reads the file once (engine_csv.scan, in parallel) into the staging table, each record
at its place in the file (its spreadsheet row is rowid + 2, warehouse.PLACE_ROW): rows whose cells are
all canonical (fast_checks.row_ok) are typed by the fast lane; the others keep their cells in _raw.
recheck then runs check_sql's full rules (the chunked path's rules as SQL: trimming, aliases, date
layouts, ranges, row rules, reasons) over those rows only: the good ones are typed in place (an
UPDATE keeps their rowids), the others come back with their {column, reason} problems exactly as the
chunked path finds them (tests/engine/test_engine_checks.py compares both paths). A referencing
column's cell is fast only when it names a known id (known_ids); the rows typed in place keep their
cells in _raw, so a row later set aside for an unknown id is reported with the cells of this one pass.

Why two statements: the full rules cost many regular expressions per cell and, written as CASE
branches of the one pass, still cost a projection per column and layer on every row; run apart
they touch only the rows the fast lane could not vouch for (benchmarks/results/
2026-12-03_vm_ingest-engine-3.md). Every column is cast to its warehouse type (warehouse.column_types);
a contract column absent from the file is NULL in the fast lane and '' for the full rules, as the
chunked path reads it.
"""

from __future__ import annotations

from svc_analysis.core import contract
from svc_analysis.engine import check_sql as sql
from svc_analysis.engine import fast_checks as fast
from svc_analysis.engine import warehouse as wh
from svc_analysis.engine.engine_csv import cells
from svc_analysis.engine.parsing import DateWindow
from svc_analysis.engine.readers import ROW, Source

__all__ = ["drop_empty_rows", "recheck", "recheck_statement", "stage", "stage_statement", "unknown_ids"]


def stage(con, source: Source, scan: str, target: str, window: DateWindow,
          known: dict[str, str]) -> tuple[int, int, int]:
    """Stage the file (stage_statement): (rows read, rows left for recheck, entirely empty rows).

    The statement reads in parallel and keeps the file's order, so record i is at rowid i and its
    spreadsheet row is rowid + 2 (warehouse.PLACE_ROW). Rowids hold until rows leave the table and
    a checkpoint compacts it, so the caller reads them in one transaction with the deletes
    (drop_empty_rows, recheck, key and reference rejects). Entirely empty rows keep their number
    but are not rows read. ``known``: the ENUMs of known_ids, by column."""
    wh.run(con, stage_statement(source, scan, target, window, known))
    # every stored column costs time, NULL or not (per 34 M rows about 1.5 s written by the statement, or
    # 0.25 s added here and 0.5 s when a checkpoint writes it): the contract columns the file lacks are
    # added afterwards (the table needs them), which keeps the rowids; the stage has no _row column
    types, present = wh.column_types(source.table), set(_cells_by_column(source))
    absent = [c for c in types if c not in present]
    for column in absent:
        wh.run(con, f'ALTER TABLE "{target}" ADD COLUMN {sql.quoted(column)} {types.get(column, "BIGINT")}')
    if absent:  # an added column is held in memory until a checkpoint writes it (no row has left yet: rowids hold)
        wh.run(con, "CHECKPOINT")
    rows, slow, empty = wh.run(con, f"SELECT count(*), count(*) FILTER (len(_raw) > 0), "
                                    f'count(*) FILTER (len(_raw) = 0) FROM "{target}"')[0]
    return rows - empty, slow, empty


def drop_empty_rows(con, target: str) -> None:
    """Take the entirely empty rows (an empty _raw) out of the stage."""
    wh.run(con, f'DELETE FROM "{target}" WHERE len(_raw) = 0')


def stage_statement(source: Source, scan: str, target: str, window: DateWindow,
                    known: dict[str, str] | None = None) -> str:
    """CREATE the staging table in one pass over the file: the file's contract columns typed, and
    _raw (the cells as read) for the rows that are not certainly good (stage adds the contract
    columns the file lacks; the row's place in the table numbers it).

    Rows whose cells are all canonical (fast_checks.row_ok) are typed by the fast lane and have
    no _raw; the others keep their cells in _raw and are typed and checked by recheck_statement
    (check_sql's full rules) afterwards, over those rows only (usually a handful). Entirely empty
    rows stay, with an empty _raw, so that every record keeps its place in the table."""
    table, width = contract.table(source.table), len(source.headers)
    where = _cells_by_column(source)
    empty = " AND ".join(f"coalesce(c{i}, '') = ''" for i in range(width))
    q = {c.name: sql.quoted(c.name) for c in table.columns}
    known = known or {}
    quick = ", ".join(f"{fast.fast(c, where.get(c.name), known.get(c.name))} AS {q[c.name]}" for c in table.columns)
    ok = fast.row_ok(table, where, window)
    raw = f"CASE WHEN {empty} THEN []::VARCHAR[] WHEN _ok THEN NULL ELSE [{cells(width)}] END AS _raw"
    return (f'CREATE OR REPLACE TABLE "{target}" AS '
            f"WITH src AS ({scan}), quick AS (SELECT *, {quick} FROM src), "
            f"sorted AS (SELECT *, {ok} AS _ok FROM quick) "
            f"SELECT {', '.join(filter(None, [_typed_columns(source.table, set(where)), raw]))} FROM sorted")


def recheck_statement(source: Source, target: str, checked: str, window: DateWindow) -> str:
    """CREATE ``checked`` from the staged rows with _raw: every cell typed and checked by check_sql's
    full expressions, exactly as the chunked path does; _problems lists {column, reason}."""
    table, width = contract.table(source.table), len(source.headers)
    where = _cells_by_column(source)
    q = {c.name: sql.quoted(c.name) for c in table.columns}
    t = {c.name: sql.quoted(f"t:{c.name}") for c in table.columns}
    v = {c.name: sql.quoted(f"v:{c.name}") for c in table.columns}
    b = {c.name: sql.quoted(f"b:{c.name}") for c in table.columns}
    cells = ", ".join(f"_raw[{i + 1}] AS c{i}" for i in range(width))
    texts = ", ".join(f"{sql.text(where.get(c.name))} AS {t[c.name]}" for c in table.columns)
    parsed = ", ".join(f"{sql.typed(c, t[c.name])} AS {v[c.name]}" for c in table.columns)
    bad = ", ".join(f"{sql.impossible(c, t[c.name], v[c.name], window)} AS {b[c.name]}" for c in table.columns)
    final = ", ".join(f"CASE WHEN {b[c.name]} THEN NULL ELSE {v[c.name]} END AS {q[c.name]}" for c in table.columns)
    cases = [case for c in table.columns
             for case in sql.column_problems(c, t[c.name], q[c.name], b[c.name], window)]
    cases += sql.rule_problems(table)
    problems = f"list_filter([{', '.join(cases)}], lambda x: x IS NOT NULL)"
    return (f'CREATE OR REPLACE TEMP TABLE "{checked}" AS '
            f'WITH src AS (SELECT {wh.PLACE_ROW} AS "{ROW}", _raw, {cells} FROM "{target}" WHERE _raw IS NOT NULL), '
            f"texts AS (SELECT *, {texts} FROM src), parsed AS (SELECT *, {parsed} FROM texts), "
            f"checked AS (SELECT *, {bad} FROM parsed), final AS (SELECT *, {final} FROM checked), "
            f"found AS (SELECT *, {problems} AS _problems FROM final) "
            f'SELECT {_typed_columns(source.table)}, "{ROW}", _raw, _problems FROM found')


def _cells_by_column(source: Source) -> dict[str, str]:
    """Contract column -> the raw cell c<i> it is read from (absent columns are missing)."""
    return {column: f"c{i}" for i, h in enumerate(source.headers) if (column := source.mapping.get(h))}


def _typed_columns(name: str, only: set[str] | None = None) -> str:
    """The contract columns (``only`` those, when given) cast to their warehouse types, in contract order."""
    types = wh.column_types(name)
    return ", ".join(f"CAST({sql.quoted(c)} AS {types[c]}) AS {sql.quoted(c)}" for c in types
                     if only is None or c in only)


def recheck(con, source: Source, target: str, window: DateWindow, limit: int | None = None) -> list[tuple] | None:
    """Type and check the staged rows that took the slow lane; those without a problem are typed in
    place (their rowid, hence their row number, kept; their cells still in _raw), the others leave the
    stage and (row, cells, column, reason) of them is returned, by row (None, and nothing fetched, when
    more than ``limit`` rows have a problem)."""
    checked = f"{target}_checked"
    try:
        wh.run(con, recheck_statement(source, target, checked, window))
        typed = ", ".join(f"{q} = c.{q}" for q in map(sql.quoted, contract.table(source.table).column_names))
        wh.run(con, f'UPDATE "{target}" AS s SET {typed} FROM "{checked}" AS c '
                    f'WHERE s.{wh.PLACE_ROW} = c."{ROW}" AND len(c._problems) = 0')
        wh.run(con, f'DELETE FROM "{target}" WHERE {wh.PLACE_ROW} IN '
                    f'(SELECT "{ROW}" FROM "{checked}" WHERE len(_problems) > 0)')
        if limit is not None and wh.scalar(con, f'SELECT count(*) FROM "{checked}" WHERE len(_problems) > 0') > limit:
            return None
        return con.execute(f'SELECT "{ROW}", _raw, p."column", p.reason FROM (SELECT "{ROW}", _raw, '
                           f'unnest(_problems) AS p FROM "{checked}" WHERE len(_problems) > 0) ORDER BY 1').fetchall()
    finally:
        wh.drop_tables(con, [checked])


def unknown_ids(con, source: Source, target: str, known: dict[str, str]) -> int:
    """Staged rows, before recheck, whose referencing cell has no whitespace at either end and names no
    known id: each will be set aside (the full rules read such a cell as itself), whatever else it holds."""
    position = {column: i for i, h in enumerate(source.headers) if (column := source.mapping.get(h))}
    cells = {c: f"_raw[{position[c] + 1}]" for c in known}
    unknown = [f"({fast.stripped(cell)} AND NOT {fast.names_known_id(cell, known[c])})" for c, cell in cells.items()]
    if not unknown:
        return 0
    return wh.scalar(con, f'SELECT count(*) FROM "{target}" WHERE len(_raw) > 0 AND ({" OR ".join(unknown)})')
