"""workbook: 服务活动进展情况月报表.xlsx read back with openpyxl; the runner hook's failure path."""

from datetime import datetime

import openpyxl
import pytest

from svc_analysis.core import config, contract
from svc_analysis.engine import kpis
from svc_analysis.engine import org
from svc_analysis.pack import workbook, workbook_sheets
from svc_analysis.core import params as P
from tests.campaign.support import build, kpi, make_campaign

ACTUALS = [("k_sum", "BA", "2026-01", 10), ("k_sum", "BA", "2026-02", 10), ("k_sum", "BB", "2026-02", 5),
           ("k_share", "province", "2026-02", 0.42)]
SUBMISSIONS = [("BA", "2026-01", datetime(2026, 2, 2, 11, 0))]  # BB never reports on January


class _Params:  # load_params' shape, with the test campaign
    def __init__(self, campaign):
        self.campaign = campaign


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = tmp_path_factory.mktemp("wb")
    con = build(root / "w.duckdb", actuals=ACTUALS, submissions=SUBMISSIONS)
    camp = make_campaign([kpi("k_sum", 100, master_data={"base": "self_service_outlets", "opened_since_start": True}),
                          kpi("k_share", 0.5, combine="latest", units="province", adds_up=False,
                              unit_of_measure="占比", kind="growth", baseline=0.0)])
    data = workbook.report_data(con, _Params(camp), org.outlet_tree(con), "2026-02")
    con.close()
    path = workbook.write_workbook(root / workbook.FILE_NAME, data, "2026-02", camp.name)
    return openpyxl.load_workbook(path), data


def test_one_sheet_per_level_and_the_kpi_sheet(book):
    wb, _ = book
    assert wb.sheetnames == ["全省", "BA", "BB", "网点表核对", "指标表"]


def test_title_month_due_date_and_frozen_printable_header(book):
    wb, _ = book
    sheet = wb["全省"]
    assert sheet["A1"].value == "测试活动 服务活动进展情况月报表"
    assert "报告月份：2026年2月" in sheet["A2"].value
    assert "报送截止：2026-03-02 12:00" in sheet["A2"].value  # report on February: first Monday of March
    header = [c.value for c in sheet[workbook_sheets.HEADER_ROW]]
    assert header[:4] == ["序号", "指标", "计量单位", "目标"]
    assert sheet.freeze_panes == "C6" and sheet.print_title_rows == "$5:$5"
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage


def test_values_and_number_formats(book):
    wb, _ = book
    rows = {r[1]: r for r in wb["全省"].iter_rows(min_row=6, values_only=True)}
    k_sum = rows["K_SUM"]
    # province: 25 of 100 by Feb 28 (59 of 365 days expected)
    assert (k_sum[3], k_sum[6], k_sum[7]) == (100, 25, 0.25)
    # 25 reported against 0 self-service banks opened since the start in the outlets table (tolerance 0): not
    # judged, core.status.label(unverified), no forecast; k_share (no counterpart) is on track
    assert k_sum[8] == pytest.approx(59 / 365) and k_sum[9] == "待核实" and k_sum[10] is None
    assert wb["全省"]["A4"].value == "共 2 项指标：进度正常 1 项、进度预警 0 项、进度滞后 0 项、待核实 1 项。"
    cells = {c.value: c for c in wb["全省"]["B"]}
    row = cells["K_SHARE"].row
    assert wb["全省"].cell(row, 7).number_format == "0.0%"     # a share's actual prints as a percent
    assert wb["全省"].cell(row, 8).number_format == "0.0%"
    assert wb["全省"].cell(cells["K_SUM"].row, 7).number_format == "#,##0"
    branch = {r[1]: r for r in wb["BB"].iter_rows(min_row=6, values_only=True)}
    assert branch["K_SUM"][6] == 5 and branch["K_SUM"][3] == 50 and "K_SHARE" not in branch


def test_kpi_sheet_holds_the_published_rows_in_chinese(book):
    """Issue 14: the 指标表 sheet was English (metric ids, province, true/false). Headers are the contract's
    Chinese names of kpis.csv's columns, in kpis.csv's order."""
    wb, data = book
    rows = list(wb["指标表"].iter_rows(values_only=True))
    assert rows[0] == ("月份", "报告期", "领域", "指标", "层级", "单位", "数值", "分子", "分母", "目标", "是否达标", "状态")
    assert list(contract.KPI_COLUMN_NAMES) == kpis.KPI_COLUMNS  # one Chinese name per column, none missing
    # report_on_time for January (due 2026-02-02 12:00): BA sent at 11:00 (on time), BB never: the province
    # 1 of 2 = 0.5; target 1.0 (params), so province and BB miss it, BA meets it
    on_time = [r for r in rows if r[3] == "进展月报按时报送率"]
    assert [(r[2], r[4], r[5], r[6], r[10], r[11]) for r in on_time] == [
        ("服务活动", "全省", "全省", 0.5, "否", "未达标"), ("服务活动", "二级分行", "BA", 1, "是", "达标"),
        ("服务活动", "二级分行", "BB", 0, "否", "未达标")]
    # a campaign KPI by its own name (the test campaign's K_SUM), never campaign_progress:k_sum
    assert {r[3] for r in rows[1:]} == {"K_SUM", "K_SHARE", "进展月报按时报送率"}
    text = " ".join(str(v) for r in rows for v in r if isinstance(v, str))
    for english in ("campaign_progress", "report_on_time", "province", "branch", "true", "false", "met", "missed"):
        assert english not in text
    assert len(rows) - 1 == len(data["kpi_rows"])


def test_master_data_sheet_shows_both_figures_and_the_gap(book):
    """k_sum against self-service outlets opened since 2026-01-01: the only one, B2, has no opening date,
    so the table counts 0 where the units reported 25 (province), 20 (BA) and 5 (BB)."""
    wb, _ = book
    rows = list(wb["网点表核对"].iter_rows(values_only=True))
    assert rows[0] == ("序号", "指标", "单位", "活动报送", "网点表", "网点表口径", "差额（报送 − 网点表）", "需核对", "说明")
    assert rows[1][:5] == (1, "K_SUM", "全省", 25, 0) and rows[1][6:8] == (25, "是")
    assert rows[1][8] == "活动报送 25 个，网点表中 2026-01-01 以来开业的仅 0 个（离行式自助银行共 1 个），差 25 个，请核对。"
    assert [r[2] for r in rows[1:]] == ["全省", "BA", "BB"]


def test_month_outside_the_campaign_says_so(tmp_path):
    con = build(tmp_path / "w.duckdb", actuals=ACTUALS)
    camp = make_campaign([kpi("k_sum", 100)])
    data = workbook.report_data(con, _Params(camp), org.outlet_tree(con), "2027-03")
    con.close()
    wb = openpyxl.load_workbook(workbook.write_workbook(tmp_path / "x.xlsx", data, "2027-03", camp.name))
    assert wb["全省"]["A4"].value == workbook_sheets.STATE_TEXT["over"]
    assert wb["全省"].max_row == workbook_sheets.HEADER_ROW


def test_write_for_run_writes_skips_and_reports_failures(tmp_path, monkeypatch):
    con = build(tmp_path / "w.duckdb", actuals=ACTUALS)
    con.close()
    settings = config.RunSettings(month="2026-02", warehouse=tmp_path / "w.duckdb", scope="BB", params_file=None)
    name, error = workbook.write_for_run(tmp_path, settings, P.load_params("2026-02"))
    assert (name, error) == (workbook.FILE_NAME, None)
    assert openpyxl.load_workbook(tmp_path / name).sheetnames == ["BB", "网点表核对", "指标表"]  # scoped: no province sheet
    empty = tmp_path / "empty.duckdb"
    empty.touch()
    skipped = config.RunSettings(month="2026-02", warehouse=empty, scope=None, params_file=None)
    assert workbook.write_for_run(tmp_path / "skip", skipped) == (None, None)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(workbook, "write_workbook", boom)
    name, error = workbook.write_for_run(tmp_path / "pack", settings, P.load_params("2026-02"))
    # the reader's sentence in Chinese; the exception in the log only
    assert (name, error) == (None, "服务活动进展情况月报表.xlsx 未生成：生成月报表时出错")
    assert "RuntimeError: disk full" in (tmp_path / "pack" / "logs" / workbook.LOG_NAME).read_text(encoding="utf-8")


@pytest.mark.parametrize("exc, reason", [
    (P.ParamsError("campaign: Extra inputs are not permitted"), "活动参数有误，须由系统管理员修正"),
    (PermissionError(13, "Permission denied"), "文件无法写入（磁盘已满、文件夹不可写或文件被占用）"),
    (KeyError("outlet_id"), "生成月报表时出错"),
])
def test_a_workbook_failure_reads_chinese_on_the_index(exc, reason):
    assert workbook.failure_reason(exc) == reason


def test_run_result_exit_code_and_index_for_a_workbook_failure(tmp_path):
    from svc_analysis.pack import export
    from svc_analysis.pack.runner import RunResult

    now = datetime(2026, 3, 3, 6, 0).astimezone()
    settings = config.RunSettings(month="2026-02", warehouse=tmp_path / "w.duckdb", scope=None, params_file=None)
    failed = RunResult(pack_dir=tmp_path, notebooks=[], started_at=now, finished_at=now,
                       workbook_error="服务活动进展情况月报表.xlsx 未生成：生成月报表时出错")
    assert failed.exit_code == 1
    page = export.write_index(tmp_path, failed, settings).read_text(encoding="utf-8")
    assert "未生成：生成月报表时出错（详见 logs/workbook.log）" in page and 'href="服务活动进展情况月报表.xlsx"' not in page
    ok = RunResult(pack_dir=tmp_path, notebooks=[], started_at=now, finished_at=now, workbook=workbook.FILE_NAME)
    assert ok.exit_code == 0
    assert f'href="{workbook.FILE_NAME}"' in export.write_index(tmp_path, ok, settings).read_text(encoding="utf-8")
