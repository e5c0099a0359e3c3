"""Ibis on Spark: the Parquet lake (lake.py) as the contract's tables on Ibis' PySpark backend.

    ib = spark_engine.connect("lake/", master="spark://head-office:7077")   # or local[*]
    queue.outlet_stats(ib, "2026-10", 20.0)   # the same Ibis expressions as on DuckDB

connect() returns what warehouse.engine(con) returns on DuckDB: an Ibis backend whose
``.table(name)`` is the contract table of that name (exactly the contract's columns and types,
SPARK_TYPES); warehouse.engine() passes such a backend through, so an analysis function that takes
``con`` and builds its query on warehouse.engine(con) runs on Spark unchanged. Only small results
come back to pandas. Needs the Spark extra (.venv-spark: `make spark-env`); pyspark is imported here
only, never by the rest of the package.

Time (naive local wall-clock times, as in the warehouse): the lake's files hold Parquet timestamps
without a zone, read here as TIMESTAMP_NTZ (the schema is given, not inferred). The session time
zone is UTC (ibis.pyspark.connect sets it too): Spark's zone-aware TIMESTAMP, which Ibis' timestamp
literals and epoch_seconds() use, then has the same digits as the naive value, so '2026-10-31
23:59:59' stays in October and a wait has the same seconds as on DuckDB, whatever the time zone of
the driver's or the executors' machines.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from svc_analysis.core import contract, schema
from svc_analysis.engine import lake

APP_NAME = "svc-analysis"
# Settings every session gets (overridable by conf): zone (module docstring); no console progress bars
# (they would land in the notebooks' HTML); Arrow for toPandas.
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
LOG_LEVEL = "ERROR"


def spark_types() -> dict[str, object]:
    """Contract type -> Spark SQL type (timestamps naive: TimestampNTZType; a month is YYYY-MM text)."""
    from pyspark.sql import types as T

    return {schema.TEXT: T.StringType(), schema.DATE: T.DateType(), schema.TIMESTAMP: T.TimestampNTZType(),
            schema.INT: T.IntegerType(), schema.FLOAT: T.DoubleType(), schema.BOOL: T.BooleanType(),
            schema.MONTH: T.StringType()}  # YYYY-MM text, as DuckDB stores it (schema.DUCKDB_TYPES)


def spark_schema(name: str):
    """The Spark StructType of a contract table: its columns in contract order, every one nullable."""
    from pyspark.sql import types as T

    types = spark_types()
    return T.StructType([T.StructField(c.name, types[c.type], True) for c in contract.table(name).columns])


def session(master: str = "local[*]", conf: dict[str, str] | None = None, app_name: str = APP_NAME):
    """A SparkSession on ``master`` (local[N] or spark://host:port) with SESSION_CONF and ``conf``.

    In local mode the driver binds to loopback (SPARK_LOCAL_IP=127.0.0.1 unless set): no hostname
    lookup, no warning). Executors run this interpreter for any Python work (PYSPARK_PYTHON).
    """
    from pyspark.sql import SparkSession

    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in (SESSION_CONF | (conf or {})).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(LOG_LEVEL)
    return spark


def read_table(spark, root: str | Path, name: str):
    """One contract table of the lake as a Spark DataFrame with the contract's schema.

    Event tables are read from their event_month=YYYY-MM folders (the partition key is dropped: the
    contract's columns only); a table with no file yet is an empty DataFrame of the same schema.
    """
    schema, path = spark_schema(name), Path(root) / name
    if name in lake.PARTITIONS:
        if not any(path.glob(f"{lake.PARTITION_KEY}=*/*.parquet")):
            return spark.createDataFrame([], schema)
        frame = spark.read.schema(schema).option("basePath", str(path)).parquet(str(path))
        return frame.select(*schema.fieldNames())
    file = path / lake.FILE
    return spark.read.schema(schema).parquet(str(file)) if file.is_file() else spark.createDataFrame([], schema)


def register_lake(spark, root: str | Path, tables: list[str] | None = None) -> list[str]:
    """Every contract table of the lake (default: all) as a temporary view of its own name."""
    names = list(tables or contract.TABLES)
    for name in names:
        read_table(spark, root, name).createOrReplaceTempView(name)
    return names


def _compiler():
    """Ibis' PySpark compiler with float literals as DOUBLE (not DECIMAL), and count(where=...) as
    Spark's count_if, which is 0 where DuckDB's
    count(*) FILTER (WHERE ...) is 0: Ibis 12 compiles it to sum(cast(... AS BIGINT)), which is NULL
    over no rows or when the condition is NULL on every row of a group (e.g. an outlet whose
    tickets were all left unserved has no overtime flag on any row)."""
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    class Compiler(PySparkCompiler):
        def visit_CountStar(self, op, *, arg, where):
            return super().visit_CountStar(op, arg=arg, where=None) if where is None else self.f.count_if(where)

        def visit_NonNullLiteral(self, op, *, value, dtype):
            # A float literal is written 60.0, which Spark SQL reads as DECIMAL(3,1): `seconds / 60.0`
            # was then decimal division, rounded to 6-7 digits (a mean wait 13.3566668 where DuckDB
            # gives 13.356666666666667). Cast to DOUBLE: the same IEEE arithmetic as DuckDB.
            result = super().visit_NonNullLiteral(op, value=value, dtype=dtype)
            return self.cast(result, dtype) if dtype.is_floating() and result is not None else result

    return Compiler()


def backend(spark):
    """The Ibis PySpark backend over a session (sets the session zone to UTC, as SESSION_CONF does),
    compiling count(where=...) like DuckDB (_compiler)."""
    import ibis

    ib = ibis.pyspark.connect(spark)
    ib.compiler = _compiler()
    return ib


def connect(root: str | Path, master: str = "local[*]", conf: dict[str, str] | None = None, spark=None):
    """The lake at ``root`` as an Ibis backend on Spark: ``.table(name)`` is the contract table.

    spark: an existing session (e.g. spark-submit's, on YARN or Kubernetes); else one on ``master``.
    A head office whose tables live in Hive or Delta registers them under the contract's names
    instead (same columns and types: spark_schema) and calls backend(spark).
    """
    if not (Path(root) / lake.MANIFEST).is_file() and not any(Path(root).glob("*/")):
        raise FileNotFoundError(f"no lake at {root}: write one with `svc lake export --to {root}`")
    spark = spark or session(master, conf)
    register_lake(spark, root)
    return backend(spark)
