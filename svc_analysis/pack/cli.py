"""The `svc` command: ingest, sample-data, report, watch, lake export.

A thin layer: it parses options, calls the package, prints what happened and maps outcomes to exit
codes, the same for every command:
    0  everything ran;
    1  some part failed (`svc report`: some notebook, the KPI table or the workbook; the pack is
       published with the errors on its pages, beside the month's complete pack if there is one;
       with --each: any part of the province pack or of any unit's pack, the others published;
       `svc watch`: some area's watch, the other areas' alerts are published);
    2  could not start, with one sentence on stderr in Chinese: bad params or month, no or an
       empty warehouse, unknown scope, no data for the month, a file that cannot be loaded, the
       warehouse damaged or held by another process after --wait seconds, the pack being built by
       another run after --wait seconds (docs/operations.md "Faults").
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from svc_analysis.pack.cli_chinese import Group, Integer, Seconds

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


def _fail(message: str, code: int = 2):
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


def _faults() -> tuple[type[Exception], ...]:
    """What stops a command before it starts (exit 2): the warehouse held, damaged or unwritable."""
    from svc_analysis.engine import connection, locks
    from svc_analysis.engine import warehouse_file

    return locks.Busy, warehouse_file.WarehouseError, connection.EngineError


def _wait_for_warehouse(path, wait: float, read_only: bool):
    """A connection to the warehouse once no other process holds it (up to ``wait`` seconds), or
    None when there is no file yet (ingest creates it; report's preflight says it is missing)."""
    from svc_analysis.core import config
    from svc_analysis.engine import warehouse as wh

    path = config.warehouse_path(path)
    return wh.connect(path, read_only=read_only, wait=wait) if path.is_file() else None


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """svc-analysis：服务质量月度分析（导入数据、生成样例数据、生成报告、导出数据湖）。"""


def _table_name(table) -> str:
    """A contract table by its Chinese name for the operator (tickets -> 排队)."""
    from svc_analysis.core import contract

    return contract.TABLES[table].zh[0] if table in contract.TABLES else str(table)


def _print_reports(reports) -> None:
    for r in reports:
        line = (f"{r.file}：{_table_name(r.table)}表，读取 {r.rows_read:,} 行，导入 {r.rows_loaded:,} 行，"
                f"另放 {r.rows_set_aside:,} 行，合并重复 {r.rows_merged:,} 行")
        click.echo(line)
        if r.rows_merged:
            click.echo(f"  文件中与另一行完全相同的 {r.rows_merged:,} 行只存一份")
        if r.rows_present:
            click.echo(f"  导入的行中 {r.rows_present:,} 行此前已在仓库中，按编号更新或原样保留，不重复写入")
        click.echo(f"  {_table_name(r.table)}表现有 {r.rows_in_table:,} 行")
        if r.outlets_added:
            click.echo(f"  映射配置登记了 {r.outlets_added:,} 个网点")
        if r.rows_set_aside:
            click.echo(f"  另放的行及原因：{r.quarantine_file}")
        for warning in r.warnings:
            click.echo(f"  警告：{warning}")


@main.command()
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
        probe = _wait_for_warehouse(warehouse, wait, read_only=False)  # busy or damaged: say so, exit 2
        if probe is not None:
            probe.close()
        reports = ingest_files(list(files), warehouse=warehouse, table=table, profile=profile,
                               progress=not quiet, encoding=encoding, sheet=sheet)
    except (IngestError, *_faults()) as exc:
        _fail(str(exc))
    _print_reports(reports)


@main.command("sample-data")
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
        probe = _wait_for_warehouse(path, wait, read_only=False)  # writing: nobody else may hold it
        if probe is not None:
            probe.close()
        out_dir = config.sample_dir(scale, path)
        click.echo(f"正在生成 {scale} 规模的样例数据（随机数种子 {seed}），写入 {out_dir}")
        files = sample.generate(scale, seed=seed, out_dir=out_dir, end_month=last, progress=not quiet)
        _print_reports(ingest_files(files, warehouse=path, progress=not quiet))
    except (MonthError, IngestError, *_faults()) as exc:
        _fail(str(exc))
    click.echo(f"样例数据已导入 {path}")


@main.command()
@click.option("--month", help="报告月份 YYYY-MM（默认上一个完整月份）")
@click.option("--week", is_flag=False, flag_value="", default=None, metavar="[YYYY-Www]",
              help="改为生成该 ISO 周的周报（周通报、周汇总）；只写 --week：上一个完整的周（周一至周日）")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), help=WAREHOUSE_HELP)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="报告文件夹（默认 reports/）")
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path),
              help="补充参数文件（YAML），覆盖 params/ 中的同名参数（如另一年度的活动）")
@click.option("--scope", help="二级分行或支行的名称（默认全省）")
@click.option("--notebooks", "notebooks_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="改为运行此文件夹中的 NN_*.ipynb 笔记本（默认 notebooks/）")
@click.option("--pdf", is_flag=True, help="另把每页和整个报告包写成 PDF，放在 <报告包>/pdf/"
                                            "（需要无界面 Chromium；没有时给出警告，HTML 报告照常生成）")
@click.option("--each", type=click.Choice(["branch", "subbranch"]),
              help="另为每个二级分行（branch）或支行（subbranch）各生成一个只含本单位的报告包，"
                   "放在报告文件夹中的 <月份或周>_<名称>/，首页列出并链接")
@click.option("--quiet", is_flag=True, help="不显示进度条")
@with_engine_options
@wait_option
def report(month, week, warehouse, out, params_file, scope, notebooks_dir, pdf, each, quiet, engine, lake,
           spark_master, wait):
    """运行一个月（或一周）的全部笔记本，发布 HTML 报告包、指标表 kpis.csv 和运行记录 run.json。"""
    from svc_analysis.core import config
    from svc_analysis.core.params import ParamsError, load_params
    from svc_analysis.core.periods import MonthError
    from svc_analysis.engine import connection
    from svc_analysis.engine.preflight import PreflightError, check_can_run
    from svc_analysis.pack.runner import RunStartError, run_report

    try:
        if month and week is not None:
            raise MonthError("--month 与 --week 只能选一个")
        if each and scope:
            raise MonthError("--each 与 --scope 只能选一个：--each 生成全省报告包和每个单位的报告包")
        settings = config.run_settings(month=month, warehouse=warehouse, scope=scope, params_file=params_file,
                                       week=week or None, cadence="month" if week is None else "week",
                                       engine=engine, lake=lake, spark_master=spark_master)
        params = load_params(settings.month, settings.params_file)
        connection.check(settings)  # Spark: the lake, pyspark and Java are there (one sentence if not)
        # Held read-only for the whole run: report kernels read alongside it, while an ingest that
        # starts meanwhile waits (and names this run) instead of breaking the notebooks still to run.
        held = (_wait_for_warehouse(settings.warehouse, wait, read_only=True)
                if settings.engine == connection.DUCKDB else None)
        coverage = check_can_run(settings, params.report.monthly_tables)
    except (MonthError, ParamsError, PreflightError, *_faults()) as exc:
        _fail(str(exc))
    source = (f"数据仓库 {settings.warehouse}" if settings.engine == connection.DUCKDB else
              f"Spark 数据湖 {settings.lake}（{settings.spark_master or connection.LOCAL_MASTER}）")
    click.echo(f"生成报告 {settings.period.key}" + (f"（范围：{settings.scope}）" if settings.scope else "")
               + f"，{source}")
    from functools import partial

    from svc_analysis.pack import cadence
    from svc_analysis.summary import scorecard
    from svc_analysis.summary.figures import key_figures

    figures = partial(key_figures, headline=cadence.headline(params.summary.headline, settings.period),
                      lower_is_better=params.summary.lower_is_better, names=scorecard.metric_names(params),
                      period_word=cadence.of(settings.period).period_word)
    options = dict(out=out, notebooks_dir=notebooks_dir, workers=params.report.workers,
                   cell_timeout=params.report.cell_timeout_seconds, progress=not quiet,
                   coverage=coverage, key_figures=figures, wait=wait, pdf=pdf)
    try:
        if each:  # the province pack and one pack per unit, sharing the kernels (pack/each.py)
            from svc_analysis.engine.org import outlet_tree
            from svc_analysis.pack.each import run_each

            units_from = held if held is not None else connection.open_data(settings)  # Spark: the lake
            done = run_each(settings, each, outlet_tree(units_from), **options)
            result = done.province
        else:
            result = run_report(settings, **options)
    except (RunStartError, *_faults()) as exc:
        _fail(str(exc))
    finally:
        if held is not None:
            held.close()
    for nb in result.notebooks:
        status = "成功" if nb.status == "ok" else "失败"
        click.echo(f"  {status}  {nb.name}（{nb.duration:.1f} 秒）")
    if result.pack_dir.name != settings.pack_name:
        click.echo(f"本次运行失败，完整的报告包 {result.pack_dir.with_name(settings.pack_name)} 未被替换；"
                   f"本次结果在 {result.pack_dir}")
    click.echo(f"首页：{result.index_html}")
    if result.pdf is not None:
        if result.pdf.combined:
            click.echo(f"PDF：{result.pack_dir / result.pdf.combined}")
        if result.pdf.error:  # the HTML pack is published all the same; the exit code is unchanged
            click.echo(f"警告：{result.pdf.error}", err=True)
    if each:
        for line in done.lines():
            click.echo(line)
    sys.exit(done.exit_code if each else result.exit_code)


@main.command()
@click.option("--day", help="监测的日期 YYYY-MM-DD（默认昨天）")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), help=WAREHOUSE_HELP)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="报告文件夹（默认 reports/）")
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path), help="覆盖 params/ 的 YAML 参数文件")
@click.option("--scope", help="二级分行或支行的名称（默认全省）")
@click.option("--quiet", is_flag=True, help="只显示发布的清单所在位置")
@with_engine_options
@wait_option
def watch(day, warehouse, out, params_file, scope, quiet, engine, lake, spark_master, wait):
    """日监测：当天需要处理的事项清单，写入 <out>/watch/<日期>/，只用当天结束前的数据。"""
    from svc_analysis.pack import watch as daily

    try:
        result = daily.run_from_options(day, warehouse, scope, params_file, out, wait,
                                        engine=engine, lake=lake, spark_master=spark_master)
    except (*daily.START_ERRORS, *_faults()) as exc:
        _fail(str(exc))
    for line, to_stderr in daily.messages(result, quiet):
        click.echo(line, err=to_stderr)
    sys.exit(result.exit_code)


@main.group()
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
        _fail(f"没有数据表“{'、'.join(unknown)}”。可选的数据表有 "
              + "、".join(f"{t}（{_table_name(t)}）" for t in contract.TABLES))
    try:
        names = [contract.table(t).name for t in tables]
        con = wh.connect(path, read_only=True)
    except FileNotFoundError:
        _fail(f"数据仓库 {path} 不存在，请先用 svc ingest 导入数据。")
    except duckdb.Error as exc:  # e.g. an ingest holds the write lock
        _fail(f"无法打开数据仓库 {path}，可能正在导入，请稍后再试（{type(exc).__name__}）。")
    try:
        results = lake.export(con, to, names or None)
    except lake.LakeError as exc:
        _fail(str(exc))
    finally:
        con.close()
    for r in results:
        click.echo(f"{_table_name(r.table)}表：{r.rows:,} 行，重写 {len(r.written)} 个分区，"
                   f"未变 {len(r.unchanged)} 个，删除 {len(r.deleted)} 个")
    click.echo(f"数据湖已更新：{to}")


if __name__ == "__main__":
    main()
