"""The `svc` command: ingest, sample-data, report, watch, lake export.

A thin layer: it parses options, calls the package, prints what happened and maps outcomes to exit
codes, the same for every command:
    0  everything ran;
    1  some part failed (`svc report`: some notebook, the KPI table or the workbook; the pack is
       published with the errors on its pages, beside the month's complete pack if there is one;
       `svc watch`: some area's watch, the other areas' alerts are published);
    2  could not start, with one sentence on stderr (Chinese first): bad params or month, no or an
       empty warehouse, unknown scope, no data for the month, a file that cannot be loaded, the
       warehouse damaged or held by another process after --wait seconds, the pack being built by
       another run after --wait seconds (docs/operations.md "Faults").
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

WAREHOUSE_HELP = "DuckDB warehouse file (default: $SVC_WAREHOUSE or data/warehouse.duckdb)"
WAIT_DEFAULT = 30  # seconds: outlasts another command opening and closing the warehouse briefly
wait_option = click.option(
    "--wait", type=click.FloatRange(min=0), default=WAIT_DEFAULT, show_default=True,
    help="seconds to wait while another process holds the warehouse (or the pack), then exit 2")


def _fail(message: str, code: int = 2):
    click.echo(f"错误 error: {message}", err=True)
    sys.exit(code)


def _faults() -> tuple[type[Exception], ...]:
    """What stops a command before it starts (exit 2): the warehouse held, damaged or unwritable."""
    from svc_analysis.engine import locks
    from svc_analysis.engine import warehouse_file

    return locks.Busy, warehouse_file.WarehouseError


def _wait_for_warehouse(path, wait: float, read_only: bool):
    """A connection to the warehouse once no other process holds it (up to ``wait`` seconds), or
    None when there is no file yet (ingest creates it; report's preflight says it is missing)."""
    from svc_analysis.core import config
    from svc_analysis.engine import warehouse as wh

    path = config.warehouse_path(path)
    return wh.connect(path, read_only=read_only, wait=wait) if path.is_file() else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """svc-analysis: monthly service-quality reports (服务质量月度分析)."""


def _print_reports(reports) -> None:
    for r in reports:
        line = (f"{r.file}：{r.table} 表，读取 {r.rows_read:,} 行，导入 {r.rows_loaded:,} 行，另放 "
                f"{r.rows_set_aside:,} 行 ({r.rows_read:,} rows read, {r.rows_loaded:,} loaded, "
                f"{r.rows_set_aside:,} set aside)")
        click.echo(line)
        if r.outlets_added:
            click.echo(f"  映射配置登记了 {r.outlets_added:,} 个网点 (units registered as outlets by the profile)")
        if r.rows_set_aside:
            click.echo(f"  另放的行及原因 (set-aside rows with their reasons): {r.quarantine_file}")
        for warning in r.warnings:
            click.echo(f"  警告 warning: {warning}")


@main.command()
# existence is checked by ingest itself, with a Chinese sentence (a folder, a missing file)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), help=WAREHOUSE_HELP)
@click.option("--table", help="contract table for every file (default: from each file's name)")
@click.option("--profile", help="mapping profile: a name in params/profiles/ or a YAML path")
@click.option("--encoding", help="text encoding of every CSV, e.g. gb18030, utf-8, latin-1, utf-16 "
                                 "(default: detected; refused when not certain)")
@click.option("--sheet", help="XLSX sheet to read (default: the first)")
@click.option("--quiet", is_flag=True, help="no progress bar")
@wait_option
def ingest(files, warehouse, table, profile, encoding, sheet, quiet, wait):
    """Load bank export files (CSV or XLSX) into the warehouse through the data contract."""
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
@click.option("--scale", type=click.Choice(["tiny", "small", "province"]), default="small", show_default=True)
@click.option("--seed", type=int, default=20261, show_default=True)
@click.option("--end-month", help="last month of the 24 generated (default: the last complete month)")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), help=WAREHOUSE_HELP)
@click.option("--if-empty", is_flag=True, help="do nothing when the warehouse already holds data")
@click.option("--quiet", is_flag=True, help="no progress bar")
@wait_option
def sample_data(scale, seed, end_month, warehouse, if_empty, quiet, wait):
    """Generate realistic sample exports into data/sample/<scale>/ and ingest them."""
    from svc_analysis.core import config
    from svc_analysis.engine import sample
    from svc_analysis.engine import warehouse as wh
    from svc_analysis.engine.ingest import IngestError, ingest_files
    from svc_analysis.core.periods import MonthError, parse_month

    path = config.warehouse_path(warehouse)
    try:
        last = parse_month(end_month) if end_month else None
        if if_empty and not wh.is_empty(path, wait=wait):  # reading: JupyterLab may hold it meanwhile
            click.echo(f"warehouse {path} already holds data: no sample generated")
            return
        probe = _wait_for_warehouse(path, wait, read_only=False)  # writing: nobody else may hold it
        if probe is not None:
            probe.close()
        out_dir = config.sample_dir(scale, path)
        click.echo(f"generating {scale} sample data (seed {seed}) into {out_dir}")
        files = sample.generate(scale, seed=seed, out_dir=out_dir, end_month=last, progress=not quiet)
        _print_reports(ingest_files(files, warehouse=path, progress=not quiet))
    except (MonthError, IngestError, *_faults()) as exc:
        _fail(str(exc))
    click.echo(f"sample data loaded into {path}")


@main.command()
@click.option("--month", help="report month YYYY-MM (default: the last complete month)")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), help=WAREHOUSE_HELP)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="reports folder (default reports/)")
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path),
              help="YAML merged over params/ (e.g. another year's campaign)")
@click.option("--scope", help="a branch or sub-branch name (default: the whole province)")
@click.option("--notebooks", "notebooks_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="run the NN_*.ipynb notebooks of this folder instead of notebooks/")
@click.option("--pdf", is_flag=True, help="also write each page and the whole pack as PDF into <pack>/pdf/ "
                                            "(needs headless Chromium; without it a warning, the HTML pack as usual)")
@click.option("--quiet", is_flag=True, help="no progress bar")
@wait_option
def report(month, warehouse, out, params_file, scope, notebooks_dir, pdf, quiet, wait):
    """Run every notebook for a month and publish the HTML pack, kpis.csv and run.json."""
    from svc_analysis.core import config
    from svc_analysis.core.params import ParamsError, load_params
    from svc_analysis.core.periods import MonthError
    from svc_analysis.engine.preflight import PreflightError, check_can_run
    from svc_analysis.pack.runner import RunStartError, run_report

    try:
        settings = config.run_settings(month=month, warehouse=warehouse, scope=scope, params_file=params_file)
        params = load_params(settings.month, settings.params_file)
        # Held read-only for the whole run: report kernels read alongside it, while an ingest that
        # starts meanwhile waits (and names this run) instead of breaking the notebooks still to run.
        held = _wait_for_warehouse(settings.warehouse, wait, read_only=True)
        coverage = check_can_run(settings, params.report.monthly_tables)
    except (MonthError, ParamsError, PreflightError, *_faults()) as exc:
        _fail(str(exc))
    click.echo(f"report {settings.month}" + (f", scope {settings.scope}" if settings.scope else "")
               + f", warehouse {settings.warehouse}")
    from functools import partial

    from svc_analysis.summary.figures import key_figures

    figures = partial(key_figures, headline=params.summary.headline, lower_is_better=params.summary.lower_is_better,
                      names={k.id: k.name for k in params.campaign.kpis})
    try:
        result = run_report(settings, out=out, notebooks_dir=notebooks_dir, workers=params.report.workers,
                            cell_timeout=params.report.cell_timeout_seconds, progress=not quiet,
                            coverage=coverage, key_figures=figures, wait=wait, pdf=pdf)
    except (RunStartError, *_faults()) as exc:
        _fail(str(exc))
    finally:
        if held is not None:
            held.close()
    for nb in result.notebooks:
        status = "ok" if nb.status == "ok" else "FAILED"
        click.echo(f"  {status:6} {nb.name} ({nb.duration:.1f} s)")
    if result.pack_dir.name != settings.pack_name:
        click.echo(f"本次运行失败，完整的报告包 {result.pack_dir.with_name(settings.pack_name)} 未被替换；"
                   f"本次结果在 {result.pack_dir} (this failed run is published beside the complete pack)")
    click.echo(f"index: {result.index_html}")
    if result.pdf is not None:
        if result.pdf.combined:
            click.echo(f"PDF: {result.pack_dir / result.pdf.combined}")
        if result.pdf.error:  # the HTML pack is published all the same; the exit code is unchanged
            click.echo(f"警告 warning: {result.pdf.error}", err=True)
    sys.exit(result.exit_code)


@main.command()
@click.option("--day", help="the day to watch, YYYY-MM-DD (default: yesterday)")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), help=WAREHOUSE_HELP)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="reports folder (default reports/)")
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path), help="YAML over params/")
@click.option("--scope", help="a branch or sub-branch name (default: the whole province)")
@click.option("--quiet", is_flag=True, help="only the line naming the published list")
@wait_option
def watch(day, warehouse, out, params_file, scope, quiet, wait):
    """The daily watch (日监测): the day's alerts into <out>/watch/<day>/, no look-ahead."""
    from svc_analysis.pack import watch as daily

    try:
        result = daily.run_from_options(day, warehouse, scope, params_file, out, wait)
    except (*daily.START_ERRORS, *_faults()) as exc:
        _fail(str(exc))
    for line, to_stderr in daily.messages(result, quiet):
        click.echo(line, err=to_stderr)
    sys.exit(result.exit_code)


@main.group()
def lake():
    """The Parquet lake for Spark and other engines (数据湖; docs/scale.md)."""


@lake.command("export")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), help=WAREHOUSE_HELP)
@click.option("--to", "to", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="lake folder: one Parquet dataset per contract table, event tables by month")
@click.option("--table", "tables", multiple=True, help="only this contract table (repeatable; default: all)")
def lake_export(warehouse, to, tables):
    """Write the warehouse's tables as Parquet; only months that changed are rewritten."""
    import duckdb

    from svc_analysis.core import config
    from svc_analysis.core import contract
    from svc_analysis.engine import lake
    from svc_analysis.engine import warehouse as wh

    path = config.warehouse_path(warehouse)
    try:
        names = [contract.table(t).name for t in tables]
        con = wh.connect(path, read_only=True)
    except KeyError as exc:
        _fail(f"没有这张表。 {exc.args[0]}")
    except FileNotFoundError:
        _fail(f"数据仓库 {path} 不存在，请先导入数据。 no warehouse at {path}: load data first (svc ingest).")
    except duckdb.Error as exc:  # e.g. an ingest holds the write lock
        _fail(f"无法打开数据仓库 {path}，可能正在导入，请稍后再试。 cannot open the warehouse {path}: {exc}")
    try:
        results = lake.export(con, to, names or None)
    except lake.LakeError as exc:
        _fail(f"数据仓库中有无法分月的行。 {exc}")
    finally:
        con.close()
    for r in results:
        click.echo(f"{r.table}：{r.rows:,} 行，重写 {len(r.written)} 个分区，未变 {len(r.unchanged)} 个，"
                   f"删除 {len(r.deleted)} 个。 {r.table}: {r.rows:,} rows, {len(r.written)} parts written, "
                   f"{len(r.unchanged)} unchanged, {len(r.deleted)} deleted")
    click.echo(f"数据湖已更新：{to} · lake up to date: {to}")


if __name__ == "__main__":
    main()
