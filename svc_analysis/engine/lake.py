"""The Parquet lake: every contract table as Parquet files that Spark (or any engine) reads.

Layout (docs/scale.md "The lake layout", the input a head office can also produce itself):

    DIR/_manifest.json                                  what was written, per table and part
    DIR/<table>/data.parquet                            tables without an event time (outlets, staff,
                                                        campaign_actuals): one file
    DIR/<table>/event_month=YYYY-MM/data.parquet        event tables: one file per month of the
                                                        contract's event_time column (PARTITIONS)

A file holds exactly the contract's columns in contract order, typed by ARROW_TYPES: text as UTF-8
string, date as date32, timestamp as naive microseconds (Parquet TIMESTAMP, isAdjustedToUTC=false:
local wall-clock time, no zone), int as int32, float as float64, bool as boolean. DuckDB marks a
column without NULLs in a file as REQUIRED, so nullability varies by file: readers take the schema
from arrow_schema(), where every column may be NULL (ingest enforces required columns). The partition key
is only in the directory name (Hive style). It is called event_month, not month, because
report_submissions and campaign_actuals have a month column of their own (the month reported on),
which is not the month of the event.

Incremental export: the manifest keeps per table its schema and per part (a month, or ALL) the row
count and a fingerprint, the sum of DuckDB's hash() over the part's rows (independent of row order;
a changed, added or removed row changes it). An export rewrites only the parts whose count or
fingerprint differ, deletes the parts that have no rows any more, and rewrites a whole table whose
schema or DuckDB version (hash() may change between versions) differs. Every file is written to a
hidden temporary beside it and renamed into place, so a reader never sees half a file; the manifest
is rewritten (the same way) after each table.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from svc_analysis.core import contract, schema
from svc_analysis.engine import warehouse
from svc_analysis.core.periods import month_bounds

MANIFEST = "_manifest.json"
FILE = "data.parquet"
PARTITION_KEY = "event_month"
ALL = "all"  # the one part of a table without an event time
ARROW_TYPES = {
    schema.TEXT: pa.string(),
    schema.DATE: pa.date32(),
    schema.TIMESTAMP: pa.timestamp("us"),
    schema.INT: pa.int32(),
    schema.FLOAT: pa.float64(),
    schema.BOOL: pa.bool_(),
    schema.MONTH: pa.string(),  # YYYY-MM text, as the warehouse stores it
}
# The column whose month places a row in a partition, per event table (schema.Table.event_time).
PARTITIONS = {name: t.event_time for name, t in contract.TABLES.items() if t.event_time}


class LakeError(ValueError):
    """Warehouse rows the lake cannot place (the message names the table and column)."""


@dataclass
class TableExport:
    """What one export did to one table: parts (months, or ALL) written, unchanged and deleted."""

    table: str
    rows: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def arrow_schema(name: str) -> pa.Schema:
    """The Arrow schema of a contract table's Parquet files (module docstring); every field nullable."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in contract.table(name).columns])


def part_path(root: Path, name: str, part: str) -> Path:
    """The file of one part: <root>/<table>/event_month=<part>/data.parquet, or <table>/data.parquet."""
    base = Path(root) / name
    return base / FILE if part == ALL else base / f"{PARTITION_KEY}={part}" / FILE


def read_manifest(root: Path) -> dict:
    """The lake's manifest ({} when there is none yet)."""
    path = Path(root) / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _write_manifest(root: Path, manifest: dict) -> None:
    tmp = Path(root) / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, Path(root) / MANIFEST)


def _schema(name: str) -> list[list[str]]:
    return [[c.name, c.type] for c in contract.table(name).columns]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def fingerprints(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, dict]:
    """Per part of a warehouse table: {"rows": count, "fingerprint": sum of hash(row) as text}."""
    cols = ", ".join(_quoted(c) for c in contract.table(name).column_names)
    time = PARTITIONS.get(name)
    part = f"strftime({_quoted(time)}, '%Y-%m')" if time else f"'{ALL}'"
    rows = warehouse.run(con, f"SELECT {part} AS part, count(*), CAST(sum(hash({cols})) AS VARCHAR) "
                              f"FROM {_quoted(name)} GROUP BY part")
    parts = {p: {"rows": n, "fingerprint": fp} for p, n, fp in rows}
    if None in parts:  # ingest refuses such rows: one here was written around it
        raise LakeError(f"数据仓库的 {contract.table(name).zh[0]}表中有 {parts[None]['rows']} 行没有"
                        f"{contract.table(name).column(time).zh[0]}，无法分月：请用 svc ingest 重新导入这些行。")
    return parts


def _copy_part(con: duckdb.DuckDBPyConnection, root: Path, name: str, part: str) -> None:
    """Write one part's rows, cast to the contract's types, to its file through a hidden temporary."""
    target = part_path(root, name, part)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{FILE}.tmp")
    cols = ", ".join(f"CAST({_quoted(c)} AS {t}) AS {_quoted(c)}" for c, t in warehouse.column_types(name).items())
    where = ""
    if part != ALL:
        start, end = month_bounds(part)
        time = _quoted(PARTITIONS[name])
        where = f" WHERE {time} >= '{start:%Y-%m-%d}' AND {time} < '{end:%Y-%m-%d}'"
    path = str(tmp).replace("'", "''")
    warehouse.run(con, f"COPY (SELECT {cols} FROM {_quoted(name)}{where}) TO '{path}' "
                       f"(FORMAT parquet, COMPRESSION zstd)")
    os.replace(tmp, target)


def _delete_part(root: Path, name: str, part: str) -> None:
    path = part_path(root, name, part)
    if part == ALL:
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path.parent, ignore_errors=True)


def _parts_on_disk(root: Path, name: str) -> set[str]:
    base = Path(root) / name
    months = {p.name.split("=", 1)[1] for p in base.glob(f"{PARTITION_KEY}=*") if p.is_dir()}
    return months | ({ALL} if (base / FILE).is_file() else set())


def export_table(con: duckdb.DuckDBPyConnection, root: Path, name: str, previous: dict | None
                 ) -> tuple[TableExport, dict]:
    """Bring one table's files up to date with the warehouse (module docstring).

    previous: the table's manifest entry from the last export, None when it cannot be trusted (none,
    or another DuckDB version). Returns what was done and the table's new manifest entry.
    """
    current = fingerprints(con, name)
    known = previous["parts"] if previous and previous.get("schema") == _schema(name) else {}
    done = TableExport(name, rows=sum(p["rows"] for p in current.values()))
    parts = {}
    for part in sorted(current):
        old = known.get(part)
        if old and {k: old[k] for k in ("rows", "fingerprint")} == current[part] \
                and part_path(root, name, part).is_file():
            parts[part] = old
            done.unchanged.append(part)
            continue
        _copy_part(con, root, name, part)
        parts[part] = current[part] | {"written_at": f"{datetime.now():%Y-%m-%dT%H:%M:%S}"}
        done.written.append(part)
    for part in sorted((_parts_on_disk(root, name) | set(known)) - set(current)):
        _delete_part(root, name, part)
        done.deleted.append(part)
    entry = {"schema": _schema(name), "partitioned_by": PARTITIONS.get(name), "rows": done.rows, "parts": parts}
    return done, entry


def export(con: duckdb.DuckDBPyConnection, root: str | Path, tables: list[str] | None = None) -> list[TableExport]:
    """Export contract tables (default: all, in load order) from a warehouse connection to ``root``."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(f"**/.{FILE}.tmp"):  # left by an interrupted export
        stale.unlink()
    manifest = read_manifest(root)
    trusted = manifest.get("duckdb") == duckdb.__version__
    previous = manifest.get("tables", {}) if trusted else {}
    manifest = {"format": 1, "duckdb": duckdb.__version__, "tables": dict(previous)}
    results = []
    for name in [contract.table(t).name for t in (tables or contract.LOAD_ORDER)]:
        done, manifest["tables"][name] = export_table(con, root, name, previous.get(name))
        results.append(done)
        _write_manifest(root, manifest)
    return results
