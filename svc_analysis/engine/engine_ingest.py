"""One CSV export checked and staged by DuckDB in one pass: ingest at engine speed (issue 17).

The rules are those of the chunked path (svc_analysis.engine.csv_rows, validation, parsing;
docs/ingest.md section 11): DuckDB reads the file as text (every cell VARCHAR), the contract's
type, range, rule, key and reference checks run as SQL expressions (svc_analysis.engine.check_sql),
the good rows land typed in the staging table and the rows set aside come back with their
spreadsheet row, column, value and reason, exactly as the chunked path reports them.

Row numbers: the header is row 1 and each CSV record (a quoted multi-line cell included) is one
row, counted in file order by DuckDB (the staged record's rowid + 2, engine_staging.stage, read in
one transaction with the deletes). Entirely empty rows keep their number but are not rows read.

The file takes the chunked path instead (stage_csv returns None) when DuckDB's numbering or
reading could differ from what Excel shows or when the file must be refused with a sentence:
- blank lines (DuckDB skips them, Excel counts them), a bare carriage return as line break,
  a line break inside a header cell;
- any CSV error DuckDB raises (a row with more or fewer cells than the header, a quote left open,
  a cell over DuckDB's line size) - the chunked path then refuses or loads it with its own sentences;
- text that does not decode: files not in UTF-8 are transcoded to a temporary UTF-8 copy first
  (streamed, 1 MB at a time), and a decoding error sends the original to the chunked path;
- more than MAX_SET_ASIDE rows to set aside: this path holds them with their cells in memory until
  the quarantine is written, the chunked path writes them chunk by chunk.
XLSX files and files read through a profile always take the chunked path (docs/ingest.md section 11).

Modules: engine_csv (the text DuckDB reads, the scan in file order), engine_staging (the staging
statements: fast lane, then the full rules on the other rows), this one (the file staged, its key
clashes and missing references set aside, the reject lines in the chunked path's order).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb
import pandas as pd

from svc_analysis.core import contract
from svc_analysis.engine import upsert as merge
from svc_analysis.engine import warehouse as wh
from svc_analysis.engine import engine_csv as text
from svc_analysis.engine import engine_staging as staging
from svc_analysis.engine.check_sql import quoted
from svc_analysis.engine.fast_checks import PRINTED_AS_WRITTEN
from svc_analysis.engine.known_ids import known_ids
from svc_analysis.engine.parsing import DateWindow
from svc_analysis.engine.readers import ROW, Source
from svc_analysis.engine.validation import REJECT_COLUMNS, key_clash_reason

__all__ = ["MAX_SET_ASIDE", "Staged", "stage_csv"]
log = logging.getLogger(__name__)

# The rows set aside are held here with their cells (about 1 kB a row) until the quarantine is written.
# A file with more goes to the chunked path instead, which writes them chunk by chunk: a quarter of the
# ratings loaded into a warehouse without outlets (8.45 M rows set aside) took 9.2 GB here
# (benchmarks/results/2026-12-04_vm_ingest-floor.md).
MAX_SET_ASIDE = 100_000


class _TooManySetAside(Exception):
    """More than MAX_SET_ASIDE rows to set aside: the chunked path takes the file."""


@dataclass
class Staged:
    """A file staged by the engine: rows read, the set-aside rows as read and their reject lines."""

    rows_read: int
    raw: pd.DataFrame  # the file's headers plus _row, one line per row set aside
    rejects: pd.DataFrame  # validation.REJECT_COLUMNS
    sha256: str


def stage_csv(con: duckdb.DuckDBPyConnection, source: Source, target: str, window: DateWindow) -> Staged | None:
    """Check and stage one CSV into ``target`` (created here); None when it needs the chunked path."""
    if source.encoding is None or any(c in h for h in source.headers for c in "\r\n\""):
        return None
    with (text.utf8_text(source.path, source.encoding) as (text_path, verdict),
          known_ids(con, source.table, set(source.mapping.values())) as known):
        if text_path is None:
            log.info("%s: chunked path (undecodable text)", source.path.name)
            return None
        scan = text.scan(text_path, len(source.headers))
        try:
            rows_read, slow, empty = staging.stage(con, source, scan, target, window, known)  # lines checked meanwhile
        except duckdb.Error as exc:
            return _chunked_path(con, source, target, exc)
        digest, plain = verdict(rows_read + empty)  # DuckDB's records, entirely empty rows included
        if not plain:
            log.info("%s: chunked path (blank lines or a bare CR)", source.path.name)
            wh.drop_tables(con, [target])
            return None
        con.begin()  # the staged rows' numbers (their rowids, staging.stage) hold until this commits
        try:
            if empty:
                staging.drop_empty_rows(con, target)
            if slow > MAX_SET_ASIDE and staging.unknown_ids(con, source, target, known) > MAX_SET_ASIDE:
                raise _TooManySetAside  # before the full rules run over them all
            try:
                problems = staging.recheck(con, source, target, window, MAX_SET_ASIDE) if slow else []
            except duckdb.Error as exc:
                con.rollback()
                return _chunked_path(con, source, target, exc)
            if problems is None:
                raise _TooManySetAside
            raw = {row: cells for row, cells, _, _ in problems}
            checks = [(row, column, reason) for row, _, column, reason in problems]
            clashes, cells = _key_rejects(con, source, target, MAX_SET_ASIDE - len(raw))
            checks, raw = checks + clashes, raw | cells
            refs, cells = _reference_rejects(con, source.table, target, MAX_SET_ASIDE - len({r for r, _, _ in checks}),
                                             set(known))
            raw |= cells
            con.commit()
        except _TooManySetAside:
            con.rollback()
            log.info("%s: chunked path (more than %d rows to set aside)", source.path.name, MAX_SET_ASIDE)
            wh.drop_tables(con, [target])
            return None
        except BaseException:
            con.rollback()
            raise
        later = sorted({r for r, _, _ in checks + refs} - set(raw))
        if later:  # key clashes of fast-lane rows whose cells cannot be printed back: read them once more
            numbered = text.numbered_scan(text_path, len(source.headers))
            raw |= dict(con.execute(f'SELECT "{ROW}", [{text.cells(len(source.headers))}] FROM ({numbered}) '
                                    f'WHERE "{ROW}" IN (SELECT unnest(?))', [later]).fetchall())
    return Staged(rows_read, _raw_frame(raw, source.headers), _rejects(source, checks, refs, raw), digest)


def _chunked_path(con, source: Source, target: str, exc: duckdb.Error) -> None:
    """The file goes to the chunked path, which names the problem (or reads what DuckDB cannot)."""
    log.info("%s: chunked path (%s)", source.path.name, str(exc).splitlines()[0])
    wh.drop_tables(con, [target])


def _key_rejects(con, source: Source, target: str, room: int) -> tuple[list[tuple[int, str, str]], dict[int, list]]:
    """(row, column, reason) of staged rows whose key occurs with different values elsewhere in the
    file (validation's key check, over the rows without other problems), and their cells: kept by the
    stage, or printed back from the staged values (_printed_cells); they leave the stage.
    More than ``room`` such rows: _TooManySetAside."""
    key = contract.table(source.table).key
    if not key:
        return [], {}
    rows = [int(r) for r in merge.key_conflicts(con, source.table)["row_number"]]
    if len(rows) > room:
        raise _TooManySetAside
    cells, printed = {}, _printed_cells(source)
    if rows:
        kept = f"CASE WHEN _raw IS NOT NULL THEN _raw ELSE {f'[{printed}]' if printed else 'NULL'} END"
        cells = {row: raw for row, raw in wh.run(con, f'SELECT {wh.PLACE_ROW}, {kept} FROM "{target}" '
                                                      f'WHERE {wh.PLACE_ROW} IN (SELECT unnest(?))', [rows])
                 if raw is not None}
    merge.drop_key_clashes(con, source.table, rows)
    return [(r, ", ".join(key), key_clash_reason(key)) for r in rows], cells


def _printed_cells(source: Source) -> str | None:
    """The cells of a fast-lane row as the file holds them, printed back from its staged values (SQL,
    a list's items; fast_checks.PRINTED_AS_WRITTEN), or None when a cell cannot be: a header outside
    the contract, or a column of allowed values, booleans or decimals (written in more than one way)."""
    columns, printed = {c.name: c for c in contract.table(source.table).columns}, []
    for header in source.headers:
        col = columns.get(source.mapping.get(header))
        if col is None or col.values is not None or col.type not in PRINTED_AS_WRITTEN:
            return None
        printed.append(f"CAST({quoted(col.name)} AS VARCHAR)")
    return ", ".join(printed)


def _reference_rejects(con, name: str, target: str, room: int, known: set[str]
                       ) -> tuple[list[tuple[int, str, str]], dict[int, list]]:
    """(row, column, reason) for values whose Column.references target is not in the warehouse
    (ingest.missing_references), in contract column order, and their cells (such a row took the full
    rules, known_ids: the stage kept them); those rows leave the stage. For a column checked against
    known ids (``known``) only those rows are looked at: the fast lane typed only known ids.
    More than ``room`` such rows (counted by row): _TooManySetAside, before they are all fetched."""
    found, missing, cells = [], [], {}
    for col in contract.table(name).columns:
        if col.references:
            ref_table, ref_col = col.references.split(".")
            slow = f'"{target}"._raw IS NOT NULL AND ' if col.name in known else ""
            missing.append(f'{slow}"{target}"."{col.name}" IS NOT NULL AND NOT EXISTS '
                           f'(SELECT 1 FROM "{ref_table}" r WHERE r."{ref_col}" = "{target}"."{col.name}")')
            rows = wh.run(con, f'SELECT {wh.PLACE_ROW}, _raw FROM "{target}" WHERE {missing[-1]} LIMIT {room + 1}')
            cells |= {row: raw for row, raw in rows if raw is not None}
            if len({row for row, _ in rows} | {row for row, _, _ in found}) > room:
                raise _TooManySetAside
            found += [(row, col.name, f"{ref_table} 中没有此 {ref_col}") for row, _ in rows]
    if found:  # by the same conditions, not by a list of rows: all rows of a file may miss their outlet
        merge.drop_staged_rows(con, name, f'({") OR (".join(missing)})')
    return found, cells


def _raw_frame(raw: dict[int, list], headers: list[str]) -> pd.DataFrame:
    rows = sorted(raw)
    frame = pd.DataFrame([[c if c is not None else "" for c in raw[r]] for r in rows], columns=headers,
                         index=rows, dtype="str")
    frame[ROW] = rows
    return frame


def _rejects(source: Source, checks: list, refs: list, raw: dict[int, list]) -> pd.DataFrame:
    """The reject lines in the chunked path's order: per row, validation problems sorted by column
    (one per row and column, the first found), then missing references in contract order."""
    position = {column: i for i, h in enumerate(source.headers) if (column := source.mapping.get(h))}

    def value(row: int, columns: str) -> str:
        cells = raw[row]
        return " / ".join((cells[position[c]] or "").strip() if c in position else "" for c in columns.split(", "))

    frame = pd.DataFrame(checks, columns=["row_number", "column", "reason"])
    frame = frame.drop_duplicates(["row_number", "column"], keep="first").sort_values(["row_number", "column"],
                                                                                      kind="stable")
    frame = pd.concat([frame, pd.DataFrame(refs, columns=["row_number", "column", "reason"])], ignore_index=True)
    frame = frame.sort_values("row_number", kind="stable").reset_index(drop=True)
    frame["value"] = pd.Series([value(r, c) for r, c in zip(frame["row_number"], frame["column"])],
                               index=frame.index, dtype="str")
    frame["file"] = source.path.name
    frame["row_number"] = frame["row_number"].astype("int64")
    return frame[REJECT_COLUMNS]
