"""On-demand back-test of the daily watch (`svc watch`) on sample data with a planted burst (issue 15).

For each sample (scale, seed, end month) it loads the sample into a scratch warehouse (`svc
sample-data`, reused when present), runs the watch day by day over the months before the end month
(summary.watch_backtest.run: each day sees only the data up to its end) and reports whether the
planted outage burst was raised on its first or second day, the false cluster alarms per 100
series-days, and the length of the morning list (every area's alerts per day, when --all-areas).
Writes benchmarks/results/<date>_<host>_watch-backtest.md.

Usage: `.venv/bin/python benchmarks/watch_backtest.py [--work DIR] [--sample tiny:20261:2026-10 ...]
[--months 4] [--all-areas]`.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVC = str(Path(sys.executable).parent / "svc")
SAMPLES = ["tiny:20261:2026-10", "small:20261:2026-10", "small:20261:2026-11", "small:7:2026-06"]


def warehouse_for(work: Path, scale: str, seed: str, end: str) -> Path:
    path = work / f"{scale}_{seed}_{end}.duckdb"
    if not path.exists():
        subprocess.run([SVC, "sample-data", "--quiet", "--scale", scale, "--seed", seed, "--end-month", end,
                        "--warehouse", str(path)], check=True, stdout=subprocess.DEVNULL)
    return path


def one_sample(spec: str, work: Path, months: int, all_areas: bool) -> dict:
    from svc_analysis.core import periods
    from svc_analysis.core.params import load_params
    from svc_analysis.engine import org
    from svc_analysis.engine import warehouse as wh
    from svc_analysis.engine.scope import Scope
    from svc_analysis.summary import watch_backtest as bt

    scale, seed, end = spec.split(":")
    con = wh.connect(warehouse_for(work, scale, seed, end), read_only=True)
    try:
        first = periods.month_start(periods.add_months(end, -(months - 1)))
        last = periods.month_end(end)
        started = time.perf_counter()
        alerts, series_days = bt.run(con, Scope.of(org.outlet_tree(con), None), first, last,
                                     only=None if all_areas else ("complaints",))
        seconds = time.perf_counter() - started
    finally:
        con.close()
    window = load_params(end).complaints.clusters.window_days
    found = bt.score(alerts, series_days, bt.sample_bursts(end), window)
    days = (last - first).days + 1
    return {"spec": spec, "first": first, "last": last, "days": days, "found": found, "alerts": alerts,
            "seconds": seconds}


def report(results: list[dict], all_areas: bool) -> str:
    lines = [f"# Back-test of the daily watch, {date.today().isoformat()}", "",
             f"Machine: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}; "
             f"1-minute load average at the end {os.getloadavg()[0]:.1f}.", "",
             "| sample (scale:seed:end month) | days watched | planted burst (series, first day) | first raised "
             "| delay (days) | false cluster alarms / series-days | per 100 series-days | seconds per day |",
             "|---|---:|---|---|---:|---:|---:|---:|"]
    for r in results:
        f = r["found"]
        for b in f.raised.itertuples():
            lines.append(f"| {r['spec']} | {r['days']} ({r['first']} – {r['last']}) | {b.series}, {b.start} | "
                         f"{b.first_raised or '—'} | {'' if b.delay_days is None else b.delay_days} | "
                         f"{f.false_alarms} / {f.series_days} | {f.false_per_100:.3f} | "
                         f"{r['seconds'] / r['days']:.2f} |")
    if all_areas:
        lines += ["", "Alerts per day in the morning list (mean over the days watched, every area):", "",
                  "| sample | " + " | ".join(RULES) + " | all |", "|---|" + "---:|" * (len(RULES) + 1)]
        for r in results:
            per_rule = r["alerts"].groupby("rule_id").size() / r["days"]
            lines.append(f"| {r['spec']} | " + " | ".join(f"{per_rule.get(k, 0):.1f}" for k in RULES)
                         + f" | {len(r['alerts']) / r['days']:.1f} |")
    return "\n".join(lines) + "\n"


RULES = ["complaint_cluster", "escalation", "reply_overdue", "reply_due", "closing_overdue", "closing_due",
         "overtime_day", "no_queue_data", "no_queue_feed", "participation_drop", "perfect_scores"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "work")
    parser.add_argument("--sample", action="append", help="scale:seed:end-month (repeatable)")
    parser.add_argument("--months", type=int, default=4, help="months watched, ending with the end month")
    parser.add_argument("--all-areas", action="store_true", help="every area's alerts, not only complaints")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = [one_sample(spec, args.work, args.months, args.all_areas) for spec in (args.sample or SAMPLES)]
    text = report(results, args.all_areas)
    out = ROOT / "benchmarks" / "results" / f"{date.today().isoformat()}_{platform.node() or 'host'}_watch-backtest.md"
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
