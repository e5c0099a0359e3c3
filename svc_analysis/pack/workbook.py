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
core.areas (the campaign's progress_report).
"""

from __future__ import annotations

import traceback
from pathlib import Path

import pandas as pd

from svc_analysis.core import areas, catalogue, contract, periods, safety, status
from svc_analysis.core import status as st
from svc_analysis.engine import org
from svc_analysis.engine.scope import LEVEL_LABELS
from svc_analysis.core.masking import mask_text
from svc_analysis.core.safety import safe_sheet_title
from svc_analysis.views.plotting import yes_no

FILE_NAME = "服务活动进展情况月报表.xlsx"
LOG_NAME = "workbook.log"
KPI_SHEET = "指标表"
MASTER_SHEET = "网点表核对"
MASTER_COLUMNS = [("序号", None), ("指标", "name"), ("单位", "unit_id"), ("活动报送", "reported"),
                  ("网点表", "counted"), ("网点表口径", "source"), ("差额（报送 − 网点表）", "gap"),
                  ("需核对", "flagged"), ("说明", "sentence")]
FORECAST_WORDS = {True: "能", False: "不能", None: "暂不预测"}  # None: nothing planned yet, no forecast
PROVINCE_SHEET = "全省"
STATE_TEXT = {"before": "本月活动尚未开始，无进度数据。", "over": "活动已结束，本月不再统计进度。"}
COLUMNS = [  # (header, board column, kind): kind picks the number format
    ("序号", None, "index"), ("指标", "name", "text"), ("计量单位", "unit_of_measure", "text"),
    ("目标", "target", "amount"), ("截止日期", "deadline", "date"), ("本月完成", "month_value", "amount"),
    ("累计完成", "actual", "amount"), ("完成进度", "progress", "share"), ("应达进度", "expected", "share"),
    ("状态", "status", "text"), ("截止日预测", "forecast", "amount"), ("预测下限", "forecast_low", "amount"),
    ("预测上限", "forecast_high", "amount"), ("预测能否完成", "forecast_meets", "text"),
]
WIDTHS = {"index": 6, "text": 14, "amount": 11, "date": 12, "share": 10}
SHARE_UNIT = "占比"  # the unit of measure of share KPIs in params: their amounts print as percents
HEADER_ROW = 5


def report_data(con, params, tree: pd.DataFrame, month: str, scope_level: str = org.PROVINCE,
                scope_name: str = org.PROVINCE) -> dict:
    """What the report on ``month`` holds (state, progress board, KPI rows, due moment, submissions), from
    the area that registers WORKBOOK_DATA in core.areas (the campaign: campaign.progress_report)."""
    return areas.hook("WORKBOOK_DATA")(con, params, tree, month, scope_level, scope_name)

def _cell_value(row, column: str, kind: str):
    value = getattr(row, column)
    if column == "status":
        return st.label(value)
    if column == "forecast_meets":
        return FORECAST_WORDS[None if value is None or pd.isna(value) else bool(value)]
    if kind == "amount" and pd.isna(value):
        return None
    return value


def _number_format(kind: str, share_kpi: bool, value) -> str | None:
    if kind == "share" or (kind == "amount" and share_kpi):
        return "0.0%"
    if kind == "amount":
        return "#,##0" if value is None or float(value).is_integer() else "#,##0.0"
    if kind == "date":
        return "yyyy-mm-dd"
    return None


def _level_sheet(book, title: str, unit_label: str, rows: pd.DataFrame, month: str, data: dict, name: str):
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    last = get_column_letter(len(COLUMNS))
    sheet["A1"] = f"{name} 服务活动进展情况月报表"
    sheet["A1"].font = Font(size=16, bold=True)
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].alignment = Alignment(horizontal="center")
    year, mon = month.split("-")
    sheet["A2"] = (f"填报单位：{unit_label}　　报告月份：{year}年{int(mon)}月　　"
                   f"报送截止：{data['due']:%Y-%m-%d %H:%M}（每月第一个周一12:00前报送上月情况）")
    sheet["A3"] = (f"数据截至 {periods.month_end(month):%Y-%m-%d}。完成进度 = 累计完成 ÷ 目标；应达进度 = "
                   f"计划在月末应达到的比例，达到即进度正常；截止日预测按目前相对计划的节奏推算，与状态一致，区间为预测范围。")
    sheet["A4"] = STATE_TEXT.get(data["state"], f"共 {len(rows)} 项指标：{st.count_text(rows['status'])}。"
                                 if len(rows) else "本单位没有承担的活动指标。")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, (header, _, kind) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, col, header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        sheet.column_dimensions[get_column_letter(col)].width = WIDTHS[kind] + (10 if col == 2 else 0)
    for i, row in enumerate(rows.itertuples(index=False), start=1):
        share_kpi = row.unit_of_measure == SHARE_UNIT
        for col, (_, column, kind) in enumerate(COLUMNS, start=1):
            value = i if column is None else _cell_value(row, column, kind)
            cell = sheet.cell(HEADER_ROW + i, col, value)
            cell.border = border
            fmt = _number_format(kind, share_kpi, value)
            if fmt:
                cell.number_format = fmt
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 3)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    return sheet


def _master_sheet(book, checks: pd.DataFrame | None) -> None:
    """网点表核对: one row per checked unit and KPI (shares as percents), or a line saying there is none."""
    sheet = book.create_sheet(MASTER_SHEET)
    sheet.append([header for header, _ in MASTER_COLUMNS])
    if checks is None or checks.empty:
        sheet.append([None, "本月没有可与网点表核对的活动指标。"])
        return
    for i, row in enumerate(checks.itertuples(index=False), start=1):
        share = row.unit_of_measure == SHARE_UNIT
        values = [i, row.name, "全省" if row.unit_id == org.PROVINCE else row.unit_id, row.reported,
                  None if pd.isna(row.counted) else row.counted, row.source,
                  None if pd.isna(row.gap) else row.gap, "是" if row.flagged else "否", row.sentence]
        sheet.append(values)
        for col in (4, 5, 7):
            sheet.cell(i + 1, col).number_format = "0.0%" if share else "#,##0"
    sheet.freeze_panes = "A2"
    for col, width in zip("ABCDEFGHI", (6, 24, 12, 11, 11, 34, 14, 8, 60)):
        sheet.column_dimensions[col].width = width


def kpi_table(data: dict) -> pd.DataFrame:
    """The report's KPI rows for the 指标表 sheet, in Chinese: every header from contract.KPI_COLUMN_NAMES,
    the metric by its catalogue name (campaign KPIs by their names on the board), area and level in
    Chinese, 是否达标 是/否 (blank when not judged), the status by its word; empty values stay empty."""
    rows = data["kpi_rows"]
    areas.area_modules()  # the registered areas fill the catalogue
    board = data.get("board")
    names = dict(zip(board["kpi_id"], board["name"])) if board is not None and len(board) else {}

    def metric_name(metric_id: str) -> str:
        try:
            return catalogue.name(metric_id, names)
        except catalogue.CatalogueError:
            return metric_id

    shown = rows.astype(object).copy()
    shown["area"] = rows["area"].map(lambda a: contract.KPI_AREA_NAMES.get(a, a))
    shown["metric"] = rows["metric"].map(metric_name)
    shown["level"] = rows["level"].map(lambda lv: LEVEL_LABELS.get(lv, lv))
    shown["unit_id"] = rows["unit_id"].replace({org.PROVINCE: LEVEL_LABELS[org.PROVINCE]})
    shown["meets_target"] = rows["meets_target"].map(yes_no)
    if "status" in rows:
        shown["status"] = rows["status"].map(status.label)
    return shown.rename(columns=contract.KPI_COLUMN_NAMES)


def _kpi_sheet(sheet, data: dict) -> None:
    table = kpi_table(data)
    sheet.append(list(table.columns))
    for values in table.itertuples(index=False):  # empty cells for no value, as in kpis.csv
        sheet.append([None if not isinstance(v, str) and pd.isna(v) else (v if v != "" else None) for v in values])
    sheet.freeze_panes = "A2"


def write_workbook(path: str | Path, data: dict, month: str, campaign_name: str,
                   scope_level: str = org.PROVINCE, scope_name: str = org.PROVINCE) -> Path:
    """Write the workbook for ``data`` (report_data) to ``path``; returns the path."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    board = data["board"]
    if scope_level == org.PROVINCE:
        _level_sheet(book, PROVINCE_SHEET, "全省", board[board["level"] == org.PROVINCE], month, data,
                     campaign_name)
    branches = sorted(set(board.loc[board["level"] == "branch", "unit_id"]))
    if scope_level == "branch":
        branches = [scope_name]
    for branch in branches:
        rows = board[(board["level"] == "branch") & (board["unit_id"] == branch)]
        # a name from the data: masked, then made a title Excel accepts and no other sheet has
        title = safe_sheet_title(mask_text(str(branch)), [*book.sheetnames, KPI_SHEET, MASTER_SHEET])
        _level_sheet(book, title, branch, rows, month, data, campaign_name)
    _master_sheet(book, data.get("master_data"))
    _kpi_sheet(book.create_sheet(KPI_SHEET), data)
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
        error = mask_text(f"{FILE_NAME} 未生成：{type(exc).__name__}: {exc}")
        logs = Path(pack_dir) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        (logs / LOG_NAME).write_text(error + "\n\n" + mask_text(traceback.format_exc()), encoding="utf-8")
        return None, error
