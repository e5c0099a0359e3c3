"""Load export files into the warehouse: read -> validate -> reference checks -> upsert.

Rules (DATA_CONTRACT.md "Inputs", docs/ingest.md):
- Files load in contract.LOAD_ORDER (outlets before staff before the facts that reference them);
  every file's headers are checked before anything loads.
- Each file is staged (a CSV checked by DuckDB in one pass: svc_analysis.engine.engine_ingest; XLSX,
  profiles and the CSVs it hands back chunk by chunk through pandas, with the same result), then
  moved in by one transaction: a file that cannot be read (IngestError) loads nothing, while files
  committed before it stay loaded.
- Every row that breaks a rule is set aside with file, row, column and reason, into its quarantine
  CSV (svc_analysis.engine.quarantine: one per source file) and the _quarantine table; the rest loads.
- Dates outside the plausible window (params ``ingest``) and non-finite numbers never load
  (svc_analysis.engine.parsing).
- rows_read = rows_loaded + rows_set_aside + rows_merged, always (engine.upsert.Moved): merged rows
  repeat another good row of the file exactly, stored once and counted; rows_loaded are the file's
  distinct good rows, now in the warehouse; rows_present of them were there before (a re-load of
  the same file reports the same figures, all of its rows present, and changes nothing).
Memory stays bounded: DuckDB streams the file (or chunks are validated and staged one by one); the
warehouse does the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from svc_analysis.core import contract
from svc_analysis.engine import bookkeeping, engine_ingest
from svc_analysis.engine import upsert as merge
from svc_analysis.engine import warehouse as wh
from svc_analysis.engine.parsing import DateWindow
from svc_analysis.engine.profiles import Profile, load_profile
from svc_analysis.engine.quarantine import QuarantineFile, quarantine_path
from svc_analysis.engine.readers import DEFAULT_CHUNK_ROWS, ROW, IngestError, Source, open_source
from svc_analysis.engine.validation import REJECT_COLUMNS, key_clash_reason, validate_chunk

__all__ = ["FileReport", "IngestError", "ingest_files"]
HASH_BLOCK = 1 << 20


@dataclass
class FileReport:
    """What happened to one file (see the module docstring for rows_loaded)."""

    file: Path
    table: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_set_aside: int = 0
    rows_merged: int = 0  # exact duplicates of another row of the file: stored once
    rows_present: int = 0  # of rows_loaded, those already in the warehouse before this load
    rows_in_table: int = 0  # the table's rows after this load (bookkeeping.table_rows: the one count)
    quarantine_file: Path | None = None  # None when no row was set aside
    warnings: list[str] = field(default_factory=list)
    outlets_added: int = 0  # outlets a profile registered from this file


def ingest_files(paths, warehouse=None, table: str | None = None, profile: str | Path | Profile | None = None,
                 progress: bool = True, chunk_rows: int = DEFAULT_CHUNK_ROWS, encoding: str | None = None,
                 sheet: str | None = None, window: DateWindow | None = None, engine_checks: bool = True
                 ) -> list[FileReport]:
    """Load files into the warehouse and return one report per file, in load order.

    ``table`` forces the table for every file (else the profile's, else the file name's);
    ``profile`` is a profile name, path or loaded Profile; ``encoding`` forces the text encoding of
    every CSV and ``sheet`` the XLSX sheet read (else the first); ``window`` is the plausible date
    window (default: params ``ingest``); ``engine_checks`` False sends every file through the chunked
    path (tests compare the two). Raises IngestError (one sentence) for a file that cannot be
    loaded; the error's ``reports`` holds the files committed before it.
    """
    prof = load_profile(profile) if isinstance(profile, (str, Path)) else profile
    window = window or _params_window()
    sources = [open_source(p, table=table, profile=prof, chunk_rows=chunk_rows, encoding=encoding, sheet=sheet)
               for p in paths]
    sources.sort(key=lambda s: contract.LOAD_ORDER.index(s.table))
    con = wh.connect(warehouse, memory_limit=wh.INGEST_MEMORY_LIMIT)
    reports: list[FileReport] = []
    try:
        wh.ensure_schema(con)
        for source in sources:
            try:
                reports.append(_ingest_one(con, source, prof, warehouse, progress, window, engine_checks))
            except IngestError as exc:
                exc.reports = reports
                raise
    finally:
        con.close()
    return reports


def _params_window() -> DateWindow:
    """The plausible date window from params/ (section ``ingest``)."""
    from svc_analysis.core.params import ParamsError, load_params

    try:
        return load_params().ingest.window()
    except ParamsError as exc:
        raise IngestError(f"参数文件有误，无法确定合理日期范围：{exc}") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _ingest_one(con, source: Source, prof: Profile | None, warehouse, progress: bool,
                window: DateWindow, engine_checks: bool = True) -> FileReport:
    """Load one opened file: stage it, then move it in with one transaction.

    A CSV without a profile is checked and staged by DuckDB in one pass (engine_ingest.stage_csv);
    XLSX, profiles and the CSVs engine_ingest hands back go chunk by chunk through pandas.

    Staging runs outside the transaction on purpose: DuckDB keeps a transaction's appended rows
    in memory (2.8 GB at 18 M rows), while committed staging tables spill to disk. The warehouse
    tables change only in the final transaction; staging tables are dropped whatever happens.
    """
    started, name = dt.datetime.now(), source.table
    report = FileReport(source.path, name, warnings=list(source.warnings))
    file_key = str(source.path.resolve())
    quarantine = QuarantineFile(quarantine_path(warehouse, name, file_key), source.headers)
    stage = _Stage(name, wh.create_staging(con, name), wh.create_quarantine_staging(con, name),
                   wh.create_staging(con, "outlets", f"_stage_{name}_outlets") if prof and prof.outlets else None)
    bar = tqdm(desc=source.path.name, unit=" 行", file=sys.stderr, delay=1.0,
               disable=not progress or not sys.stderr.isatty())
    in_transaction, digest = False, None
    try:
        staged = engine_ingest.stage_csv(con, source, stage.rows, window) if engine_checks and not prof else None
        if staged is not None:
            digest, report.rows_read = staged.sha256, staged.rows_read
            _set_aside(con, report, quarantine, staged.raw, staged.rejects, stage, file_key)
        else:
            wh.create_staging(con, name)
        for raw in source.chunks() if staged is None else ():
            mapped = prof.apply(raw) if prof is not None else raw.rename(columns=source.mapping)
            if stage.outlets:
                report.warnings += _stage_outlets(con, prof, raw, source.path.name, stage.outlets, window)
            rejects = _check_chunk(con, name, mapped, source.path.name, stage, window)
            _set_aside(con, report, quarantine, raw, rejects, stage, file_key)
            report.rows_read += len(raw)
            bar.update(len(raw))
        con.begin()
        in_transaction = True
        if staged is None:  # the engine path set its key clashes aside already (engine_ingest._key_rejects)
            _set_aside_conflicts(con, source, report, quarantine, stage, file_key)
        if stage.outlets:
            before = wh.scalar(con, "SELECT count(*) FROM outlets")
            merge.upsert(con, "outlets", stage.outlets, replace=False)
            report.outlets_added = wh.scalar(con, "SELECT count(*) FROM outlets") - before
        moved = merge.upsert(con, name)
        report.rows_loaded, report.rows_merged, report.rows_present = moved.loaded, moved.merged, moved.present
        if report.rows_read != report.rows_loaded + report.rows_set_aside + report.rows_merged:
            raise RuntimeError(f"{source.path.name}: row accounting broke: {report}")
        earlier = wh.clear_quarantine(con, name, file_key)
        wh.run(con, f'INSERT INTO _quarantine SELECT * FROM "{stage.rejects}"')
        wh.log_ingest(con, file=file_key, sha256=digest or _sha256(source.path), table_name=name,
                      profile=prof.name if prof is not None else None, rows_read=report.rows_read,
                      rows_loaded=report.rows_loaded, rows_set_aside=report.rows_set_aside,
                      rows_merged=report.rows_merged, rows_present=report.rows_present,
                      started_at=started, finished_at=dt.datetime.now())
        report.rows_in_table = int(bookkeeping.table_rows(con, [name])["rows_in_warehouse"].iloc[0])
        con.commit()
        in_transaction = False
        report.quarantine_file = quarantine.commit()
        for stale in set(earlier) - {str(quarantine.path)}:
            Path(stale).unlink(missing_ok=True)
    except BaseException:
        if in_transaction:
            con.rollback()
        quarantine.discard()
        raise
    finally:
        bar.close()
        wh.drop_tables(con, [t for t in (stage.rows, stage.rejects, stage.outlets) if t])
    return report


@dataclass(frozen=True)
class _Stage:
    """The staging tables of one file: its rows, its set-aside lines, outlets a profile registers."""

    table: str
    rows: str
    rejects: str
    outlets: str | None


def _check_chunk(con, name: str, mapped: pd.DataFrame, file: str, stage: _Stage,
                 window: DateWindow) -> pd.DataFrame:
    """Validate one chunk, check its references, stage the good rows; return the rejects."""
    good, rejects = validate_chunk(name, mapped, file, window)
    missing = missing_references(con, name, good, {"outlets": stage.outlets} if stage.outlets else None)
    if len(missing):
        missing["file"] = file
        good = good.drop(index=missing["row_number"].unique())
        rejects = pd.concat([rejects, missing[REJECT_COLUMNS]], ignore_index=True)
    wh.stage_frame(con, name, good, stage.rows)
    return rejects.sort_values("row_number", kind="stable")


def missing_references(con, name: str, frame: pd.DataFrame,
                       staged: dict[str, str] | None = None) -> pd.DataFrame:
    """(row_number, column, value, reason) for values whose Column.references target is neither in
    the warehouse nor in its staging table (``staged``: table -> staging table, e.g. outlets a
    profile registers in the same load)."""
    found, staged, view = [], staged or {}, f"_refs_{name}"
    con.register(view, frame.reset_index())
    for col in contract.table(name).columns:
        if not col.references:
            continue
        ref_table, ref_col = col.references.split(".")
        sources = [ref_table] + ([staged[ref_table]] if ref_table in staged else [])
        absent = " AND ".join(f'NOT EXISTS (SELECT 1 FROM "{t}" r WHERE r."{ref_col}" = c."{col.name}")'
                              for t in sources)
        rows = wh.run(con, f'SELECT "{ROW}", "{col.name}" FROM "{view}" c WHERE "{col.name}" IS NOT NULL AND {absent}')
        found += [(row, col.name, value, f"{ref_table} 中没有此 {ref_col}") for row, value in rows]
    con.unregister(view)
    return pd.DataFrame(found, columns=["row_number", "column", "value", "reason"])


def _set_aside(con, report: FileReport, quarantine: QuarantineFile, raw: pd.DataFrame,
               rejects: pd.DataFrame, stage: _Stage, file_key: str) -> None:
    if rejects.empty:
        return
    report.rows_set_aside += rejects["row_number"].nunique()
    quarantine.write(raw, rejects)
    wh.add_quarantine(con, rejects, stage.table, file_key, str(quarantine.path), target=stage.rejects)


def _set_aside_conflicts(con, source: Source, report: FileReport, quarantine: QuarantineFile,
                         stage: _Stage, file_key: str) -> None:
    """Keys staged from different chunks with different values: set every version aside.

    Conflicts inside one chunk are caught by validation; this finds those across chunks and
    re-reads the file once (only when there are any) to quarantine the raw rows.
    """
    conflicts = merge.key_conflicts(con, stage.table)
    if conflicts.empty:
        return
    key = contract.table(stage.table).key
    rows = [int(r) for r in conflicts["row_number"]]
    merge.drop_staged_rows(con, stage.table, rows)
    rejects = pd.DataFrame({"file": source.path.name, "row_number": rows, "column": ", ".join(key),
                            "value": conflicts["key"].astype(str).to_numpy(),
                            "reason": key_clash_reason(key)})
    for raw in source.chunks():
        chunk_rejects = rejects[rejects["row_number"].isin(raw[ROW])]
        _set_aside(con, report, quarantine, raw, chunk_rejects, stage, file_key)


def _stage_outlets(con, prof: Profile, raw: pd.DataFrame, file: str, target: str,
                   window: DateWindow) -> list[str]:
    """Stage the outlets a profile derives from this chunk; warn about any it cannot make."""
    rows = prof.outlet_rows(raw)
    good, rejects = validate_chunk("outlets", rows, file, window)
    wh.stage_frame(con, "outlets", good, target)
    return [f"{file}: profile {prof.name} could not register outlet '{rows.at[r.row_number, 'outlet_id']}': "
            f"{r.column} {r.reason}" for r in rejects.itertuples()]
