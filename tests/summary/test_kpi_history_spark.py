"""The KPI history beside a lake (engine.kpi_history, issue 16): on Spark, page 90's KpiSource reads a
month's stored rows back while the lake's parts are unchanged, and computes them again once a part
is rewritten (the lake has no ingest log: its files are the fingerprint, engine.lake.file_stamps).

The Spark test keys the history on a copy of the tiny sample's lake, with a local session's backend
as ``con`` and the area function replaced by a counter (the Spark figures themselves are tests/engine/test_spark_parity.py's).
Marker spark: .venv-spark.
"""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

from svc_analysis.engine import kpi_history
from svc_analysis.engine import lake as lake_files
from svc_analysis.summary import registry as reg
from tests.engine.conftest import duck, spark  # noqa: F401  (the Spark tests' fixtures)
from tests.engine.spark_support import HAS_PYSPARK, SKIP_REASON
from tests.support import TINY_MONTH


def _parquet(path, rows=1):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"x": list(range(rows))}), path)


def test_a_lakes_fingerprint_is_its_files_and_a_rewritten_part_changes_it(tmp_path):
    """No DuckDB and no Spark needed: the fingerprint of a lake lists its Parquet files."""
    lake = tmp_path / "lake"
    assert kpi_history.fingerprint(None, lake=lake) is None  # no file: nothing stored or reused
    october = lake / "tickets" / "event_month=2026-10" / "data.parquet"
    _parquet(october)
    _parquet(lake / "outlets" / "data.parquet")
    _parquet(lake / "tickets" / "event_month=2026-11" / ".data.parquet.tmp.parquet")  # being written: skipped
    assert [(t, p) for t, p, _, _ in lake_files.file_stamps(lake)] == [
        ("outlets", "data.parquet"), ("tickets", "event_month=2026-10/data.parquet")]
    before = kpi_history.fingerprint(None, extra="params", lake=lake)
    assert kpi_history.fingerprint(None, extra="params", lake=lake) == before  # unchanged: the same key
    assert kpi_history.fingerprint(None, extra="other params", lake=lake) != before
    _parquet(october, rows=2)  # October rewritten with one row more
    assert kpi_history.fingerprint(None, extra="params", lake=lake) != before
    assert kpi_history.history_path(lake) == tmp_path / "lake.kpi_history.duckdb"  # beside, not inside


@pytest.mark.spark
@pytest.mark.skipif(not HAS_PYSPARK, reason=SKIP_REASON)
def test_on_spark_a_month_is_read_back_until_a_part_of_the_lake_changes(spark, duck, tmp_path, monkeypatch):  # noqa: F811
    """Page 90's source on Spark, as ctx.kpi_source() makes it: ``con`` an Ibis PySpark backend, the
    history keyed on the lake copy's files. The area function is a counter returning two hand-made
    rows, so the backend reads nothing (the rows it computes on Spark are test_spark_parity's; a
    real computation, or even registering the lake's tables, costs minutes on a loaded CI machine)."""
    from svc_analysis.core.params import load_params
    from svc_analysis.engine import kpis, org, spark_engine
    from tests.engine.spark_support import tiny_lake

    lake = tmp_path / "lake"
    shutil.copytree(tiny_lake(), lake)
    sp = spark_engine.backend(spark)
    scope = reg.Scope(org.outlet_tree(duck))  # the same tree as on Spark (test_spark_parity), one Spark job fewer
    params = load_params(TINY_MONTH)
    rows = kpis.complete(kpis.frame_of([
        kpis.kpi_row(TINY_MONTH, "queue", "avg_wait_minutes", "province", "province", 9.5, 19.0, 2.0),
        kpis.kpi_row(TINY_MONTH, "queue", "unserved_share", "province", "province", 0.25, 1.0, 4.0)]))
    calls = []

    def queue_rows(con, *args):
        calls.append(con)
        return rows

    real = reg.area_registry.hooks
    monkeypatch.setattr(reg.area_registry, "hooks",
                        lambda name: {**real(name), "queue": queue_rows} if name == "kpi_rows" else real(name))

    def page_90():  # a new run's summary: a new source, the history read from the file
        source = reg.KpiSource.with_history(sp, scope, params, lake=lake)
        return source, source.rows(TINY_MONTH, areas=["queue"])

    first, computed = page_90()
    assert (first.calls(), first.reused(), calls) == (1, 0, [sp])  # computed on the Spark backend
    assert kpi_history.history_path(lake).is_file()  # stored beside the lake

    second, again = page_90()  # the lake unchanged: the stored rows, no area call
    assert (second.calls(), second.reused(), len(calls)) == (0, 1, 1)
    numbers = ["metric", "value", "numerator", "denominator"]
    pd.testing.assert_frame_equal(again[numbers], computed[numbers], check_dtype=False)
    assert again["value"].tolist() == [9.5, 0.25]

    # `svc lake export` rewrites the month whose rows changed: a new file, a new modification time
    part = lake_files.part_path(lake, "tickets", TINY_MONTH)
    stat = part.stat()
    os.utime(part, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    third, _ = page_90()
    assert (third.calls(), third.reused(), len(calls)) == (1, 0, 2)
    assert third.fingerprint() != second.fingerprint()
