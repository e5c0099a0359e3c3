"""Star ratings of tellers and skill tests of staff, with scenario calibration at end_month.

Star ratings (星级柜员, seed 002 "dynamic management"): a teller is first assessed some months after
joining, then re-assessed about once a year (sometimes a cycle is skipped, so the rating lapses);
each re-assessment may upgrade (+1) or downgrade (-1); a rating is valid for two years.

Skill tests: tellers (and some customer managers) take the business-expert test within a year of
joining, front-line staff often take counter English, lobby managers take sign language; a failed
test is retaken a few months later.

Calibration makes the end_month rates exact for the scenarios (scenarios.STAR_*, EXPERT_*): the
star branch's rate is set to STAR_BRANCH_RATE by downgrading latest ratings to 0 stars, the other
branches are lifted to at least STAR_OTHER_MIN_RATE by upgrading 0-star ratings; the expert rate
likewise by turning passes into fails or fails into passes.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd

from svc_analysis.core import periods
from svc_analysis.engine.sample import organisation as org
from svc_analysis.engine.sample import scenarios as sc
from svc_analysis.engine.sample.staff import in_service

VALID_DAYS = 2 * 365 - 1
FIRST_STARS = np.array([0.08, 0.30, 0.30, 0.20, 0.10, 0.02])  # 0-5 stars, experienced teller
NEW_HIRE_STARS = np.array([0.30, 0.50, 0.20, 0.0, 0.0, 0.0])
# test -> (who takes it: roles and share, first attempt days after hire, pass probability)
TESTS = {
    "expert": ({"teller": 1.0, "customer_manager": 0.3}, (60, 330), 0.75),
    "english": ({"teller": 0.4, "lobby_manager": 0.5}, (90, 700), 0.70),
    "sign_language": ({"lobby_manager": 0.95, "teller": 0.05}, (30, 200), 0.85),
}
RETEST_DAYS, RETEST_PASS, MAX_ATTEMPTS = (60, 150), 0.85, 3


def _d(day: date, days) -> date:
    return day + timedelta(days=int(days))


def star_ratings(staff: pd.DataFrame, window: org.Window, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for sid, role, hired, left in staff[["staff_id", "role", "hired_on", "left_on"]].itertuples(index=False):
        if role != "teller":
            continue
        stop = min(left, window.end) if left is not None else window.end
        if _d(hired, 150) < window.history_start:
            day, stars = _d(window.history_start, rng.integers(0, 365)), int(rng.choice(6, p=FIRST_STARS))
        else:
            day, stars = _d(hired, rng.integers(150, 300)), int(rng.choice(6, p=NEW_HIRE_STARS))
        while day < stop:
            rows.append((sid, day, stars, _d(day, VALID_DAYS)))
            day = _d(day, rng.integers(330, 400) * (2 if rng.random() < 0.06 else 1))
            step = rng.random()
            if stars == 0:
                stars = int(step < 0.6)
            else:
                stars = int(np.clip(stars + (step < 0.25) - (step > 0.9), 0, 5))
    return pd.DataFrame(rows, columns=["staff_id", "assessed_on", "stars", "valid_until"])


def skill_tests(staff: pd.DataFrame, window: org.Window, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for sid, role, hired, left in staff[["staff_id", "role", "hired_on", "left_on"]].itertuples(index=False):
        stop = min(left, window.end) if left is not None else window.end
        for test, (roles, (lo, hi), p_pass) in TESTS.items():
            if rng.random() >= roles.get(role, 0.0):
                continue
            day, p = _d(hired, rng.integers(lo, hi)), p_pass
            for _ in range(MAX_ATTEMPTS):
                if day >= stop:
                    break
                passed = bool(rng.random() < p)
                rows.append((sid, test, day, passed))
                if passed:
                    break
                day, p = _d(day, rng.integers(*RETEST_DAYS)), RETEST_PASS
    return pd.DataFrame(rows, columns=["staff_id", "test", "tested_on", "passed"])


def _tellers_at(staff: pd.DataFrame, day: date) -> pd.DataFrame:
    return staff[(staff["role"] == "teller") & in_service(staff, day)]


def _flips(n_have: int, n_total: int, target: float, at_least: bool) -> int:
    """How many 'has' must be added (> 0) or removed (< 0) to reach the target rate."""
    if n_total == 0:
        return 0
    if at_least:
        return max(math.ceil(target * n_total) - n_have, 0)
    return math.floor(target * n_total) - n_have


def calibrate_stars(ratings: pd.DataFrame, staff: pd.DataFrame, plan: sc.Plan,
                    rng: np.random.Generator) -> pd.DataFrame:
    """Set the star branch's end_month rate to STAR_BRANCH_RATE, others to >= STAR_OTHER_MIN_RATE."""
    day = periods.month_end(plan.end_month)
    ratings = ratings.copy()
    tellers = _tellers_at(staff, day)
    eligible = ratings[ratings["assessed_on"] <= day]
    latest = eligible.loc[eligible.groupby("staff_id", sort=True)["assessed_on"].idxmax()]
    latest = latest[latest["valid_until"] >= day].set_index("staff_id")
    for branch, grp in tellers.groupby("_branch", sort=True):
        ids = grp["staff_id"].to_numpy()
        stars = latest["stars"].reindex(ids)
        have = int((stars >= 1).sum())
        scenario = branch == plan.star_branch
        # other branches get a floor a little above the minimum so that they do not all land on it
        floor = sc.STAR_OTHER_MIN_RATE + rng.uniform(0.0, 0.05)
        k = _flips(have, ids.size, sc.STAR_BRANCH_RATE if scenario else floor, not scenario)
        if k < 0:
            pool, new = stars.index[stars >= 1].to_numpy(), 0
        else:
            pool, new = stars.index[stars == 0].to_numpy(), 1
        chosen = rng.permutation(pool)[: abs(k)]
        rows = latest.loc[chosen, "assessed_on"]
        mask = ratings["staff_id"].isin(chosen) & (ratings["assessed_on"] == ratings["staff_id"].map(rows))
        ratings.loc[mask, "stars"] = new
        if k > chosen.size:  # not enough 0-star ratings: assess tellers without a valid rating
            hired = grp.set_index("staff_id")["hired_on"]
            unrated = rng.permutation(stars.index[stars.isna()].to_numpy())[: k - chosen.size]
            extra = [(sid, max(hired[sid], day - timedelta(days=45)), 1, None) for sid in unrated]
            extra = [(sid, on, n, _d(on, VALID_DAYS)) for sid, on, n, _ in extra]
            ratings = pd.concat([ratings, pd.DataFrame(extra, columns=ratings.columns)], ignore_index=True)
    return ratings.sort_values(["staff_id", "assessed_on"], kind="stable").reset_index(drop=True)


def calibrate_expert(tests: pd.DataFrame, staff: pd.DataFrame, plan: sc.Plan,
                     rng: np.random.Generator) -> pd.DataFrame:
    """Set the expert branch's end_month rate to EXPERT_BRANCH_RATE, others to >= EXPERT_OTHER_MIN_RATE.

    Expert rate = tellers in service with a passed expert test on or before month end / tellers in
    service (the contract's default 应测人员 are tellers).
    """
    day = periods.month_end(plan.end_month)
    tests = tests.copy()
    tellers = _tellers_at(staff, day)
    expert = tests[(tests["test"] == "expert") & (tests["tested_on"] <= day)]
    passed = set(expert.loc[expert["passed"], "staff_id"])
    added = []
    for branch, grp in tellers.groupby("_branch", sort=True):
        ids = grp["staff_id"].to_numpy()
        has = np.array([i in passed for i in ids])
        scenario = branch == plan.expert_branch
        k = _flips(int(has.sum()), ids.size, sc.EXPERT_BRANCH_RATE if scenario else sc.EXPERT_OTHER_MIN_RATE,
                   not scenario)
        if k < 0:
            chosen = rng.permutation(ids[has])[:-k]
            tests.loc[tests["staff_id"].isin(chosen) & (tests["test"] == "expert"), "passed"] = False
            continue
        hired = grp.set_index("staff_id")["hired_on"]
        for sid in rng.permutation(ids[~has])[:k]:
            fails = tests.index[(tests["staff_id"] == sid) & (tests["test"] == "expert") & (tests["tested_on"] <= day)]
            if len(fails):
                tests.loc[fails[-1], "passed"] = True
            else:
                added.append((sid, "expert", max(hired[sid], day - timedelta(days=20)), True))
    if added:
        tests = pd.concat([tests, pd.DataFrame(added, columns=tests.columns)], ignore_index=True)
    return tests.sort_values(["staff_id", "test", "tested_on"], kind="stable").reset_index(drop=True)
