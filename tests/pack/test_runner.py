"""runner: the monthly pack run (threads, atomic folder, stale staging, kpis, index, exit codes).

One real run of the fixture notebooks is shared by most tests (module fixture, ~10 s on
2 cores); the crash and bad-input tests replace the notebook run with a stand-in. What happens
inside one notebook's run (errors, timeouts, logs, its page) is tested in test_execution.py.
"""

import csv
import os
import shutil
import time
from pathlib import Path

import pytest
from markupsafe import escape

from svc_analysis.engine import kpis
from svc_analysis.pack import runner
from svc_analysis.core.config import RunSettings
from svc_analysis.pack.execution import NO_PARAMETERS_WARNING, NotebookResult
from svc_analysis.pack.export import external_fetches
from svc_analysis.pack.runner import RunStartError, pack_notebooks, remove_stale_staging, run_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"
PACK = {"00_ok": "ok", "10_broken": "broken", "20_no_parameters": "no_parameters",
        "30_publishes_kpis": "publishes_kpis", "40_chart": "chart", "50_slow": "slow"}
PACK_NAME = "2024-10_城东支行"
KPI_HEADER = kpis.KPI_COLUMNS  # the contract's columns with period and status
BOM = b"\xef\xbb\xbf"


def _setup(root: Path, pack: dict[str, str]) -> tuple[RunSettings, Path, Path]:
    notebooks = root / "notebooks"
    notebooks.mkdir()
    for stem, fixture in pack.items():
        shutil.copy(FIXTURES / f"{fixture}.ipynb", notebooks / f"{stem}.ipynb")
    warehouse = root / "warehouse.duckdb"
    warehouse.touch()
    settings = RunSettings(month="2024-10", warehouse=warehouse, scope="城东支行", params_file=None)
    return settings, notebooks, root / "reports"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    settings, notebooks, reports = _setup(root, PACK)
    # Not pack notebooks: must be left alone (a failing one would show up as a failure).
    shutil.copy(FIXTURES / "broken.ipynb", notebooks / "helper.ipynb")
    shutil.copy(FIXTURES / "broken.ipynb", notebooks / "5_single_digit.ipynb")
    old = reports / PACK_NAME
    old.mkdir(parents=True)
    (old / "stale.html").write_text("last month's run", encoding="utf-8")
    coverage = {"complaints": {"rows": 2000, "rows_in_month": 150, "first": None, "last": None}}
    result = run_report(settings, out=reports, notebooks_dir=notebooks, workers=2, cell_timeout=5,
                        progress=False, coverage=coverage,
                        key_figures=lambda kpis_csv: [("已发布指标行", "2", kpis_csv.name)])
    return result, reports / PACK_NAME


def _html(pack: Path, stem: str) -> str:
    return (pack / f"{stem}.html").read_text(encoding="utf-8")


def test_pack_folder_layout(run):
    result, pack = run
    assert result.pack_dir == pack and result.index_html == pack / "index.html"
    assert sorted(os.listdir(pack)) == sorted(
        [f"{stem}.html" for stem in PACK] + ["index.html", "kpis.csv", "run.json", "logs", "notebooks"])
    assert sorted(os.listdir(pack / "notebooks")) == sorted(f"{s}.ipynb" for s in PACK)
    assert sorted(os.listdir(pack / "logs")) == sorted(f"{s}.log" for s in PACK)


def test_rerun_replaced_the_old_pack_and_left_no_temp_folder(run):
    _, pack = run
    assert not (pack / "stale.html").exists()
    assert os.listdir(pack.parent) == [PACK_NAME]


def test_statuses_and_exit_code_one_when_some_failed(run):
    result, _ = run
    assert {nb.path.stem: nb.status for nb in result.notebooks} == {
        "00_ok": "ok", "10_broken": "failed", "20_no_parameters": "ok",
        "30_publishes_kpis": "ok", "40_chart": "ok", "50_slow": "failed"}
    assert [nb.name for nb in result.notebooks] == [f"{s}.ipynb" for s in PACK]  # name order
    assert result.exit_code == 1
    assert all(nb.duration > 0 for nb in result.notebooks)


def test_parameters_are_injected(run):
    result, pack = run
    html = _html(pack, "00_ok")
    assert "month=2024-10 scope=城东支行" in html
    assert f"warehouse={result.notebooks[0].path.parent.parent / 'warehouse.duckdb'}" in html


def test_index_shows_a_notebooks_warning(run):
    _, pack = run
    assert str(escape(NO_PARAMETERS_WARNING)) in (pack / "index.html").read_text(encoding="utf-8")


def test_every_page_of_the_pack_is_offline(run):
    _, pack = run
    for page in pack.glob("*.html"):
        assert external_fetches(page.read_text(encoding="utf-8")) == [], page.name


def test_kpis_csv_gathers_published_rows_with_bom(run):
    _, pack = run
    raw = (pack / "kpis.csv").read_bytes()
    assert raw.startswith(BOM)
    rows = list(csv.reader(raw[len(BOM):].decode("utf-8").splitlines()))
    assert rows[0] == KPI_HEADER
    assert [r[:5] for r in rows[1:]] == [
        ["2024-10", "2024-10", "complaints", "complaints_total", "province"],
        ["2024-10", "2024-10", "queue", "wait_within_target_rate", "outlet"]]
    assert rows[2][5] == "O-001"
    assert [float(x) for x in rows[2][6:10]] == [0.75, 3, 4, 0.8] and rows[2][10:] == ["false", "missed"]
    assert float(rows[1][6]) == 12 and rows[1][7:] == ["", "", "", "", "no_target"]


def test_run_json_and_index(run):
    import json

    _, pack = run
    record = json.loads((pack / "run.json").read_text(encoding="utf-8"))
    assert record["parameters"]["month"] == "2024-10" and record["parameters"]["scope"] == "城东支行"
    assert record["parameters"]["cell_timeout"] == 5 and record["exit_code"] == 1
    assert [n["status"] for n in record["notebooks"]] == ["ok", "failed", "ok", "ok", "ok", "failed"]
    index = (pack / "index.html").read_text(encoding="utf-8")
    assert "服务质量月度报告 2024-10（城东支行）" in index
    assert index.count(">成功</td>") == 4 and index.count(">失败</td>") == 2
    assert all(f'href="{stem}.html"' in index for stem in PACK)
    assert '<td class="num">150</td><td class="num">2,000</td>' in index
    assert '<td>已发布指标行</td><td class="value num">2</td><td>kpis.csv</td>' in index


def test_all_ok_exits_zero_with_header_only_kpis(tmp_path, capsys):
    settings, notebooks, reports = _setup(tmp_path, {"00_ok": "ok"})
    result = run_report(settings, out=reports, notebooks_dir=notebooks, progress=True)
    assert result.exit_code == 0 and result.notebooks[0].status == "ok"
    assert (reports / PACK_NAME / "kpis.csv").read_bytes() == BOM + (",".join(KPI_HEADER) + "\n").encode()
    assert "1/1" in capsys.readouterr().err  # the progress bar, on stderr


# ------------------------------------------------ crash, swap and start checks (no kernels)

def _fake_run(crash_on: str | None = None, kpi_rows: str | None = None):
    def fake(path, pack_dir, parameters, cell_timeout, router):
        (pack_dir / "notebooks" / path.name).write_text("{}", encoding="utf-8")
        if path.stem == crash_on:
            raise RuntimeError("simulated crash")
        if kpi_rows:
            kpi_dir = Path(parameters["kpi_dir"])
            kpi_dir.mkdir(exist_ok=True)
            (kpi_dir / f"{path.stem}.csv").write_text(kpi_rows, encoding="utf-8")
        return NotebookResult(path=path, title=path.stem, status="ok", duration=0.1)
    return fake


def _old_pack(reports: Path) -> Path:
    old = reports / PACK_NAME
    old.mkdir(parents=True)
    (old / "index.html").write_text("september's pack", encoding="utf-8")
    return old


@pytest.mark.parametrize("where", ["notebook", "index", "rename"])
def test_crash_mid_run_leaves_old_pack_intact(tmp_path, monkeypatch, where):
    settings, notebooks, reports = _setup(tmp_path, {"00_ok": "ok", "10_ok": "ok"})
    old = _old_pack(reports)
    monkeypatch.setattr(runner, "run_notebook", _fake_run(crash_on="10_ok" if where == "notebook" else None))
    if where == "index":
        monkeypatch.setattr(runner.export, "write_index", lambda *a, **k: 1 / 0)
    if where == "rename":
        real_rename, calls = os.rename, []

        def rename(src, dst):
            calls.append(dst)
            if len(calls) == 2:  # old pack already moved aside; moving the new one in fails
                raise OSError("disk trouble")
            real_rename(src, dst)
        monkeypatch.setattr(runner.os, "rename", rename)
    with pytest.raises((RuntimeError, ZeroDivisionError, OSError)):
        run_report(settings, out=reports, notebooks_dir=notebooks, progress=False)
    assert os.listdir(reports) == [PACK_NAME]
    assert (old / "index.html").read_text(encoding="utf-8") == "september's pack"


def test_bad_kpi_rows_fail_the_run_but_keep_the_pack(tmp_path, monkeypatch):
    settings, notebooks, reports = _setup(tmp_path, {"00_ok": "ok"})
    bad = ",".join(KPI_HEADER) + "\n2024-10,weather,rain_days,province,province,3,,,,\n"
    monkeypatch.setattr(runner, "run_notebook", _fake_run(kpi_rows=bad))
    result = run_report(settings, out=reports, notebooks_dir=notebooks, progress=False)
    assert result.exit_code == 1
    assert "00_ok.csv" in result.kpi_error and "column area" in result.kpi_error
    assert (reports / PACK_NAME / "kpis.csv").read_bytes() == BOM + (",".join(KPI_HEADER) + "\n").encode()
    assert "指标汇总失败" in (reports / PACK_NAME / "index.html").read_text(encoding="utf-8")


def test_start_errors(tmp_path):
    settings, notebooks, reports = _setup(tmp_path, {"00_ok": "ok"})
    with pytest.raises(RunStartError, match="missing 不存在"):
        run_report(settings, out=reports, notebooks_dir=tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "ok.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(RunStartError, match="中没有报告笔记本"):
        run_report(settings, out=reports, notebooks_dir=empty)
    gone = RunSettings(month="2024-10", warehouse=tmp_path / "nowhere.duckdb", scope=None, params_file=None)
    with pytest.raises(RunStartError, match="nowhere.duckdb 不存在"):
        run_report(gone, out=reports, notebooks_dir=notebooks)
    with pytest.raises(RunStartError, match="并行数（0）"):
        run_report(settings, out=reports, notebooks_dir=notebooks, workers=0)
    assert not reports.exists()


def test_pack_notebooks_two_digits_underscore_in_name_order(tmp_path):
    for name in ["10_b.ipynb", "00_a.ipynb", "ab_c.ipynb", "5_x.ipynb", "100_x.ipynb",
                 "20_c.txt", "99_z.ipynb"]:
        (tmp_path / name).write_text("{}", encoding="utf-8")
    (tmp_path / "30_dir.ipynb").mkdir()
    assert [p.name for p in pack_notebooks(tmp_path)] == ["00_a.ipynb", "10_b.ipynb", "99_z.ipynb"]


# ------------------------------------------------ leftovers of killed runs

def _staging(reports: Path, name: str, age: float, now: float, inner_age: float | None = None) -> Path:
    """A staging folder with logs/00_ok.log; the folder is `age` s old, the log `inner_age` s."""
    folder = reports / name
    (folder / "logs").mkdir(parents=True)
    log = folder / "logs" / "00_ok.log"
    log.write_text("start: ...", encoding="utf-8")
    inner = now - (age if inner_age is None else inner_age)
    os.utime(log, (inner, inner))
    os.utime(folder / "logs", (now - age, now - age))
    os.utime(folder, (now - age, now - age))
    return folder


def test_run_removes_only_stale_staging_folders_of_the_same_pack(tmp_path, monkeypatch):
    settings, notebooks, reports = _setup(tmp_path, {"00_ok": "ok"})
    now = time.time()
    two_hours = 2 * 3600
    _staging(reports, f".{PACK_NAME}.partial-killed", two_hours, now)
    _staging(reports, f".{PACK_NAME}.partial-fresh", 60, now)  # a concurrent run, just started
    _staging(reports, f".{PACK_NAME}.partial-live", two_hours, now, inner_age=60)  # long run, still writing
    _staging(reports, ".2024-10.partial-other", two_hours, now)  # the province pack: not ours
    _staging(reports, ".2024-10_城东支行X.partial-near", two_hours, now)  # a longer pack name
    (reports / f".{PACK_NAME}.partial-file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(runner, "run_notebook", _fake_run())
    run_report(settings, out=reports, notebooks_dir=notebooks, progress=False)
    assert sorted(os.listdir(reports)) == sorted([
        PACK_NAME, f".{PACK_NAME}.partial-fresh", f".{PACK_NAME}.partial-live",
        ".2024-10.partial-other", ".2024-10_城东支行X.partial-near", f".{PACK_NAME}.partial-file"])


def test_stale_means_untouched_for_more_than_one_hour(tmp_path):
    now = 1_700_000_000.0
    exactly = _staging(tmp_path, f".{PACK_NAME}.partial-3600", 3600, now)
    over = _staging(tmp_path, f".{PACK_NAME}.partial-3601", 3601, now)
    assert remove_stale_staging(tmp_path, PACK_NAME, now=now) == [over]
    assert exactly.is_dir() and not over.exists()


def test_no_staging_folders_is_a_no_op(tmp_path):
    assert remove_stale_staging(tmp_path, PACK_NAME) == []


def test_the_report_process_reads_the_warehouse_with_a_small_cache(monkeypatch):
    """`svc report` holds the warehouse for the whole run; its own queries (preflight, coverage,
    the workbook) run under warehouse.REPORT_MEMORY_LIMIT, so the process does not grow with the
    data while the kernels work (issue 17, benchmarks/results/2026-12-04_vm_whole-pack-memory.md)."""
    from click.testing import CliRunner

    from svc_analysis.engine import warehouse
    from svc_analysis.pack import cli
    from tests.support import TINY_MONTH, tiny_warehouse

    seen = []

    def spy(settings, **options):  # what a query of this process would run under, then stop
        con = warehouse.connect(settings.warehouse, read_only=True)
        seen.append(con.execute("SELECT value FROM duckdb_settings() WHERE name = 'memory_limit'").fetchone()[0])
        con.close()
        raise RunStartError("测试到此为止")

    monkeypatch.setattr(runner, "run_report", spy)
    done = CliRunner().invoke(cli.main, ["report", "--month", TINY_MONTH, "--quiet", "--warehouse",
                                         str(tiny_warehouse())])
    assert done.exit_code == 2 and "测试到此为止" in done.output
    assert seen == ["122.0 MiB"]  # 128 MB as DuckDB prints it
