"""The one seam between a run and its data engine: what ``con`` is in every notebook, watch and check.

    con = connection.open_data(settings)     # config.RunSettings: engine, warehouse, lake, spark_master
    area.kpi_rows(con, params, scope, period)  # the same call on either engine

- engine ``duckdb`` (the default): the DuckDB warehouse file, read-only (warehouse.connect): a DuckDB
  connection; warehouse.engine(con) makes it the Ibis DuckDB backend.
- engine ``spark``: the Parquet lake (lake.py, `svc lake export`, docs/scale.md "The lake layout")
  on Spark (spark_engine.connect): an Ibis PySpark backend whose ``.table(name)`` is the contract
  table; warehouse.engine(con) passes it through, so every Ibis query runs unchanged. The session
  is local[2] unless a master is given (``--spark-master``, $SVC_SPARK_MASTER), with few shuffle
  partitions in local mode (a province's month is small data for Spark).

What cannot start says so in one Chinese sentence (EngineError): an unknown engine, no lake given
or found, pyspark not installed (the Spark extra: `make spark-env`), no Java. pyspark is imported
only when the engine is spark (spark_engine), never by a DuckDB run.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from datetime import datetime
from pathlib import Path

from svc_analysis.core import config

DUCKDB, SPARK = config.ENGINES
LOCAL_MASTER = "local[2]"
# Local mode: a province's month is a few million rows, so Spark's default 200 shuffle partitions
# would be 200 tiny tasks per stage; a cluster master keeps the cluster's own setting.
LOCAL_CONF = {"spark.sql.shuffle.partitions": "4"}
SPARK_ENV_HINT = "安装 Spark 环境：make spark-env，再用 .venv-spark/bin/svc 运行"


class EngineError(RuntimeError):
    """The chosen engine cannot open the data (the CLI exits with code 2); one Chinese sentence."""


def is_spark(con) -> bool:
    """True for a connection open_data made on Spark (an Ibis PySpark backend)."""
    return type(con).__module__.startswith("ibis.backends.pyspark")


def check(settings: config.RunSettings) -> None:
    """Raise EngineError unless ``settings``' engine can run here (module docstring)."""
    if settings.engine not in config.ENGINES:
        raise EngineError(f"未知的计算引擎“{settings.engine}”：可选 {' 或 '.join(config.ENGINES)}。")
    if settings.engine == DUCKDB:
        return
    if settings.lake is None:
        raise EngineError("使用 Spark 引擎时须用 --lake 指定数据湖文件夹（svc lake export --to 文件夹 导出）。")
    if not settings.lake.is_dir() or not any(p.is_dir() for p in settings.lake.iterdir()):
        raise EngineError(f"数据湖 {settings.lake} 不存在或为空：请先用 svc lake export --to {settings.lake} 导出。")
    if importlib.util.find_spec("pyspark") is None:
        raise EngineError(f"本环境没有安装 pyspark：{SPARK_ENV_HINT}。")
    if java() is None:
        raise EngineError("找不到 Java（Spark 需要 Java 17）：请安装 openjdk-17-jre-headless 或设置 JAVA_HOME。")


def java() -> str | None:
    """The java Spark will start: $JAVA_HOME/bin/java, else java on PATH, else None."""
    home = os.environ.get("JAVA_HOME", "").strip()
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def open_data(settings: config.RunSettings, *, wait: float = 0, **limits):
    """The run's data as ``con`` (module docstring). ``limits``: DuckDB's memory_limit / threads
    (params warehouse), ignored by Spark. ``wait``: seconds to wait for a DuckDB writer."""
    check(settings)
    if settings.engine == DUCKDB:
        from svc_analysis.engine import warehouse

        return warehouse.connect(settings.warehouse, read_only=True, wait=wait, **limits)
    from svc_analysis.engine import spark_engine, spark_logs

    master = settings.spark_master or LOCAL_MASTER
    conf = LOCAL_CONF if master.startswith("local") else None
    try:
        return spark_engine.connect(settings.lake, master=master, conf=conf)
    except Exception as exc:  # the JVM did not start or the master refused: the JVM's own words are in its log
        raise EngineError(f"Spark 未能启动（主节点 {master}）：原因见 Spark 日志 {spark_logs.log_path()}。") from exc


def close(con) -> None:
    """Close a DuckDB connection; a Spark session is left to its process (a kernel, the CLI): stopping
    it here would stop it for everything else in that process."""
    if not is_spark(con):
        con.close()


def data_as_of(con, warehouse: Path | None = None, lake: Path | None = None) -> datetime | None:
    """When the data was last taken in: the DuckDB warehouse's newest ingest (else the file's time);
    the lake's newest part written (its manifest's ``written_at``, else None)."""
    if not is_spark(con):
        from svc_analysis.engine import warehouse as wh

        latest = wh.data_as_of(con)
        if latest is not None:
            return latest
        path = Path(warehouse) if warehouse else None
        return datetime.fromtimestamp(path.stat().st_mtime) if path and path.is_file() else None
    from svc_analysis.engine import lake as lake_files

    stamps = list(_written_at(lake_files.read_manifest(lake) if lake else {}))
    return datetime.fromisoformat(max(stamps)) if stamps else None


def _written_at(node):
    """Every ``written_at`` value anywhere in the manifest."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "written_at" and isinstance(value, str):
                yield value
            else:
                yield from _written_at(value)
    elif isinstance(node, list):
        for value in node:
            yield from _written_at(value)
