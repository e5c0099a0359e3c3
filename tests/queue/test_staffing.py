"""staffing.py: Erlang B/C against hand calculations, closed forms and textbook values, the window
search by hand, and the per-outlet load on the hand-built warehouse (tests/queue/support.py)."""

import math

import pytest

from svc_analysis.queue import windows as S
from tests.queue.support import MONTH, build


def erlang_c_by_sum(c, a):
    """Independent reference: the textbook closed form with the explicit sum."""
    top = a ** c / math.factorial(c) * c / (c - a)
    return top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)


def test_hand_calculation_two_servers_one_erlang():
    # B(1) = 1/2, B(2) = 0.5/(2 + 0.5) = 0.2; C = 2 x 0.2 / (2 - 1 x 0.8) = 1/3
    assert S.erlang_b(2, 1.0) == pytest.approx(0.2)
    assert S.erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # M/M/2 closed form P(wait) = 2 rho^2 / (1 + rho), rho = a / 2
    rho = 0.7
    assert S.erlang_c(2, 2 * rho) == pytest.approx(2 * rho ** 2 / (1 + rho))
    # P(W > 20) with s = 10: (1/3) e^-2
    assert S.prob_wait_over(2, 1.0, 10, 20) == pytest.approx(math.exp(-2) / 3)


def test_single_server_is_rho():
    assert S.erlang_c(1, 0.5) == pytest.approx(0.5)
    assert S.mean_wait(1, 0.5, 10) == pytest.approx(10.0)  # M/M/1: rho s / (1 - rho)


def test_textbook_values():
    # 120 customers an hour, 3 minutes each, 10 assistants: a = 6, "probability of waiting about 0.10"
    assert S.erlang_c(10, 6.0) == pytest.approx(0.1013, abs=5e-4)
    # the classic call-centre example: 10 erlangs on 11 agents wait with probability 0.682
    assert S.erlang_c(11, 10.0) == pytest.approx(0.6821, abs=5e-4)


@pytest.mark.parametrize("c,a", [(3, 2.5), (5, 2.5), (12, 10.0), (40, 33.3), (80, 70.0)])
def test_recursion_matches_the_explicit_sum(c, a):
    assert S.erlang_c(c, a) == pytest.approx(erlang_c_by_sum(c, a), rel=1e-9)


def test_unstable_queue():
    assert S.erlang_c(3, 3.0) == 1.0 and S.prob_wait_over(2, 2.5, 5, 20) == 1.0
    assert S.mean_wait(2, 3.0, 5) == math.inf


def test_windows_needed_by_hand():
    # 30 an hour x 6 min: a = 3. c = 4: C = 0.50943, P(W > 20) = 0.50943 e^(-20/6) = 0.0182 <= 0.05
    assert S.windows_needed(30, 6, 20, 0.95, 30) == 4
    # threshold 5: c = 4 gives 0.50943 e^(-5/6) = 0.221; c = 5: C = 0.23615, x e^(-10/6) = 0.0446
    assert S.windows_needed(30, 6, 5, 0.95, 30) == 5
    assert S.windows_needed(0, 6, 20, 0.95, 30) == 0
    assert S.windows_needed(600, 6, 20, 0.95, 30) is None  # a = 60 erlangs: above the cap


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="service_minutes"):
        S.windows_needed(10, 0, 20, 0.95, 30)
    with pytest.raises(ValueError, match="arrivals_per_hour"):
        S.windows_needed(-1, 5, 20, 0.95, 30)
    with pytest.raises(ValueError):
        S.erlang_b(-1, 2.0)


def test_hourly_load_and_plan(tmp_path):
    con = build(tmp_path / "w.duckdb")
    load = S.hourly_load(con, MONTH, None, 20.0, weekend_days=[5, 6])
    con.close()
    a = load[load["outlet_id"] == "42000101"].set_index(["day_type", "hour"])
    # 甲 weekdays: operating days 5 and 6 Oct; 9h: T1, T2 -> 1 an hour; service (5 + 7 + 6 + 8) / 4 = 6.5
    assert a.loc[("weekday", 9), "operating_days"] == 2 and a.loc[("weekday", 9), "arrivals"] == 1.0
    assert a.loc[("weekday", 9), "service_minutes"] == pytest.approx(6.5)
    assert a.loc[("weekday", 9), "load"] == pytest.approx(6.5 / 60)
    assert a.loc[("weekend", 23), "arrivals"] == 1.0  # 31 Oct is a Saturday
    b = load[load["outlet_id"] == "42000102"]
    assert b["service_minutes"].isna().all()  # no finished_at: no service time, no estimate
    plan = S.staffing_plan(load, 20.0, 0.95, 30)
    assert plan.loc[plan["outlet_id"] == "42000102", "windows_needed"].isna().all()
    assert plan.loc[(plan["outlet_id"] == "42000101") & (plan["hour"] == 9), "windows_needed"].iloc[0] == 1
    wide = S.plan_pivot(plan, "42000101")
    assert wide.index.tolist() == ["工作日", "周末"] and "9时" in wide.columns


def test_peak_windows():
    import pandas as pd
    plan = pd.DataFrame({"outlet_id": ["X"] * 4, "day_type": ["weekday", "weekday", "weekday", "weekend"],
                         "hour": [9, 10, 12, 9], "service_minutes": [8.0] * 4,
                         "windows_needed": pd.array([4, 2, 4, 3], dtype="Int64")})
    tree = pd.DataFrame({"outlet_id": ["X"], "outlet_name": ["某网点"]})
    row = S.peak_windows(plan, tree).iloc[0]
    assert (row.weekday_max, row.weekday_peak_hour, row.weekday_min, row.weekend_max) == (4, 9, 2, 3)


def test_peak_windows_limited_and_ordered():
    import pandas as pd
    plan = pd.DataFrame({"outlet_id": ["X", "Y", "Z"], "day_type": ["weekday"] * 3, "hour": [9] * 3,
                         "service_minutes": [8.0] * 3, "windows_needed": pd.array([1, 2, 3], dtype="Int64")})
    tree = pd.DataFrame({"outlet_id": ["X", "Y", "Z"], "outlet_name": ["甲", "乙", "丙"]})
    assert S.peak_windows(plan, tree, ["Z", "X"])["outlet_id"].tolist() == ["Z", "X"]
    assert S.peak_windows(plan, tree)["outlet_id"].tolist() == ["X", "Y", "Z"]
