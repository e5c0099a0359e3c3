"""The Spark driver JVM's messages go to a log file, never to the operator's terminal.

`svc report --engine spark` (and every notebook kernel of the run) starts a driver JVM. Started as
PySpark starts it, the JVM writes English start-up lines on the terminal's standard error: the
JVM's own "WARNING: Using incubator modules" (Spark's launcher adds that module, and the JVM has no
switch to silence the notice), "Using Spark's default log4j profile", "Setting default log level",
NativeCodeLoader's warning, and later Spark's warnings. Two things keep them off the terminal:

- ``java_options()``: ``-Dlog4j2.configurationFile`` with the package's spark_log4j2.properties
  (warnings and errors only, no default profile), given as ``spark.driver.extraJavaOptions`` (before
  any option the caller adds there); ``spark.ui.showConsoleProgress`` is off (spark_engine.SESSION_CONF).
- ``jvm_stderr()``: while the session is made, file descriptor 2 points at the log file, so the JVM
  started then inherits it as its standard error for its whole life; the process's own standard
  error is restored right after.

The log file: $SVC_SPARK_LOG, else <temp dir>/svc-spark-<user id>.log, appended to by every driver
(one line at a time). A session made elsewhere (spark-submit, a managed platform) keeps its own logging.
"""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ENV_LOG = "SVC_SPARK_LOG"
PROPERTIES = Path(__file__).with_name("spark_log4j2.properties")
JAVA_OPTIONS_KEY = "spark.driver.extraJavaOptions"


def log_path() -> Path:
    """Where the driver JVM's standard error goes: $SVC_SPARK_LOG, else the temp dir's svc-spark-<uid>.log."""
    given = os.environ.get(ENV_LOG, "").strip()
    return Path(given).expanduser() if given else Path(tempfile.gettempdir()) / f"svc-spark-{os.getuid()}.log"


def java_options(extra: str | None = None) -> str:
    """The driver's extraJavaOptions: the package's log4j2 settings, then ``extra`` (the caller's)."""
    ours = f"-Dlog4j2.configurationFile={PROPERTIES.as_uri()}"
    return f"{ours} {extra}".strip() if extra else ours


def with_java_options(conf: dict[str, str]) -> dict[str, str]:
    """``conf`` with spark.driver.extraJavaOptions = java_options(the caller's value)."""
    return {**conf, JAVA_OPTIONS_KEY: java_options(conf.get(JAVA_OPTIONS_KEY))}


@contextmanager
def jvm_stderr(path: Path | None = None):
    """File descriptor 2 on ``path`` (default log_path()) inside the block: a JVM started in it writes
    its standard error there for good; this process's standard error is back after the block. A log
    file that cannot be opened leaves standard error as it is."""
    path = path or log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError:
        yield
        return
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved = os.dup(2)
    try:
        os.dup2(log, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(log)
