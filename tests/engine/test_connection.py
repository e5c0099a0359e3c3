"""engine.connection: the one seam between a run and its engine (no Spark needed: the checks before
a session starts, the DuckDB side, the lake's "data as of")."""

from __future__ import annotations

import importlib.util
import json
from datetime import datetime

import pytest

from svc_analysis.core import config
from svc_analysis.engine import connection
from tests.support import tiny_warehouse


def _spark_settings(lake, master=None):
    return config.run_settings(month="2026-10", warehouse="/nowhere/w.duckdb", engine="spark", lake=lake,
                               spark_master=master)


def _lake(tmp_path):
    (tmp_path / "lake" / "outlets").mkdir(parents=True)
    return tmp_path / "lake"


def test_settings_take_the_engine_from_argument_then_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(config.ENV_ENGINE, "spark")
    monkeypatch.setenv(config.ENV_LAKE, str(tmp_path))
    monkeypatch.setenv(config.ENV_SPARK_MASTER, "spark://h:7077")
    env = config.run_settings(month="2026-10")
    assert (env.engine, env.lake, env.spark_master) == ("spark", tmp_path.resolve(), "spark://h:7077")
    assert config.run_settings(month="2026-10", engine="duckdb").engine == "duckdb"
    monkeypatch.delenv(config.ENV_ENGINE)
    assert config.run_settings(month="2026-10").engine == "duckdb"  # the default


@pytest.mark.parametrize("case, expected", [
    ("unknown", "未知的计算引擎"),
    ("no lake", "须用 --lake 指定数据湖文件夹"),
    ("empty lake", "不存在或为空：请先用 svc lake export"),
    ("no pyspark", "安装 Spark 环境：make spark-env"),
    ("no java", "找不到 Java"),
])
def test_an_engine_that_cannot_start_says_so_in_one_chinese_sentence(case, expected, tmp_path, monkeypatch):
    lake = _lake(tmp_path)
    settings = _spark_settings(lake)
    if case == "unknown":
        settings = config.run_settings(month="2026-10", engine="presto")
    elif case == "no lake":
        settings = _spark_settings(None)
    elif case == "empty lake":
        (tmp_path / "empty").mkdir()
        settings = _spark_settings(tmp_path / "empty")
    elif case == "no pyspark":
        real = importlib.util.find_spec
        monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyspark" else real(name, *a))
    else:
        monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object())
        monkeypatch.delenv("JAVA_HOME", raising=False)
        monkeypatch.setattr(connection.shutil, "which", lambda name: None)
    with pytest.raises(connection.EngineError) as err:
        connection.check(settings)
    message = str(err.value)
    assert expected in message and message.count("。") == 1 and "\n" not in message


def test_duckdb_is_the_warehouse_read_only_and_its_data_as_of_the_ingest_log():
    settings = config.run_settings(month="2026-10", warehouse=tiny_warehouse(), engine="duckdb")
    con = connection.open_data(settings)
    try:
        assert not connection.is_spark(con)
        assert con.execute("SELECT count(*) FROM outlets").fetchone()[0] > 0
        from svc_analysis.engine import warehouse as wh

        assert connection.data_as_of(con, settings.warehouse) == wh.data_as_of(con)
    finally:
        connection.close(con)


def test_a_lakes_data_as_of_is_its_newest_written_part(tmp_path):
    # two tables, three parts: the newest written_at of the three is 2026-11-02 08:30
    (tmp_path / "_manifest.json").write_text(json.dumps({"tables": {
        "outlets": {"parts": {"all": {"rows": 3, "written_at": "2026-11-01T09:00:00"}}},
        "tickets": {"parts": {"2026-09": {"rows": 5, "written_at": "2026-10-01T07:00:00"},
                              "2026-10": {"rows": 6, "written_at": "2026-11-02T08:30:00"}}}}}))

    class Spark:  # is_spark() looks at the backend's module only
        __module__ = "ibis.backends.pyspark"

    assert connection.data_as_of(Spark(), lake=tmp_path) == datetime(2026, 11, 2, 8, 30)
    assert connection.data_as_of(Spark(), lake=tmp_path / "none") is None


def test_a_spark_that_does_not_start_is_one_chinese_sentence_naming_its_log(monkeypatch, tmp_path):
    from svc_analysis.engine import spark_engine

    def refuse(*args, **kwargs):
        raise RuntimeError("Java gateway process exited before sending its port number")

    monkeypatch.setattr(connection, "check", lambda settings: None)  # pyspark and java as if present
    monkeypatch.setattr(spark_engine, "connect", refuse)
    monkeypatch.setenv("SVC_SPARK_LOG", str(tmp_path / "spark.log"))
    with pytest.raises(connection.EngineError) as caught:
        connection.open_data(_spark_settings(_lake(tmp_path), master="spark://h:7077"))
    assert str(caught.value) == f"Spark 未能启动（主节点 spark://h:7077）：原因见 Spark 日志 {tmp_path / 'spark.log'}。"
