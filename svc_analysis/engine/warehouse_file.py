"""The warehouse file: open it, wait for whoever holds it, refuse a damaged one, spill where writable.

svc_analysis.engine.warehouse re-exports connect() and ibis_connect(); the faults and what the operator
reads for each are in docs/operations.md "Faults":
- another process holds the file (DuckDB: one read-write process, or many read-only ones): retry
  for ``wait`` seconds, then locks.WarehouseBusy naming the holder;
- not a DuckDB file, or cut short: WarehouseDamaged, before anything is read or written;
- the warehouse's folder is read-only (a share): DuckDB's spill folder goes to the system temp dir.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import duckdb

from svc_analysis.core import config
from svc_analysis.engine import locks

# Run settings, not business rules: DuckDB spills to config.spill_dir() beyond the memory limit,
# which keeps ingest plus one pandas chunk under 2 GB on the office's 2-core machines.
DEFAULT_MEMORY_LIMIT = "1GB"
# Ingest holds less: its big operators (the grouping of a keyless table's rows by hash, the key
# passes) spill, so its peak stays at this plus Python's whatever the file's size (issue 17: 4x the
# rows, at most 1.3x the memory). DuckDB also caches the blocks it wrote up to the limit: at 512MB
# the 34 M ratings reached it and a quarter of them did not (1.34x); at 384MB both do, at the same
# speed, and the two heaviest loads still fit (benchmarks/results/2026-12-04_vm_ingest-limit.md).
INGEST_MEMORY_LIMIT = "384MB"
# svc report's own process only coordinates (preflight, coverage, the workbook) while its kernels
# query: DuckDB keeps the blocks a query read cached up to its limit, so at 1GB that process grew
# with the data (0.55 GB on a quarter of the province sample, 0.87 GB on all of it) for queries that
# need a few MB (issue 17: 4x the data, at most 1.3x the memory; cli_report, limit_memory;
# benchmarks/results/2026-12-04_vm_whole-pack-memory.md).
REPORT_MEMORY_LIMIT = "128MB"
DEFAULT_THREADS = None  # None = DuckDB's default (one per core)


class WarehouseError(RuntimeError):
    """The warehouse cannot be used (damaged, unreadable, unwritable); one sentence, CLI exit 2."""


class WarehouseDamaged(WarehouseError):
    pass


# DuckDB's words for a file that is not (or no longer) a whole database
_DAMAGE = ("not a valid DuckDB database file", "Could not read enough bytes", "Corrupt database file",
           "checksum", "Failed to read database header")
_HEADER_BYTES = 3 * 4096  # DuckDB's main header and two database headers precede the blocks


def _settings(warehouse, memory_limit: str, threads: int | None) -> dict:
    settings = {"memory_limit": memory_limit, "temp_directory": writable_spill_dir(warehouse)}
    if threads:
        settings["threads"] = threads
    return settings


def writable_spill_dir(warehouse=None) -> str:
    """Where DuckDB may spill: config.spill_dir(), else a private folder under the system temp dir
    (a warehouse on a read-only share still reports), else '' (no spilling: the memory limit is
    then a hard limit, and a query beyond it fails with DuckDB's out-of-memory message)."""
    for folder in (config.spill_dir(warehouse), Path(tempfile.gettempdir()) / f"svc-duckdb-spill-{os.getuid()}"):
        if can_write_in(folder, create=True):
            return str(folder)
    return ""


def can_write_in(folder: Path, create: bool = False) -> bool:
    """True when a file can be created in ``folder`` (tried, not guessed: as root, mode bits lie)."""
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True)
        tempfile.NamedTemporaryFile(dir=folder, prefix=".svc-probe-").close()
        return True
    except OSError:
        return False


def _path(warehouse, read_only: bool) -> Path:
    path = config.warehouse_path(warehouse)
    if read_only and not path.is_file():
        raise FileNotFoundError(f"no warehouse at {path}: load data first (svc ingest or svc sample-data).")
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(f"数据仓库 {path} 的文件夹无法创建：{exc.strerror or exc} "
                                 f"(folder {path.parent} cannot be made)") from None
    return path


def connect(warehouse: str | Path | None = None, read_only: bool = False,
            memory_limit: str = DEFAULT_MEMORY_LIMIT, threads: int | None = DEFAULT_THREADS,
            wait: float = 0) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to the warehouse (config.warehouse_path); read-only needs an existing file.

    Another process holding the file: retried for up to ``wait`` seconds, then locks.WarehouseBusy
    naming the holder. A damaged file (not a database, truncated): WarehouseDamaged. Both are one
    sentence for the operator (docs/operations.md "Faults").
    """
    path = _path(warehouse, read_only)
    if not read_only and not can_write_in(path.parent):  # DuckDB would open it, then fail at commit
        raise WarehouseError(f"数据仓库 {path} 所在文件夹不可写入（导入要在旁边写 .wal 日志文件），无法导入："
                             f"请换到可写的位置或用 --warehouse 指定 (folder {path.parent} is read-only)")
    settings = _settings(warehouse, memory_limit, threads)
    con = _open(lambda: duckdb.connect(str(path), read_only=read_only, config=settings), path, read_only, wait)
    try:
        check_intact(con, path)
    except BaseException:
        con.close()
        raise
    return con


def limit_memory(con: duckdb.DuckDBPyConnection, memory_limit: str) -> None:
    """Lower the memory limit of ``con``'s database for the rest of the process. Later connections
    to the file made with the usual settings share it (DuckDB refuses a second connection opened
    with different settings, so the limit is set after opening, not passed to connect)."""
    con.execute(f"SET memory_limit = '{memory_limit}'")


def _open(open_fn, path: Path, read_only: bool, wait: float):
    try:
        return locks.retry_while_locked(open_fn, path, wait, read_only)
    except duckdb.IOException as exc:
        raise _sentence(path, exc) from None


def _sentence(path: Path, exc: Exception) -> WarehouseError:
    text = str(exc)
    if any(words in text for words in _DAMAGE):
        return WarehouseDamaged(
            f"数据仓库文件 {path} 已损坏或不是 DuckDB 数据库，无法打开：请从备份恢复，或改名后用 svc ingest 重新导入 "
            f"(warehouse {path} is damaged: {text.splitlines()[0]})")
    return WarehouseError(f"数据仓库文件 {path} 无法打开：{text.splitlines()[0]} (warehouse {path} cannot be opened)")


def check_intact(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """WarehouseDamaged when the file is shorter than the blocks DuckDB's catalog says it holds.

    A file cut short (a copy stopped half way, a full disk) still opens when its catalog lies in
    the first half, and count(*) still answers from the catalog; reading the lost blocks fails
    later, table by table. The catalog's block count times the block size against the file's
    size costs one query and no data read (measured: a 14-table file cut to half opened, 6 tables
    failed on a full read; this check refuses it at connect).
    """
    if Path(f"{path}.wal").exists():
        # Changes not yet checkpointed (a writer still open, in this process or another): their
        # blocks are counted by the catalog but live in the WAL, so the file is legitimately shorter.
        return
    _, _, block_size, _total, used_blocks, *_ = con.execute("SELECT * FROM pragma_database_size()").fetchall()[0]
    # Used blocks only: DuckDB may cut free blocks off the end of the file at a checkpoint while the
    # catalog still counts them in total_blocks (seen: 6 blocks listed, 1 free, 5 in the file).
    needed = _HEADER_BYTES + used_blocks * block_size if used_blocks else 0
    size = path.stat().st_size
    if size < needed:
        raise WarehouseDamaged(
            f"数据仓库文件 {path} 不完整（{size:,} 字节，应至少 {needed:,} 字节），部分数据已丢失：请从备份恢复，"
            f"或改名后用 svc ingest 重新导入 (warehouse {path} is truncated: {size} of {needed} bytes)")


def ibis_connect(warehouse: str | Path | None = None, read_only: bool = True,
                 memory_limit: str = DEFAULT_MEMORY_LIMIT, threads: int | None = DEFAULT_THREADS):
    """An Ibis DuckDB backend on the warehouse (read-only by default: notebooks never write)."""
    import ibis

    path = _path(warehouse, read_only)
    settings = _settings(warehouse, memory_limit, threads)
    return _open(lambda: ibis.duckdb.connect(str(path), read_only=read_only, **settings), path, read_only, 0)


