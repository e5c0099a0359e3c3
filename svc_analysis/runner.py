"""`svc report`: run every pack notebook for a month and publish the pack atomically.

One process drives all runs through papermill's Python API (importing papermill costs ~2 s:
pay it once, PITFALLS.md). Notebooks run `workers` at a time in threads: each thread owns one
kernel process, so the Python side only waits on ZeroMQ; threads were as fast as a process pool
in trial runs (20 notebooks, 2 cores) and keep logging, results and errors in one process.

The pack is built in a hidden sibling folder `.<pack>.partial-*` and renamed into place at the
end: a crash never leaves a half-written month, and a re-run replaces the old pack. A killed
run (kill -9, power cut) cannot clean up after itself: the next run of the same pack removes its
stale staging folder. One notebook's execution (papermill, its log, its page) is execution.py.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from svc_analysis import config, export
from svc_analysis.execution import NotebookResult, papermill_logs_to_notebook_logs, run_notebook

PACK_NOTEBOOK = re.compile(r"^\d{2}_.+\.ipynb$")  # 00_data_quality.ipynb, 10_complaints.ipynb ...
STAGING_MARK = ".partial-"  # staging folders: .<pack>.partial-XXXX, never mistaken for a pack
# A staging folder untouched this long belongs to a killed run. A live run touches its folder at
# least at every cell (papermill saves the executed notebook on each cell start and end, logs are
# written per notebook), and the default cell timeout is 10 min; one hour leaves a wide margin, so
# a concurrent run of the same pack never loses its folder. Housekeeping, not a business param.
STALE_STAGING_SECONDS = 3600


class RunStartError(RuntimeError):
    """The run could not start (the CLI exits with code 2); the message says why."""


@dataclass
class RunResult:
    """What a run produced: per-notebook results, the pack folder and the exit code."""

    pack_dir: Path
    notebooks: list[NotebookResult]
    started_at: datetime
    finished_at: datetime
    options: dict = field(default_factory=dict)
    kpi_error: str | None = None
    workbook: str | None = None  # the progress report workbook's file name in the pack, when written
    workbook_error: str | None = None

    @property
    def failed(self) -> list[NotebookResult]:
        return [nb for nb in self.notebooks if nb.status != "ok"]

    @property
    def exit_code(self) -> int:
        """0 when every notebook ran, the KPIs were gathered and the workbook written, 1 otherwise."""
        return 1 if self.failed or self.kpi_error or self.workbook_error else 0

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
    remove_stale_staging(reports, settings.pack_name)
    final = reports / settings.pack_name
    staging = Path(tempfile.mkdtemp(prefix=f".{settings.pack_name}{STAGING_MARK}", dir=reports))
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a pack is shared like any folder
    try:
        result = _build_pack(staging, notebooks, settings, workers, cell_timeout, progress,
                             coverage, key_figures)
        from svc_analysis.pack_gate import guard  # no readable phone/ID/card number is published (exit 1)
        guard(staging)
        _swap_into_place(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.pack_dir = final
    return result


def remove_stale_staging(reports: Path, pack_name: str, now: float | None = None) -> list[Path]:
    """Delete the `.<pack_name>.partial-*` folders in `reports` that killed runs left behind.

    A folder is stale when nothing in it (the folder itself, any file or subfolder) was modified
    in the last STALE_STAGING_SECONDS; other packs' folders and fresh ones are left alone.
    Returns the folders actually removed; one that cannot be deleted is left and not listed.
    """
    now = time.time() if now is None else now
    prefix = f".{pack_name}{STAGING_MARK}"
    removed = []
    for folder in sorted(reports.iterdir()):
        if not folder.name.startswith(prefix) or folder.is_symlink() or not folder.is_dir():
            continue
        last_touched = _last_modified(folder)
        if last_touched is not None and now - last_touched > STALE_STAGING_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)  # housekeeping: a failure must not stop the run
            if not folder.exists():
                removed.append(folder)
    return removed


def _last_modified(folder: Path) -> float | None:
    """The newest mtime in the tree under `folder`; None when it vanished meanwhile (a concurrent
    run renamed its finished pack into place)."""
    try:
        newest = folder.lstat().st_mtime
    except FileNotFoundError:
        return None
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            try:
                newest = max(newest, os.lstat(os.path.join(root, name)).st_mtime)
            except FileNotFoundError:
                continue
    return newest


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
    with papermill_logs_to_notebook_logs() as router, \
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
    from svc_analysis import workbook  # 服务活动进展情况月报表.xlsx; a failure: logs/workbook.log, index, exit 1

    workbook_name, workbook_error = workbook.write_for_run(staging, settings)
    result = RunResult(pack_dir=staging, notebooks=[results[p.name] for p in notebooks],
                       started_at=started, finished_at=datetime.now().astimezone(),
                       options={"workers": workers, "cell_timeout": cell_timeout,
                                "notebooks_dir": str(notebooks[0].parent)},
                       kpi_error=kpi_error, workbook=workbook_name, workbook_error=workbook_error)
    if callable(key_figures):
        try:
            key_figures = key_figures(staging / "kpis.csv")
        except Exception as exc:  # the front page's figures must not lose the pack: say so on it
            key_figures = [("关键指标", "无法生成", f"{type(exc).__name__}: {exc}")]
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
