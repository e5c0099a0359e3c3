"""The pack and the daily watch on Spark (issue 16): the same code, the same figures as on DuckDB.

- The tiny sample month, as cron runs it: `svc lake export` of the tiny warehouse, then `svc report
  --engine spark --lake` (local mode) gives a kpis.csv equal, row for row, to the DuckDB pack's:
  the golden kpis.csv that tests/pack/test_figures_unchanged.py holds `svc report` on the same
  warehouse to (numbers to 1e-9: the engines sum floats in other orders), and pages that passed
  the publishing gate. The run takes the data-quality and queue notebooks (all of 00-60 with
  SVC_SPARK_FULL_PACK=1); every row of the month's KPI table is tests/engine/test_spark_parity.py's.
- `svc watch --engine spark` on the hand-built watch warehouse (tests/watch_support.py) gives the
  12 alerts counted there by hand, the same alerts.csv as on DuckDB, and none of the rows dated
  after the day changes it (engine.as_of cuts the Ibis tables on Spark too).

Marker spark: runs in .venv-spark (`make test-spark`, `make test`); skipped in .venv.
"""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from svc_analysis.pack.cli import main
from tests import watch_support as ws
from tests.engine.spark_support import MARKS
from tests.pack.support import bare_svc
from tests.pack.test_figures_unchanged import GOLDEN, assert_same_figures, kpi_records
from tests.support import TINY_MONTH, tiny_warehouse

pytestmark = [*MARKS, pytest.mark.slow]
REL = 1e-9  # Spark sums floats in another order than DuckDB


# Every row of the KPI table is held equal on both engines in process by tests/engine/test_spark_parity.py
# (the same kpi_rows the notebooks call). Here the CLI runs notebooks on Spark: the data-quality and the
# queue pages by default (the queue's float waits and p90s are the trickiest figures), every KPI
# notebook (00-60) with SVC_SPARK_FULL_PACK=1 (minutes more: one JVM per notebook kernel).
SMALL_SET = ("00_", "50_")


def _kpi_notebooks(folder):
    """The pack's notebooks run here (SMALL_SET, or 00-60 with SVC_SPARK_FULL_PACK=1) copied into
    ``folder``: the summary (90) publishes no KPI and recomputes 13-24 months on Spark."""
    import os
    import shutil

    from svc_analysis.core import config
    from svc_analysis.pack.runner import pack_notebooks

    full = bool(os.environ.get("SVC_SPARK_FULL_PACK"))
    for notebook in pack_notebooks(config.NOTEBOOKS_DIR):
        if not notebook.name.startswith("90_") and (full or notebook.name.startswith(SMALL_SET)):
            shutil.copy(notebook, folder / notebook.name)
    return folder


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    """(completed `svc lake export`, completed `svc report --engine spark`, pack folder), run once: the
    tiny month on Spark (local mode) from the lake written from the tiny warehouse."""
    home = tmp_path_factory.mktemp("home")
    lake = tmp_path_factory.mktemp("lake")
    notebooks = _kpi_notebooks(tmp_path_factory.mktemp("notebooks"))
    exported = CliRunner().invoke(main, ["lake", "export", "--warehouse", str(tiny_warehouse()), "--to", str(lake)])
    out = tmp_path_factory.mktemp("spark-reports")
    spark = bare_svc("report", "--month", TINY_MONTH, "--engine", "spark", "--lake", str(lake), "--out", str(out),
                     "--notebooks", str(notebooks), home=home, timeout=1800)
    return exported, spark, out / TINY_MONTH


def test_spark_pack_kpis_equal_the_duckdb_packs_row_for_row(packs, tmp_path):
    """Every row the Spark pack published equals the DuckDB pack's (the golden kpis.csv the DuckDB
    pack is held to), and it published every golden row of the areas it ran."""
    exported, spark, folder = packs
    assert exported.exit_code == 0, exported.output
    assert spark.returncode == 0, spark.stdout + spark.stderr
    _, published = kpi_records(folder / "kpis.csv")
    areas = {row["area"] for row in published.values()}
    assert {"quality", "queue"} <= areas
    # the golden rows of those areas, as a kpis.csv of their own, compared as the golden test compares
    golden = GOLDEN / f"tiny_{TINY_MONTH}_kpis.csv"
    with golden.open(encoding="utf-8-sig", newline="") as source, \
            (tmp_path / "golden.csv").open("w", encoding="utf-8-sig", newline="") as target:
        reader = csv.DictReader(source)
        writer = csv.DictWriter(target, reader.fieldnames)
        writer.writeheader()
        writer.writerows(row for row in reader if row["area"] in areas)
    assert len(kpi_records(tmp_path / "golden.csv")[1]) > 100
    assert_same_figures(folder / "kpis.csv", tmp_path / "golden.csv", rel=REL)


def test_spark_pack_pages_exist_and_passed_the_gate(packs):
    _, spark, folder = packs
    assert "Spark 数据湖" in spark.stdout  # the operator is told which data the pack was made from
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run["parameters"]["engine"] == "spark" and run["parameters"]["spark_master"] is None
    pages = sorted(p.name for p in folder.glob("*.html"))
    assert "index.html" in pages and len(pages) == 1 + len(run["notebooks"])
    from svc_analysis.pack.gate import check_pack

    gate = check_pack(folder)  # the runner's gate passed it; a second look finds nothing left to mask
    assert not gate.refused and not gate.masked


@pytest.fixture(scope="module")
def watch_lake(tmp_path_factory):
    """(warehouse, lake) of the hand-built watch warehouse, and of the same with the rows after the day."""
    from svc_analysis.engine import lake

    root = tmp_path_factory.mktemp("watch")
    paths = {}
    for name, later in (("day", False), ("later", True)):
        warehouse = root / f"{name}.duckdb"
        con = ws.build(warehouse)
        if later:
            ws.after_the_day(con)
        lake.export(con, root / f"{name}-lake")
        con.close()
        paths[name] = (warehouse, root / f"{name}-lake")
    return paths


def _watch(out, *args):
    done = CliRunner().invoke(main, ["watch", "--day", ws.DAY.isoformat(), "--out", str(out), *map(str, args)],
                              catch_exceptions=False)
    assert done.exit_code == 0, done.output
    return (out / "watch" / ws.DAY.isoformat() / "alerts.csv").read_text(encoding="utf-8-sig")


def test_watch_on_spark_gives_the_hand_counted_alerts_with_no_look_ahead(watch_lake, tmp_path):
    warehouse, lake = watch_lake["day"]
    duck = _watch(tmp_path / "duck", "--warehouse", warehouse)
    spark = _watch(tmp_path / "spark", "--engine", "spark", "--lake", lake)
    # 12 alerts: 8 complaints, 2 queue, 2 satisfaction (counted in tests/watch_support.py); one header line
    assert len(spark.splitlines()) == 13
    assert sorted(spark.splitlines()) == sorted(duck.splitlines())
    _, later_lake = watch_lake["later"]  # rows received, replied, closed after the day: the same list
    assert sorted(_watch(tmp_path / "later", "--engine", "spark", "--lake", later_lake).splitlines()) \
        == sorted(spark.splitlines())
