"""Fixtures of the Spark tests (marker spark, tests.engine.spark_support): the tiny sample on both
engines, one Spark session per module (local[2], spark_support.TEST_CONF)."""

import pytest

from svc_analysis.engine import warehouse as wh
from tests.support import tiny_warehouse


@pytest.fixture(scope="module")
def duck():
    """The tiny sample warehouse on DuckDB, read-only."""
    con = wh.connect(tiny_warehouse(), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def spark():
    """A local Spark session with the tests' settings, stopped after the module."""
    from svc_analysis.engine import spark_engine
    from tests.engine.spark_support import TEST_CONF

    session = spark_engine.session("local[2]", TEST_CONF)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def sp(spark):
    """The tiny sample's lake (spark_support.tiny_lake) as the Ibis backend on ``spark``."""
    from svc_analysis.engine import spark_engine
    from tests.engine.spark_support import tiny_lake

    return spark_engine.connect(tiny_lake(), spark=spark)
