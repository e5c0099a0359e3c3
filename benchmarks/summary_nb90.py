"""On-demand profile of notebook 90 (管理摘要与网点预警) in process (not part of the test suite).

Runs the notebook's own calls in its order (scorecard, this and last month's warning signals, the
highlights' clusters, the back-test) on a warehouse, with the KPI history beside it, and counts the
passes over the ratings: every call of the satisfaction area's outlet_counts hook through
summary.registry.KpiSource, with the months it covered and its seconds.

Two ways, each on a fresh KpiSource after one warm-up run that fills the KPI history (so both read
the areas' rows from the history and differ only in the ratings):
  as_before  the back-test declares its span inside backtest.pairs, after the two signals calls;
  declared   summary.backtest.declare_span before the first signals call (notebook 90 since
             2026-12-03).
Since 2026-12-03 (evening) the warm-up also stores every month's warning signals in the history
(engine.history_frames), so the measured runs compute no signals and make no ratings pass; the
counts of signals computed and the CPU time (this process) are printed beside the wall time.
With --passes-only, only the ratings passes themselves (the satisfaction area's outlet_counts for
the months each way asks), without the areas' rows: what the declared span saves on a warehouse whose
other tables are not loaded yet.
Usage: `.venv/bin/python benchmarks/summary_nb90.py --warehouse W [--month 2026-10] [--cprofile]
[--passes-only]`.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time


def run(warehouse: str, month: str, declared: bool, profile: bool = False) -> dict:
    from svc_analysis.core.periods import previous_month
    from svc_analysis.pack.notebook import setup
    from svc_analysis.summary import backtest, early_warning, highlights, scorecard
    from svc_analysis.summary.registry import KpiSource

    ctx = setup(month=month, warehouse=warehouse)
    source = ctx.kpi_source()
    passes, computed_signals = [], []
    count, compute_signals = KpiSource._count_satisfaction, early_warning._signals
    early_warning._signals = lambda src, m: computed_signals.append(m) or compute_signals(src, m)

    def counted(self, months):
        started = time.perf_counter()
        out = count(self, months)
        passes.append((min(months), max(months), len(months), time.perf_counter() - started))
        return out

    KpiSource._count_satisfaction = counted
    steps = {}
    cpu = time.process_time()
    profiler = cProfile.Profile() if profile else None
    try:
        if profiler:
            profiler.enable()
        sm, ew = ctx.params.summary, ctx.params.summary.early_warning
        t = time.perf_counter()
        if declared:
            backtest.declare_span(source, ctx.month)
        scorecard.scorecard(source, ctx.month, sm, ctx.params.campaign)
        steps["scorecard"] = time.perf_counter() - t
        t = time.perf_counter()
        early_warning.score(early_warning.signals(source, ctx.month), ew)
        early_warning.score(early_warning.signals(source, previous_month(ctx.month)), ew)
        steps["signals (month, previous)"] = time.perf_counter() - t
        t = time.perf_counter()
        highlights.month_clusters(ctx.con, ctx.params, ctx.scope, ctx.period)
        steps["clusters"] = time.perf_counter() - t
        t = time.perf_counter()
        backtest.backtest(source, ctx.month)
        steps["back-test"] = time.perf_counter() - t
        if profiler:
            profiler.disable()
        cpu = time.process_time() - cpu
    finally:
        KpiSource._count_satisfaction = count
        early_warning._signals = compute_signals
        ctx.close()
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return {"steps": steps, "passes": passes, "computed": source.calls(), "reused": source.reused(), "cpu": cpu,
            "signals_computed": len(computed_signals)}


def passes_only(warehouse: str, month: str) -> None:
    from svc_analysis.core import areas
    from svc_analysis.core.periods import months_between, previous_month
    from svc_analysis.pack.notebook import setup
    from svc_analysis.summary import backtest
    from svc_analysis.summary.registry import KpiSource

    ctx = setup(month=month, warehouse=warehouse)
    signal_months = areas.hook("signal_months")
    count = KpiSource._count_satisfaction
    passes = []

    def counted(self, months):
        started = time.perf_counter()
        out = count(self, months)
        passes.append((min(months), max(months), len(months), time.perf_counter() - started, len(out)))
        return out

    KpiSource._count_satisfaction = counted
    try:
        for declared in (False, True):
            passes.clear()
            source = KpiSource(ctx.con, ctx.scope, ctx.params)  # no history: outlet_counts is never stored
            started = time.perf_counter()
            if declared:
                backtest.declare_span(source, ctx.month)
            source.satisfaction_counts(signal_months(ctx.month, ctx.params))
            source.satisfaction_counts(signal_months(previous_month(ctx.month), ctx.params))
            backtest.declare_span(source, ctx.month)  # as backtest.pairs does
            for m in backtest.tested_months(ctx.month, ctx.params.summary.early_warning.backtest.months):
                source.satisfaction_counts(signal_months(m, ctx.params))
            seconds = time.perf_counter() - started
            span = source._cache["satisfaction_span"][0]
            print(f"{'declared' if declared else 'as_before'}: {seconds:.1f} s for the ratings of "
                  f"{min(span)}..{max(span)} ({len(months_between(min(span), max(span)))} months); "
                  f"load average {os.getloadavg()[0]:.1f}")
            for first, last, n, pass_seconds, rows in passes:
                print(f"  ratings pass {first}..{last} ({n} months): {pass_seconds:.1f} s, {rows:,} outlet-month rows")
    finally:
        KpiSource._count_satisfaction = count
        ctx.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--passes-only", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    if args.passes_only:
        passes_only(args.warehouse, args.month)
        return
    warm = run(args.warehouse, args.month, declared=True)
    print(f"warm-up: area row sets computed {warm['computed']}, reused {warm['reused']}; "
          f"months of warning signals computed {warm['signals_computed']}")
    for declared in (False, True):
        result = run(args.warehouse, args.month, declared, profile=args.cprofile)
        name = "declared" if declared else "as_before"
        total = sum(result["steps"].values())
        print(f"\n{name}: {total:.1f} s in all, CPU {result['cpu']:.1f} s; row sets computed {result['computed']}, "
              f"reused {result['reused']}; months of signals computed {result['signals_computed']}; "
              f"load average {os.getloadavg()[0]:.1f}")
        for step, seconds in result["steps"].items():
            print(f"  {step:28s} {seconds:7.1f} s")
        for first, last, n, seconds in result["passes"]:
            print(f"  ratings pass {first}..{last} ({n} months): {seconds:.1f} s")


if __name__ == "__main__":
    main()
