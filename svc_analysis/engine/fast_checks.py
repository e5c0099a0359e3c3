"""The well-formed cell, typed cheaply: the engine path's fast lane (issue 17, engine speed).

Nearly every cell of a real export is already in its canonical form (``2026-10-01 09:23:35``, ``4``,
an id without surrounding spaces). check_sql's expressions follow every rule of parsing.py
(trimming of all Unicode whitespace, aliases in any case, several date layouts, reasons), which
costs many regular expressions per cell. Here each column gets a cheap expression over the raw
cell that gives the typed value only when the cell is certainly good, and NULL otherwise:

- fast(col, cell): the typed value when the cell is canonical: text with no whitespace at either
  end, an allowed value or boolean word written exactly, a decimal ``-?digits[.digits]``, a month
  ``YYYY-MM`` (01-12); whole numbers, dates and timestamps are parsed by DuckDB (a cast; timestamps
  by strptime in the layout ``%Y-%m-%d %H:%M:%S``) and count as canonical only when DuckDB prints
  the value back exactly as written (``4``, ``2026-10-01``,
  ``2026-10-01 09:23:35``; not ``+4``, ``04``, ``2026-10-1``, ``24:00:00`` or a fraction of a second);
  a whole number of a short range (a score 1-5) is looked up among the range's values as DuckDB prints
  them instead, which checks the form and the range at once. Each of these parses to the same value
  through check_sql.typed.
- row_ok(table, cells, window): SQL true when every column is fast-typed (or empty and optional),
  inside the plausible window and its range, and every row rule holds: check_sql would find no
  problem in the row and would type it to the fast values.

engine_staging runs check_sql's expressions only on the rows that are not ok (their cells kept in
_raw, rechecked after the staging pass), so the set-aside output is unchanged;
tests/engine/test_engine_checks.py compares both lanes.
"""

from __future__ import annotations

import math

from svc_analysis.core import schema
from svc_analysis.engine.check_sql import SPACE_CODES, impossible, lit, quoted, value_lookup
from svc_analysis.engine.parsing import DateWindow

__all__ = ["PRINTED_AS_WRITTEN", "fast", "names_known_id", "row_ok", "stripped"]

# A whole-number column whose range holds at most this many values is typed by a lookup of them as
# DuckDB prints them (CASE '1' THEN 1 ...): for the 33.8 M province ratings' score 0.25 s less than a
# cast, its print-back and two comparisons (benchmarks/results/2026-12-04_vm_whole-row-hash.md).
LOOKED_UP_RANGE = 32
# Column types (without allowed values) whose fast value, printed by DuckDB, is the cell exactly as
# written: text is the cell itself, the others pass only when printed back as written (_column_ok).
PRINTED_AS_WRITTEN = (schema.TEXT, schema.INT, schema.DATE, schema.TIMESTAMP, schema.MONTH)

def _space_class() -> str:
    """An RE2 class of every character str.strip() removes (str.isspace), as code point ranges."""
    spaces = SPACE_CODES
    ranges, start = [], spaces[0]
    for prev, code in zip(spaces, spaces[1:] + [None]):
        if code != prev + 1:
            ranges.append(f"\\x{{{start:X}}}" + (f"-\\x{{{prev:X}}}" if prev > start else ""))
            start = code
    return "[^" + "".join(ranges) + "]"


# a cell that is not empty and has no whitespace at either end (anything, line breaks too, between)
_STRIPPED = f"{_space_class()}(?s:.*{_space_class()})?"


def stripped(cell: str) -> str:
    """SQL true when the cell is not empty and has no whitespace (str.isspace) at either end.

    The code points of the first and last character decide for nearly every cell (printable ASCII,
    or above U+3000, the highest space: Chinese text); the regular expression, which costs a pass
    over the cell, runs only on the others (DuckDB evaluates OR on the rows still undecided)."""
    ends = " AND ".join(f"(ascii({c}) BETWEEN 33 AND 126 OR ascii({c}) > {max(SPACE_CODES)})"
                        for c in (cell, f"{cell}[-1]"))
    return f"(({ends}) OR regexp_full_match({cell}, {lit(_STRIPPED)}))"


def names_known_id(cell: str, enum: str) -> str:
    """SQL true when the cell is exactly one of the ids of ``enum`` (known_ids: stored ids, stripped)."""
    return f"TRY_CAST({cell} AS {enum}) IS NOT NULL"


def fast(col: schema.Column, cell: str | None, known: str | None = None) -> str:
    """The typed value of a canonical raw cell (see module docstring), else NULL; cast to the column's type.

    ``known``: for a referencing text column, the ENUM of the ids it may name (known_ids): the cell
    is typed only when it is one of them (such an id is stripped text), so a row naming an unknown
    id takes the full rules with its cells kept."""
    if cell is None:
        return "NULL"
    if known is not None:
        return f"CASE WHEN {names_known_id(cell, known)} THEN {cell} END"
    if col.values is not None:  # written exactly as an allowed value or alias: check_sql's lookup of it
        canonical = value_lookup(col)
        exact = {a: canonical[a.lower()] for c, aliases in col.values.items() for a in (c, *aliases) if a == a.strip()}
        return f"CASE {cell} {' '.join(f'WHEN {lit(k)} THEN {lit(v)}' for k, v in exact.items())} END"
    if col.type == schema.TEXT:
        return f"CASE WHEN {stripped(cell)} THEN {cell} END"
    if col.type == schema.MONTH:
        return f"CASE WHEN regexp_full_match({cell}, '[0-9]{{4}}-(0[1-9]|1[0-2])') THEN {cell} END"
    if col.type == schema.BOOL:
        words = [(w, "TRUE") for w in schema.TRUE_WORDS] + [(w, "FALSE") for w in schema.FALSE_WORDS]
        return f"CASE {cell} {' '.join(f'WHEN {lit(w)} THEN {v}' for w, v in words)} END"
    if col.type == schema.INT:
        if values := _looked_up(col):  # written as DuckDB prints one of the range's values
            return f"CASE {cell} {' '.join(f'WHEN {lit(str(v))} THEN {v}' for v in values)} END"
        return f"TRY_CAST({cell} AS INTEGER)"  # canonical: written as DuckDB prints it (checked in _column_ok)
    if col.type == schema.FLOAT:
        number = f"TRY_CAST({cell} AS DOUBLE)"
        return f"CASE WHEN regexp_full_match({cell}, '-?[0-9]{{1,15}}(\\.[0-9]{{1,15}})?') THEN {number} END"
    if col.type == schema.DATE:
        return f"CASE WHEN strlen({cell}) = 10 THEN TRY_CAST({cell} AS DATE) END"
    if col.type == schema.TIMESTAMP:
        # strptime with the one layout costs a third less than a cast; the print-back check decides
        return f"try_strptime({cell}, '%Y-%m-%d %H:%M:%S')"
    raise ValueError(f"column {col.name}: unknown contract type {col.type}")


def _looked_up(col: schema.Column) -> range | None:
    """The whole numbers min..max of an INT column whose range holds 1 to LOOKED_UP_RANGE of them, else None."""
    if col.type != schema.INT or col.values is not None or col.min is None or col.max is None:
        return None
    values = range(math.ceil(col.min), math.floor(col.max) + 1)
    return values if 0 < len(values) <= LOOKED_UP_RANGE else None


def _column_ok(col: schema.Column, cell: str | None, value: str, window: DateWindow | None) -> str:
    """SQL true when check_sql finds no problem in this column and types it to ``value`` (the fast value)."""
    if cell is None:  # the column is absent from the file: check_sql reads it as ''
        return "FALSE" if col.required else "TRUE"
    present, looked_up = f"{value} IS NOT NULL", _looked_up(col) is not None
    if col.values is None and col.type in (schema.INT, schema.DATE, schema.TIMESTAMP) and not looked_up:
        present = f"CAST({value} AS VARCHAR) = {cell}"  # printed back as written
    ok = present if col.required else f"({present} OR coalesce({cell}, '') = '')"
    checks = [ok]
    if col.type in (schema.DATE, schema.TIMESTAMP, schema.MONTH):
        checks.append(f"NOT {impossible(col, value, value, window)}")
    if col.min is not None and not looked_up:  # a looked-up value is in its range
        checks.append(f"coalesce({value} >= {col.min}, TRUE)")
    if col.max is not None and not looked_up:
        checks.append(f"coalesce({value} <= {col.max}, TRUE)")
    return " AND ".join(f"({c})" for c in checks)


def row_ok(table: schema.Table, cells: dict[str, str], window: DateWindow | None) -> str:
    """SQL true for a row check_sql would pass unchanged; the fast values are columns named as the contract's."""
    checks = [_column_ok(c, cells.get(c.name), quoted(c.name), window) for c in table.columns]
    checks += [f"coalesce(({r.sql}), TRUE)" for r in table.rules]
    return " AND ".join(checks)
