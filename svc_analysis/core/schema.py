"""The building blocks of the input data contract (../shared/DATA_CONTRACT.md): column types and their
DuckDB types, a column (canonical name, Chinese aliases, type, allowed values, range, reference,
personal or not), a cross-column row rule, a table (columns, keys, event time), and the words read as
true and false. The tables themselves are core.contract.TABLES.
"""

from __future__ import annotations

from dataclasses import dataclass, field


TEXT, DATE, TIMESTAMP, INT, FLOAT, BOOL = "text", "date", "timestamp", "int", "float", "bool"
MONTH = "month"  # a calendar month written YYYY-MM (01-12), stored as text

DUCKDB_TYPES = {
    TEXT: "VARCHAR",
    DATE: "DATE",
    TIMESTAMP: "TIMESTAMP",
    INT: "INTEGER",
    FLOAT: "DOUBLE",
    BOOL: "BOOLEAN",
    MONTH: "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    name: str
    zh: tuple[str, ...]
    type: str = TEXT
    required: bool = True
    # canonical value -> accepted aliases (Chinese and variants); None = free values
    values: dict[str, tuple[str, ...]] | None = None
    min: float | None = None
    max: float | None = None
    references: str | None = None  # "table.column" that must hold this value
    personal: bool = False  # personal data: masked before anything leaves the warehouse

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header text accepted for this column (canonical name first)."""
        return (self.name, *self.zh)


@dataclass(frozen=True)
class RowRule:
    """A check across columns of one row; ``sql`` is true for a good row (NULLs pass)."""

    name: str
    columns: tuple[str, ...]
    sql: str
    message: str


@dataclass(frozen=True)
class Table:
    name: str
    zh: tuple[str, ...]
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] | None = None  # None: the whole row is the identity
    event_time: str | None = None  # the column that places a row in a month
    rules: tuple[RowRule, ...] = field(default_factory=tuple)
    # an optional key column (ratings.rating_id): a row that has a value is keyed on it like a
    # primary key; a row without one is identified by the whole row
    optional_key: tuple[str, ...] | None = None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name} has no column {name}")

    @property
    def key(self) -> tuple[str, ...] | None:
        """The key re-loading replaces on: the primary key, else the optional key (for the rows that
        have one), else None (the whole row is the identity)."""
        return self.primary_key or self.optional_key

    @property
    def identity(self) -> tuple[str, ...]:
        """Columns that identify a row for re-load de-duplication: the primary key, else the whole row
        (a rating without rating_id; one with it goes by ``key``)."""
        return self.primary_key or tuple(self.column_names)


def _c(name, zh, type=TEXT, required=True, **kw) -> Column:
    zh = (zh,) if isinstance(zh, str) else tuple(zh)
    return Column(name, zh, type, required, **kw)


TRUE_WORDS = ("1", "true", "t", "yes", "y", "是", "对", "√")
FALSE_WORDS = ("0", "false", "f", "no", "n", "否", "错", "×")
