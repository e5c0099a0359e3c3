"""On-demand benchmark: one month's queue KPIs at province scale on DuckDB and on Spark local mode.

Synthetic tickets in the warehouse layout (OUTLETS outlets, MONTHS months, PER_MONTH tickets a month:
province scale is about 2.1 M a month, 50 M in 24 months), then, each timed:
  1. `lake.export` of the tickets (full), again with nothing changed (fingerprints only), and again
     after one ticket of one month changed (that month rewritten);
  2. queue.outlet_stats and queue.level_stats for the last month on DuckDB (Ibis over the warehouse);
  3. the same on Spark local[*] over the lake: session start, registration, first and second run.
Needs .venv-spark (`make spark-env`). Usage:
`.venv-spark/bin/python benchmarks/spark_vs_duckdb.py [--work DIR] [--per-month N] [--months N]`.
Writes benchmarks/results/<date>_spark-vs-duckdb.md.

`--kpi-table --warehouse W [--month M]`: the whole KPI table of one month (summary.registry.kpi_table:
every area's kpi_rows, what the pack's notebooks 00-60 publish) on a real sample warehouse (`svc
sample-data --scale small|province`): `lake.export` of W, then kpi_table on DuckDB and on Spark
local[2] (session start, registration, first and second run), the tables compared cell by cell.
Writes benchmarks/results/<date>_spark-vs-duckdb_kpi-table_<warehouse file name>.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
END_MONTH = "2026-10"
THRESHOLD = 20.0


def build_warehouse(path: Path, outlets: int, months: list[str], per_month: int) -> None:
    """Outlets and tickets: evenly spread over each month, wait 0-40 min from a hash, 1 in 40 unserved."""
    from svc_analysis.core.periods import month_bounds
    from svc_analysis.engine import warehouse as wh

    con = wh.connect(path, memory_limit="2GB")
    wh.ensure_schema(con)
    wh.run(con, "INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type) SELECT "
                "printf('O%04d', i), printf('网点%d', i), printf('支行%d', i // 10), printf('分行%d', i // 100), "
                f"'standard' FROM range({outlets}) r(i)")
    for month in months:  # one transaction per month: DuckDB keeps a transaction's rows in memory
        start, end = month_bounds(month)
        seconds = int((end - start).total_seconds())
        wh.run(con, f"""INSERT INTO tickets SELECT printf('T%09d', i), printf('O%04d', i % {outlets}),
            t, CASE WHEN hash(i) % 40 = 0 THEN NULL ELSE t + to_seconds(CAST(hash(i) % 2400 AS BIGINT)) END,
            NULL, NULL FROM (SELECT i, TIMESTAMP '{start:%Y-%m-%d}' + to_seconds(CAST(i % {per_month} AS BIGINT)
            * {seconds} // {per_month}) AS t FROM range({per_month}) r(i))""")
    con.close()


def timed(label: str, rows: list, fn):
    started = time.perf_counter()
    out = fn()
    rows.append((label, time.perf_counter() - started))
    print(f"{label}: {rows[-1][1]:.1f} s", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "work" / "spark")
    parser.add_argument("--per-month", type=int, default=2_100_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--outlets", type=int, default=1000)
    parser.add_argument("--reuse", action="store_true", help="keep the work folder's warehouse and lake")
    parser.add_argument("--kpi-table", action="store_true", help="time the whole KPI table of --month on --warehouse")
    parser.add_argument("--warehouse", type=Path, help="a sample warehouse (svc sample-data) for --kpi-table")
    parser.add_argument("--month", default=END_MONTH)
    args = parser.parse_args()
    if args.kpi_table:
        return kpi_table_benchmark(args)

    from svc_analysis.core.periods import month_bounds, months_back
    from svc_analysis.engine import lake, org, spark_engine
    from svc_analysis.engine import warehouse as wh
    from svc_analysis.queue import queue

    warehouse, root, rows = args.work / "w.duckdb", args.work / "lake", []
    months = months_back(END_MONTH, args.months)
    if not (args.reuse and warehouse.is_file()):
        shutil.rmtree(args.work, ignore_errors=True)
        args.work.mkdir(parents=True)
        timed(f"build warehouse ({args.months} x {args.per_month:,} tickets, not the product)", rows,
              lambda: build_warehouse(warehouse, args.outlets, months, args.per_month))
    con = wh.connect(warehouse, memory_limit="2GB")
    timed("lake export, full" if not root.exists() else "lake export, after --reuse", rows,
          lambda: lake.export(con, root, ["outlets", "tickets"]))
    timed("lake export, nothing changed", rows, lambda: lake.export(con, root, ["outlets", "tickets"]))
    changed = months[len(months) // 2]
    wh.run(con, "UPDATE tickets SET called_at = CASE WHEN called_at = taken_at THEN taken_at + INTERVAL 1 MINUTE "
                "ELSE taken_at END WHERE ticket_id = 'T000000007' "
                "AND taken_at >= ? AND taken_at < ?", list(month_bounds(changed)))
    done = timed("lake export, one month changed", rows, lambda: lake.export(con, root, ["tickets"]))
    assert done[0].written == [changed], done[0].written
    tree = org.outlet_tree(con)
    duck = {}
    for run in ("first", "second"):
        duck["outlet"] = timed(f"DuckDB outlet_stats {END_MONTH}, {run} run", rows,
                               lambda: queue.outlet_stats(con, END_MONTH, THRESHOLD))
        duck["level"] = timed(f"DuckDB level_stats {END_MONTH}, {run} run", rows,
                              lambda: queue.level_stats(con, END_MONTH, THRESHOLD, tree))
    spark = timed("Spark local[*] session start", rows,
                  lambda: spark_engine.session("local[*]", {"spark.ui.enabled": "false", "spark.driver.memory": "2g"}))
    sp = timed("Spark register the lake", rows, lambda: spark_engine.connect(root, spark=spark))
    for run in ("first", "second"):
        outlet = timed(f"Spark outlet_stats {END_MONTH}, {run} run", rows,
                       lambda: queue.outlet_stats(sp, END_MONTH, THRESHOLD))
        level = timed(f"Spark level_stats {END_MONTH}, {run} run", rows,
                      lambda: queue.level_stats(sp, END_MONTH, THRESHOLD, tree))
    spark.stop()
    con.close()
    same = (outlet.sort_values("outlet_id").reset_index(drop=True)[["tickets", "served", "overtime"]].astype("int64")
            .equals(duck["outlet"].sort_values("outlet_id").reset_index(drop=True)[["tickets", "served", "overtime"]]
                    .astype("int64")))
    size = sum(p.stat().st_size for p in (root / "tickets").rglob("*.parquet"))
    load = os.getloadavg()
    lines = [f"# Spark local vs DuckDB, {date.today()} ({platform.node()}, {os.cpu_count()} cores, "
             f"load {load[0]:.1f} at the end)", "",
             f"{args.months} months x {args.per_month:,} tickets, {args.outlets:,} outlets; tickets lake "
             f"{size / 2**20:,.0f} MiB ({size / (args.months * args.per_month):.1f} bytes a ticket); "
             f"Spark and DuckDB counts per outlet equal: {same}.", "", "| step | wall |", "|---|---:|"]
    lines += [f"| {label} | {seconds:.1f} s |" for label, seconds in rows]
    out = ROOT / "benchmarks" / "results" / f"{date.today()}_spark-vs-duckdb.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(out)


def _differing_cells(duck, spark) -> int:
    """Cells of two KPI tables (same rows in kpis.csv order) that differ: numbers beyond 1e-9 relative."""
    import math

    import pandas as pd

    numbers = {"value", "numerator", "denominator", "target"}
    if len(duck) != len(spark):
        return abs(len(duck) - len(spark)) * len(duck.columns)
    out = 0
    for (_, d), (_, s) in zip(duck.iterrows(), spark.iterrows()):
        for column in duck.columns:
            a, b = d[column], s[column]
            if pd.isna(a) or pd.isna(b):
                out += not (pd.isna(a) and pd.isna(b))
            elif column in numbers:
                out += not math.isclose(float(a), float(b), rel_tol=1e-9)
            else:
                out += a != b
    return out


def kpi_table_benchmark(args) -> None:
    """The --kpi-table mode (module docstring)."""
    from svc_analysis.core.params import load_params
    from svc_analysis.core.period import Period
    from svc_analysis.engine import lake, org, spark_engine
    from svc_analysis.engine import warehouse as wh
    from svc_analysis.engine.connection import LOCAL_CONF, LOCAL_MASTER
    from svc_analysis.engine.scope import Scope
    from svc_analysis.summary import registry

    rows, root, period = [], args.work / "lake", Period.month(args.month)
    params, load_start = load_params(args.month), os.getloadavg()
    con = wh.connect(args.warehouse, read_only=True)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("outlets", "tickets", "ratings")}
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    timed("lake export, full (every contract table)", rows, lambda: lake.export(con, root))
    tree = org.outlet_tree(con)
    for run in ("first", "second"):
        duck = timed(f"DuckDB kpi_table {args.month}, {run} run", rows,
                     lambda: registry.kpi_table(con, params, Scope(tree), period))
    spark = timed(f"Spark {LOCAL_MASTER} session start", rows,
                  lambda: spark_engine.session(LOCAL_MASTER, {**LOCAL_CONF, "spark.ui.enabled": "false",
                                                              "spark.driver.memory": "2g"}))
    sp = timed("Spark register the lake", rows, lambda: spark_engine.connect(root, spark=spark))
    for run in ("first", "second"):
        on_spark = timed(f"Spark kpi_table {args.month}, {run} run", rows,
                         lambda: registry.kpi_table(sp, params, Scope(tree), period))
    spark.stop()
    con.close()
    size = sum(p.stat().st_size for p in root.rglob("*.parquet"))
    load = os.getloadavg()
    lines = [f"# The whole KPI table of one month: Spark local vs DuckDB, {date.today()}", "",
             f"Machine: {platform.node()}, {os.cpu_count()} cores shared with other work, "
             f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB memory, "
             f"{platform.platform()}; load average {load_start[0]:.1f} / {load_start[1]:.1f} / {load_start[2]:.1f} "
             f"at the start, {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end.", "",
             f"Data: `{args.warehouse.name}` ({counts['outlets']:,} outlets, {counts['tickets']:,} tickets and "
             f"{counts['ratings']:,} ratings in all months); lake {size / 2**20:,.0f} MiB. The month {args.month}: "
             f"{len(duck):,} KPI rows on DuckDB, {len(on_spark):,} on Spark, "
             f"{_differing_cells(duck, on_spark)} cells differ (numbers to 1e-9).", "",
             "Commands:", "", "```",
             f".venv/bin/svc sample-data --scale <scale> --end-month {args.month} --warehouse {args.warehouse}",
             f".venv-spark/bin/python benchmarks/spark_vs_duckdb.py --kpi-table --warehouse {args.warehouse} "
             f"--month {args.month} --work {args.work}", "```", "",
             "| step | wall |", "|---|---:|"]
    lines += [f"| {label} | {seconds:.1f} s |" for label, seconds in rows]
    out = ROOT / "benchmarks" / "results" / f"{date.today()}_spark-vs-duckdb_kpi-table_{args.warehouse.stem}.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(out)


if __name__ == "__main__":
    main()
