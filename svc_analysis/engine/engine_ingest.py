"""One CSV export checked and staged by DuckDB in one pass: ingest at engine speed (issue 17).

The rules are those of the chunked path (svc_analysis.engine.csv_rows, validation, parsing;
docs/ingest.md section 11): DuckDB reads the file as text (every cell VARCHAR), the contract's
type, range, rule, key and reference checks run as SQL expressions (svc_analysis.engine.check_sql),
the good rows land typed in the staging table and the rows set aside come back with their
spreadsheet row, column, value and reason, exactly as the chunked path reports them.

Row numbers: the header is row 1 and each CSV record (a quoted multi-line cell included) is one
row, counted in file order by DuckDB. Entirely empty rows keep their number but are not rows read.

The file takes the chunked path instead (stage_csv returns None) when DuckDB's numbering or
reading could differ from what Excel shows or when the file must be refused with a sentence:
- blank lines (DuckDB skips them, Excel counts them), a bare carriage return as line break,
  a line break inside a header cell;
- any CSV error DuckDB raises (a row with more or fewer cells than the header, a quote left open,
  a cell over DuckDB's line size) - the chunked path then refuses or loads it with its own sentences;
- text that does not decode: files not in UTF-8 are transcoded to a temporary UTF-8 copy first
  (streamed, 1 MB at a time), and a decoding error sends the original to the chunked path.
XLSX files and files read through a profile always take the chunked path (docs/ingest.md section 11).
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from svc_analysis.core import contract
from svc_analysis.engine import check_sql as sql
from svc_analysis.engine import fast_checks as fast
from svc_analysis.engine import upsert as merge
from svc_analysis.engine import warehouse as wh
from svc_analysis.engine.parsing import DateWindow
from svc_analysis.engine.readers import ROW, Source
from svc_analysis.engine.validation import REJECT_COLUMNS, key_clash_reason

__all__ = ["Staged", "stage_csv"]
log = logging.getLogger(__name__)
BLOCK = 1 << 20
NATIVE = {"utf-8", "utf-8-sig", "utf8", "ascii"}


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
    with _utf8_text(source.path, source.encoding) as (text_path, digest, plain):
        if text_path is None or not plain:
            log.info("%s: chunked path (blank lines, bare CR or undecodable text)", source.path.name)
            return None
        scan = _scan(text_path, len(source.headers))
        try:
            wh.run(con, _stage_statement(source, scan, target, window))
            rows_read, slow = wh.run(con, f'SELECT count(*), count(_raw) FROM "{target}"')[0]
            problems = _recheck(con, source, target, window) if slow else []
        except duckdb.Error as exc:  # the chunked path names the problem (or reads what DuckDB cannot)
            log.info("%s: chunked path (%s)", source.path.name, str(exc).splitlines()[0])
            wh.drop_tables(con, [target])
            return None
        checks = [(row, column, reason) for row, _, column, reason in problems] + _key_rejects(con, source.table)
        refs = _reference_rejects(con, source.table, target)
        raw = {row: cells for row, cells, _, _ in problems}
        later = sorted({r for r, _, _ in checks + refs} - set(raw))
        if later:  # rows set aside after staging: read their cells once more (usually none)
            raw |= dict(con.execute(f'SELECT "{ROW}", [{_cells(len(source.headers))}] FROM ({scan}) '
                                    f'WHERE "{ROW}" IN (SELECT unnest(?))', [later]).fetchall())
    return Staged(rows_read, _raw_frame(raw, source.headers), _rejects(source, checks, refs, raw), digest)


def _cells(width: int) -> str:
    return ", ".join(f"c{i}" for i in range(width))


def _scan(path: Path, width: int) -> str:
    """The file's records as text cells c0..cN with their spreadsheet row (header = row 1)."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    return (f"SELECT row_number() OVER () + 1 AS \"{ROW}\", {_cells(width)} FROM read_csv({sql.lit(str(path))}, "
            f"header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
            f"null_padding = false, columns = {{{columns}}})")


def _stage_statement(source: Source, scan: str, target: str, window: DateWindow) -> str:
    """CREATE the staging table in one pass over the file: typed contract columns, _row, and _raw
    (the cells as read) for the rows that are not certainly good.

    Rows whose cells are all canonical (fast_checks.row_ok) are typed by the fast lane and have
    no _raw; the others keep their cells in _raw and are typed and checked by _recheck_statement
    (check_sql's full rules) afterwards, over those rows only (usually a handful)."""
    table, width = contract.table(source.table), len(source.headers)
    where = _cells_by_column(source)
    empty = " AND ".join(f"coalesce(c{i}, '') = ''" for i in range(width))
    q = {c.name: sql.quoted(c.name) for c in table.columns}
    quick = ", ".join(f"{fast.fast(c, where.get(c.name))} AS {q[c.name]}" for c in table.columns)
    ok = fast.row_ok(table, where, window)
    return (f'CREATE OR REPLACE TABLE "{target}" AS '
            f"WITH src AS ({scan}), kept AS (SELECT * FROM src WHERE NOT ({empty})), "
            f"quick AS (SELECT *, {quick} FROM kept), sorted AS (SELECT *, {ok} AS _ok FROM quick) "
            f'SELECT {_typed_columns(source.table)}, "{ROW}", '
            f"CASE WHEN _ok THEN NULL ELSE [{_cells(width)}] END AS _raw FROM sorted")


def _recheck_statement(source: Source, target: str, checked: str, window: DateWindow) -> str:
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
            f'WITH src AS (SELECT "{ROW}", _raw, {cells} FROM "{target}" WHERE _raw IS NOT NULL), '
            f"texts AS (SELECT *, {texts} FROM src), parsed AS (SELECT *, {parsed} FROM texts), "
            f"checked AS (SELECT *, {bad} FROM parsed), final AS (SELECT *, {final} FROM checked), "
            f"found AS (SELECT *, {problems} AS _problems FROM final) "
            f'SELECT {_typed_columns(source.table)}, "{ROW}", _raw, _problems FROM found')


def _cells_by_column(source: Source) -> dict[str, str]:
    """Contract column -> the raw cell c<i> it is read from (absent columns are missing)."""
    return {column: f"c{i}" for i, h in enumerate(source.headers) if (column := source.mapping.get(h))}


def _typed_columns(name: str) -> str:
    """The contract columns cast to their warehouse types, in contract order."""
    types = wh.column_types(name)
    return ", ".join(f"CAST({sql.quoted(c)} AS {types[c]}) AS {sql.quoted(c)}" for c in types)


def _recheck(con, source: Source, target: str, window: DateWindow) -> list[tuple]:
    """Type and check the staged rows that took the slow lane; those without a problem go back
    into the stage typed, and (row, cells, column, reason) of the others is returned, by row."""
    checked = f"{target}_checked"
    try:
        wh.run(con, _recheck_statement(source, target, checked, window))
        wh.run(con, f'DELETE FROM "{target}" WHERE _raw IS NOT NULL')
        columns = ", ".join(sql.quoted(c) for c in contract.table(source.table).column_names)
        wh.run(con, f'INSERT INTO "{target}" SELECT {columns}, "{ROW}", NULL FROM "{checked}" '
                    f"WHERE len(_problems) = 0")
        return con.execute(f'SELECT "{ROW}", _raw, p."column", p.reason FROM (SELECT "{ROW}", _raw, '
                           f'unnest(_problems) AS p FROM "{checked}" WHERE len(_problems) > 0) ORDER BY 1').fetchall()
    finally:
        wh.drop_tables(con, [checked])


def _key_rejects(con, name: str) -> list[tuple[int, str, str]]:
    """(row, column, reason) of staged rows whose key occurs with different values elsewhere in the
    file (validation's key check, over the rows without other problems); they leave the stage."""
    key = contract.table(name).key
    if not key:
        return []
    rows = [int(r) for r in merge.key_conflicts(con, name)["row_number"]]
    merge.drop_staged_rows(con, name, rows)
    return [(r, ", ".join(key), key_clash_reason(key)) for r in rows]


def _reference_rejects(con, name: str, target: str) -> list[tuple[int, str, str]]:
    """(row, column, reason) for values whose Column.references target is not in the warehouse
    (ingest.missing_references), in contract column order; those rows leave the stage."""
    found = []
    for col in contract.table(name).columns:
        if col.references:
            ref_table, ref_col = col.references.split(".")
            rows = wh.run(con, f'SELECT "{ROW}" FROM "{target}" s WHERE "{col.name}" IS NOT NULL AND NOT EXISTS '
                               f'(SELECT 1 FROM "{ref_table}" r WHERE r."{ref_col}" = s."{col.name}")')
            found += [(row, col.name, f"{ref_table} 中没有此 {ref_col}")
                      for (row,) in rows]
    merge.drop_staged_rows(con, name, sorted({r for r, _, _ in found}))
    return found


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


@contextmanager
def _utf8_text(path: Path, encoding: str):
    """(a UTF-8 path to read, the original file's SHA-256, whether its lines are plain): the file
    itself when UTF-8, else a streamed UTF-8 copy (path None when it does not decode). Plain: no
    blank line and no bare CR, so that DuckDB's records are the rows Excel shows."""
    digest, lines = hashlib.sha256(), _LineCheck()
    native = codecs.lookup(encoding).name in {codecs.lookup(e).name for e in NATIVE}
    with tempfile.TemporaryDirectory(prefix="svc-ingest-") as folder:
        out_path = path if native else Path(folder) / "utf8.csv"
        decoder = None if native else codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            with open(path, "rb") as fh, (open(out_path, "wb") if decoder else _Null()) as out:
                while block := fh.read(BLOCK):
                    digest.update(block)
                    if decoder:
                        block = decoder.decode(block).encode("utf-8")
                        out.write(block)
                    lines.feed(block)
                if decoder:
                    out.write(decoder.decode(b"", final=True).encode("utf-8"))
        except UnicodeDecodeError:
            yield None, digest.hexdigest(), False
            return
        yield out_path, digest.hexdigest(), lines.plain()


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _LineCheck:
    """Finds blank lines and bare carriage returns in a byte stream, block by block."""

    def __init__(self):
        self.tail, self.pending_cr, self.bad, self.first = b"", False, False, True

    def feed(self, block: bytes) -> None:
        if self.bad or not block:
            return
        if self.pending_cr and not block.startswith(b"\n"):
            self.bad = True
        text = self.tail + block
        if self.first and (block.startswith(b"\n") or block.startswith(b"\r")):
            self.bad = True
        self.first = False
        crs = block.count(b"\r") - (1 if block.endswith(b"\r") else 0)
        self.bad = self.bad or b"\n\n" in text or b"\n\r\n" in text or crs != block.count(b"\r\n")
        self.pending_cr, self.tail = block.endswith(b"\r"), text[-2:]

    def plain(self) -> bool:
        return not self.bad and not self.pending_cr
