"""`svc report`: run every pack notebook for a period (a month, or a week) and publish the pack atomically.

Which notebooks and what they are told is the period's cadence (cadence.py: notebooks/ for a month,
notebooks/weekly/ for an ISO week); everything else here is the same for every cadence.

One process drives all runs through papermill's Python API (importing papermill costs ~2 s:
pay it once, PITFALLS.md). Notebooks run `workers` at a time in threads: each thread owns one
kernel process, so the Python side only waits on ZeroMQ; threads were as fast as a process pool
in trial runs (20 notebooks, 2 cores) and keep logging, results and errors in one process.

The pack is built in a hidden sibling folder `.<pack>.partial-*` and renamed into place at the
end: a crash never leaves a half-written month, and a re-run replaces the old pack, unless the
re-run failed and the old pack is complete: then the failed run is published beside it
(pack_folder.py). A run holds the pack's lock (locks.pack_lock: `reports/.<pack>.lock`) from
start to swap, so two runs of one pack never interleave; the second waits up to `wait` seconds,
then raises locks.PackBusy. A killed run (kill -9, power cut) cannot clean up after itself: the
next run of the same pack removes its leftovers. One notebook's execution is execution.py.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from concurrent.futures import as_completed
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from svc_analysis.core import config
from svc_analysis.pack import cadence, export
from svc_analysis.engine import locks
from svc_analysis.pack import folder as pack_folder
from svc_analysis.pack.execution import NotebookPool, NotebookResult, run_notebook
from svc_analysis.pack.folder import STAGING_MARK, STALE_STAGING_SECONDS, remove_stale_staging  # noqa: F401

PACK_NOTEBOOK = re.compile(r"^\d{2}_.+\.ipynb$")  # 00_data_quality.ipynb, 10_complaints.ipynb ...


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
    pdf: object = None  # pdf.PdfResult when --pdf was asked for
    unit_packs: list = field(default_factory=list)  # each.UnitPack rows: the index's 各分行报告包 (--each)
    index_inputs: dict = field(default_factory=dict, repr=False)  # coverage, key figures: the index re-rendered

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
        raise RunStartError(f"笔记本文件夹 {notebooks_dir} 不存在")
    notebooks = pack_notebooks(notebooks_dir)
    if not notebooks:
        raise RunStartError(f"笔记本文件夹 {notebooks_dir} 中没有报告笔记本"
                            f"（文件名形如 00_data_quality.ipynb）")
    if settings.engine == "duckdb" and not Path(settings.warehouse).is_file():
        raise RunStartError(f"数据仓库 {settings.warehouse} 不存在：请先用 svc ingest 文件… 导入数据，"
                            f"或用 svc sample-data 生成样例数据。")
    if workers < 1 or cell_timeout < 1:
        raise RunStartError(f"并行数（{workers}）和单元格超时（{cell_timeout} 秒）都必须不小于 1")
    return notebooks


def run_report(settings: config.RunSettings, out: str | Path | None = None,
               notebooks_dir: str | Path | None = None, workers: int = 2, cell_timeout: int = 600,
               progress: bool = True, *, coverage=None, key_figures=None, wait: float = 0,
               pdf: bool = False, pool: NotebookPool | None = None, unit_packs=None) -> RunResult:
    """Run the pack's notebooks for `settings` and publish reports/<pack_name>/ atomically.

    A failing notebook does not stop the others; it is exported with its error. `coverage`
    (table -> first, last, rows in month) and `key_figures` ((label, value, note) rows, or a
    callable taking the kpis.csv path and returning them) go on index.html. `wait`: seconds to
    wait for another run of the same pack. `result.pack_dir` is where the pack went: the pack's
    folder, or `<pack>.failed-<time>` beside a complete pack when this run failed.
    Raises RunStartError when the run cannot start, locks.PackBusy when another run of the pack
    holds it (the CLI maps both to exit code 2). `pdf`: also print every page and the whole pack as
    PDF into <pack>/pdf/ (pdf.py); what came of it is `result.pdf`, and the index is rendered again
    to link the PDFs that were printed (write_index masks its text as the gate does).
    `pool`: the run's NotebookPool when several packs share the kernels (each.py), else one of its
    own; `unit_packs`: the scoped packs the index lists (each.UnitPack rows, or a callable returning
    them once they are built).
    """
    notebooks_dir = Path(notebooks_dir or cadence.of(settings.period).notebooks_dir)
    notebooks = _check_can_start(settings, notebooks_dir, workers, cell_timeout)
    # Kernels must come from this venv's own python3 spec, never a user-level one (PITFALLS.md).
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"
    reports = config.reports_dir(out)
    reports.mkdir(parents=True, exist_ok=True)
    with locks.pack_lock(reports, settings.pack_name, wait):
        remove_stale_staging(reports, settings.pack_name)
        final = reports / settings.pack_name
        staging = Path(tempfile.mkdtemp(prefix=f".{settings.pack_name}{STAGING_MARK}", dir=reports))
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a pack is shared like any folder
        try:
            result = _build_pack(staging, notebooks, settings, workers, cell_timeout, progress,
                                 coverage, key_figures, pool, unit_packs)
            from svc_analysis.pack.gate import guard  # no readable phone/ID/card number is published (exit 1)

            guard(staging)
            if pdf:  # printed from the gated pages, published with them; no Chromium: a warning (pdf.py)
                from svc_analysis.pack.pdf import write_pack_pdfs

                result.pdf = write_pack_pdfs(staging, [(nb.html, nb.title) for nb in result.notebooks],
                                             settings.pack_name, label=cadence.of(settings.period).pack_label)
                export.write_index(staging, result, settings, **result.index_inputs)  # links the PDFs
            result.pack_dir = pack_folder.publish(staging, final, result.exit_code)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return result


def _build_pack(staging: Path, notebooks: list[Path], settings: config.RunSettings, workers: int,
                cell_timeout: int, progress: bool, coverage, key_figures, pool=None, unit_packs=None) -> RunResult:
    from tqdm import tqdm

    for sub in ("notebooks", "logs"):
        (staging / sub).mkdir()
    kpi_dir = staging / ".kpis"
    parameters = cadence.notebook_parameters(settings, kpi_dir)  # month=YYYY-MM or week=YYYY-Www, ...
    started = datetime.now().astimezone()
    results = {}
    with (nullcontext(pool) if pool else NotebookPool(workers)) as runs, \
            tqdm(total=len(notebooks), desc=f"生成报告 {settings.pack_name}", unit="份",
                 file=sys.stderr, disable=not progress) as bar:
        futures = {runs.submit(path, staging, parameters, cell_timeout, run_notebook): path for path in notebooks}
        try:
            for future in as_completed(futures):
                nb = future.result()
                results[nb.name] = nb
                bar.set_postfix_str(f"{nb.name} {'成功' if nb.status == 'ok' else '失败'}")
                bar.update()
        except BaseException:
            for future in futures:  # this pack's queued notebooks only: a shared pool serves other packs
                future.cancel()
            raise
    kpi_error = _gather_kpis(kpi_dir, staging / "kpis.csv")
    from svc_analysis.pack import workbook  # 服务活动进展情况月报表.xlsx; a failure: logs/workbook.log, index, exit 1

    workbook_name, workbook_error = (workbook.write_for_run(staging, settings)
                                     if cadence.of(settings.period).workbook else (None, None))
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
    from svc_analysis.pack.page_nav import link_pages  # previous/next page links, now that every page exists

    link_pages(staging, result.notebooks)
    result.unit_packs = list(unit_packs() if callable(unit_packs) else unit_packs or [])  # waits for them
    result.index_inputs = {"coverage": coverage, "key_figures": key_figures}
    export.write_run_json(staging, result, settings)
    export.write_index(staging, result, settings, **result.index_inputs)
    return result


def _gather_kpis(kpi_dir: Path, out_csv: Path) -> str | None:
    """kpis.csv from every notebook's published rows; on bad rows, a header-only file and the error."""
    from svc_analysis.engine.kpis import KPI_COLUMNS, gather

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
