"""The weekly pack on Spark (issue 16), the CLI's side: `svc report --week W --engine spark --lake DIR`
hands the weekly notebooks week, engine and lake (papermill parameters), and every weekly notebook
passes them to pack.notebook.setup, whose ``ctx.con`` is then the lake on Spark.

The notebooks' run and the preflight's scan are stubbed (one JVM per notebook kernel costs tens of
seconds to minutes on a shared CI machine; the preflight on Spark runs in tests/pack/test_spark_pack.py).
The week's KPI rows on Spark equal DuckDB's in tests/engine/test_spark_parity.py, and every section the
weekly notebooks call takes ``ctx.con`` as those rows do. Marker spark: .venv-spark (connection.check
wants pyspark for --engine spark); skipped in .venv.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import nbformat
from click.testing import CliRunner

from svc_analysis.core import config
from svc_analysis.pack import cadence, cli, runner
from svc_analysis.engine import preflight
from tests.engine.spark_support import MARKS
from tests.support import TINY_WEEK

pytestmark = MARKS


def test_the_weekly_spark_run_hands_the_notebooks_the_week_the_engine_and_the_lake(tmp_path, monkeypatch):
    lake = tmp_path / "lake"
    (lake / "outlets").mkdir(parents=True)  # connection.check: a lake folder with a table in it
    seen = {}

    def stub_check(settings, monthly_tables):
        seen["preflight"] = (settings.engine, settings.lake, settings.period.key)
        return {}

    def stub_run(settings, **options):
        seen["parameters"] = cadence.notebook_parameters(settings, Path("/k"))
        pack = tmp_path / "reports" / settings.pack_name
        return SimpleNamespace(notebooks=[], pack_dir=pack, index_html=pack / "index.html", pdf=None, exit_code=0)

    monkeypatch.setattr(preflight, "check_can_run", stub_check)
    monkeypatch.setattr(runner, "run_report", stub_run)
    done = CliRunner().invoke(cli.main, ["report", "--week", TINY_WEEK, "--engine", "spark", "--lake", str(lake),
                                         "--spark-master", "spark://h:7077", "--out", str(tmp_path / "reports"),
                                         "--quiet"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert f"生成报告 {TINY_WEEK}，Spark 数据湖 {lake.resolve()}（spark://h:7077）" in done.output
    assert seen["preflight"] == ("spark", lake.resolve(), TINY_WEEK)
    parameters = seen["parameters"]
    assert "month" not in parameters
    assert {k: parameters[k] for k in ("week", "engine", "lake", "spark_master")} == {
        "week": TINY_WEEK, "engine": "spark", "lake": str(lake.resolve()), "spark_master": "spark://h:7077"}


def test_every_weekly_notebook_passes_the_engine_parameters_to_setup():
    notebooks = sorted((config.NOTEBOOKS_DIR / "weekly").glob("*.ipynb"))
    assert len(notebooks) == 3
    for path in notebooks:
        code = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        parameters, setup = code[0], next(c for c in code if "setup(" in c)
        for name in ("engine", "lake", "spark_master"):
            assert f"{name} = None" in parameters, path.name
            assert f"{name}={name}" in setup, path.name
