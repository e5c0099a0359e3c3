"""outcomes.py: per-outlet outcomes on a hand-built warehouse; correlation against scipy."""

import math
from datetime import date, datetime

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

matplotlib.use("Agg")

from svc_analysis.staff import outcomes  # noqa: E402
from tests.staff import support as fx  # noqa: E402

OUTLETS = [(f"O{i}", f"{i}号网点", "S1", "B1", "standard", date(2000, 1, 1), None) for i in range(1, 6)]


def _ratings():
    oct_ = datetime(2026, 10, 10, 10, 0)
    rows = [("O1", oct_, s) for s in (5, 4, 3, 2)] + [("O2", oct_, s) for s in (5, 5, 5, 1)]
    rows += [("O3", oct_, 5)] * 3 + [("O3", datetime(2026, 10, 31, 23, 59, 59), 5)]  # last second: in
    rows += [("O1", datetime(2026, 9, 30, 12, 0), 1),       # September: only in a 2-month window
             ("O2", datetime(2026, 11, 1, 0, 0), 1)]        # November: never
    return rows


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = fx.build(tmp_path_factory.mktemp("outcomes") / "w.duckdb", outlets=OUTLETS, staff=[], ratings=[],
                   tests=[])
    con.executemany("INSERT INTO ratings (outlet_id, rated_at, score) VALUES (?, ?, ?)", _ratings())
    t = datetime(2026, 10, 5, 9, 0)
    tickets = [(f"A{i}", "O1", t, t) for i in range(3)] + [("A9", "O1", t, None)]  # 1 left unserved
    tickets += [(f"B{i}", "O2", t, t) for i in range(2)] + [("D1", "O4", t, t)]
    con.executemany("INSERT INTO tickets (ticket_id, outlet_id, taken_at, called_at) VALUES (?, ?, ?, ?)", tickets)
    complaints = [("C1", t, "hotline", "O1", "attitude", True), ("C2", t, "hotline", "O4", "skill", True),
                  ("C3", t, "letter", "O4", "fees", False), ("C4", t, "hotline", "O5", "other", False)]
    con.executemany("INSERT INTO complaints (complaint_id, received_at, channel, outlet_id, category, responsible) "
                    "VALUES (?, ?, ?, ?, ?, ?)", complaints)
    yield con
    con.close()


def test_outlet_outcomes_one_month(con):
    out = outcomes.outlet_outcomes(con, "2026-10", months=1, satisfied_min_score=4, per_customers=10_000)
    out = out.set_index("outlet_id")
    assert out.loc["O1", ["ratings", "satisfied", "served", "complaints"]].tolist() == [4, 2, 3, 1]
    assert out.at["O1", "satisfaction"] == pytest.approx(0.5)
    assert out.at["O2", "satisfaction"] == pytest.approx(0.75)
    assert out.at["O3", "satisfaction"] == pytest.approx(1.0)           # 23:59:59 on the 31st counts
    assert out.at["O1", "complaint_rate"] == pytest.approx(10_000 / 3)  # 1 complaint / 3 served
    assert out.at["O2", "complaint_rate"] == 0
    assert out.at["O4", "complaint_rate"] == pytest.approx(20_000)      # 2 / 1
    assert math.isnan(out.at["O3", "complaint_rate"])                   # no customers served: no data
    assert math.isnan(out.at["O5", "satisfaction"]) and math.isnan(out.at["O5", "complaint_rate"])


def test_outlet_outcomes_window_and_scope(con):
    out = outcomes.outlet_outcomes(con, "2026-10", months=2, satisfied_min_score=4, per_customers=10_000,
                                   outlets=["O1"])
    assert out["outlet_id"].tolist() == ["O1"]
    assert out.loc[0, "satisfaction"] == pytest.approx(2 / 5)  # the September 1 joins
    with pytest.raises(ValueError, match="outcome_months"):
        outcomes.outlet_outcomes(con, "2026-10", months=0, satisfied_min_score=4, per_customers=10_000)


def test_with_star_rate():
    found = pd.DataFrame({"outlet_id": ["O1", "O2", "O3"], "satisfaction": [0.5, 0.7, 0.9]})
    counts = pd.DataFrame({"outlet_id": ["O1", "O2"], "tellers": [4, 0], "star_tellers": [3, 0]})
    out = outcomes.with_star_rate(found, counts).set_index("outlet_id")
    assert out.at["O1", "star_rate"] == pytest.approx(0.75)
    assert math.isnan(out.at["O2", "star_rate"])  # no tellers
    assert "O3" not in out.index                  # no staff in service: not compared


X = [0.55, 0.62, 0.70, 0.74, 0.81, 0.86, 0.90, 0.95, 1.0, np.nan]
Y = [0.86, 0.90, 0.88, 0.93, 0.91, 0.95, 0.94, 0.97, 0.96, 0.99]


@pytest.mark.parametrize("level", [0.95, 0.90])
def test_pearson_matches_scipy(level):
    res = outcomes.pearson(X, Y, level)
    ref = stats.pearsonr(X[:-1], Y[:-1])  # the pair with a missing x is left out
    ci = ref.confidence_interval(confidence_level=level)
    assert res["n"] == 9
    assert res["r"] == pytest.approx(ref.statistic)
    assert (res["low"], res["high"]) == (pytest.approx(ci.low), pytest.approx(ci.high))


def test_pearson_fisher_by_hand():
    # r = 0.5 exactly needs data; check the transform instead on x, y with r computed by numpy
    x, y = [1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5]
    r = np.corrcoef(x, y)[0, 1]                 # 0.8285714...
    z, se = math.atanh(r), 1 / math.sqrt(6 - 3)
    res = outcomes.pearson(x, y, 0.95)
    assert res["low"] == pytest.approx(math.tanh(z - 1.959964 * se), abs=1e-6)
    assert res["high"] == pytest.approx(math.tanh(z + 1.959964 * se), abs=1e-6)


def test_pearson_undefined_cases():
    assert math.isnan(outcomes.pearson([1, 2, 3], [3, 1, 2], 0.95)["r"])          # n < 4
    assert math.isnan(outcomes.pearson([1, 1, 1, 1], [1, 2, 3, 4], 0.95)["r"])    # x constant
    perfect = outcomes.pearson([1, 2, 3, 4], [2, 4, 6, 8], 0.95)
    assert perfect["r"] == pytest.approx(1.0) and perfect["low"] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="confidence"):
        outcomes.pearson(X, Y, 95)


def test_fit_line_matches_linregress():
    ref = stats.linregress(X[:-1], Y[:-1])
    intercept, slope = outcomes.fit_line(X, Y)
    assert (intercept, slope) == (pytest.approx(ref.intercept), pytest.approx(ref.slope))
    assert all(math.isnan(v) for v in outcomes.fit_line([1, 1], [1, 2]))


def test_sentences_say_association_not_cause():
    frame = pd.DataFrame({"star_rate": X, "satisfaction": Y, "complaint_rate": [0.0] * 10})
    table = outcomes.correlations(frame, 0.95)
    sat, comp = (outcomes.sentence(row) for _, row in table.iterrows())
    r = stats.pearsonr(X[:-1], Y[:-1]).statistic
    assert f"r = {r:.2f}" in sat and "正相关" in sat and "不代表因果" in sat and "9 个网点" in sat
    assert "无法估计" in comp and "没有差异" in comp
    weak = outcomes.correlations(pd.DataFrame({"star_rate": [1, 2, 3, 4, 5], "satisfaction": [2, 1, 3, 1, 2],
                                               "complaint_rate": [1, 2, 3, 4, 5]}), 0.95)
    assert "区间包含 0" in outcomes.sentence(weak.iloc[0])


def test_plot_has_two_panels_even_without_data():
    import matplotlib.pyplot as plt

    from svc_analysis.views import plotting

    plotting.setup()
    empty = pd.DataFrame({"star_rate": [], "satisfaction": [], "complaint_rate": []}, dtype="float64")
    fig = outcomes.plot(empty, outcomes.correlations(empty, 0.95))
    assert len(fig.axes) == 2
    plt.close(fig)
