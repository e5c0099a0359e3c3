"""How one benchmark step is measured: its own process, wall and CPU time, peak memory (benchmarks/run.py)."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time

import psutil

__all__ = ["measure", "median_of"]


def measure(cmd: list[str], env: dict | None = None, ok: tuple[int, ...] = (0,)) -> dict:
    """Wall time, CPU time (user + system, the process and its children: less distorted than wall
    time when other work shares the cores), and peak RSS of the largest single process and of the tree.
    ``ok``: the exit codes that count as done (`svc report` and `svc watch` exit 1 when a part failed and
    the rest was published); any other stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = psutil.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE, text=True)
    peak_one = peak_tree = 0
    while proc.poll() is None:
        try:
            procs = [proc, *proc.children(recursive=True)]
            rss = [p.memory_info().rss for p in procs if p.is_running()]
        except psutil.Error:
            rss = []
        if rss:
            peak_one, peak_tree = max(peak_one, max(rss)), max(peak_tree, sum(rss))
        time.sleep(0.1)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    stderr = proc.stderr.read()
    if proc.returncode not in ok:
        raise SystemExit(f"benchmark step failed ({proc.returncode}): {' '.join(cmd)}\n{stderr[-2000:]}")
    return {"wall_s": wall, "cpu_s": cpu, "peak_mb": peak_one / 2**20, "tree_mb": peak_tree / 2**20}


def median_of(runs: list[dict]) -> dict:
    """One step run several times: the median wall and CPU time, the largest peaks, every wall time."""
    return {"wall_s": statistics.median(r["wall_s"] for r in runs),
            "cpu_s": statistics.median(r["cpu_s"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs), "tree_mb": max(r["tree_mb"] for r in runs),
            "walls": sorted(r["wall_s"] for r in runs)}
