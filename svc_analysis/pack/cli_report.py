"""`svc report` (a month's or a week's pack, or one per unit with --each) and `svc watch` (the day's
list): the commands that run the notebooks and publish (exit codes: pack.cli)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from svc_analysis.pack.cli_chinese import Command
from svc_analysis.pack.cli_options import (WAREHOUSE_HELP, fail, faults, wait_for_warehouse, wait_option,
                                           with_engine_options)


@click.command(cls=Command)
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
        held = (wait_for_warehouse(settings.warehouse, wait, read_only=True)
                if settings.engine == connection.DUCKDB else None)
        if held is not None:  # this process's queries need a few MB: a small cache (warehouse_file)
            from svc_analysis.engine import warehouse as wh

            wh.limit_memory(held, wh.REPORT_MEMORY_LIMIT)
        coverage = check_can_run(settings, params.report.monthly_tables)
    except (MonthError, ParamsError, PreflightError, *faults()) as exc:
        fail(str(exc))
    source = (f"数据仓库 {settings.warehouse}" if settings.engine == connection.DUCKDB else
              f"Spark 数据湖 {settings.lake}（{settings.spark_master or connection.LOCAL_MASTER}）")
    click.echo(f"生成报告 {settings.period.key}" + (f"（范围：{settings.scope}）" if settings.scope else "")
               + f"，{source}")
    from functools import partial

    from svc_analysis.pack import cadence
    from svc_analysis.summary import scorecard
    from svc_analysis.summary.figures import key_figures

    figures = partial(key_figures, headline=cadence.headline(params.summary.headline, settings.period),
                      names=scorecard.metric_names(params),
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
    except (RunStartError, *faults()) as exc:
        fail(str(exc))
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


@click.command(cls=Command)
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
    except (*daily.START_ERRORS, *faults()) as exc:
        fail(str(exc))
    for line, to_stderr in daily.messages(result, quiet):
        click.echo(line, err=to_stderr)
    sys.exit(result.exit_code)
