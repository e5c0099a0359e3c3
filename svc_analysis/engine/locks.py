"""Who holds what: the warehouse's DuckDB lock, the per-pack run lock, and waiting for either.

DuckDB lets one process open a warehouse read-write, or many processes open it read-only, never
both (a report kernel or JupyterLab reading it blocks `svc ingest`; an ingest blocks every reader).
Its lock error names the holder's PID; ``holder`` turns that into a sentence (psutil: what the
process is). ``retry_while_locked`` retries an open for up to ``wait`` seconds, then raises
WarehouseBusy (the CLI exits 2).

Two runs of one pack (the same month and scope into the same reports folder) must not interleave:
``pack_lock`` holds an flock on ``reports/.<pack>.lock`` for the whole run; the file keeps the
holder's PID so a second run can name it. The holder deletes the file before releasing it; a
waiter that then wins the lock on the deleted file notices (inode check) and starts over, so a
third run can never get in beside it.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import time
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 1.0
_PID = re.compile(r"\(PID (\d+)\)")
_LOCK_MESSAGE = "Could not set lock on file"


class Busy(RuntimeError):
    """Another process holds what this one needs; the message names it (CLI exit code 2)."""


class WarehouseBusy(Busy):
    pass


class PackBusy(Busy):
    pass


def is_lock_error(exc: BaseException) -> bool:
    """True for DuckDB's 'Could not set lock on file ...' (another process holds the warehouse)."""
    import duckdb

    return isinstance(exc, duckdb.IOException) and _LOCK_MESSAGE in str(exc)


def holder_pid(message: str) -> int | None:
    """The PID in DuckDB's lock message ('Conflicting lock is held in ... (PID 5147)')."""
    match = _PID.search(message)
    return int(match.group(1)) if match else None


def describe(pid: int | None) -> str:
    """'进程 5147（svc ingest …）': the process and what it is, as far as psutil can tell."""
    if pid is None:
        return "另一个进程"
    try:
        import psutil

        proc = psutil.Process(pid)
        words = [os.path.basename(w) if i == 0 else w for i, w in enumerate(proc.cmdline())] or [proc.name()]
        user = proc.username()
    except Exception:  # gone meanwhile, or not ours to inspect: the PID is still worth saying
        return f"进程 {pid}"
    command = " ".join(words)
    return f"进程 {pid}（{_kind(command)}，用户 {user}：{command[:120]}）"


def _kind(command: str) -> str:
    if "ipykernel" in command:
        return "Jupyter 内核：报告或 JupyterLab 里打开的笔记本"
    if "jupyter-lab" in command or "jupyterlab" in command or "jupyter lab" in command:
        return "JupyterLab"
    for sub in ("ingest", "report", "sample-data"):
        if "svc" in command and sub in command.split():
            return f"svc {sub}"
    return "其他程序"


def retry_while_locked(open_fn, path: Path, wait: float, read_only: bool, *,
                       sleep=time.sleep, clock=time.monotonic):
    """``open_fn()``, retried while DuckDB says another process holds ``path``, for up to ``wait``
    seconds (0: one try); then WarehouseBusy naming the holder. Other errors pass through."""
    deadline = clock() + max(0.0, wait)
    while True:
        try:
            return open_fn()
        except Exception as exc:
            if not is_lock_error(exc):
                raise
            if clock() >= deadline:
                raise WarehouseBusy(busy_sentence(path, str(exc), wait, read_only)) from None
        sleep(POLL_SECONDS)


def busy_sentence(path: Path, message: str, wait: float, read_only: bool) -> str:
    who = describe(holder_pid(message))
    want = "读取" if read_only else "写入"
    waited = f"等待 {wait:g} 秒后仍" if wait > 0 else ""
    return (f"数据仓库 {path} 正被{who}占用，{waited}无法{want}：请待其结束（或关闭该笔记本内核）后重试，"
            f"或用 --wait 加长等待 (warehouse {path} is held by PID {holder_pid(message)})")


@contextmanager
def pack_lock(reports: Path, pack_name: str, wait: float, *, sleep=time.sleep, clock=time.monotonic):
    """Hold ``reports/.<pack_name>.lock`` for the block; PackBusy after ``wait`` seconds.

    The holder deletes the file before letting go, so no lock file outlives the runs. A waiter
    that wins the lock on a file already deleted (or replaced) starts over on the current one.
    """
    path = lock_path(reports, pack_name)
    deadline = clock() + max(0.0, wait)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise
            message = _pack_busy_sentence(path, pack_name, fd, wait)
            os.close(fd)
            if clock() >= deadline:
                raise PackBusy(message) from None
            sleep(POLL_SECONDS)
            continue
        if _same_file(fd, path):
            break
        os.close(fd)  # the holder deleted it meanwhile: lock the current file instead
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass
        os.close(fd)  # closing the descriptor releases the flock


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def lock_path(reports: Path, pack_name: str) -> Path:
    return Path(reports) / f".{pack_name}.lock"


def _pack_busy_sentence(path: Path, pack_name: str, fd: int, wait: float) -> str:
    text = os.pread(fd, 64, 0).decode("ascii", errors="ignore").strip()
    pid = int(text) if text.isdigit() else None
    waited = f"等待 {wait:g} 秒后仍未结束" if wait > 0 else "尚未结束"
    return (f"报告包 {pack_name} 正由{describe(pid)}生成（锁文件 {path}），{waited}："
            f"请待其完成后重试，或用 --wait 加长等待 (pack {pack_name} is being built by PID {pid})")
