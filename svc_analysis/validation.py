"""Type parsing and checks for one chunk of raw text rows (DATA_CONTRACT.md "Inputs").

validate_chunk(table, raw) parses every contract column from text (vectorised), then checks with
pandera: required values present, ranges, allowed values, the contract's RowRule cross-column
checks, and that a primary key does not appear twice in the chunk with different values. It returns
the good rows (typed, exactly the contract columns in contract order, indexed by spreadsheet row)
and the rejects: one line per problem (file, row_number, column, value, reason); a row with several
problems is listed once per problem.

Accepted text (docs/ingest.md): dates YYYY-MM-DD or YYYY/MM/DD (an Excel midnight time
' 00:00[:00]' is tolerated); timestamps YYYY-MM-DD HH:MM[:SS] (also with '/'); booleans per
contract.TRUE_WORDS / FALSE_WORDS; allowed values by canonical name (any case) or alias.
"""

from __future__ import annotations

from functools import lru_cache

import duckdb
import pandas as pd
import pandera.pandas as pa

from svc_analysis import contract

REJECT_COLUMNS = ["file", "row_number", "column", "value", "reason"]
_DATE = r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?: 00:00(?::00)?)?$"
_TIMESTAMP = r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$"
_DATE_ISO = r"\d{4}-\d{2}-\d{2}"
_TIMESTAMP_ISO = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?"
_PARTS = ["year", "month", "day", "hour", "minute", "second"]
_BOOLS = {**{w: True for w in contract.TRUE_WORDS}, **{w: False for w in contract.FALSE_WORDS}}
_REQUIRED_MISSING = "not_nullable"


def _value_lookup(col: contract.Column) -> dict[str, str]:
    """Accepted text (lower-cased) -> canonical value, for a column with allowed values."""
    return {alias.strip().lower(): canon for canon, aliases in col.values.items() for alias in (canon, *aliases)}


def _parse_datetime(text: pd.Series, pattern: str, strict: str) -> pd.Series:
    """Text matching ``pattern`` as datetimes, else NaT.

    The common zero-padded ISO form (``strict``) takes pandas' fast ISO parser; only the rest
    (slashes, one-digit months or hours) goes through regex extraction of the parts.
    """
    out = pd.to_datetime(text.where(text.str.fullmatch(strict)), format="ISO8601", errors="coerce")
    slow = out.isna() & text.notna()
    if slow.any():
        parts = text[slow].str.extract(pattern).apply(pd.to_numeric)
        parts.columns = _PARTS[: parts.shape[1]]
        if "second" in parts:
            parts["second"] = parts["second"].fillna(0)
            # pandas adds hour 25 as a day and an hour: out-of-range clock parts are invalid instead
            clock_ok = parts["hour"].le(23) & parts["minute"].le(59) & parts["second"].le(59)
            parts = parts.where(clock_ok)
        out[slow] = pd.to_datetime(parts, errors="coerce")
    return out


def parse_column(col: contract.Column, text: pd.Series) -> tuple[pd.Series, str]:
    """The typed column (missing where empty or unparseable) and the reason for unparseable text."""
    present = text.where(text.ne(""))
    if col.values is not None:
        labels = ", ".join(col.values)
        return present.str.lower().map(_value_lookup(col)).astype("str"), f"not one of {labels}"
    if col.type == contract.TEXT:
        return present.astype("str"), ""
    if col.type == contract.BOOL:
        return present.str.lower().map(_BOOLS).astype("boolean"), "not a yes/no value (1/0, true/false, 是/否, Y/N)"
    if col.type in (contract.INT, contract.FLOAT):
        numbers = pd.to_numeric(present, errors="coerce").astype("Float64")
        if col.type == contract.FLOAT:
            return numbers, "not a number"
        whole = numbers.where(numbers.mod(1).eq(0))
        return whole.astype("Int64"), "not a whole number"
    if col.type == contract.DATE:
        return _parse_datetime(present, _DATE, _DATE_ISO).astype("datetime64[s]"), "not a date YYYY-MM-DD"
    if col.type == contract.TIMESTAMP:
        return _parse_datetime(present, _TIMESTAMP, _TIMESTAMP_ISO).astype("datetime64[s]"), \
            "not a timestamp YYYY-MM-DD HH:MM[:SS]"
    raise ValueError(f"column {col.name}: unknown contract type {col.type}")


@lru_cache(maxsize=1)
def _rules_connection() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB for row rules (a new connection per chunk costs ~40 ms)."""
    return duckdb.connect()


def _rule_check(rule: contract.RowRule) -> pa.Check:
    """A RowRule's SQL evaluated by DuckDB over the chunk; NULLs pass (COALESCE ... TRUE)."""

    def ok(frame: pd.DataFrame) -> pd.Series:
        con = _rules_connection()
        con.register("chunk", frame[list(rule.columns)].reset_index(drop=True))
        try:
            result = con.execute(f"SELECT COALESCE(({rule.sql}), TRUE) AS ok FROM chunk").fetchnumpy()["ok"]
        finally:
            con.unregister("chunk")
        return pd.Series(result, index=frame.index, dtype=bool)

    return pa.Check(ok, error=rule.message)


def _key_check(table: contract.Table) -> pa.Check:
    """Rows whose primary key occurs with different values elsewhere in the chunk fail."""
    key = list(table.primary_key)

    def ok(frame: pd.DataFrame) -> pd.Series:
        versions = frame[table.column_names].drop_duplicates()
        clash = versions.loc[versions.duplicated(key, keep=False), key].drop_duplicates()
        marked = frame[key].merge(clash, how="left", indicator=True)["_merge"].eq("both")
        return pd.Series(~marked.to_numpy(), index=frame.index)

    return pa.Check(ok, error=f"{'+'.join(key)} appears again with different values")


@lru_cache(maxsize=None)
def schemas(name: str) -> tuple[pa.DataFrameSchema, pa.DataFrameSchema | None]:
    """The table's row schema (values, ranges, row rules) and its key-uniqueness schema."""
    table = contract.table(name)
    columns = {}
    for col in table.columns:
        checks = []
        if col.min is not None or col.max is not None:
            checks.append(pa.Check.in_range(col.min if col.min is not None else float("-inf"),
                                            col.max if col.max is not None else float("inf"),
                                            error=f"outside {_fmt(col.min)}–{_fmt(col.max)}"))
        if col.values is not None:
            checks.append(pa.Check.isin(list(col.values)))
        columns[col.name] = pa.Column(None, checks, nullable=not col.required)
    rows = pa.DataFrameSchema(columns, checks=[_rule_check(r) for r in table.rules])
    keys = pa.DataFrameSchema(checks=[_key_check(table)]) if table.primary_key else None
    return rows, keys


def _fmt(bound: float | None) -> str:
    return "" if bound is None else f"{bound:g}"


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame, table: contract.Table) -> list[tuple]:
    """(row, column, reason) for every pandera failure case."""
    try:
        schema.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    messages = {r.message: ", ".join(r.columns) for r in table.rules}
    if table.primary_key:
        messages[f"{'+'.join(table.primary_key)} appears again with different values"] = \
            ", ".join(table.primary_key)
    out = []
    for row, column, check, case in cases[["index", "column", "check", "failure_case"]].itertuples(index=False):
        if row is None or pd.isna(row):
            # pandera reports a check that raised as a failure without a row: never swallow it
            raise RuntimeError(f"table {table.name}: check '{check}' failed to run: {case}")
        if check == _REQUIRED_MISSING:
            out.append((row, column, "missing (required)"))
        elif check in messages:
            out.append((row, messages[check], check))
        else:
            out.append((row, column, check))
    return out


def validate_chunk(name: str, raw: pd.DataFrame, file: str = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Good typed rows and rejects for one chunk of text rows indexed by spreadsheet row number.

    ``raw`` holds contract column names (a missing optional column counts as empty); other columns
    are ignored. Problems are found per column (unparseable text), then by pandera.
    """
    table = contract.table(name)
    text = pd.DataFrame(index=raw.index)
    typed = pd.DataFrame(index=raw.index)
    problems: list[tuple] = []
    for col in table.columns:
        source = raw[col.name] if col.name in raw else pd.Series("", index=raw.index, dtype="str")
        text[col.name] = source.fillna("").astype("str").str.strip()
        typed[col.name], reason = parse_column(col, text[col.name])
        bad = typed[col.name].isna() & text[col.name].ne("")
        problems += [(row, col.name, reason) for row in raw.index[bad.to_numpy()]]
    rows_schema, key_schema = schemas(name)
    problems += _failures(rows_schema, typed, table)
    if key_schema is not None:
        clean = typed[~typed.index.isin([p[0] for p in problems])]
        problems += _failures(key_schema, clean, table)
    rejects = _rejects(problems, text, file)
    return typed[~typed.index.isin(rejects["row_number"])].rename_axis("_row"), rejects


def _rejects(problems: list[tuple], text: pd.DataFrame, file: str) -> pd.DataFrame:
    """One line per problem; a missing value already explained by unparseable text is not repeated."""
    frame = pd.DataFrame(problems, columns=["row_number", "column", "reason"])
    frame = frame.drop_duplicates(["row_number", "column"], keep="first")
    values = []
    for row, column in frame[["row_number", "column"]].itertuples(index=False):
        names = column.split(", ")
        values.append(" / ".join(text.at[row, c] for c in names) if len(names) > 1 else text.at[row, column])
    frame["value"] = pd.Series(values, index=frame.index, dtype="str")
    frame["file"] = file
    frame["row_number"] = frame["row_number"].astype("int64")
    return frame.sort_values(["row_number", "column"], kind="stable")[REJECT_COLUMNS].reset_index(drop=True)
