"""Shared by the Spark tests (marker spark): the skip rule, session settings, the tiny lake, parity checks.

The Spark tests run only in .venv-spark (`make test-spark`); in .venv they are skipped with a reason.
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import pandas as pd
import pytest

HAS_PYSPARK = importlib.util.find_spec("pyspark") is not None
SKIP_REASON = "pyspark is not installed: the Spark tests run in .venv-spark (make spark-env, make test-spark)"
MARKS = [pytest.mark.spark, pytest.mark.skipif(not HAS_PYSPARK, reason=SKIP_REASON)]

# Test sessions stay small on a shared 2-core machine: no UI, few shuffle partitions. The driver JVM
# runs in Asia/Shanghai (the bank's zone), so a test of naive times would see any zone shift. Every
# Spark test module passes the same settings: the driver JVM starts once per process, with the
# first session's extraJavaOptions.
DRIVER_ZONE = "Asia/Shanghai"
TEST_CONF = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.driver.memory": "1g",
    "spark.driver.extraJavaOptions": f"-Duser.timezone={DRIVER_ZONE}",
}
_cache: dict[str, Path] = {}


def tiny_lake() -> Path:
    """The tiny sample warehouse (tests.support) exported once per process to a lake folder."""
    if "lake" not in _cache:
        import atexit
        import shutil

        from svc_analysis.engine import lake
        from svc_analysis.engine import warehouse as wh
        from tests.support import tiny_warehouse

        root = Path(tempfile.mkdtemp(prefix="svc-lake-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        con = wh.connect(tiny_warehouse(), read_only=True)
        try:
            lake.export(con, root)
        finally:
            con.close()
        _cache["lake"] = root
    return _cache["lake"]


def same_rows(duck: pd.DataFrame, spark: pd.DataFrame, keys: list[str]) -> None:
    """Assert two result frames hold the same rows (sorted by ``keys``; integer widths may differ:
    Spark returns int32 where DuckDB returns int64, and NULL counts come back as float)."""
    assert list(duck.columns) == list(spark.columns)
    left = duck.sort_values(keys, kind="stable").reset_index(drop=True)
    right = spark.sort_values(keys, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_dtype=False)
