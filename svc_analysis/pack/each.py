"""`svc report --each branch|subbranch`: the province pack and one scoped pack per unit, in one run.

A unit's pack is exactly the pack `svc report --scope <unit>` builds (runner.run_report with the unit's
scope: every notebook told ``scope``, its own kpis.csv, index, workbook, publishing gate, lock and
atomic swap), so the office can send every branch (二级分行) or sub-branch (支行) its own pack and
nothing more. Layout (docs/operations.md "A pack per branch"), all under the run's output folder:

    <out>/2026-10/                 the province pack; its index lists 各分行报告包 (or 各支行报告包)
    <out>/2026-10_宜昌分行/         one folder per unit: config.RunSettings.pack_name with the scope
    <out>/2026-W43_宜昌分行/        the same for a weekly run (--week)

The province index links each unit's index as ``../<pack>/index.html`` (the folders stay side by
side, as folder.py's notes link a failed run and its complete pack).

What is shared: one NotebookPool (execution.py) runs every pack's notebooks, ``workers`` at a time, so
the packs queue on the same kernels instead of competing for the cores; the run's params, coverage,
key-figure function and warehouse connection (the unit list is read once from it) come from the CLI.
Each unit pack runs in its own thread that only waits on its notebooks and then writes its files, so
one pack's writing overlaps the other packs' notebooks; the province pack runs last in the caller's thread. A unit pack that fails (a notebook, its KPI table, its
workbook, its gate, or an error before it started) is reported on the province index and on the command
line; the other packs are built and published all the same, and the run exits 1.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from svc_analysis.core import config
from svc_analysis.pack.execution import NotebookPool

LEVELS = ("branch", "subbranch")  # the tree columns a run can be split by (--each)
LIST_TITLES = {"branch": "各分行报告包", "subbranch": "各支行报告包"}
UNIT_WORDS = {"branch": "二级分行", "subbranch": "支行"}


@dataclass
class UnitPack:
    """One unit's scoped pack: its name (from the data: escape where shown), where it went, how it went."""

    level: str
    name: str
    pack_name: str
    result: object = None  # runner.RunResult once built
    error: str | None = None  # why the pack was not built or published (one Chinese sentence)

    @property
    def ok(self) -> bool:
        return self.result is not None and self.error is None and self.result.exit_code == 0

    @property
    def status(self) -> str:
        """'ok' or 'failed', as a page's status."""
        return "ok" if self.ok else "failed"

    @property
    def folder(self) -> str | None:
        """The pack's folder name under the output folder, when something was published."""
        return self.result.pack_dir.name if self.result is not None else None

    @property
    def href(self) -> str | None:
        """The province index's link to the unit's index (the folders are siblings)."""
        return f"../{quote(self.folder)}/index.html" if self.folder else None

    @property
    def list_title(self) -> str:
        return LIST_TITLES[self.level]

    @property
    def unit_word(self) -> str:
        return UNIT_WORDS[self.level]

    @property
    def note(self) -> str:
        """Why the pack failed, for the index: the error, or its failed parts."""
        if self.error:
            return self.error
        if self.result is None or self.ok:
            return ""
        failed = [nb.title for nb in self.result.failed]
        parts = ([f"失败的报告：{'、'.join(failed)}"] if failed else []) + \
            (["指标汇总失败"] if self.result.kpi_error else []) + \
            (["月报表未生成"] if self.result.workbook_error else [])
        return "；".join(parts)


@dataclass
class EachResult:
    """The province pack's result and every unit pack."""

    province: object  # runner.RunResult
    units: list[UnitPack]

    @property
    def exit_code(self) -> int:
        """0 when every pack ran whole, 1 when any part of any pack failed (as one pack's run)."""
        return 1 if self.province.exit_code or any(not u.ok for u in self.units) else 0

    def lines(self) -> list[str]:
        """What the command line says after the province pack: one line per unit pack, in Chinese."""
        if not self.units:
            return ["网点表中没有可分的单位，只生成了全省报告包。"]
        out = [f"{self.units[0].list_title}（{len(self.units)} 个）："]
        for unit in self.units:
            where = self.province.pack_dir.parent / unit.folder if unit.folder else None
            state = "成功" if unit.ok else "失败"
            out.append(f"  {state}  {unit.name}" + (f"：{where}" if where else "")
                       + (f"（{unit.note}）" if unit.note else ""))
            pdf = getattr(unit.result, "pdf", None)
            if pdf is not None and pdf.error:  # as for the province pack: a warning, the exit code unchanged
                out.append(f"  警告：{unit.name}：{pdf.error}")
        return out


def unit_names(tree: pd.DataFrame, level: str) -> list[str]:
    """The units of ``level`` in the outlet tree (org.outlet_tree), sorted; closed outlets' units too,
    as a scoped run covers its closed outlets."""
    if level not in LEVELS:
        raise ValueError(f"--each 只能是 branch（二级分行）或 subbranch（支行），不是 {level}")
    return sorted(tree[level].dropna().astype(str).unique().tolist())


def run_each(settings: config.RunSettings, level: str, tree: pd.DataFrame, *, workers: int = 2,
             **run_options) -> EachResult:
    """Build the province pack of ``settings`` and one pack per unit of ``level`` (module docstring).

    ``run_options`` are runner.run_report's (out, notebooks_dir, cell_timeout, progress, coverage,
    key_figures, wait, pdf), the same for every pack. Raises what run_report raises for the province
    pack (RunStartError, locks.PackBusy: the CLI's exit 2); a unit pack's such error is its ``error``.
    """
    from svc_analysis.pack.runner import run_report

    units = [UnitPack(level, name, replace(settings, scope=name).pack_name) for name in unit_names(tree, level)]

    def build(unit: UnitPack) -> UnitPack:
        try:
            unit.result = run_report(replace(settings, scope=unit.name), workers=workers, pool=pool, **run_options)
        except Exception as exc:  # the other packs go on; the index and the CLI say this one failed
            unit.error = _sentence(exc)
        return unit

    with NotebookPool(workers) as pool, \
            ThreadPoolExecutor(max_workers=len(units) or 1, thread_name_prefix="svc-each") as packs:
        futures = [packs.submit(build, unit) for unit in units]
        # The province pack in this thread: its index waits for the unit packs, to list and link them.
        province = run_report(settings, workers=workers, pool=pool,
                              unit_packs=lambda: [future.result() for future in futures], **run_options)
    return EachResult(province=province, units=units)


def _sentence(exc: Exception) -> str:
    """A unit pack's error in one line for the index and the command line: the exception's own
    (Chinese) message, or its type when it has none."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"未生成：{text}"
