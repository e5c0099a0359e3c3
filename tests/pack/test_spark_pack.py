"""The pack and the daily watch on Spark (issue 16): the same code, the same figures as on DuckDB.

- The tiny sample month, as cron runs it: `svc lake export` of the tiny warehouse, then `svc report
  --engine spark --lake` (local mode) gives a kpis.csv equal, row for row, to `svc report`'s on the
  DuckDB warehouse (numbers to 1e-9: the engines sum floats in other orders), and pages that passed
  the publishing gate. Both runs take the notebooks that publish KPI rows (00-60, _kpi_notebooks).
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
from tests.support import TINY_MONTH, tiny_warehouse

pytestmark = [*MARKS, pytest.mark.slow]
# Functions on the KPI path (an area's kpi_rows, org, scope) that do not run on Spark yet: made
# portable on their own branch (spark-kpis), not here. A Spark notebook failing in one of these
# (the innermost package frame of its error) makes the pack tests xfail with that reason; a failure
# anywhere else fails them. Empty this once they are portable.
KPI_PATH_GAPS = {
    "outlet_tree": "engine.org.outlet_tree: raw SQL on a DuckDB connection (every notebook's setup)",
    "outlet_days": "quality.outlet_days (quality kpi_rows): collect(order_by=) refused by Ibis 12 on Spark",
}
REL = 1e-9
NUMBERS = ("value", "numerator", "denominator", "target")
KEY = ("month", "area", "metric", "level", "unit_id")


def _kpi_notebooks(folder):
    """The pack's notebooks that publish KPI rows (00-60) copied into ``folder``: the summary (90)
    publishes none and recomputes 13-24 months of every area, minutes on a small Spark driver."""
    import shutil

    from svc_analysis.core import config
    from svc_analysis.pack.runner import pack_notebooks

    for notebook in pack_notebooks(config.NOTEBOOKS_DIR):
        if not notebook.name.startswith("90_"):
            shutil.copy(notebook, folder / notebook.name)
    return folder


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    """(completed `svc lake export`, {engine: (completed `svc report`, pack folder)}), run once: the
    tiny month on DuckDB from the warehouse and on Spark (local mode) from the lake written from it."""
    home = tmp_path_factory.mktemp("home")
    lake = tmp_path_factory.mktemp("lake")
    notebooks = _kpi_notebooks(tmp_path_factory.mktemp("notebooks"))
    exported = CliRunner().invoke(main, ["lake", "export", "--warehouse", str(tiny_warehouse()), "--to", str(lake)])
    done = {}
    for engine, source in (("duckdb", ["--warehouse", str(tiny_warehouse())]), ("spark", ["--lake", str(lake)])):
        out = tmp_path_factory.mktemp(f"{engine}-reports")
        done[engine] = (bare_svc("report", "--month", TINY_MONTH, "--engine", engine, *source, "--out", str(out),
                                 "--notebooks", str(notebooks), home=home, timeout=1800), out / TINY_MONTH)
    return exported, done


def _failures(folder) -> dict[str, str]:
    """Notebook -> the innermost svc_analysis function of its error, from the executed notebooks
    (a failed run is published beside the pack: <month>.failed-*)."""
    import re

    found = {}
    for path in sorted(folder.parent.glob(f"{folder.name}*/notebooks/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    frames = re.findall(r"svc_analysis/\S+\.py:\d+, in (\w+)",
                                        re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(output["traceback"])))
                    found[path.name] = frames[-1] if frames else output["ename"]
    return found


def _xfail_on_known_gaps(done) -> None:
    """xfail when every failed Spark notebook failed in a KPI_PATH_GAPS function (reason: which)."""
    spark, folder = done["spark"]
    if spark.returncode == 0:
        return
    failures = _failures(folder)
    if failures and all(f in KPI_PATH_GAPS for f in failures.values()):
        pytest.xfail("; ".join(f"{nb}: {KPI_PATH_GAPS[f]}" for nb, f in failures.items()))


def _rows(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    return reader.fieldnames, {tuple(r[c] for c in KEY): r for r in rows}


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return abs(x - y) <= REL * max(abs(x), abs(y), 1.0)


def test_spark_pack_kpis_equal_the_duckdb_packs_row_for_row(packs):
    exported, done = packs
    assert exported.exit_code == 0, exported.output
    (duck, duck_folder), (spark, folder) = done["duckdb"], done["spark"]
    assert duck.returncode == 0, duck.stderr
    _xfail_on_known_gaps(done)
    assert spark.returncode == 0, spark.stdout + spark.stderr
    header, spark_rows = _rows(folder / "kpis.csv")
    duck_header, duck_rows = _rows(duck_folder / "kpis.csv")
    assert header == duck_header
    assert len(duck_rows) > 500 and sorted(spark_rows) == sorted(duck_rows)
    differ = [(key, col, duck_rows[key][col], spark_rows[key][col]) for key in duck_rows for col in header
              if not (_same if col in NUMBERS else str.__eq__)(duck_rows[key][col], spark_rows[key][col])]
    assert not differ, f"{len(differ)} cells differ, e.g. {differ[:3]}"


def test_spark_pack_pages_exist_and_passed_the_gate(packs):
    _, done = packs
    spark, folder = done["spark"]
    assert "Spark 数据湖" in spark.stdout
    _xfail_on_known_gaps(done)  # the operator is told which data the pack was made from
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
    try:
        spark = _watch(tmp_path / "spark", "--engine", "spark", "--lake", lake)
    except Exception as exc:  # a KPI_PATH_GAPS function: xfail with its reason; anything else: fail
        import traceback

        frames = [f.name for f in traceback.extract_tb(exc.__traceback__) if "svc_analysis" in f.filename]
        if frames and frames[-1] in KPI_PATH_GAPS:
            pytest.xfail(KPI_PATH_GAPS[frames[-1]])
        raise
    # 12 alerts: 8 complaints, 2 queue, 2 satisfaction (counted in tests/watch_support.py); one header line
    assert len(spark.splitlines()) == 13
    assert sorted(spark.splitlines()) == sorted(duck.splitlines())
    _, later_lake = watch_lake["later"]  # rows received, replied, closed after the day: the same list
    assert sorted(_watch(tmp_path / "later", "--engine", "spark", "--lake", later_lake).splitlines()) \
        == sorted(spark.splitlines())
