"""Deterministic, realistic sample exports with planted scenarios (`svc sample-data`).

``generate(scale, seed, out_dir, end_month)`` writes one contract-format file per table (formats in
writer.FILES) covering the 24 months ending at end_month, plus the staff, rating and test history
before them, and returns the paths in contract.LOAD_ORDER for ``ingest.ingest_files``.

Determinism: every random draw comes from ``numpy.random.default_rng([seed, *stream])`` with a
fixed stream per generator (and per month for tickets), iteration is over sorted or positional
data only, and nothing reads the clock except the default end_month; the same seed and end_month
give byte-identical CSV files. The scenarios and bad rows are described in scenarios.py and
docs/sample_data.md.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from svc_analysis.core import config
from svc_analysis.core import contract
from svc_analysis.core import periods
from svc_analysis.engine.sample import campaign, complaints, events, organisation, queue, scenarios, skills, staff, writer
from svc_analysis.engine.sample.organisation import SCALES, Window
from svc_analysis.engine.sample.scenarios import Plan, make_plan

__all__ = ["generate", "plan_for", "SCALES", "Plan"]

DEFAULT_SEED = 20261
# one random stream per generator: adding a generator never shifts another one's draws
STREAMS = {"outlets": 1, "staff": 2, "stars": 3, "stars_fix": 4, "tests": 5, "tests_fix": 6, "complaints": 7,
           "praises": 8, "surveys": 9, "inspections": 10, "campaign": 11, "submissions": 12, "queue": 100}


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, *stream])


def plan_for(scale: str, seed: int = DEFAULT_SEED, end_month: str | None = None) -> Plan:
    """The scenario plan generate() uses for these arguments (without generating anything)."""
    window = Window(periods.parse_month(end_month) if end_month else periods.last_complete_month())
    outlets = organisation.build_outlets(organisation.scale(scale), window, _rng(seed, STREAMS["outlets"]))
    return make_plan(outlets, window)


class _Progress:
    def __init__(self, enabled: bool):
        self.enabled, self.start = enabled, time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.enabled:
            print(f"[样例数据 {time.perf_counter() - self.start:6.1f} 秒] {message}", file=sys.stderr, flush=True)


def generate(scale: str, seed: int = DEFAULT_SEED, out_dir: Path | None = None, end_month: str | None = None,
             progress: bool = True) -> list[Path]:
    """Write the sample exports for ``scale`` (tiny | small | province); return paths in LOAD_ORDER."""
    spec = organisation.scale(scale)
    window = Window(periods.parse_month(end_month) if end_month else periods.last_complete_month())
    out = Path(out_dir) if out_dir is not None else config.sample_dir(scale)
    out.mkdir(parents=True, exist_ok=True)
    say = _Progress(progress)
    say(f"{scale} 规模：{window.months[0]} 至 {window.end_month}，随机数种子 {seed}，写入 {out}")

    outlets = organisation.build_outlets(spec, window, _rng(seed, STREAMS["outlets"]))
    plan = make_plan(outlets, window)
    people = staff.build_staff(outlets, window, _rng(seed, STREAMS["staff"]))
    stars = skills.calibrate_stars(skills.star_ratings(people, window, _rng(seed, STREAMS["stars"])), people, plan,
                                   _rng(seed, STREAMS["stars_fix"]))
    tests = skills.calibrate_expert(skills.skill_tests(people, window, _rng(seed, STREAMS["tests"])), people, plan,
                                    _rng(seed, STREAMS["tests_fix"]))
    paths = {
        "outlets": writer.write_frame(out, "outlets", outlets),
        "staff": writer.write_frame(out, "staff", people),
        "star_ratings": writer.write_frame(out, "star_ratings", stars),
        "skill_tests": writer.write_frame(out, "skill_tests", tests),
    }
    say(f"网点 {len(outlets)} 个，员工 {len(people)} 人，星级评定 {len(stars)} 条，技能测试 {len(tests)} 条")

    served = []
    with writer.StreamWriter(out, "tickets") as tw, writer.StreamWriter(out, "ratings") as rw:
        for k, month in enumerate(window.months):
            tickets, ratings, aggregates = queue.month_tables(outlets, plan, month, window.start,
                                                              _rng(seed, STREAMS["queue"], k))
            tw.write(tickets)
            rw.write(ratings)
            served.append(aggregates)
            say(f"{month}：排队 {tickets.num_rows:,} 条，评价 {ratings.num_rows:,} 条")
    paths["tickets"], paths["ratings"] = tw.path, rw.path
    served_all = pd.concat(served, ignore_index=True)

    tables = {
        "complaints": complaints.complaints(served_all, outlets, people, plan, window.snapshot,
                                            _rng(seed, STREAMS["complaints"])),
        "praises": complaints.praises(served_all, people, _rng(seed, STREAMS["praises"])),
        "surveys": events.surveys(outlets, plan, window, _rng(seed, STREAMS["surveys"])),
        "inspections": events.inspections(outlets, plan, window, _rng(seed, STREAMS["inspections"])),
        "campaign_actuals": campaign.actuals(outlets, plan, _rng(seed, STREAMS["campaign"])),
        "report_submissions": campaign.submissions(outlets, plan, window, _rng(seed, STREAMS["submissions"])),
    }
    for name, frame in tables.items():
        paths[name] = writer.write_frame(out, name, frame)
        say(f"{contract.TABLES[name].zh[0]}：{len(frame):,} 行")
    for label, where in scenarios.describe(plan):
        say(f"情景 {label}：{where}")
    return [paths[name] for name in contract.LOAD_ORDER]
