"""Derived frames in the KPI history: tables the summary builds from the areas' rows, kept beside them.

What: a frame made only from a run's KPI rows and the warehouse (e.g. the early warning's per-outlet
signals of one month, summary.early_warning.signals), stored in the KPI history file
(engine.kpi_history) under the same key as the rows: period, scope and the inputs' fingerprint
(which already covers the ingest log, the params and the code version). So an unchanged warehouse
reuses the frame; any ingest, params or code change gives another fingerprint and the frame is
computed again, exactly as the rows are.

Table ``_kpi_history_v2_frames(run_id, stored_at, period, scope, kind, fingerprint, frame BLOB)``:
one line per stored frame; ``kind`` names what it is ("warning_signals"); ``frame`` is the frame as
Parquet bytes (pyarrow, the pandas metadata kept). The newest run's frame per (period, kind) is read.
Reading back restores the frame as it was computed: a column that was of object dtype (text or
True/False with missing values) is object again, missing as None (Parquet has no NaN for text).
Like the rows this is a cache: a file that cannot be read or written is simply not used.
"""

from __future__ import annotations

import io
import json

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

FRAMES = "_kpi_history_v2_frames"
NAN_MARK = "__nan__"  # a hidden column marking an object column's NaN cells (to_bytes)


def _is_nan(value) -> bool:
    return isinstance(value, float) and value != value


def to_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as Parquet bytes (index dropped; the pandas metadata keeps each column's dtype). Parquet
    keeps one kind of missing value; an object column's NaN (as a merge leaves it, beside a hook's None)
    is marked in a column NAN_MARK + name, so from_bytes() gives each cell back as it was."""
    out = frame.reset_index(drop=True)
    marks = {}
    for name in out.columns:
        if out[name].dtype == object:
            nan = [_is_nan(v) for v in out[name]]
            if any(nan):
                marks[NAN_MARK + str(name)] = nan
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(out.assign(**marks), preserve_index=False), buffer)
    return buffer.getvalue()


def from_bytes(blob: bytes) -> pd.DataFrame:
    """The frame to_bytes() wrote: the object columns (pandas metadata numpy_type 'object') object again,
    a missing value None or, where marked, NaN."""
    table = pq.read_table(io.BytesIO(blob))
    frame = table.to_pandas()
    meta = json.loads((table.schema.metadata or {}).get(b"pandas", b"{}"))
    for column in meta.get("columns", []):
        name = column.get("name")
        if column.get("numpy_type") == "object" and name in frame.columns and frame[name].dtype != object:
            values = frame[name].astype("object")
            frame[name] = values.where(frame[name].notna(), None)
    for mark in [c for c in frame.columns if str(c).startswith(NAN_MARK)]:
        name = mark[len(NAN_MARK):]
        frame[name] = frame[name].where(~frame[mark].astype(bool), float("nan"))
    return frame.drop(columns=[c for c in frame.columns if str(c).startswith(NAN_MARK)])


def read_all(con, scope: str, fp: str, kind: str) -> dict[str, pd.DataFrame]:
    """period -> the newest stored frame of ``kind`` for ``scope`` under fingerprint ``fp``; closes ``con``.
    Nothing (an empty dict) when the table is missing or a frame cannot be read (damaged: computed again)."""
    try:
        if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [FRAMES]).fetchone()[0]:
            return {}
        rows = con.execute(
            f"SELECT period, arg_max(frame, stored_at) FROM {FRAMES} WHERE scope = ? AND fingerprint = ? "
            "AND kind = ? GROUP BY period", [scope, fp, kind]).fetchall()
        return {period: from_bytes(blob) for period, blob in rows}
    except (duckdb.Error, pa.ArrowException, OSError, ValueError):
        return {}
    finally:
        con.close()


def write(con, key: list, kind: str, frame: pd.DataFrame) -> bool:
    """Store ``frame`` under ``key`` = [run_id, stored_at, period, scope, fingerprint]; False on a DuckDB error."""
    try:
        blob = to_bytes(frame)
    except (pa.ArrowException, TypeError, ValueError):  # a column Parquet cannot hold: not kept, computed next time
        return False
    try:
        con.execute(f"CREATE TABLE IF NOT EXISTS {FRAMES} (run_id VARCHAR, stored_at TIMESTAMP, period VARCHAR, "
                    "scope VARCHAR, kind VARCHAR, fingerprint VARCHAR, frame BLOB)")
        run_id, stamp, period, scope, fp = key
        con.execute(f"INSERT INTO {FRAMES} VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [run_id, stamp, period, scope, kind, fp, blob])
    except duckdb.Error:
        return False
    return True
