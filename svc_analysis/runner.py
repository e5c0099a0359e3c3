"""`svc report`: run every pack notebook for a month and publish the pack atomically.

One process drives all runs through papermill's Python API (importing papermill costs ~2 s:
pay it once, PITFALLS.md). Notebooks run `workers` at a time in threads: each thread owns one
kernel process, so the Python side only waits on ZeroMQ; threads were as fast as a process pool
in trial runs (20 notebooks, 2 cores) and keep logging, results and errors in one process.

The pack is built in a hidden sibling folder `.<pack>.partial-*` and renamed into place at the
end: a crash never leaves a half-written month, and a re-run replaces the old pack.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from svc_analysis import config, export

PACK_NOTEBOOK = re.compile(r"^\d{2}_.+\.ipynb$")  # 00_data_quality.ipynb, 10_complaints.ipynb ...
STAGING_MARK = ".partial-"  # staging folders: .<pack>.partial-XXXX, never mistaken for a pack


NO_PARAMETERS_WARNING = ("没有标记为 parameters 的单元格：参数插在最前面，之后的同名赋值会覆盖它们"
                         " (no cell tagged 'parameters')")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class RunStartError(RuntimeError):
    """The run could not start (the CLI exits with code 2); the message says why."""


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


@dataclass
class RunResult:
    """What a run produced: per-notebook results, the pack folder and the exit code."""

    pack_dir: Path
    notebooks: list[NotebookResult]
    started_at: datetime
    finished_at: datetime
    options: dict = field(default_factory=dict)
    kpi_error: str | None = None

    @property
    def failed(self) -> list[NotebookResult]:
        return [nb for nb in self.notebooks if nb.status != "ok"]

    @property
    def exit_code(self) -> int:
        """0 when every notebook ran and the KPIs were gathered, 1 otherwise."""
        return 1 if self.failed or self.kpi_error else 0

    @property
    def duration(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def index_html(self) -> Path:
        return self.pack_dir / "index.html"


def pack_notebooks(notebooks_dir: str | Path) -> list[Path]:
    """The notebooks of a pack: names starting with two digits and '_', in name order."""
    folder = Path(notebooks_dir)
    return sorted(p for p in folder.iterdir() if p.is_file() and PACK_NOTEBOOK.match(p.name))


def _check_can_start(settings: config.RunSettings, notebooks_dir: Path, workers: int,
                     cell_timeout: int) -> list[Path]:
    if not notebooks_dir.is_dir():
        raise RunStartError(f"notebooks folder {notebooks_dir} does not exist")
    notebooks = pack_notebooks(notebooks_dir)
    if not notebooks:
        raise RunStartError(f"notebooks folder {notebooks_dir} holds no pack notebook "
                            f"(a name like 00_data_quality.ipynb)")
    if not Path(settings.warehouse).is_file():
        raise RunStartError(f"warehouse {settings.warehouse} does not exist: load data with "
                            f"`svc ingest FILE...` or `svc sample-data`")
    if workers < 1 or cell_timeout < 1:
        raise RunStartError(f"workers ({workers}) and cell timeout ({cell_timeout} s) must be >= 1")
    return notebooks


def run_report(settings: config.RunSettings, out: str | Path | None = None,
               notebooks_dir: str | Path | None = None, workers: int = 2, cell_timeout: int = 600,
               progress: bool = True, *, coverage=None, key_figures=None) -> RunResult:
    """Run the pack's notebooks for `settings` and publish reports/<pack_name>/ atomically.

    A failing notebook does not stop the others; it is exported with its error. `coverage`
    (table -> first, last, rows in month) and `key_figures` ((label, value, note) rows, or a
    callable taking the kpis.csv path and returning them) go on index.html.
    Raises RunStartError when the run cannot start (the CLI maps it to exit code 2).
    """
    notebooks_dir = Path(notebooks_dir or config.NOTEBOOKS_DIR)
    notebooks = _check_can_start(settings, notebooks_dir, workers, cell_timeout)
    # Kernels must come from this venv's own python3 spec, never a user-level one (PITFALLS.md).
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"
    reports = config.reports_dir(out)
    reports.mkdir(parents=True, exist_ok=True)
    final = reports / settings.pack_name
    staging = Path(tempfile.mkdtemp(prefix=f".{settings.pack_name}{STAGING_MARK}", dir=reports))
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a pack is shared like any folder
    try:
        result = _build_pack(staging, notebooks, settings, workers, cell_timeout, progress,
                             coverage, key_figures)
        _swap_into_place(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.pack_dir = final
    return result


def _build_pack(staging: Path, notebooks: list[Path], settings: config.RunSettings, workers: int,
                cell_timeout: int, progress: bool, coverage, key_figures) -> RunResult:
    from tqdm import tqdm

    for sub in ("notebooks", "logs"):
        (staging / sub).mkdir()
    kpi_dir = staging / ".kpis"
    parameters = {"month": settings.month, "warehouse": str(settings.warehouse),
                  "scope": settings.scope,
                  "params_file": str(settings.params_file) if settings.params_file else None,
                  "kpi_dir": str(kpi_dir)}
    started = datetime.now().astimezone()
    results = {}
    with _papermill_logs_to_notebook_logs() as router, \
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="svc-report") as pool, \
            tqdm(total=len(notebooks), desc=f"svc report {settings.pack_name}", unit="nb",
                 file=sys.stderr, disable=not progress) as bar:
        futures = {pool.submit(run_notebook, path, staging, parameters, cell_timeout, router): path
                   for path in notebooks}
        try:
            for future in as_completed(futures):
                nb = future.result()
                results[nb.name] = nb
                bar.set_postfix_str(f"{nb.name} {nb.status}")
                bar.update()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    kpi_error = _gather_kpis(kpi_dir, staging / "kpis.csv")
    result = RunResult(pack_dir=staging, notebooks=[results[p.name] for p in notebooks],
                       started_at=started, finished_at=datetime.now().astimezone(),
                       options={"workers": workers, "cell_timeout": cell_timeout,
                                "notebooks_dir": str(notebooks[0].parent)},
                       kpi_error=kpi_error)
    if callable(key_figures):
        key_figures = key_figures(staging / "kpis.csv")
    export.write_run_json(staging, result, settings)
    export.write_index(staging, result, settings, coverage=coverage, key_figures=key_figures)
    return result


def _gather_kpis(kpi_dir: Path, out_csv: Path) -> str | None:
    """kpis.csv from every notebook's published rows; on bad rows, a header-only file and the error."""
    from svc_analysis.kpis import KPI_COLUMNS, gather

    try:
        gather(kpi_dir, out_csv)
        error = None
    except Exception as exc:  # a bad KPI file must not lose the pack: report it on the index
        error = f"{type(exc).__name__}: {exc}"
        out_csv.write_text(",".join(KPI_COLUMNS) + "\n", encoding="utf-8-sig")
    shutil.rmtree(kpi_dir, ignore_errors=True)
    return error


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _swap_into_place(staging: Path, final: Path) -> None:
    """Rename the finished pack into place; an old pack is renamed aside first, then deleted."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(final, old)
    try:
        os.rename(staging, final)
    except BaseException:
        if old is not None:
            os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


class _ThreadRouter(logging.Handler):
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
def _papermill_logs_to_notebook_logs():
    """papermill's warnings ("no parameters cell", "unknown parameter") go to each notebook's log,
    not interleaved on the console under the progress bar."""
    logger = logging.getLogger("papermill")
    router = _ThreadRouter()
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
    """The first line of an error, for the index; the log keeps the whole of it."""
    return message.strip().splitlines()[0] if message.strip() else message


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
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"**运行失败 (run failed)**\n\n```\n{message}\n```"))
    nbformat.write(nb, executed)


def run_notebook(path: Path, pack_dir: Path, parameters: dict, cell_timeout: int,
                 router: _ThreadRouter) -> NotebookResult:
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
            log.write(f"--- {title} ---\n{text.rstrip()}\n")
