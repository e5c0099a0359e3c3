"""Load export files into the warehouse: read -> validate -> reference checks -> upsert.

Rules (DATA_CONTRACT.md "Inputs", docs/ingest.md):
- Files load in contract.LOAD_ORDER (outlets before staff before the facts that reference them);
  every file's headers are checked before anything loads.
- Each file is staged (a CSV checked by DuckDB in one pass: svc_analysis.engine.engine_ingest; XLSX,
  profiles and the CSVs it hands back chunk by chunk through pandas, with the same result:
  svc_analysis.engine.ingest_chunks), then
  moved in by one transaction: a file that cannot be read (IngestError), or whose load runs out of
  DuckDB's memory limit (an IngestError too), loads nothing, while files committed before it stay loaded.
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
from pathlib import Path

import duckdb
from tqdm import tqdm

from svc_analysis.core import contract
from svc_analysis.engine import bookkeeping, engine_ingest
from svc_analysis.engine.bookkeeping import FileReport
from svc_analysis.engine import upsert as merge
from svc_analysis.engine import warehouse as wh
# the chunked path and the set-aside lines: ingest_chunks (missing_references stays importable here)
from svc_analysis.engine.ingest_chunks import (Stage, check_chunk, missing_references, set_aside,  # noqa: F401
                                               set_aside_conflicts, stage_outlets)
from svc_analysis.engine.parsing import DateWindow
from svc_analysis.engine.profiles import Profile, load_profile
from svc_analysis.engine.quarantine import QuarantineFile, quarantine_path
from svc_analysis.engine.readers import DEFAULT_CHUNK_ROWS, IngestError, Source, open_source

__all__ = ["FileReport", "IngestError", "ingest_files"]
HASH_BLOCK = 1 << 20


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
            except duckdb.OutOfMemoryException:  # rolled back by _ingest_one: the file loaded nothing
                error = IngestError(out_of_memory(source.path.name))
                error.reports = reports
                raise error from None
    finally:
        con.close()
    return reports


def out_of_memory(file: str) -> str:
    """The sentence for a load that ran out of DuckDB's memory limit (docs/ingest.md section 7)."""
    return (f"{file}：导入时超出内存上限（{wh.INGEST_MEMORY_LIMIT}），本文件一行也没有导入，仓库中的数据不变；"
            f"请把它按月拆分后分别导入（见 docs/ingest.md 第 7 节）。")


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
    stage = Stage(name, wh.create_staging(con, name), wh.create_quarantine_staging(con, name),
                   wh.create_staging(con, "outlets", f"_stage_{name}_outlets") if prof and prof.outlets else None)
    bar = tqdm(desc=source.path.name, unit=" 行", file=sys.stderr, delay=1.0,
               disable=not progress or not sys.stderr.isatty())
    in_transaction, digest = False, None
    try:
        staged = engine_ingest.stage_csv(con, source, stage.rows, window) if engine_checks and not prof else None
        if staged is not None:
            digest, report.rows_read = staged.sha256, staged.rows_read
            set_aside(con, report, quarantine, staged.raw, staged.rejects, stage, file_key)
        else:
            wh.create_staging(con, name)
        for raw in source.chunks() if staged is None else ():
            mapped = prof.apply(raw) if prof is not None else raw.rename(columns=source.mapping)
            if stage.outlets:
                report.warnings += stage_outlets(con, prof, raw, source.path.name, stage.outlets, window)
            rejects = check_chunk(con, name, mapped, source.path.name, stage, window)
            set_aside(con, report, quarantine, raw, rejects, stage, file_key)
            report.rows_read += len(raw)
            bar.update(len(raw))
        # a first load's repeated rows leave the staging table in batches, each checkpointed (engine.first_load)
        prepared = merge.prepare_first_load(con, name) if staged is not None else None
        con.begin()
        in_transaction = True
        if staged is None:  # the engine path set its key clashes aside already (engine_ingest._key_rejects)
            set_aside_conflicts(con, source, report, quarantine, stage, file_key)
        if stage.outlets:
            before = wh.scalar(con, "SELECT count(*) FROM outlets")
            merge.upsert(con, "outlets", stage.outlets, replace=False)
            report.outlets_added = wh.scalar(con, "SELECT count(*) FROM outlets") - before
        moved = merge.upsert(con, name, prepared=prepared)
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
        scratch = (stage.rows, stage.rejects, stage.outlets, merge.repeated_name(stage.rows))
        wh.drop_tables(con, [t for t in scratch if t])
    return report
