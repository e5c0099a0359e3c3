"""The `svc` command: ingest, sample-data, report, lake export.

A thin layer: it parses options, calls the package, prints what happened and maps outcomes to exit
codes. `svc report` exits 0 when every notebook ran, 1 when some failed, 2 when it could not start
(bad params, empty warehouse, unknown scope, no data for the month).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

WAREHOUSE_HELP = "DuckDB warehouse file (default: $SVC_WAREHOUSE or data/warehouse.duckdb)"


def _fail(message: str, code: int = 2):
    click.echo(f"错误 error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """svc-analysis: monthly service-quality reports (服务质量月度分析)."""


def _print_reports(reports) -> None:
    for r in reports:
        line = (f"{r.file}: table {r.table}: {r.rows_read:,} rows read, {r.rows_loaded:,} loaded, "
                f"{r.rows_set_aside:,} set aside")
        click.echo(line)
        if r.outlets_added:
            click.echo(f"  {r.outlets_added:,} units registered as outlets by the mapping profile")
        if r.rows_set_aside:
            click.echo(f"  set-aside rows with their reasons: {r.quarantine_file}")
        for warning in r.warnings:
            click.echo(f"  warning: {warning}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), help=WAREHOUSE_HELP)
@click.option("--table", help="contract table for every file (default: from each file's name)")
@click.option("--profile", help="mapping profile: a name in params/profiles/ or a YAML path")
@click.option("--quiet", is_flag=True, help="no progress bar")
def ingest(files, warehouse, table, profile, quiet):
    """Load bank export files (CSV or XLSX) into the warehouse through the data contract."""
    from svc_analysis.ingest import IngestError, ingest_files

    try:
        reports = ingest_files(list(files), warehouse=warehouse, table=table, profile=profile,
                               progress=not quiet)
    except IngestError as exc:
        _fail(str(exc))
    _print_reports(reports)


@main.command("sample-data")
@click.option("--scale", type=click.Choice(["tiny", "small", "province"]), default="small", show_default=True)
@click.option("--seed", type=int, default=20261, show_default=True)
@click.option("--end-month", help="last month of the 24 generated (default: the last complete month)")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), help=WAREHOUSE_HELP)
@click.option("--if-empty", is_flag=True, help="do nothing when the warehouse already holds data")
@click.option("--quiet", is_flag=True, help="no progress bar")
def sample_data(scale, seed, end_month, warehouse, if_empty, quiet):
    """Generate realistic sample exports into data/sample/<scale>/ and ingest them."""
    from svc_analysis import config, sample, warehouse as wh
    from svc_analysis.ingest import ingest_files
    from svc_analysis.periods import parse_month

    path = config.warehouse_path(warehouse)
    if if_empty and not wh.is_empty(path):
        click.echo(f"warehouse {path} already holds data: no sample generated")
        return
    out_dir = config.sample_dir(scale, path)
    click.echo(f"generating {scale} sample data (seed {seed}) into {out_dir}")
    files = sample.generate(scale, seed=seed, out_dir=out_dir,
                            end_month=parse_month(end_month) if end_month else None, progress=not quiet)
    _print_reports(ingest_files(files, warehouse=path, progress=not quiet))
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
@click.option("--quiet", is_flag=True, help="no progress bar")
def report(month, warehouse, out, params_file, scope, notebooks_dir, quiet):
    """Run every notebook for a month and publish the HTML pack, kpis.csv and run.json."""
    from svc_analysis import config
    from svc_analysis.params import ParamsError, load_params
    from svc_analysis.periods import MonthError
    from svc_analysis.preflight import PreflightError, check_can_run
    from svc_analysis.runner import RunStartError, run_report

    try:
        settings = config.run_settings(month=month, warehouse=warehouse, scope=scope, params_file=params_file)
        params = load_params(settings.month, settings.params_file)
        coverage = check_can_run(settings, params.report.monthly_tables)
    except (MonthError, ParamsError, PreflightError) as exc:
        _fail(str(exc))
    click.echo(f"report {settings.month}" + (f", scope {settings.scope}" if settings.scope else "")
               + f", warehouse {settings.warehouse}")
    from functools import partial

    from svc_analysis.summary_figures import key_figures

    figures = partial(key_figures, headline=params.summary.headline, lower_is_better=params.summary.lower_is_better,
                      names={k.id: k.name for k in params.campaign.kpis})
    try:
        result = run_report(settings, out=out, notebooks_dir=notebooks_dir, workers=params.report.workers,
                            cell_timeout=params.report.cell_timeout_seconds, progress=not quiet,
                            coverage=coverage, key_figures=figures)
    except RunStartError as exc:
        _fail(str(exc))
    for nb in result.notebooks:
        status = "ok" if nb.status == "ok" else "FAILED"
        click.echo(f"  {status:6} {nb.name} ({nb.duration:.1f} s)")
    click.echo(f"index: {result.index_html}")
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

    from svc_analysis import config, contract, lake
    from svc_analysis import warehouse as wh

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
