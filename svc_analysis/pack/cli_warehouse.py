"""`svc ingest`, `svc sample-data` and `svc lake export`: the commands that fill the warehouse and
write it out as a Parquet lake (exit codes: pack.cli)."""

from __future__ import annotations

from pathlib import Path

import click

from svc_analysis.pack.cli_chinese import Command, Group, Integer
from svc_analysis.pack.cli_options import WAREHOUSE_HELP, fail, faults, table_name, wait_for_warehouse, wait_option


def _print_reports(reports) -> None:
    for r in reports:
        line = (f"{r.file}：{table_name(r.table)}表，读取 {r.rows_read:,} 行，导入 {r.rows_loaded:,} 行，"
                f"另放 {r.rows_set_aside:,} 行，合并重复 {r.rows_merged:,} 行")
        click.echo(line)
        if r.rows_merged:
            click.echo(f"  文件中与另一行完全相同的 {r.rows_merged:,} 行只存一份")
        if r.rows_present:
            click.echo(f"  导入的行中 {r.rows_present:,} 行此前已在仓库中，按编号更新或原样保留，不重复写入")
        click.echo(f"  {table_name(r.table)}表现有 {r.rows_in_table:,} 行")
        if r.outlets_added:
            click.echo(f"  映射配置登记了 {r.outlets_added:,} 个网点")
        if r.rows_set_aside:
            click.echo(f"  另放的行及原因：{r.quarantine_file}")
        for warning in r.warnings:
            click.echo(f"  警告：{warning}")


@click.command(cls=Command)
# existence is checked by ingest itself, with a Chinese sentence (a folder, a missing file)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件...")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), help=WAREHOUSE_HELP)
@click.option("--table", help="所有文件都导入这张数据表（默认按各文件的文件名判断）")
@click.option("--profile", help="映射配置：params/profiles/ 中的名称或 YAML 文件路径")
@click.option("--encoding", help="所有 CSV 的文字编码，如 gb18030、utf-8、latin-1、utf-16"
                                 "（默认自动识别；无法确定时拒绝导入）")
@click.option("--sheet", help="要读取的 XLSX 工作表（默认第一张）")
@click.option("--quiet", is_flag=True, help="不显示进度条")
@wait_option
def ingest(files, warehouse, table, profile, encoding, sheet, quiet, wait):
    """按数据约定把银行导出文件（CSV 或 XLSX）导入数据仓库。"""
    from svc_analysis.engine.ingest import IngestError, ingest_files

    try:
        probe = wait_for_warehouse(warehouse, wait, read_only=False)  # busy or damaged: say so, exit 2
        if probe is not None:
            probe.close()
        reports = ingest_files(list(files), warehouse=warehouse, table=table, profile=profile,
                               progress=not quiet, encoding=encoding, sheet=sheet)
    except (IngestError, *faults()) as exc:
        fail(str(exc))
    _print_reports(reports)


@click.command("sample-data", cls=Command)
@click.option("--scale", type=click.Choice(["tiny", "small", "province"]), default="small", show_default=True,
              help="规模：tiny 极小、small 一个省的几家分行、province 全省")
@click.option("--seed", type=Integer(), default=20261, show_default=True, help="随机数种子（同一种子生成同样的数据）")
@click.option("--end-month", help="生成的 24 个月中的最后一个月 YYYY-MM（默认上一个完整月份）")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), help=WAREHOUSE_HELP)
@click.option("--if-empty", is_flag=True, help="数据仓库已有数据时什么也不做")
@click.option("--quiet", is_flag=True, help="不显示进度条")
@wait_option
def sample_data(scale, seed, end_month, warehouse, if_empty, quiet, wait):
    """生成逼真的样例导出文件（data/sample/<规模>/）并导入数据仓库。"""
    from svc_analysis.core import config
    from svc_analysis.engine import sample
    from svc_analysis.engine import warehouse as wh
    from svc_analysis.engine.ingest import IngestError, ingest_files
    from svc_analysis.core.periods import MonthError, parse_month

    path = config.warehouse_path(warehouse)
    try:
        last = parse_month(end_month) if end_month else None
        if if_empty and not wh.is_empty(path, wait=wait):  # reading: JupyterLab may hold it meanwhile
            click.echo(f"数据仓库 {path} 已有数据，未生成样例数据。")
            return
        probe = wait_for_warehouse(path, wait, read_only=False)  # writing: nobody else may hold it
        if probe is not None:
            probe.close()
        out_dir = config.sample_dir(scale, path)
        click.echo(f"正在生成 {scale} 规模的样例数据（随机数种子 {seed}），写入 {out_dir}")
        files = sample.generate(scale, seed=seed, out_dir=out_dir, end_month=last, progress=not quiet)
        _print_reports(ingest_files(files, warehouse=path, progress=not quiet))
    except (MonthError, IngestError, *faults()) as exc:
        fail(str(exc))
    click.echo(f"样例数据已导入 {path}")


@click.group(cls=Group)
def lake():
    """数据湖：供 Spark 等引擎读取的 Parquet 文件。"""


@lake.command("export")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), help=WAREHOUSE_HELP)
@click.option("--to", "to", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="数据湖文件夹：每张数据表一个 Parquet 数据集，事件表按月分区")
@click.option("--table", "tables", multiple=True, help="只导出这张数据表（可重复；默认全部）")
def lake_export(warehouse, to, tables):
    """把数据仓库的表写成 Parquet；只重写有变化的月份。"""
    import duckdb

    from svc_analysis.core import config
    from svc_analysis.core import contract
    from svc_analysis.engine import lake
    from svc_analysis.engine import warehouse as wh

    path = config.warehouse_path(warehouse)
    unknown = [t for t in tables if t not in contract.TABLES]
    if unknown:
        fail(f"没有数据表“{'、'.join(unknown)}”。可选的数据表有 "
             + "、".join(f"{t}（{table_name(t)}）" for t in contract.TABLES))
    try:
        names = [contract.table(t).name for t in tables]
        con = wh.connect(path, read_only=True)
    except FileNotFoundError:
        fail(f"数据仓库 {path} 不存在，请先用 svc ingest 导入数据。")
    except duckdb.Error as exc:  # e.g. an ingest holds the write lock
        fail(f"无法打开数据仓库 {path}，可能正在导入，请稍后再试（{type(exc).__name__}）。")
    try:
        results = lake.export(con, to, names or None)
    except lake.LakeError as exc:
        fail(str(exc))
    finally:
        con.close()
    for r in results:
        click.echo(f"{table_name(r.table)}表：{r.rows:,} 行，重写 {len(r.written)} 个分区，"
                   f"未变 {len(r.unchanged)} 个，删除 {len(r.deleted)} 个")
    click.echo(f"数据湖已更新：{to}")
