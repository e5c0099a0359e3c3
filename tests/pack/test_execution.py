"""execution: one notebook's run (papermill, parameters, log file, kernel stderr, its page).

The fixture notebooks run once, two at a time in threads as the runner runs them (module
fixture, ~6 s on 2 cores), straight through run_notebook: no pack, index or swap involved.
"""

import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from svc_analysis.pack.execution import (NO_PARAMETERS_WARNING, papermill_logs_to_notebook_logs,
                                    run_notebook)
from svc_analysis.pack.export import external_fetches

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"
RUN = {"00_ok": "ok", "10_broken": "broken", "20_no_parameters": "no_parameters",
       "40_chart": "chart", "50_slow": "slow", "60_leaky": "leaky"}
CELL_TIMEOUT = 60  # seconds: ample for any fixture cell on a busy CI machine
SLOW_TIMEOUT = 2  # seconds: cuts slow.ipynb's 30 s sleep short, and the fixture with it


def _pack(root: Path) -> Path:
    """The folders run_notebook writes into, as the runner lays them out."""
    pack = root / "pack"
    for sub in ("notebooks", "logs"):
        (pack / sub).mkdir(parents=True)
    return pack


def _parameters(root: Path) -> dict:
    return {"month": "2024-10", "warehouse": str(root / "warehouse.duckdb"), "scope": "城东支行",
            "params_file": None, "kpi_dir": str(root / "pack" / ".kpis")}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("execution")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    for stem, fixture in RUN.items():
        shutil.copy(FIXTURES / f"{fixture}.ipynb", notebooks / f"{stem}.ipynb")
    pack = _pack(root)
    parameters = _parameters(root)
    with papermill_logs_to_notebook_logs() as router, ThreadPoolExecutor(max_workers=2) as pool:
        # the slow one first: its timeout then overlaps the others' runs
        order = sorted(RUN, key=lambda stem: stem != "50_slow")
        results = pool.map(lambda stem: run_notebook(
            notebooks / f"{stem}.ipynb", pack, parameters,
            SLOW_TIMEOUT if stem == "50_slow" else CELL_TIMEOUT, router), order)
        return {nb.stem: nb for nb in results}, pack


def _html(pack: Path, stem: str) -> str:
    return (pack / f"{stem}.html").read_text(encoding="utf-8")


def test_ok_notebook_writes_executed_notebook_page_and_log(run):
    results, pack = run
    ok = results["00_ok"]
    assert ok.status == "ok" and ok.error is None and ok.warnings == []
    assert ok.title == "正常报告 ok" and ok.html == "00_ok.html"
    assert ok.started_at < ok.finished_at and ok.duration > 0
    assert (pack / "notebooks" / "00_ok.ipynb").is_file() and (pack / "00_ok.html").is_file()
    assert "status: ok" in (pack / "logs" / "00_ok.log").read_text(encoding="utf-8")


def test_broken_notebook_keeps_its_error_and_is_exported(run):
    results, pack = run
    broken = results["10_broken"]
    assert broken.error == "ValueError: planted failure: 故意的错误"
    html = _html(pack, "10_broken")
    assert "planted failure: 故意的错误" in html and "before the error" in html
    executed = nbformat.read(pack / "notebooks" / "10_broken.ipynb", as_version=4)
    assert executed.cells[-1].outputs == []  # the cell after the error never ran


def test_data_in_outputs_and_errors_leaves_masked_and_defused(run):
    results, pack = run
    assert results["60_leaky"].error == "KeyError: '1101**********1234'"
    executed = nbformat.read(pack / "notebooks" / "60_leaky.ipynb", as_version=4)
    shown, raised = [c for c in executed.cells if c.cell_type == "code"][-2:]  # papermill adds cells
    display_output, printed = shown.outputs
    assert display_output["data"]["text/markdown"] == (
        r"网点 &lt;img src=x onerror=alert(1)> [点我]\(javascript&#58;alert(5)) http&#58;//evil.example/x")
    assert printed["text"] == "客户电话 138****5678\n"
    assert "1101**********1234" in raised.outputs[0]["evalue"]
    log = (pack / "logs" / "60_leaky.log").read_text(encoding="utf-8")
    html = _html(pack, "60_leaky")
    for text in (log, html, raised.outputs[0]["traceback"][-1]):
        assert "110101199003071234" not in text and "13812345678" not in text
    assert "<img" not in html and 'href="javascript' not in html and 'href="http' not in html


def test_cell_timeout_fails_the_notebook_and_shows_on_its_page(run):
    results, pack = run
    slow = results["50_slow"]
    assert slow.error.startswith("CellTimeoutError: A cell timed out")
    assert slow.duration < 30  # the 30 s sleep was cut off
    assert "运行失败" in _html(pack, "50_slow")


def test_kernel_starts_in_the_notebooks_folder_and_knows_its_notebook(run):
    html = _html(run[1], "00_ok")
    assert "session=00_ok.ipynb" in html and "cwd=notebooks" in html


def test_notebook_without_parameters_cell_runs_with_a_warning(run):
    results, pack = run
    nb = results["20_no_parameters"]
    assert nb.status == "ok" and nb.warnings == [NO_PARAMETERS_WARNING]
    assert "injected month=2024-10" in _html(pack, "20_no_parameters")
    log = (pack / "logs" / "20_no_parameters.log").read_text(encoding="utf-8")
    assert "does not contain a cell with tag 'parameters'" in log


def test_every_page_is_offline_and_the_chart_is_embedded(run):
    _, pack = run
    for page in pack.glob("*.html"):
        assert external_fetches(page.read_text(encoding="utf-8")) == [], page.name
    assert re.search(r'<img [^>]*src="data:image/png;base64,', _html(pack, "40_chart"))


def test_logs_record_start_end_status_and_traceback(run):
    _, pack = run
    log = (pack / "logs" / "10_broken.log").read_text(encoding="utf-8")
    for line in ("start: ", "end: ", "duration: ", "status: failed", "--- traceback ---",
                 'raise ValueError("planted failure: 故意的错误")'):
        assert line in log
    assert "\x1b[" not in log  # ANSI colours stripped
    assert "status: ok" in (pack / "logs" / "00_ok.log").read_text(encoding="utf-8")


def test_corrupt_notebook_fails_alone_with_a_page(tmp_path):
    (tmp_path / "00_corrupt.ipynb").write_text("{not json", encoding="utf-8")
    pack = _pack(tmp_path)
    with papermill_logs_to_notebook_logs() as router:
        nb = run_notebook(tmp_path / "00_corrupt.ipynb", pack, _parameters(tmp_path), CELL_TIMEOUT, router)
    assert nb.status == "failed"
    assert nb.error.startswith("NotJSONError: Notebook does not appear to be JSON")
    assert "运行失败" in (pack / "00_corrupt.html").read_text(encoding="utf-8")
    assert "status: failed" in (pack / "logs" / "00_corrupt.log").read_text(encoding="utf-8")
