"""One notebook's execution for `svc report`: papermill run, log file, kernel stderr, HTML page.

The runner (runner.py) schedules these runs, `workers` at a time in threads, and owns the pack
folder; this module runs exactly one notebook into that folder. A notebook's own failure (an
exception in a cell, a cell timeout, a dead kernel, an unreadable file) never raises: it becomes
status 'failed' with a one-line error, the full traceback in logs/<stem>.log, and a page that
shows the error.
"""

from __future__ import annotations

import io
import logging
import os
import re
import tempfile
import threading
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from svc_analysis.core import config
from svc_analysis.pack import export
from svc_analysis.pack import page_safety
from svc_analysis.core.masking import mask_text

NO_PARAMETERS_WARNING = ("没有标记为 parameters 的单元格：参数插在最前面，之后的同名赋值会覆盖它们"
                         " (no cell tagged 'parameters')")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class NotebookResult:
    """One notebook's run: status 'ok' or 'failed', timing, the error's one-line summary."""

    path: Path
    title: str
    status: str = "failed"
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration: float = 0.0
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def html(self) -> str:
        return f"{self.stem}.html"

    def as_record(self) -> dict:
        return {"notebook": self.name, "title": self.title, "status": self.status,
                "started_at": self.started_at.isoformat(timespec="seconds") if self.started_at else None,
                "finished_at": self.finished_at.isoformat(timespec="seconds") if self.finished_at else None,
                "duration_seconds": round(self.duration, 2), "error": self.error,
                "warnings": self.warnings, "html": self.html}


class ThreadLogRouter(logging.Handler):
    """Sends each log record to the log file of the notebook its thread is running."""

    def __init__(self):
        super().__init__(level=logging.INFO)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self._targets: dict[int, object] = {}

    @contextmanager
    def capture(self, stream):
        self._targets[threading.get_ident()] = stream
        try:
            yield
        finally:
            self._targets.pop(threading.get_ident(), None)

    def emit(self, record):
        stream = self._targets.get(threading.get_ident())
        if stream is not None:
            stream.write(self.format(record) + "\n")


@contextmanager
def papermill_logs_to_notebook_logs():
    """papermill's warnings ("no parameters cell", "unknown parameter") go to each notebook's log,
    not interleaved on the console under the progress bar. Yields the router for run_notebook."""
    logger = logging.getLogger("papermill")
    router = ThreadLogRouter()
    saved = (logger.level, logger.propagate)
    logger.addHandler(router)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield router
    finally:
        logger.removeHandler(router)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


class NotebookPool:
    """Notebook runs, ``workers`` at a time in threads, with papermill's log lines routed to each
    notebook's log. One pool serves one pack, or every pack of ``svc report --each`` (each.py): the
    packs' notebooks queue on the same ``workers`` kernels, so the machine is never asked for more."""

    def __init__(self, workers: int):
        self.workers = workers

    def __enter__(self) -> "NotebookPool":
        self._logs = papermill_logs_to_notebook_logs()
        self.router = self._logs.__enter__()
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="svc-report")
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._pool.shutdown(wait=True, cancel_futures=exc[0] is not None)
        finally:
            self._logs.__exit__(*exc)

    def submit(self, path: Path, pack_dir: Path, parameters: dict, cell_timeout: int, run=None) -> Future:
        """Queue one notebook of the pack in ``pack_dir``; the future's result is its NotebookResult.
        ``run``: the function that runs it (run_notebook; the runner passes its own name for it)."""
        return self._pool.submit(run or run_notebook, path, pack_dir, parameters, cell_timeout, self.router)


def _kernel_manager_class(kernel_stderr, session_name: str):
    """A kernel manager whose kernel writes its stderr to `kernel_stderr` (for the log) and sees
    JPY_SESSION_NAME=<notebook path>, the variable JupyterLab sets for the same purpose."""
    from jupyter_client.manager import AsyncKernelManager

    class RunKernelManager(AsyncKernelManager):
        async def start_kernel(self, **kw):
            kw.setdefault("stderr", kernel_stderr)
            kw["env"] = {**(kw.get("env") or os.environ), "JPY_SESSION_NAME": session_name}
            return await super().start_kernel(**kw)

    return RunKernelManager


def _one_line(message: str) -> str:
    """The first line of an error, masked, for the index and run.json; the log keeps the whole of it.
    An error may quote a value from the data (a phone number in a KeyError): it leaves masked."""
    return mask_text(message.strip().splitlines()[0] if message.strip() else message)


def _has_parameters_cell(nb) -> bool:
    return any("parameters" in cell.get("metadata", {}).get("tags", []) for cell in nb.cells)


def _read_or_empty(*paths: Path):
    """The first of `paths` that is a readable notebook, else an empty one (a corrupt file)."""
    import nbformat

    for path in paths:
        try:
            return nbformat.read(path, as_version=4)
        except Exception:  # missing, not JSON, not a notebook: try the next
            continue
    return nbformat.v4.new_notebook()


def _mark_failure(source: Path, executed: Path, message: str) -> None:
    """Failures papermill does not record in the notebook (cell timeout, dead kernel, unreadable
    notebook): put the error at the top of the executed notebook so its page shows it."""
    import nbformat

    nb = _read_or_empty(executed, source)
    fence = "~~~~"  # the error is shown as code: no Markdown or HTML in it is rendered
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(
        f"**运行失败 (run failed)**\n\n{fence}\n{mask_text(message).replace(fence, '~ ~ ~ ~')}\n{fence}"))
    nbformat.write(nb, executed)


def run_notebook(path: Path, pack_dir: Path, parameters: dict, cell_timeout: int,
                 router: ThreadLogRouter) -> NotebookResult:
    """Execute one notebook into <pack>/notebooks/, export its page, write logs/<stem>.log.
    Never raises for a notebook's own failure: that becomes status 'failed'."""
    import papermill as pm

    source = _read_or_empty(path)
    result = NotebookResult(path=path, title=export.notebook_title(source, path.stem))
    if not _has_parameters_cell(source):
        result.warnings.append(NO_PARAMETERS_WARNING)
    executed = pack_dir / "notebooks" / path.name
    notebook_stderr = io.StringIO()
    details = ""
    with (pack_dir / "logs" / f"{path.stem}.log").open("w", encoding="utf-8") as log, \
            tempfile.TemporaryFile() as kernel_stderr:
        result.started_at = datetime.now().astimezone()
        log.write(f"notebook: {path}\nparameters: {parameters}\nstart: {result.started_at.isoformat()}\n")
        clock = time.monotonic()
        with router.capture(log):
            try:
                pm.execute_notebook(
                    str(path), str(executed), parameters=parameters, kernel_name=config.KERNEL_NAME,
                    progress_bar=False, execution_timeout=cell_timeout, stderr_file=notebook_stderr,
                    # the kernel starts in the notebook's folder, as in JupyterLab (no process chdir)
                    resources={"metadata": {"path": str(path.parent)}},
                    kernel_manager_class=_kernel_manager_class(kernel_stderr, str(path)))
                result.status = "ok"
            except pm.PapermillExecutionError as exc:
                result.error = _one_line(f"{exc.ename}: {exc.evalue}")
                details = _ANSI.sub("", "\n".join(exc.traceback))
            except Exception as exc:  # timeout, dead kernel, unreadable notebook
                result.error = _one_line(f"{type(exc).__name__}: {exc}")
                details = traceback.format_exc()
                _mark_failure(path, executed, f"{type(exc).__name__}: {exc}")
        result.duration = time.monotonic() - clock
        result.finished_at = datetime.now().astimezone()
        try:
            if executed.exists():  # the notebook in the pack holds the same masked, defused text as its page
                page_safety.clean_notebook_file(executed)
            fetches = export.export_html(executed, pack_dir / result.html)
            if fetches:
                result.warnings.append(f"页面引用外部资源 (external fetches): {', '.join(fetches)}")
        except Exception as exc:
            result.status, result.error = "failed", f"HTML export failed: {type(exc).__name__}: {exc}"
            details += "\n" + traceback.format_exc()
        kernel_stderr.seek(0)
        _write_log_tail(log, result, details, notebook_stderr.getvalue(),
                        kernel_stderr.read().decode("utf-8", errors="replace"))
    return result


def _write_log_tail(log, result: NotebookResult, details: str, notebook_stderr: str,
                    kernel_stderr: str) -> None:
    log.write(f"end: {result.finished_at.isoformat()}\nduration: {result.duration:.2f} s\n"
              f"status: {result.status}\n")
    for warning in result.warnings:
        log.write(f"warning: {warning}\n")
    sections = [("error", result.error), ("traceback", details),
                ("notebook stderr", notebook_stderr), ("kernel stderr", kernel_stderr)]
    for title, text in sections:
        if text and text.strip():
            log.write(f"--- {title} ---\n{mask_text(text.rstrip())}\n")
