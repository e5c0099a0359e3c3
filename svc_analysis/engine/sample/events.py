"""Questionnaire surveys and inspections (mystery shopper, video, on-site).

Surveys: about SURVEYS_PER_OUTLET_MONTH answers per staffed outlet and month; a latent opinion
driven by the outlet's quality gives the overall score, the four dimensions (with noise) and the
0-10 recommend score; the overtime outlet's efficiency score drops in its overtime months; about
COMMENT_SHARE of answers carry a Chinese comment.

Inspections (seed 003): a quarterly mystery-shopper round in the first weeks of each quarter covers
ROUND_COVERAGE of the staffed outlets, rotating so that four rounds reach every outlet; scores
mostly 88-99 by quality; an outlet below RECHECK_BELOW is re-inspected 10-14 days later (is_recheck).
Scenario 5: the mystery outlet is in each of the latest rounds with a failing score and a failing
re-check. Tier-1 branches run VIDEO_PER_BRANCH_WEEK video checks a week; a few on-site checks a month.
"""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pandas as pd

from svc_analysis.core import periods
from svc_analysis.engine.sample import organisation as org
from svc_analysis.engine.sample import scenarios as sc
from svc_analysis.engine.sample import texts

SURVEYS_PER_OUTLET_MONTH = 3.0
COMMENT_SHARE = 0.45
ROUND_COVERAGE = 0.70  # above the 60 % quarterly coverage target
RECHECK_BELOW = 85.0  # mirrors params inspections.recheck_below: the simulated bank follows the rule
VIDEO_PER_BRANCH_WEEK = 2
ONSITE_SHARE_PER_MONTH = 0.05


def surveys(outlets: pd.DataFrame, plan: sc.Plan, window: org.Window, rng: np.random.Generator) -> pd.DataFrame:
    staffed = outlets[outlets["outlet_type"] != org.SELF_SERVICE].reset_index(drop=True)
    frames = []
    for month in window.months:
        first, days = np.datetime64(periods.month_start(month), "D"), periods.days_in_month(month)
        index = np.repeat(np.arange(len(staffed)), rng.poisson(SURVEYS_PER_OUTLET_MONTH, len(staffed)))
        answered = first + rng.integers(0, days, index.size)
        keep = org.open_on(staffed, index, answered)
        index, answered = index[keep], answered[keep]
        n = index.size
        if not n:
            continue
        rows = {"outlet_id": staffed["outlet_id"].to_numpy()[index], "answered_on": answered.astype(object),
                "_q": staffed["_quality"].to_numpy()[index]}
        frame = pd.DataFrame(rows)
        latent = 3.4 + 1.6 * frame["_q"].to_numpy() + rng.normal(0, 0.6, n)
        dims = {name: np.clip(np.round(latent + rng.normal(0, 0.5, n)), 1, 5).astype(int)
                for name in ("environment", "attitude", "efficiency", "professionalism")}
        if month in plan.overtime_months:
            slow = frame["outlet_id"].to_numpy() == plan.overtime_outlet
            dims["efficiency"] = np.where(slow, np.clip(dims["efficiency"] - 2, 1, 5), dims["efficiency"])
        overall = np.clip(np.round(latent), 1, 5).astype(int)
        recommend = np.clip(np.round((latent - 1) / 4 * 10 + rng.normal(0, 1.2, n)), 0, 10).astype(int)
        good = np.array(texts.SURVEY_COMMENTS_GOOD, dtype=object)[rng.integers(0, len(texts.SURVEY_COMMENTS_GOOD), n)]
        bad = np.array(texts.SURVEY_COMMENTS_BAD, dtype=object)[rng.integers(0, len(texts.SURVEY_COMMENTS_BAD), n)]
        comment = np.where(rng.random(n) < COMMENT_SHARE, np.where(overall >= 4, good, bad), None)
        frame = frame.drop(columns="_q").assign(overall=overall, **dims, recommend=recommend, comment=comment)
        frame = frame.sort_values(["answered_on", "outlet_id"], kind="stable").reset_index(drop=True)
        frame.insert(0, "response_id", [f"WJ{month.replace('-', '')}{k + 1:05d}" for k in range(n)])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _score(rng, quality: float, low: float = 80.0) -> float:
    """A mystery/video score: mostly 88-99, rounded to half points."""
    return float(np.clip(round((87.5 + 9.0 * quality + rng.normal(0, 2.5)) * 2) / 2, low, 100.0))


def round_months(window: org.Window) -> list[str]:
    """The first month of every quarter in the window (and the window's first month, when the window
    starts inside a quarter): quarterly rounds happen then."""
    months = window.months
    return [m for k, m in enumerate(months) if int(m[5:]) % 3 == 1 or k == 0]


def inspections(outlets: pd.DataFrame, plan: sc.Plan, window: org.Window, rng: np.random.Generator) -> pd.DataFrame:
    staffed = outlets[outlets["outlet_type"] != org.SELF_SERVICE].reset_index(drop=True)
    quality = staffed.set_index("outlet_id")["_quality"]
    rows: list[tuple] = []
    rounds = round_months(window)
    failing = set(rounds[-sc.MYSTERY_ROUNDS:])
    perms: dict[int, np.ndarray] = {}
    for month in rounds:
        year, q = int(month[:4]), (int(month[5:]) - 1) // 3
        perm = perms.setdefault(year, rng.permutation(len(staffed)))
        take = math.ceil(ROUND_COVERAGE * len(staffed))
        chosen = {staffed["outlet_id"].iat[perm[(q * len(staffed) // 4 + j) % len(staffed)]] for j in range(take)}
        if month in failing:
            chosen.add(plan.mystery_outlet)
        first, last = periods.month_start(month), periods.month_end(month)
        for outlet_id in sorted(chosen):
            day = first + timedelta(days=int(rng.integers(2, 16)))
            if not org.open_mask(staffed[staffed["outlet_id"] == outlet_id], day)[0]:
                continue
            fail = month in failing and outlet_id == plan.mystery_outlet
            score = round(rng.uniform(*sc.MYSTERY_SCORE_RANGE) * 2) / 2 if fail else _score(rng, quality[outlet_id])
            rows.append((outlet_id, day, "mystery", score, False))
            if score < RECHECK_BELOW:
                again = min(day + timedelta(days=int(rng.integers(10, 15))), last)
                re_score = (round(rng.uniform(sc.MYSTERY_SCORE_RANGE[0] + 2, sc.MYSTERY_SCORE_RANGE[1]) * 2) / 2
                            if fail else round(rng.uniform(86, 93) * 2) / 2)
                rows.append((outlet_id, again, "mystery", re_score, True))
    rows += _video_and_onsite(staffed, window, quality, rng)
    frame = pd.DataFrame(rows, columns=["outlet_id", "inspected_on", "kind", "score", "is_recheck"])
    frame = frame[frame["inspected_on"] < window.end]
    frame = frame.sort_values(["inspected_on", "outlet_id", "kind"], kind="stable").reset_index(drop=True)
    frame.insert(0, "inspection_id", [f"JC{d:%Y%m%d}{k:04d}" for k, d in enumerate(frame["inspected_on"], start=1)])
    return frame


def _video_and_onsite(staffed: pd.DataFrame, window: org.Window, quality: pd.Series, rng) -> list[tuple]:
    rows = []
    monday = window.start + timedelta(days=(7 - window.start.weekday()) % 7)
    while monday < window.end:
        for _, grp in staffed.groupby("branch", sort=True):
            day = monday + timedelta(days=int(rng.integers(1, 4)))
            open_ids = grp["outlet_id"].to_numpy()[org.open_mask(grp, day)]
            for outlet_id in rng.permutation(open_ids)[:VIDEO_PER_BRANCH_WEEK]:
                rows.append((outlet_id, day, "video", _score(rng, quality[outlet_id]), False))
        monday += timedelta(days=7)
    for month in window.months:
        first = periods.month_start(month)
        for outlet_id in staffed["outlet_id"].to_numpy()[rng.random(len(staffed)) < ONSITE_SHARE_PER_MONTH]:
            day = first + timedelta(days=int(rng.integers(0, periods.days_in_month(month))))
            if org.open_mask(staffed[staffed["outlet_id"] == outlet_id], day)[0]:
                rows.append((outlet_id, day, "onsite", _score(rng, quality[outlet_id]), False))
    return rows
