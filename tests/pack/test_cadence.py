"""The weekly cadence of `svc report` (issue 15): settings for an ISO week, the notebook set per cadence,
the weekly notebooks' shape, one fast run of a fixture notebook as a weekly pack, and the CLI."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from svc_analysis.core import config
from svc_analysis.core.period import Period
from svc_analysis.engine import warehouse
from svc_analysis.pack import cadence, cli, runner, workbook

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"
MAX_CODE_LINES = 40
WEEKLY = {"11_complaints_week": "complaints", "41_checks_week": None, "51_queue_week": "queue"}


def test_settings_of_a_week(tmp_path, monkeypatch):
    monkeypatch.delenv(config.ENV_WEEK, raising=False)
    w = tmp_path / "w.duckdb"
    # ISO 2026 has 53 weeks: W53 = Monday 28 Dec 2026 .. Sunday 3 Jan 2027, published under January
    s = config.run_settings(week="2026-W53", warehouse=w)
    assert (s.period.start, s.period.last_day) == (date(2026, 12, 28), date(2027, 1, 3))
    assert (s.month, s.pack_name, s.period.kind) == ("2027-01", "2026-W53", "week")
    # 2025-W01 starts on Monday 30 December 2024; its last day (5 Jan) is in January 2025
    s = config.run_settings(week="2025w1", warehouse=w, scope="宜昌分行")
    assert (s.period.start, s.month, s.pack_name) == (date(2024, 12, 30), "2025-01", "2025-W01_宜昌分行")
    # no week given: the last complete week; Thursday 3 Dec 2026 -> Monday 23 .. Sunday 29 Nov (W48)
    s = config.run_settings(cadence="week", warehouse=w, today=date(2026, 12, 3))
    assert (s.period.key, s.month) == ("2026-W48", "2026-11")
    # a Monday: the week that ended the day before
    assert config.run_settings(cadence="week", warehouse=w, today=date(2026, 11, 30)).period.key == "2026-W48"
    monkeypatch.setenv(config.ENV_WEEK, "2026-W43")
    assert config.run_settings(cadence="week", warehouse=w).period.key == "2026-W43"
    # a monthly run is unchanged: its period is the month
    s = config.run_settings(month="2026-10", warehouse=w)
    assert (s.period, s.pack_name) == (Period.month("2026-10"), "2026-10")


def test_a_cadence_per_period_kind():
    assert cadence.of(Period.month("2026-10")) is cadence.MONTH
    assert cadence.of(Period.week("2026-W43")) is cadence.WEEK
    with pytest.raises(cadence.CadenceError):
        cadence.of(Period.day("2026-10-31"))
    assert cadence.for_parameters({"week": "2026-W43", "month": None}) is cadence.WEEK
    assert cadence.for_parameters({"month": "2026-10"}) is cadence.MONTH
    settings = config.run_settings(week="2026-W43", warehouse="/data/w.duckdb")
    assert cadence.notebook_parameters(settings, Path("/k")) == {
        "week": "2026-W43", "warehouse": "/data/w.duckdb", "scope": None, "params_file": None, "kpi_dir": "/k",
        "engine": "duckdb", "lake": None, "spark_master": None}
    # --engine spark: the kernels are told the lake and the master (papermill parameters, engine.connection)
    spark = config.run_settings(month="2026-10", warehouse="/data/w.duckdb", engine="spark", lake="/lake",
                                spark_master="spark://h:7077")
    assert {k: cadence.notebook_parameters(spark, Path("/k"))[k] for k in ("month", "engine", "lake", "spark_master")} \
        == {"month": "2026-10", "engine": "spark", "lake": "/lake", "spark_master": "spark://h:7077"}


def test_the_monthly_and_weekly_notebook_sets_are_apart():
    monthly = [p.name for p in runner.pack_notebooks(cadence.MONTH.notebooks_dir)]
    weekly = [p.stem for p in runner.pack_notebooks(cadence.WEEK.notebooks_dir)]
    assert weekly == list(WEEKLY)
    assert monthly == ["00_data_quality.ipynb", "10_complaints.ipynb", "20_satisfaction.ipynb", "30_staff.ipynb",
                       "40_inspections.ipynb", "50_queue.ipynb", "60_campaign.ipynb", "90_summary.ipynb"]


@pytest.mark.parametrize("stem", list(WEEKLY))
def test_weekly_notebooks_are_thin_and_publish_their_areas_rows(stem):
    nb = nbformat.read(cadence.WEEK.notebooks_dir / f"{stem}.ipynb", as_version=4)
    parameters = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1 and parameters[0].source.startswith("week = None")
    assert "month" not in parameters[0].source.split("#")[0]
    code = [line for c in nb.cells if c.cell_type == "code" for line in c.source.splitlines()
            if line.strip() and not line.strip().startswith("#")]
    assert len(code) <= MAX_CODE_LINES
    source = "\n".join(code)
    assert 'setup(week=week, cadence="week", warehouse=warehouse, scope=scope' in source
    assert "kpis.rollup" not in source and "meets(" not in source
    if WEEKLY[stem]:
        assert "rows = area.kpi_rows(ctx.con, ctx.params, ctx.scope, ctx.period)" in source
        assert "ctx.publish(rows)" in source


def test_a_weekly_run_builds_a_weekly_pack(tmp_path, monkeypatch):
    # the fixture notebook "ok" with a weekly parameters cell, run by the monthly pack's own runner
    nb = nbformat.read(FIXTURES / "ok.ipynb", as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace("month = None", "week = None")
    nb.cells[2].source = nb.cells[2].source.replace("month={month}", "week={week}")
    notebooks = tmp_path / "weekly"
    notebooks.mkdir()
    nbformat.write(nb, notebooks / "11_ok_week.ipynb")
    shutil.copy(FIXTURES / "ok.ipynb", tmp_path / "not_a_pack_notebook.ipynb")
    w = tmp_path / "w.duckdb"
    w.touch()

    def no_workbook(*_args, **_kw):
        raise AssertionError("the monthly progress workbook is not part of a weekly pack")

    monkeypatch.setattr(workbook, "write_for_run", no_workbook)
    settings = config.run_settings(week="2026-W43", warehouse=w)
    result = runner.run_report(settings, out=tmp_path / "reports", notebooks_dir=notebooks, workers=1,
                               cell_timeout=60, progress=False)
    pack = tmp_path / "reports" / "2026-W43"
    assert result.exit_code == 0 and result.pack_dir == pack
    run = json.loads((pack / "run.json").read_text(encoding="utf-8"))
    assert (run["parameters"]["period"], run["parameters"]["month"]) == ("2026-W43", "2026-10")
    executed = nbformat.read(pack / "notebooks" / "11_ok_week.ipynb", as_version=4)
    assert executed.metadata.papermill.parameters["week"] == "2026-W43"
    assert "month" not in executed.metadata.papermill.parameters
    assert "week=2026-W43" in executed.cells[3].outputs[0]["text"]  # after papermill's injected cell
    page = (pack / "11_ok_week.html").read_text(encoding="utf-8")
    assert "服务质量周报 · 2026年第43周（10月19日至10月25日） · 全省" in page
    index = (pack / "index.html").read_text(encoding="utf-8")
    assert "<h1>服务质量周报 2026-W43（全省）</h1>" in index
    assert "<th>报告周</th><td>2026-W43 · 2026年第43周（10月19日至10月25日）</td>" in index
    assert "服务活动进展情况月报表" not in index


@pytest.fixture
def outlets_only(tmp_path):
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    warehouse.ensure_schema(con)
    con.execute("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type) VALUES "
                "('O1', '江汉路网点', '江汉支行', '武汉分行', 'standard')")
    con.close()
    return path


def test_cli_week_option(outlets_only, monkeypatch):
    monkeypatch.delenv(config.ENV_WEEK, raising=False)
    run = CliRunner()
    both = run.invoke(cli.main, ["report", "--month", "2026-10", "--week", "2026-W43", "--warehouse", str(outlets_only)])
    assert both.exit_code == 2 and "--month 与 --week 只能选一个" in both.output
    bad = run.invoke(cli.main, ["report", "--week", "2026-W54", "--warehouse", str(outlets_only)])
    assert bad.exit_code == 2 and "2026 年没有第 54 周" in bad.output
    # --week alone, before another option: the last complete week, which has no data here (exit 2 naming it)
    bare = run.invoke(cli.main, ["report", "--week", "--quiet", "--warehouse", str(outlets_only)])
    last = Period.last_complete("week").key
    assert bare.exit_code == 2 and f"数据仓库中没有 {last}" in bare.output and "--week" in bare.output


def test_the_weekly_index_headline_keeps_the_metrics_defined_for_a_week():
    # params/summary.yaml: complaints' headline is the year-to-date reduction (monthly only), the queue's
    # the overtime outlets (defined for a week); the campaign's progress family is monthly
    headline = {"complaints": "complaint_rate_reduction", "queue": "overtime_outlets", "campaign": "campaign_progress:",
                "satisfaction": "satisfaction_rate"}
    assert cadence.headline(headline, Period.week("2026-W43")) == {"queue": "overtime_outlets"}
    assert cadence.headline(headline, Period.month("2026-10")) == headline
