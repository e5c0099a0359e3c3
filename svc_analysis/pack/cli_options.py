"""What the `svc` commands share: the warehouse, wait and engine options, the one way a command
fails before it starts (exit 2, one Chinese sentence on stderr), and a contract table's Chinese name.

The exit codes are pack.cli's docstring.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from svc_analysis.pack.cli_chinese import Seconds

# What the operator reads (help, progress, messages) is Chinese (issue 18); English stays in code and logs.
# click's own words (用法, 选项, usage errors) come from the catalog of cli_chinese (the group's cls).
WAREHOUSE_HELP = "数据仓库文件（DuckDB；默认 $SVC_WAREHOUSE 或 data/warehouse.duckdb）"
WAIT_DEFAULT = 30  # seconds: outlasts another command opening and closing the warehouse briefly
ENGINE_HELP = "计算引擎：duckdb 读数据仓库（默认 $SVC_ENGINE 或 duckdb），spark 读 --lake 数据湖（需 make spark-env）"
engine_options = [
    click.option("--engine", type=click.Choice(["duckdb", "spark"]), help=ENGINE_HELP),
    click.option("--lake", type=click.Path(file_okay=False, path_type=Path),
                 help="Spark 引擎读取的数据湖文件夹（svc lake export 导出；默认 $SVC_LAKE）"),
    click.option("--spark-master", help="Spark 主节点地址，如 spark://主机:7077 或 yarn（默认本机 local[2]）"),
]


def with_engine_options(command):
    for option in reversed(engine_options):
        command = option(command)
    return command


wait_option = click.option(
    "--wait", type=Seconds(min=0), default=WAIT_DEFAULT, show_default=True,
    help="其他程序占用数据仓库（或报告包）时最多等待的秒数，超时则退出（退出码 2）")


def fail(message: str, code: int = 2):
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


def faults() -> tuple[type[Exception], ...]:
    """What stops a command before it starts (exit 2): the warehouse held, damaged or unwritable."""
    from svc_analysis.engine import connection, locks
    from svc_analysis.engine import warehouse_file

    return locks.Busy, warehouse_file.WarehouseError, connection.EngineError


def wait_for_warehouse(path, wait: float, read_only: bool):
    """A connection to the warehouse once no other process holds it (up to ``wait`` seconds), or
    None when there is no file yet (ingest creates it; report's preflight says it is missing)."""
    from svc_analysis.core import config
    from svc_analysis.engine import warehouse as wh

    path = config.warehouse_path(path)
    return wh.connect(path, read_only=read_only, wait=wait) if path.is_file() else None


def table_name(table) -> str:
    """A contract table by its Chinese name for the operator (tickets -> 排队)."""
    from svc_analysis.core import contract

    return contract.TABLES[table].zh[0] if table in contract.TABLES else str(table)
