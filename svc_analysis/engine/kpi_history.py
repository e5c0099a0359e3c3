"""KPI history: the areas' KPI rows of earlier computations, reused while their inputs are unchanged.

Where: a sibling DuckDB file next to the warehouse (``warehouse.duckdb`` -> ``warehouse.kpi_history.duckdb``),
never the warehouse itself; on Spark next to the lake folder (``data/lake`` -> ``data/lake.kpi_history.duckdb``:
the rows are small, a DuckDB file on the driver's side keeps them, outside the folder Spark reads). ``svc report`` opens the warehouse read-only in every kernel, and
``svc ingest`` may be waiting for it; writing KPI history into the warehouse from a report would
need a read-write connection while kernels hold it (DuckDB refuses that across processes). The
history is a cache: a history file that is missing, locked by another writer or damaged is simply
not used (the rows are computed), and a store that cannot get the file is skipped.

Tables (in the history file):
- ``_kpi_history_v2(run_id, stored_at, period, scope, source_area, fingerprint, <engine.kpis.KPI_COLUMNS
  but period>)``:
  the rows, one set per (run, period, scope, source area: the area whose kpi_rows made them);
- ``_kpi_history_v2_runs(run_id, stored_at, period, scope, area, fingerprint, n_rows)``: one line per
  stored set, so an area with no rows for a period is remembered too;
- ``_kpi_history_v2_frames``: frames derived from the rows (the early warning's signals per month),
  engine.history_frames, read and written through ``load_frame`` / ``store_frame`` under the same key.

Fingerprint (``fingerprint(con, extra)``): a SHA-256 over ``_ingest_log`` per input table (the number
of files loaded, the newest finish time, the sorted SHA-256s of the files), plus ``extra`` (the
caller adds the params and the code version). Every ingest writes ``_ingest_log``, so any ingest of
any table changes it (coarser than per-table: an ingest of one table recomputes every area; the
``tables=`` argument narrows it once areas declare their input tables). No ``_ingest_log``: no
fingerprint (None), nothing is stored or reused. A lake (``lake=``, the Spark engine: it has no
ingest log) is fingerprinted by its files instead: per table every Parquet file's path, size and
modification time (engine.lake.file_stamps), so a part that `svc lake export` (or the head office's
own job) rewrites, adds or deletes recomputes, and as coarsely as on DuckDB: every area, every period.
No Parquet file: None.
"""

from __future__ import annotations

import atexit
import hashlib
import uuid
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from svc_analysis.engine import history_frames
from svc_analysis.engine.kpis import KPI_COLUMNS

SUFFIX = ".kpi_history.duckdb"
# v2: the status column and the period extension; a v1 file's rows are simply never read (a cache).
TABLE = "_kpi_history_v2"
RUNS = "_kpi_history_v2_runs"
STORED = [c for c in KPI_COLUMNS if c != "period"]  # the key's period is the rows' period
KEY_COLUMNS = ["run_id", "stored_at", "period", "scope", "source_area", "fingerprint"]  # + the KPI columns
_WRITERS: dict[Path, duckdb.DuckDBPyConnection] = {}  # one read-write connection per history file and process
_TYPES = {"month": "VARCHAR", "area": "VARCHAR", "metric": "VARCHAR", "level": "VARCHAR", "unit_id": "VARCHAR",
          "value": "DOUBLE", "numerator": "DOUBLE", "denominator": "DOUBLE", "target": "DOUBLE",
          "meets_target": "BOOLEAN", "status": "VARCHAR"}


def history_path(warehouse: str | Path) -> Path:
    """The history file beside ``warehouse`` (or a lake folder): <stem>.kpi_history.duckdb in the same folder."""
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.stem + SUFFIX)


def fingerprint(con, extra: str = "", tables: list[str] | None = None, lake: str | Path | None = None) -> str | None:
    """The inputs' fingerprint (module docstring); None when the warehouse has no ingest log. With
    ``lake`` (the folder ``con`` reads on Spark) the lake's files are fingerprinted, not ``con``."""
    if lake is not None:
        from svc_analysis.engine import lake as lake_files

        stamps = lake_files.file_stamps(lake, tables)
        return _digest(stamps, extra) if stamps else None
    has_log = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = '_ingest_log'").fetchone()[0]
    if not has_log:
        return None
    where = "" if tables is None else "WHERE table_name IN (SELECT unnest(?))"
    rows = con.execute(
        "SELECT table_name, count(*), CAST(max(finished_at) AS VARCHAR), "
        "string_agg(sha256, ',' ORDER BY sha256) "
        f"FROM _ingest_log {where} GROUP BY table_name ORDER BY table_name",
        [] if tables is None else [list(tables)]).fetchall()
    return _digest(rows, extra)


def _digest(rows: list, extra: str) -> str:
    digest = hashlib.sha256(repr(rows).encode("utf-8"))
    digest.update(extra.encode("utf-8"))
    return digest.hexdigest()


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reindex(columns=KPI_COLUMNS).copy()
    for column in ("month", "period", "area", "metric", "level", "unit_id", "status"):
        out[column] = out[column].astype("object").where(out[column].notna(), None).map(
            lambda v: None if v is None else str(v))
    for column in ("value", "numerator", "denominator", "target"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    out["meets_target"] = out["meets_target"].map(lambda v: None if v is None or pd.isna(v) else bool(v))
    return out


def _typed_stored(frame: pd.DataFrame) -> pd.DataFrame:
    """_typed's result for one set read back from the file (typed there already), without a call per
    value: the dtype pandas infers from the values, as _typed's map does: a text column with any
    value is str, one with none (or an empty set) object; meets_target nullable boolean."""
    out = frame[KPI_COLUMNS].reset_index(drop=True)
    for column in ("month", "period", "area", "metric", "level", "unit_id", "status"):
        if out[column].notna().any():
            out[column] = out[column].astype("str")
        else:
            out[column] = pd.Series([None] * len(out), dtype="object")
    out["meets_target"] = out["meets_target"].astype("boolean")
    return out.astype({column: "float64" for column in ("value", "numerator", "denominator", "target")})


class History:
    """The history file of one warehouse or lake: read once per (scope, fingerprint), stored per computation."""

    def __init__(self, path: str | Path, run_id: str | None = None):
        self.path = Path(path)
        self.run_id = run_id or f"{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        self._read: dict[tuple[str, str], dict[tuple[str, str], pd.DataFrame]] = {}
        self._frames: dict[tuple[str, str, str], dict[str, pd.DataFrame]] = {}  # (scope, fp, kind) -> period -> frame
        self._writer = None
        self._writer_failed = False

    @classmethod
    def beside(cls, warehouse: str | Path, run_id: str | None = None) -> "History":
        return cls(history_path(warehouse), run_id)

    def _reader(self):
        """A connection to read the file (this process's writer if any, else read-only); None when missing or busy."""
        shared = _WRITERS.get(self.path.resolve())
        try:
            if not self.path.is_file():
                return None
            return shared.cursor() if shared is not None else duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error:
            return None

    def _load_all(self, scope: str, fp: str) -> dict[tuple[str, str], pd.DataFrame]:
        """Every stored set of ``scope`` with fingerprint ``fp``, the newest run's per (period, area):
        one query for all of them (the newest run chosen in SQL), split into sets and each typed as _typed does."""
        if (scope, fp) in self._read:
            return self._read[(scope, fp)]
        found: dict[tuple[str, str], pd.DataFrame] = {}
        con = self._reader()
        if con is not None:
            try:
                if con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [RUNS]).fetchone()[0]:
                    newest = (f"SELECT period, area, arg_max(run_id, stored_at) AS run_id FROM {RUNS} "
                              "WHERE scope = ? AND fingerprint = ? GROUP BY period, area")
                    runs = con.execute(newest, [scope, fp]).fetchall()
                    rows = con.sql(
                        f"SELECT h.period AS _period, h.source_area AS _area, {', '.join('h.' + c for c in STORED)} "
                        f"FROM {TABLE} h JOIN ({newest}) r ON h.period = r.period AND h.source_area = r.area "
                        "AND h.run_id = r.run_id WHERE h.scope = ? AND h.fingerprint = ? "
                        "ORDER BY h.period, h.source_area, h.rowid",  # within a set the stored order: the area's own
                        params=[scope, fp, scope, fp]).to_arrow_table().to_pandas()
                    new_set = (rows["_period"] != rows["_period"].shift()) | (rows["_area"] != rows["_area"].shift())
                    starts = [*np.flatnonzero(new_set.to_numpy()), len(rows)]
                    parts = {(rows["_period"].iat[a], rows["_area"].iat[a]): (a, b) for a, b in zip(starts, starts[1:])}
                    for period, area, _ in runs:
                        a, b = parts.get((period, area), (0, 0))
                        found[(period, area)] = _typed_stored(rows.iloc[a:b].assign(period=period))
            except duckdb.Error:
                found = {}
            finally:
                con.close()
        self._read[(scope, fp)] = found
        return found

    def _writer_connection(self):
        """One read-write connection for this run's stores (opened at the first store, closed by
        close() or at exit: one open per run, not per set); None when the file is busy or damaged."""
        if self._writer is None and not self._writer_failed:
            try:
                con = _WRITERS.get(self.path.resolve()) or duckdb.connect(str(self.path))
                keys = "run_id VARCHAR, stored_at TIMESTAMP, period VARCHAR, scope VARCHAR, {} VARCHAR, fingerprint VARCHAR"
                columns = ", ".join(f"{c} {t}" for c, t in _TYPES.items())
                con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} ({keys.format('source_area')}, {columns})")
                con.execute(f"CREATE TABLE IF NOT EXISTS {RUNS} ({keys.format('area')}, n_rows BIGINT)")
            except duckdb.Error:
                self._writer_failed = True
                return None
            self._writer = _WRITERS[self.path.resolve()] = con
            atexit.register(self.close)
        return self._writer

    def close(self) -> None:
        """Close this process's write connection to the file (the stored rows are committed already)."""
        con = _WRITERS.pop(self.path.resolve(), None)
        if con is not None:
            con.close()
        self._writer = None

    def load(self, period: str, scope: str, area: str, fp: str | None) -> pd.DataFrame | None:
        """The stored rows of (period, scope, area) under fingerprint ``fp``; None when not stored."""
        if fp is None:
            return None
        return self._load_all(scope, fp).get((period, area))

    def store(self, period: str, scope: str, area: str, fp: str | None, frame: pd.DataFrame) -> bool:
        """Keep ``frame`` as this run's rows of (period, scope, area); False when the file is busy."""
        if fp is None:
            return False
        rows = _typed(frame)
        stamp = datetime.now()
        con = self._writer_connection()
        if con is None:
            return False
        try:
            key = [self.run_id, stamp, period, scope, area, fp]
            con.execute("BEGIN")
            if len(rows):
                stored = rows.drop(columns="period")
                for name, value in zip(KEY_COLUMNS, key):
                    stored.insert(KEY_COLUMNS.index(name), name, value)
                con.register("_kpi_rows", stored)
                con.execute(f"INSERT INTO {TABLE} SELECT {', '.join(KEY_COLUMNS + STORED)} FROM _kpi_rows")
                con.unregister("_kpi_rows")
            con.execute(f"INSERT INTO {RUNS} VALUES (?, ?, ?, ?, ?, ?, ?)", [*key, len(rows)])
            con.execute("COMMIT")
        except duckdb.Error:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            return False
        if (scope, fp) in self._read:
            self._read[(scope, fp)][(period, area)] = rows.reset_index(drop=True)
        return True

    def load_frame(self, kind: str, period: str, scope: str, fp: str | None) -> pd.DataFrame | None:
        """A derived frame of ``kind`` (engine.history_frames) stored for (period, scope) under ``fp``;
        None when not stored (every frame of the kind read in one query, once per run)."""
        if fp is not None and (scope, fp, kind) not in self._frames:
            con = self._reader()
            self._frames[(scope, fp, kind)] = {} if con is None else history_frames.read_all(con, scope, fp, kind)
        frame = self._frames.get((scope, fp, kind), {}).get(period)
        return None if frame is None else frame.copy()

    def store_frame(self, kind: str, period: str, scope: str, fp: str | None, frame: pd.DataFrame) -> bool:
        """Keep a derived frame of ``kind`` for (period, scope) under ``fp``; False when the file is busy."""
        con = None if fp is None else self._writer_connection()
        if con is None or not history_frames.write(con, [self.run_id, datetime.now(), period, scope, fp], kind, frame):
            return False
        if (scope, fp, kind) in self._frames:
            self._frames[(scope, fp, kind)][period] = frame.copy()
        return True
