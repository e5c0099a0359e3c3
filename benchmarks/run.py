"""On-demand benchmark on province-scale sample data (not part of the test suite).

Side by side in one run, each step in its own process so its peak memory is its own:
  1. ingest of the 50 M-row tickets and 34 M-row ratings CSVs through `svc ingest`, against DuckDB's
     bare read_csv of the same files (the floor for parsing);
  2. growth (issue 17: 4x the data at most 4x the time and 1.3x the memory): the same ingest of a
     quarter of those files (every fourth line: a uniform quarter of every month and outlet) into a
     quarter warehouse, taking turns with step 1 in every repetition, and the pack on it, against the
     full files and the province pack;
  3. the whole pack (`svc report`) on province data, against the same pack on tiny data (the floor:
     kernel starts, imports, exports);
  4. the three heaviest aggregations through the engine (DuckDB via Ibis, as the package runs them)
     against a plain pandas version reading the same CSV (what an analyst would write by hand);
  5. one day of the daily watch (`svc watch --day <end month's last day>`) on province data, against
     the same day on small data (issue 15: "runs in seconds at province scale");
  6. only when asked (`--only cases`): ingest with rows set aside, each case against the clean file
     (benchmarks/ingest_cases.py).
Writes benchmarks/results/<date>_<host>_<steps>.md. Usage: `make benchmark` or
`.venv/bin/python benchmarks/run.py [--work DIR] [--skip-generate] [--repeat N] [--only ingest,growth,pack,aggregations,watch,cases]`.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
from datetime import date
from pathlib import Path

import psutil

import ingest_cases  # benchmarks/ingest_cases.py, beside this script
from measure import measure, median_of  # benchmarks/measure.py

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SVC = str(Path(PY).parent / "svc")
END_MONTH = "2026-10"
AGGREGATIONS = Path(__file__).with_name("aggregations.py")


def generate(scale: str, work: Path) -> dict:
    """Contract files for a scale (timed too: sample generation is a figure worth knowing)."""
    out = work / scale
    code = ("from pathlib import Path; from svc_analysis.engine import sample; "
            f"sample.generate({scale!r}, out_dir=Path({str(out)!r}), end_month={END_MONTH!r}, progress=False)")
    figures = measure([PY, "-c", code])
    return {"files": out, **figures}


def files_by_table(folder: Path) -> dict[str, Path]:
    from svc_analysis.core.contract import table_for_filename

    found = {}
    for path in sorted(folder.iterdir()):
        table = table_for_filename(path.stem)
        if table and path.suffix.lower() in (".csv", ".xlsx"):
            found[table] = path
    return found


def ingest_steps(sizes: list[tuple[str, str, dict[str, Path]]], work: Path, tables=("tickets", "ratings"),
                 repeat: int = 1) -> list[tuple[str, dict]]:
    """For each size (name, label, files): `svc ingest` of each big table into <work>/<name>.duckdb (the
    small tables loaded first, not measured), each followed by DuckDB's bare read_csv of the same file.
    The sizes take turns inside every repetition (province, then the quarter, ``repeat`` times), so a
    machine that slows down or speeds up during the run weighs on both alike: the growth ratios compare
    them (benchmarks/results/2026-12-04_vm_whole-2.md measured the sizes one after the other, and its
    bare reads grew 4.9x for 4x the data). Earlier loads go into a copy of the warehouse holding the
    small tables only, so each is a first load; each row is the median (median_of)."""
    paths = {}
    for name, _, files in sizes:
        warehouse, bare_db = work / f"{name}.duckdb", work / f"bare_{name}.duckdb"
        reference, scratch = work / f"{name}_reference.duckdb", work / f"{name}_scratch.duckdb"
        for stale in (warehouse, bare_db):
            stale.unlink(missing_ok=True)
        others = [str(p) for t, p in files.items() if t not in ("tickets", "ratings")]
        measure([SVC, "ingest", "--quiet", "--warehouse", str(warehouse), *others])
        shutil.copy(warehouse, reference)
        paths[name] = (warehouse, bare_db, reference, scratch)
    rows: dict[str, list] = {name: [] for name, _, _ in sizes}
    for table in tables:
        loads: dict[str, list] = {name: [] for name, _, _ in sizes}
        reads: dict[str, list] = {name: [] for name, _, _ in sizes}
        for attempt in range(repeat):
            for name, _, files in sizes:
                warehouse, bare_db, reference, scratch = paths[name]
                bare = (f"import duckdb; con = duckdb.connect({str(bare_db)!r}); "
                        f"con.execute(\"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_csv('{files[table]}')\")")
                for stale in (scratch, scratch.with_name(scratch.name + ".wal")):  # left by a run stopped midway
                    stale.unlink(missing_ok=True)
                target = warehouse if attempt == repeat - 1 else Path(shutil.copy(reference, scratch))
                loads[name].append(measure([SVC, "ingest", "--quiet", "--warehouse", str(target), str(files[table])]))
                scratch.unlink(missing_ok=True)
                reads[name].append(measure([PY, "-c", bare]))
        for name, label, _ in sizes:
            rows[name] += [(f"ingest {table}{label} (svc ingest: parse, validate, load)", median_of(loads[name])),
                           (f"ingest {table}{label} (DuckDB bare read_csv)", median_of(reads[name]))]
    for name, _, _ in sizes:
        paths[name][2].unlink()
    return [row for name, _, _ in sizes for row in rows[name]]


def quarter_files(files: dict[str, Path], work: Path, tables=("tickets", "ratings")) -> dict[str, Path]:
    """<work>/quarter/: the header and every fourth line of each big table's CSV (the sample has no
    line break inside a cell, so a line is a row), the small tables as they are."""
    out = work / "quarter"
    out.mkdir(exist_ok=True)
    quarter = dict(files)
    for table in tables:
        quarter[table] = out / files[table].name
        with open(files[table], "rb") as src, open(quarter[table], "wb") as dst:
            dst.write(src.readline())
            for i, line in enumerate(src):
                if i % 4 == 0:
                    dst.write(line)
    return quarter


def quarter_pack_step(work: Path) -> list[tuple[str, dict]]:
    """The pack on <work>/quarter.duckdb (a quarter of the big files, loaded by ingest_steps)."""
    return [("whole pack, a quarter of the province data (svc report)",
             measure([SVC, "report", "--quiet", "--month", END_MONTH, "--warehouse",
                      str(work / "quarter.duckdb"), "--out", str(work / "reports_quarter")], ok=(0, 1)))]


def pack_steps(work: Path) -> list[tuple[str, dict]]:
    tiny_wh = work / "tiny.duckdb"
    if not tiny_wh.exists():
        measure([SVC, "sample-data", "--quiet", "--scale", "tiny", "--end-month", END_MONTH,
                 "--warehouse", str(tiny_wh)])
    rows = []
    for label, wh in (("province", work / "province.duckdb"), ("tiny", tiny_wh)):
        rows.append((f"whole pack, {label} data (svc report)",
                     measure([SVC, "report", "--quiet", "--month", END_MONTH, "--warehouse", str(wh),
                              "--out", str(work / f"reports_{label}")], ok=(0, 1))))
    return rows


def aggregation_steps(files: dict[str, Path], work: Path) -> list[tuple[str, dict]]:
    rows = []
    for name in ("wait_by_outlet_month", "satisfaction_by_outlet_month", "tickets_by_outlet_day"):
        for engine in ("engine", "pandas"):
            cmd = [PY, str(AGGREGATIONS), name, engine, str(work / "province.duckdb"),
                   str(files["tickets"]), str(files["ratings"])]
            rows.append((f"{name} ({'DuckDB via Ibis' if engine == 'engine' else 'plain pandas'})",
                         measure(cmd)))
    return rows


def watch_steps(work: Path) -> list[tuple[str, dict]]:
    """`svc watch` for the end month's last day, province then small data (each a fresh process)."""
    from svc_analysis.core.periods import month_end

    small_wh = work / "small.duckdb"
    if not small_wh.exists():
        measure([SVC, "sample-data", "--quiet", "--scale", "small", "--end-month", END_MONTH,
                 "--warehouse", str(small_wh)])
    day = month_end(END_MONTH).isoformat()
    return [(f"watch one day, {label} data (svc watch --day {day})",
             measure([SVC, "watch", "--quiet", "--day", day, "--warehouse", str(wh), "--out",
                      str(work / f"reports_{label}")], ok=(0, 1)))
            for label, wh in (("province", work / "province.duckdb"), ("small", small_wh))]


FLOORS = ("bare read_csv", "plain pandas", "tiny data", "small data", "the clean file")
GROWTH = [(f"ingest {t} (svc ingest: parse, validate, load)", f"ingest {t}, a quarter (svc ingest: parse, validate, load)")
          for t in ("tickets", "ratings")] + [("whole pack, province data (svc report)",
                                               "whole pack, a quarter of the province data (svc report)")]


def _ratios(fig: dict, floor: dict, memory: str) -> str:
    return (f"{fig['wall_s'] / max(floor['wall_s'], 1e-9):.2f}x time, "
            f"{fig.get('cpu_s', 0) / max(floor.get('cpu_s', 0), 1e-9):.2f}x CPU, "
            f"{fig['peak_mb'] / max(floor['peak_mb'], 1e-9):.2f}x {memory}")


def write_table(rows: list[tuple[str, dict]], meta: dict) -> Path:
    meta = dict(meta)
    steps = meta.pop("steps", "none")
    lines = [f"# Benchmark {meta['date']} on {meta['machine']}", "",
             f"Province-scale sample data, end month {END_MONTH}. Each step in its own process; peak = the",
             "largest single process (MB), tree = all its processes together (kernels included).", "",
             "| step | wall (s) | CPU (s) | peak (MB) | tree (MB) | this row ÷ the row below |",
             "|---|---:|---:|---:|---:|---:|"]
    for i, (label, fig) in enumerate(rows):
        below = rows[i + 1] if i + 1 < len(rows) and any(f in rows[i + 1][0] for f in FLOORS) else None
        ratio = _ratios(fig, below[1], "memory") if below else ""
        lines.append(f"| {label} | {fig['wall_s']:.1f} | {fig.get('cpu_s', 0):.1f} | {fig['peak_mb']:.0f} | {fig['tree_mb']:.0f} | {ratio} |")
    figures = dict(rows)
    pairs = [(full, quarter) for full, quarter in GROWTH if full in figures and quarter in figures]
    if pairs:
        lines += ["", "Four times the data (issue 17: at most 4x the time and 1.3x the memory), all ÷ a quarter:", "",
                  "| step | growth |", "|---|---|"]
        lines += [f"| {full} | {_ratios(figures[full], figures[quarter], 'largest process')}, "
                  f"{figures[full]['tree_mb'] / max(figures[quarter]['tree_mb'], 1e-9):.2f}x all processes |"
                  for full, quarter in pairs]
    lines += ["", *(f"- {k}: {v}" for k, v in meta.items() if k not in ("date", "machine"))]
    lines += [f"- {label}: median of {len(fig['walls'])} runs, wall {', '.join(f'{w:.1f}' for w in fig['walls'])} s"
              for label, fig in rows if len(fig.get("walls", ())) > 1]
    lines += ["- load while measuring (1-minute load average at the end): "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"]
    out = ROOT / "benchmarks" / "results" / f"{meta['date']}_{platform.node() or 'host'}_{steps}.md"
    for n in range(2, 100):  # a second run on the same day keeps the first's file
        if not out.exists():
            break
        out = out.with_name(f"{meta['date']}_{platform.node() or 'host'}_{steps}-{n}.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "work")
    parser.add_argument("--skip-generate", action="store_true", help="reuse <work>/province files")
    parser.add_argument("--only", default="ingest,growth,pack,aggregations,watch")
    parser.add_argument("--tables", default="tickets,ratings", help="the tables the ingest step measures")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each ingest pair (ingest and growth steps) this many times; rows show the median")
    args = parser.parse_args()
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"
    args.work.mkdir(parents=True, exist_ok=True)
    meta = {"date": date.today().isoformat(),
            "machine": f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
                       f"{platform.platform()}, Python {platform.python_version()}"}
    rows: list[tuple[str, dict]] = []
    meta["steps"] = "-".join(args.only.split(",")) if args.only != parser.get_default("only") else "whole"
    if not args.skip_generate:
        gen = generate("province", args.work)
        meta["province sample generation"] = f"{gen['wall_s']:.0f} s, peak {gen['peak_mb']:.0f} MB"
    steps = set(args.only.split(","))
    files = files_by_table(args.work / "province") if steps & {"ingest", "growth", "aggregations", "cases"} else {}
    if files:
        sizes = {t: f"{files[t].stat().st_size / 2**30:.2f} GiB" for t in args.tables.split(",")}
        meta["CSV sizes"] = ", ".join(f"{t} {s}" for t, s in sizes.items())
    tables = tuple(args.tables.split(","))
    sizes = [("province", "", files)] if "ingest" in steps else []
    if "growth" in steps:
        sizes.append(("quarter", ", a quarter", quarter_files(files, args.work, tables)))
    if sizes:
        rows += ingest_steps(sizes, args.work, tables, repeat=args.repeat)
    if "growth" in steps:
        rows += quarter_pack_step(args.work)
    if "pack" in steps:
        rows += pack_steps(args.work)
    if "aggregations" in steps:
        rows += aggregation_steps(files, args.work)
    if "watch" in steps:
        rows += watch_steps(args.work)
    if "cases" in steps:
        quarter = quarter_files(files, args.work, ("ratings",))["ratings"]
        rows += ingest_cases.case_steps(files, quarter, args.work, SVC, measure)
    print(write_table(rows, meta).read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
