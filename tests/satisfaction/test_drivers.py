"""drivers.py: LMG / Shapley decomposition of R², against OLS fits and permutation averages."""

from itertools import permutations

import numpy as np
import pandas as pd
import pytest
from statsmodels.regression.linear_model import OLS
from statsmodels.tools import add_constant

from svc_analysis.satisfaction import drivers
from svc_analysis.satisfaction import surveys
from svc_analysis.engine import warehouse

DIMS = list(surveys.DIMENSIONS)


def _answers(n=400, seed=3):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    data = {d: np.clip(np.round(3.8 + 0.8 * latent * w + rng.normal(0, 0.7, n)), 1, 5)
            for d, w in zip(DIMS, (0.5, 1.2, 0.8, 0.3))}
    data["overall"] = np.clip(np.round(3.8 + 0.9 * latent + rng.normal(0, 0.5, n)), 1, 5)
    return pd.DataFrame(data)


def _reference_lmg(frame):
    """LMG the slow, independent way: statsmodels OLS R² per subset, averaged over all 24 orders."""
    def r2(cols):
        if not cols:
            return 0.0
        return OLS(frame["overall"], add_constant(frame[list(cols)])).fit().rsquared
    cache, totals = {}, dict.fromkeys(DIMS, 0.0)
    orders = list(permutations(DIMS))
    for order in orders:
        for k, d in enumerate(order):
            before, after = frozenset(order[:k]), frozenset(order[:k + 1])
            for s in (before, after):
                if s not in cache:
                    cache[s] = r2(sorted(s))
            totals[d] += cache[after] - cache[before]
    return pd.Series({d: v / len(orders) for d, v in totals.items()}), cache[frozenset(DIMS)]


def test_lmg_matches_ols_and_permutations():
    frame = _answers()
    corr = frame[["overall", *DIMS]].corr()
    shares = drivers.lmg(corr)
    reference, full_r2 = _reference_lmg(frame)
    assert shares.to_numpy() == pytest.approx(reference[DIMS].to_numpy(), abs=1e-10)
    assert shares.sum() == pytest.approx(full_r2, abs=1e-10)
    assert shares.idxmax() == "attitude"  # the strongest simulated driver


def test_uncorrelated_predictors_get_their_squared_correlation():
    corr = pd.DataFrame(np.eye(5), index=["overall", *DIMS], columns=["overall", *DIMS])
    for d, r in zip(DIMS, (0.1, 0.5, 0.3, 0.2)):
        corr.loc["overall", d] = corr.loc[d, "overall"] = r
    assert drivers.lmg(corr).tolist() == pytest.approx([0.01, 0.25, 0.09, 0.04])
    assert drivers.r_squared(corr, "overall", []) == 0.0


def test_constant_score_is_refused():
    corr = pd.DataFrame(np.eye(5), index=["overall", *DIMS], columns=["overall", *DIMS])
    corr.loc["overall", "efficiency"] = corr.loc["efficiency", "overall"] = np.nan
    with pytest.raises(ValueError, match="no variation"):
        drivers.lmg(corr)


def test_correlations_from_the_engine_and_importance_performance(tmp_path):
    frame = _answers(120)
    frame.loc[0, "efficiency"] = np.nan  # an incomplete answer is left out of the correlations
    con = warehouse.connect(tmp_path / "w.duckdb")
    warehouse.ensure_schema(con)
    rows = [(f"R{i}", "O1", "2026-10-05", *(None if pd.isna(v) else int(v) for v in r), None, None)
            for i, r in enumerate(frame[["overall", *DIMS]].itertuples(index=False))]
    con.executemany("INSERT INTO surveys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    corr, n = drivers.correlations(con, ["2026-10"])
    complete = frame.dropna()
    assert n == 119
    assert corr.to_numpy() == pytest.approx(complete[["overall", *DIMS]].corr().to_numpy(), abs=1e-9)
    scores = surveys.dimension_scores(con, ["2026-10"], csat_min_score=4)
    table = drivers.importance_performance(corr, scores)
    assert table["importance"].sum() == pytest.approx(1.0)
    assert table["performance"].tolist() == pytest.approx(frame[DIMS].mean().tolist())
    assert set(table["quadrant"]) <= {"improve", "keep", "secondary", "maintain"}
    best = table.sort_values("importance").iloc[-1]
    assert best["measure"] == "attitude" and best["quadrant"] in {"keep", "improve"}
    text = drivers.sentence(table, n, ("2026-10", "2026-10"))
    assert "共 119 份完整答卷" in text and "态度的贡献最大" in text
    con.close()


def test_key_drivers_needs_enough_answers(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    warehouse.ensure_schema(con)
    rows = [(f"R{i}", "O1", "2026-10-05", 5 - i % 2, 5, 4 + i % 2, 3 + i % 3, 5 - i % 3, None, None) for i in range(5)]
    con.executemany("INSERT INTO surveys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    scores = surveys.dimension_scores(con, ["2026-10"], csat_min_score=4)
    assert drivers.key_drivers(con, ["2026-10"], scores) == (None, 5)  # 5 answers, 5 parameters
    con.executemany("INSERT INTO surveys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(f"S{i}", "O1", "2026-10-06", 4, 5, 4, 3, 5, None, None) for i in range(3)])
    scores = surveys.dimension_scores(con, ["2026-10"], csat_min_score=4)
    table, n = drivers.key_drivers(con, ["2026-10"], scores)
    assert n == 8 and table is None  # environment is always 5: no variation, no decomposition
    con.close()
