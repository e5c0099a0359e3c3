"""The progress report workbook reports/<pack>/服务活动进展情况月报表.xlsx (seed 000 附件; DOMAIN.md §6).

Written by the pack run (runner), not by a notebook, with openpyxl. Sheets:
- one per level of the scope: 全省 (province rows of every KPI), then each branch (its rows), each a
  print-ready table: title, reporting unit, the report month, its due date (the first Monday of the
  next month at 12:00: campaign.deadlines.due_for_report_on), units of measure, number formats (shares as
  0.0%, counts with thousands separators), a frozen header repeated on every printed page,
  landscape and fitted to the page width;
- 网点表核对: the reported actuals of the KPIs with a counterpart in the outlets table beside the figure
  counted there, the gap and the sentence asking for a check (the area's ``master_data`` rows);
- 指标表: the campaign's KPI rows (campaign_progress:<kpi_id>, report_on_time) in the KPI table's columns,
  as a reader reads them: headers by the contract's Chinese names (contract.KPI_COLUMN_NAMES), the metric
  by its catalogue name (a campaign KPI by its own name), area and level in Chinese, 是否达标 是/否 and the
  status by its word (core.status.label); the ids stay in kpis.csv.
Each level sheet counts its rows' statuses in the words the page and the index use (core.status.count_text)
and prints each row's status as core.status.label: the rows' one judgment, never judged here.
A month outside the campaign gets the same sheets with a line saying the campaign is not in force.
The pack knows no area: the sheets' data (report_data) come from the area that registers them in
core.areas (the campaign's progress_report). The sheets themselves: pack.workbook_sheets.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import pandas as pd

from svc_analysis.core import areas, safety
from svc_analysis.engine import org
from svc_analysis.core.masking import mask_text
from svc_analysis.core.safety import safe_sheet_title
from svc_analysis.pack import workbook_sheets
from svc_analysis.engine.scope import LEVEL_LABELS

FILE_NAME = "服务活动进展情况月报表.xlsx"
LOG_NAME = "workbook.log"
KPI_SHEET = "指标表"
MASTER_SHEET = workbook_sheets.MASTER_SHEET
PROVINCE_SHEET = LEVEL_LABELS["province"]


def report_data(con, params, tree: pd.DataFrame, month: str, scope_level: str = org.PROVINCE,
                scope_name: str = org.PROVINCE) -> dict:
    """What the report on ``month`` holds (state, progress board, KPI rows, due moment, submissions), from
    the area that registers WORKBOOK_DATA in core.areas (the campaign: campaign.progress_report)."""
    return areas.hook("WORKBOOK_DATA")(con, params, tree, month, scope_level, scope_name)


def write_workbook(path: str | Path, data: dict, month: str, campaign_name: str,
                   scope_level: str = org.PROVINCE, scope_name: str = org.PROVINCE) -> Path:
    """Write the workbook for ``data`` (report_data) to ``path``; returns the path."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    board = data["board"]
    if scope_level == org.PROVINCE:
        workbook_sheets.level_sheet(book, PROVINCE_SHEET, LEVEL_LABELS["province"],
                                    board[board["level"] == org.PROVINCE], month,
                                    data, campaign_name)
    branches = sorted(set(board.loc[board["level"] == "branch", "unit_id"]))
    if scope_level == "branch":
        branches = [scope_name]
    for branch in branches:
        rows = board[(board["level"] == "branch") & (board["unit_id"] == branch)]
        # a name from the data: masked, then made a title Excel accepts and no other sheet has
        title = safe_sheet_title(mask_text(str(branch)), [*book.sheetnames, KPI_SHEET, MASTER_SHEET])
        workbook_sheets.level_sheet(book, title, branch, rows, month, data, campaign_name)
    workbook_sheets.master_sheet(book, data.get("master_data"))
    workbook_sheets.kpi_sheet(book.create_sheet(KPI_SHEET), data)
    for sheet in book.worksheets:  # data is hostile: names masked, no text Excel would run as a formula
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = mask_text(cell.value)
        safety.neutralise_sheet(sheet)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_progress_workbook(pack_dir: str | Path, settings, params=None) -> Path:
    """The run's entry point: compute the report for ``settings`` from its data (the warehouse, or
    the lake on Spark: engine.connection) and write it."""
    from svc_analysis.engine import connection
    from svc_analysis.core.params import load_params

    params = params or load_params(month=settings.month, override=settings.params_file)
    con = connection.open_data(settings)
    try:
        tree = org.outlet_tree(con)
        level, name = org.resolve_scope(tree, settings.scope)
        data = report_data(con, params, tree, settings.month, level, name)
    finally:
        connection.close(con)
    return write_workbook(Path(pack_dir) / FILE_NAME, data, settings.month, params.campaign.name, level, name)


def write_for_run(pack_dir: str | Path, settings, params=None) -> tuple[str | None, str | None]:
    """Runner hook: (file name, None) on success; (None, error) on failure, the traceback in logs/workbook.log.

    A failure never loses the pack: the runner marks the run exit 1 and the index shows the error.
    A warehouse holding no outlets (an empty file) has nothing to report: (None, None), no file.
    """
    from svc_analysis.engine import warehouse

    path = Path(settings.warehouse)
    try:
        if settings.engine == "duckdb" and (
                not path.is_file() or path.stat().st_size == 0 or warehouse.is_empty(path)):
            return None, None
        return write_progress_workbook(pack_dir, settings, params).name, None
    except Exception as exc:  # the pack must survive a workbook failure
        logs = Path(pack_dir) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        detail = mask_text(f"{FILE_NAME}: {type(exc).__name__}: {exc}\n\n{traceback.format_exc()}")
        (logs / LOG_NAME).write_text(detail, encoding="utf-8")
        return None, f"{FILE_NAME} 未生成：{failure_reason(exc)}"


def failure_reason(exc: Exception) -> str:
    """The reader's words for why the workbook was not written; the exception itself goes to the log
    (the index and the operator's terminal read Chinese, never a Python exception)."""
    from svc_analysis.core.params import ParamsError

    if isinstance(exc, ParamsError):
        return "活动参数有误，须由系统管理员修正"
    if isinstance(exc, OSError):
        return "文件无法写入（磁盘已满、文件夹不可写或文件被占用）"
    return "生成月报表时出错"
