"""engine.spark_logs: the driver JVM's standard error goes to the Spark log file, with the package's
log4j2 settings. No Spark needed: a child process started inside jvm_stderr() stands for the JVM
(PySpark starts the JVM as a child that inherits file descriptor 2). The Spark start itself is
checked in tests/pack/test_spark_pack.py (`svc report --engine spark` prints no English log line)."""

from __future__ import annotations

import subprocess
import sys

from svc_analysis.engine import spark_logs


def test_a_child_started_inside_writes_to_the_log_file_and_stderr_comes_back(tmp_path, capfd):
    log = tmp_path / "spark.log"
    log.write_text("earlier run\n", encoding="utf-8")
    with spark_logs.jvm_stderr(log):
        child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stderr.write('WARN from the child\\n')"])
        child.wait()
    print("back", file=sys.stderr)
    assert capfd.readouterr().err == "back\n"  # nothing of the child's on this process's stderr
    assert log.read_text(encoding="utf-8") == "earlier run\nWARN from the child\n"  # appended


def test_a_log_file_that_cannot_be_opened_leaves_stderr_alone(tmp_path, capfd):
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    with spark_logs.jvm_stderr(blocked / "spark.log"):  # a folder under a file: cannot be made
        print("still here", file=sys.stderr)
    assert capfd.readouterr().err == "still here\n"


def test_the_log_file_is_the_setting_or_the_temp_dirs(monkeypatch, tmp_path):
    monkeypatch.setenv(spark_logs.ENV_LOG, str(tmp_path / "s.log"))
    assert spark_logs.log_path() == tmp_path / "s.log"
    monkeypatch.delenv(spark_logs.ENV_LOG)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    assert spark_logs.log_path().parent == tmp_path


def test_the_package_log4j2_settings_come_first_in_the_java_options():
    assert spark_logs.PROPERTIES.is_file()
    assert "rootLogger.level = warn" in spark_logs.PROPERTIES.read_text(encoding="utf-8")
    ours = f"-Dlog4j2.configurationFile={spark_logs.PROPERTIES.as_uri()}"
    assert spark_logs.with_java_options({"a": "1"}) == {"a": "1", spark_logs.JAVA_OPTIONS_KEY: ours}
    # the caller's options (the tests' driver zone) are kept after ours
    given = {spark_logs.JAVA_OPTIONS_KEY: "-Duser.timezone=Asia/Shanghai"}
    assert spark_logs.with_java_options(given)[spark_logs.JAVA_OPTIONS_KEY] == f"{ours} -Duser.timezone=Asia/Shanghai"
