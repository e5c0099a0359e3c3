"""The contract's row checks as DuckDB SQL expressions over text cells (the engine-speed ingest path).

The same rules as svc_analysis.engine.parsing and validation (DATA_CONTRACT.md "Inputs",
docs/ingest.md sections 3-4), written once more as SQL so that DuckDB checks a whole file without
a row ever reaching Python: parsing.py is the reference and the tests compare the two paths row by
row (tests/engine/test_engine_checks.py). For every contract column:

- text(col): the cell trimmed of every character Python's str.strip() removes ('' when absent);
- typed(col): the parsed value or NULL: allowed values by canonical name or alias (any case),
  booleans per schema.TRUE_WORDS / FALSE_WORDS, numbers (finite doubles; whole ones for int),
  dates YYYY-MM-DD or YYYY/M/D (an Excel midnight ' 00:00[:00]' tolerated), timestamps
  YYYY-MM-DD HH:MM[:SS[.fff]] (also '/', 'T'), months YYYY-MM with a month 01-12;
- problems(table): a list of {column, reason} per row, in the order validation finds them:
  impossible or unparseable values per column, then required values missing, ranges, row rules.
Reasons are the exact strings of parsing.py and validation.py.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import schema
from svc_analysis.engine import parsing
from svc_analysis.engine.parsing import (DateWindow, impossible_reason, parse_column, unparsed_reason,
                                          value_lookup)
from svc_analysis.engine.validation import MISSING_REQUIRED, _chinese_rule, _fmt

__all__ = ["SPACE_CODES", "column_problems", "impossible", "lit", "quoted", "rule_problems", "text", "typed", "value_lookup"]

# every character str.strip() removes (Unicode whitespace, str.isspace), as one DuckDB trim() character
# set; written out because finding them costs 55 ms at every start (tests/engine/test_fast_checks.py finds them)
SPACE_CODES = [9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 133, 160, 5760, *range(8192, 8203), 8232, 8233, 8239, 8287, 12288]
_SPACES = "".join(map(chr, SPACE_CODES))
_NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
_NOT_FINITE_WORDS = "(?i)" + parsing.NOT_FINITE_PATTERN
_DATE, _TIMESTAMP = parsing.DATE_PATTERN, parsing.TIMESTAMP_PATTERN  # the same layouts as the pandas path
_MONTH, _EXCEL_SERIAL = parsing.MONTH_PATTERN, parsing.EXCEL_SERIAL_PATTERN


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def text(raw: str | None) -> str:
    """The trimmed text of a raw cell expression (None: the column is absent -> '')."""
    return f"trim(coalesce({raw}, ''), {lit(_SPACES)})" if raw else "''"


def _reason(col: schema.Column) -> str:
    """The column's unparseable-value reason, as parsing.parse_column gives it."""
    return parse_column(col, pd.Series([""], dtype="str"))[1]


def _clock(t: str, pattern: str, with_time: bool) -> str:
    """Parts extracted by ``pattern`` assembled into a DATE or TIMESTAMP (NULL when not a real one)."""
    part = [f"regexp_extract({t}, '^{pattern}$', {i})" for i in range(1, 7 if with_time else 4)]
    date = f"lpad({part[0]}, 4, '0') || '-' || lpad({part[1]}, 2, '0') || '-' || lpad({part[2]}, 2, '0')"
    if not with_time:
        return f"CASE WHEN {part[0]} <> '0000' THEN TRY_CAST({date} AS DATE) END"
    second = f"coalesce(nullif({part[5]}, ''), '0')"
    ok = f"{part[3]}::INT <= 23 AND {part[4]}::INT <= 59 AND {second}::INT <= 59 AND {part[0]} <> '0000'"
    stamp = f"{date} || ' ' || lpad({part[3]}, 2, '0') || ':' || {part[4]} || ':' || lpad({second}, 2, '0')"
    return f"CASE WHEN {ok} THEN TRY_CAST({stamp} AS TIMESTAMP) END"


def typed(col: schema.Column, t: str) -> str:
    """The parsed value of text expression ``t`` (NULL when empty or unparseable), as the column's type."""
    if col.values is not None:
        lookup = value_lookup(col)
        whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in lookup.items())
        return f"CASE lower({t}) {whens} END"
    if col.type == schema.TEXT:
        return f"nullif({t}, '')"
    if col.type == schema.MONTH:
        return f"CASE WHEN regexp_full_match({t}, {lit(_MONTH)}) THEN {t} END"
    if col.type == schema.BOOL:
        whens = " ".join(f"WHEN {lit(w)} THEN {'TRUE' if w in schema.TRUE_WORDS else 'FALSE'}"
                         for w in (*schema.TRUE_WORDS, *schema.FALSE_WORDS))
        return f"CASE lower({t}) {whens} END"
    if col.type in (schema.INT, schema.FLOAT):
        number = f"CASE WHEN regexp_full_match({t}, {lit(_NUMBER)}) THEN TRY_CAST({t} AS DOUBLE) END"
        finite = f"CASE WHEN isfinite({number}) THEN {number} END"
        if col.type == schema.FLOAT:
            return finite
        return f"CASE WHEN {finite} = floor({finite}) THEN TRY_CAST({finite} AS BIGINT) END"
    if col.type == schema.DATE:
        return f"CASE WHEN regexp_full_match({t}, {lit(_DATE)}) THEN {_clock(t, _DATE, False)} END"
    if col.type == schema.TIMESTAMP:
        return f"CASE WHEN regexp_full_match({t}, {lit(_TIMESTAMP)}) THEN {_clock(t, _TIMESTAMP, True)} END"
    raise ValueError(f"column {col.name}: unknown contract type {col.type}")


def impossible(col: schema.Column, t: str, value: str, window: DateWindow | None) -> str:
    """SQL true where the text parses (or looks like a number) but cannot be real (parsing.impossible_values).

    ``value`` is the parsed value before the impossible ones are dropped."""
    if col.type in (schema.INT, schema.FLOAT):
        number = f"CASE WHEN regexp_full_match({t}, {lit(_NUMBER)}) THEN TRY_CAST({t} AS DOUBLE) END"
        overflow = f"(regexp_full_match({t}, {lit(_NUMBER)}) AND ({number} IS NULL OR NOT isfinite({number})))"
        return f"({overflow} OR regexp_full_match({t}, {lit(_NOT_FINITE_WORDS)}))"
    if window is None or col.type not in (schema.DATE, schema.TIMESTAMP, schema.MONTH):
        return "FALSE"
    if col.type == schema.MONTH:
        first = f"TRY_CAST({value} || '-01' AS DATE)"
        return (f"coalesce({first} < DATE {lit(window[0].replace(day=1))} OR {first} > DATE {lit(window[1])}, FALSE)")
    return (f"coalesce({value} < DATE {lit(window[0])} OR {value} >= DATE {lit(window[1])} + INTERVAL 1 DAY, FALSE)")


def _problem(column: str, reason_sql: str, when: str) -> str:
    return f"CASE WHEN {when} THEN {{'column': {lit(column)}, 'reason': {reason_sql}}} END"


def column_problems(col: schema.Column, t: str, value: str, bad: str, window: DateWindow | None) -> list[str]:
    """The {column, reason} cases of one column; ``value`` is typed(col) with impossible values
    dropped, ``bad`` the impossible() expression."""
    out = [_problem(col.name, lit(impossible_reason(col, window)), bad)] if bad != "FALSE" else []
    reason = lit(_reason(col))
    if col.type in (schema.DATE, schema.TIMESTAMP):
        serial = unparsed_reason(col, "12345", "").replace("12345", "\x00")
        head, tail = serial.split("\x00")
        reason = f"CASE WHEN regexp_full_match({t}, {lit(_EXCEL_SERIAL)}) THEN {lit(head)} || {t} || {lit(tail)} " \
                 f"ELSE {reason} END"
    out.append(_problem(col.name, reason, f"{value} IS NULL AND {t} <> '' AND NOT {bad}"))
    if col.required:
        out.append(_problem(col.name, lit(MISSING_REQUIRED), f"{t} = ''"))
    if col.min is not None or col.max is not None:
        low = f"{value} < {col.min}" if col.min is not None else "FALSE"
        high = f"{value} > {col.max}" if col.max is not None else "FALSE"
        span = f"{_fmt(col.min)}–{_fmt(col.max)}"
        out.append(_problem(col.name, lit(f"超出范围 {span}"), f"coalesce({low} OR {high}, FALSE)"))
    return out


def rule_problems(table: schema.Table) -> list[str]:
    """The contract's RowRule cross-column checks over the typed columns; NULLs pass."""
    return [_problem(", ".join(r.columns), lit(_chinese_rule(r.message)), f"NOT coalesce(({r.sql}), TRUE)")
            for r in table.rules]

