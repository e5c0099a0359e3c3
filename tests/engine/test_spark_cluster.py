"""spark_engine against a real standalone cluster on loopback: master and worker in their own JVMs
(the pyspark wheel's bin/spark-class; it ships no sbin/start-*.sh), the test process as the driver.

The fixture starts both daemons on free loopback ports with small memory, waits until the master's
JSON status (http://127.0.0.1:<ui>/json/) lists the worker alive, and stops both process groups
(the worker's executors with it) however the test ends.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from svc_analysis.engine import org
from svc_analysis.queue import queue
from svc_analysis.engine import warehouse as wh
from tests.engine.spark_support import MARKS, TEST_CONF, same_rows, tiny_lake
from tests.support import TINY_MONTH, tiny_warehouse

pytestmark = MARKS
HOST = "127.0.0.1"
START_WAIT_S = 180  # how long the daemons may take to come up on a busy 2-core machine
DAEMON_MEMORY = "256m"
WORKER_MEMORY = "1g"
EXECUTOR_MEMORY = "512m"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _status(ui_port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{ui_port}/json/", timeout=2) as answer:
            return json.load(answer)
    except OSError:
        return None


def _start(home: Path, args: list[str], log: Path, env: dict) -> subprocess.Popen:
    """One daemon JVM in its own process group (spark-class execs java: the group is the JVM and
    whatever it starts, e.g. the worker's executors)."""
    return subprocess.Popen([str(home / "bin" / "spark-class"), *args], stdout=log.open("wb"),
                            stderr=subprocess.STDOUT, env=env, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A standalone master and one worker (1 core) on loopback; yields (master URL, master UI port)."""
    import pyspark

    home, logs = Path(pyspark.__file__).parent, tmp_path_factory.mktemp("spark-cluster")
    port, ui, worker_ui = _free_port(), _free_port(), _free_port()
    env = os.environ | {"SPARK_HOME": str(home), "SPARK_LOCAL_IP": HOST, "SPARK_DAEMON_MEMORY": DAEMON_MEMORY,
                        "SPARK_WORKER_DIR": str(logs / "work"), "SPARK_LOG_DIR": str(logs)}
    url = f"spark://{HOST}:{port}"
    processes = [_start(home, ["org.apache.spark.deploy.master.Master", "--host", HOST, "--port", str(port),
                               "--webui-port", str(ui)], logs / "master.log", env)]
    try:
        processes.append(_start(home, ["org.apache.spark.deploy.worker.Worker", "--host", HOST, "--cores", "1",
                                       "--memory", WORKER_MEMORY, "--webui-port", str(worker_ui), url],
                                logs / "worker.log", env))
        deadline = time.monotonic() + START_WAIT_S
        while (_status(ui) or {}).get("aliveworkers", 0) < 1:
            dead = [p for p in processes if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                tail = (logs / "worker.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"the standalone cluster did not come up (exited: {[p.args[1] for p in dead]}):\n{tail}")
            time.sleep(0.5)
        yield url, ui
    finally:
        for process in reversed(processes):
            _stop(process)


def test_the_queue_stats_on_a_standalone_cluster_equal_duckdb(cluster):
    from pyspark.sql import SparkSession

    from svc_analysis.engine import spark_engine

    url, ui = cluster
    if SparkSession.getActiveSession() is not None:  # one SparkContext per driver process
        SparkSession.getActiveSession().stop()
    spark = spark_engine.session(url, TEST_CONF | {"spark.executor.memory": EXECUTOR_MEMORY, "spark.cores.max": "1"})
    try:
        assert spark.sparkContext.master == url
        on_spark = queue.outlet_stats(spark_engine.connect(tiny_lake(), spark=spark), TINY_MONTH, 20.0)
        apps = _status(ui)["activeapps"]
        assert [a["name"] for a in apps] == [spark_engine.APP_NAME]  # the work ran on the cluster's executor
    finally:
        spark.stop()
    duck = wh.connect(tiny_warehouse(), read_only=True)
    try:
        on_duck = queue.outlet_stats(duck, TINY_MONTH, 20.0)
        assert len(on_duck) == 8 and len(org.outlet_tree(duck)) == 10
    finally:
        duck.close()
    same_rows(on_duck, on_spark, ["outlet_id"])
