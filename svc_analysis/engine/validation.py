"""Type parsing and checks for one chunk of raw text rows (DATA_CONTRACT.md "Inputs").

validate_chunk(table, raw) parses every contract column from text (vectorised), then checks with
pandera: required values present, ranges, allowed values, the contract's RowRule cross-column
checks, and that a key (primary, or an optional key where the row has one) does not appear twice
in the chunk with different values. It returns
the good rows (typed, exactly the contract columns in contract order, indexed by spreadsheet row)
and the rejects: one line per problem (file, row_number, column, value, reason); a row with several
problems is listed once per problem.

Parsing and the impossible-value checks (inf, 1e309, dates outside the plausible window, month
2026-13) are in svc_analysis.engine.parsing.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from svc_analysis.core import contract
from svc_analysis.engine.parsing import DateWindow, impossible_reason, impossible_values, parse_column, unparsed_reason

if TYPE_CHECKING:  # pandera is imported where used: the engine path never needs it (1.3 s of start-up)
    import pandera.pandas as pa

__all__ = ["REJECT_COLUMNS", "parse_column", "validate_chunk"]

REJECT_COLUMNS = ["file", "row_number", "column", "value", "reason"]
_REQUIRED_MISSING = "not_nullable"
MISSING_REQUIRED = "必填值为空"


def key_clash_reason(key) -> str:
    """The reason for every version of a key that occurs with different values in one file."""
    return f"{'+'.join(key)} 在文件中重复出现且内容不同"


def _chinese_rule(message: str) -> str:
    """A row rule's reason: 'called_at is before taken_at' -> 'called_at 早于 taken_at'."""
    later, _, earlier = message.partition(" is before ")
    return f"{later} 早于 {earlier}" if earlier else message


@lru_cache(maxsize=1)
def _rules_connection() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB for row rules (a new connection per chunk costs ~40 ms)."""
    return duckdb.connect()


def _rule_check(rule: contract.RowRule) -> pa.Check:
    """A RowRule's SQL evaluated by DuckDB over the chunk; NULLs pass (COALESCE ... TRUE)."""
    import pandera.pandas as pa

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
    """Rows whose key (Table.key) occurs with different values elsewhere in the chunk fail; rows
    without a value of an optional key (a rating without rating_id) have no key and pass."""
    import pandera.pandas as pa
    key = list(table.key)

    def ok(frame: pd.DataFrame) -> pd.Series:
        versions = frame.loc[frame[key].notna().all(axis=1), table.column_names].drop_duplicates()
        clash = versions.loc[versions.duplicated(key, keep=False), key].drop_duplicates()
        marked = frame[key].merge(clash, how="left", indicator=True)["_merge"].eq("both")
        return pd.Series(~marked.to_numpy(), index=frame.index)

    return pa.Check(ok, error=key_clash_reason(key))


@lru_cache(maxsize=None)
def schemas(name: str) -> tuple[pa.DataFrameSchema, pa.DataFrameSchema | None]:
    """The table's row schema (values, ranges, row rules) and its key-uniqueness schema."""
    import pandera.pandas as pa
    table = contract.table(name)
    columns = {}
    for col in table.columns:
        checks = []
        if col.min is not None or col.max is not None:
            checks.append(pa.Check.in_range(col.min if col.min is not None else float("-inf"),
                                            col.max if col.max is not None else float("inf"),
                                            error=f"超出范围 {_fmt(col.min)}–{_fmt(col.max)}"))
        if col.values is not None:
            checks.append(pa.Check.isin(list(col.values)))
        columns[col.name] = pa.Column(None, checks, nullable=not col.required)
    rows = pa.DataFrameSchema(columns, checks=[_rule_check(r) for r in table.rules])
    keys = pa.DataFrameSchema(checks=[_key_check(table)]) if table.key else None
    return rows, keys


def _fmt(bound: float | None) -> str:
    return "" if bound is None else f"{bound:g}"


def _failures(schema: pa.DataFrameSchema, frame: pd.DataFrame, table: contract.Table) -> list[tuple]:
    """(row, column, reason) for every pandera failure case."""
    import pandera.pandas as pa
    try:
        schema.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    messages = {r.message: ", ".join(r.columns) for r in table.rules}
    if table.key:
        messages[key_clash_reason(table.key)] = ", ".join(table.key)
    out = []
    for row, column, check, case in cases[["index", "column", "check", "failure_case"]].itertuples(index=False):
        if row is None or pd.isna(row):
            # pandera reports a check that raised as a failure without a row: never swallow it
            raise RuntimeError(f"table {table.name}: check '{check}' failed to run: {case}")
        if check == _REQUIRED_MISSING:
            out.append((row, column, MISSING_REQUIRED))
        elif check in messages:
            out.append((row, messages[check], _chinese_rule(check)))
        else:
            out.append((row, column, check))
    return out


def validate_chunk(name: str, raw: pd.DataFrame, file: str = "",
                   window: DateWindow | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Good typed rows and rejects for one chunk of text rows indexed by spreadsheet row number.

    ``raw`` holds contract column names (a missing optional column counts as empty); other columns
    are ignored. Problems are found per column (unparseable text, then impossible values: inf, nan,
    1e309, a date outside ``window``), then by pandera. Ingest always passes the params' window.
    """
    table = contract.table(name)
    text = pd.DataFrame(index=raw.index)
    typed = pd.DataFrame(index=raw.index)
    problems: list[tuple] = []
    for col in table.columns:
        source = raw[col.name] if col.name in raw else pd.Series("", index=raw.index, dtype="str")
        text[col.name] = source.fillna("").astype("str").str.strip()
        typed[col.name], reason = parse_column(col, text[col.name])
        impossible = impossible_values(col, text[col.name], typed[col.name], window).to_numpy(dtype=bool)
        if impossible.any():
            problems += [(row, col.name, impossible_reason(col, window)) for row in raw.index[impossible]]
            typed.loc[impossible, col.name] = None
        bad = typed[col.name].isna() & text[col.name].ne("") & ~impossible
        problems += [(row, col.name, unparsed_reason(col, text.at[row, col.name], reason))
                     for row in raw.index[bad.to_numpy()]]
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
