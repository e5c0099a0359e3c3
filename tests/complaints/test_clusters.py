"""svc_analysis.complaints.clusters: the burst detector on synthetic series and on the planted outage."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pytest
from scipy import stats

from svc_analysis.complaints import clusters
from svc_analysis.engine.sample import plan_for
from tests.support import TINY_MONTH, tiny_warehouse

P = dict(window_days=7, baseline_days=91, min_baseline_days=28, alpha=0.0001, min_excess=5,
         baseline_floor_per_day=1 / 30)


def _alarms(x, **over):
    params = {**P, **over}
    return clusters.episodes(x, clusters.scan(x, **params), params["window_days"])


def test_limit_is_the_poisson_quantile_for_a_steady_series():
    # 100 days of exactly 2 a day: mean 2, variance 0 -> phi 1 -> Poisson with mean 7 x 2 = 14
    verdict = clusters.scan(np.full(100, 2.0), **P)
    last = verdict.iloc[-1]
    assert last.expected == pytest.approx(14.0) and last.phi == 1.0
    assert last.limit == stats.poisson.ppf(1 - 0.0001, 14)  # 29, by scipy independently
    assert not verdict["alarm"].any()
    # no verdict until 28 baseline days exist before the window: days 0..33
    assert verdict["limit"].iloc[:34].isna().all() and verdict["limit"].iloc[34:].notna().all()


def test_overdispersion_widens_the_limit():
    # quasi-Poisson: variance phi x mean, negative binomial with n = mean / (phi - 1), p = 1 / phi
    lim = clusters.upper_limit([14.0], [3.0], 0.0001)[0]
    assert lim == stats.nbinom.ppf(1 - 0.0001, 7.0, 1 / 3)
    assert lim > stats.poisson.ppf(1 - 0.0001, 14)


def test_a_burst_is_found_with_its_start_end_and_excess():
    rng = np.random.default_rng(7)
    x = rng.poisson(0.3, 200).astype(float)
    x[150:153] += [6, 5, 4]  # 15 extra complaints on days 150-152
    found = _alarms(x)
    assert len(found) == 1
    ep = found[0]
    assert ep["start"] <= 150 and 152 <= ep["end"] <= 156
    assert ep["excess"] >= 12


def test_a_doubling_of_a_busy_series_is_found():
    rng = np.random.default_rng(3)
    x = rng.poisson(10, 200).astype(float)
    x[160:167] += rng.poisson(10, 7)  # one week at twice the usual level: about 70 extra
    found = _alarms(x)
    assert len(found) == 1 and found[0]["start"] >= 156 and found[0]["end"] <= 170


@pytest.mark.parametrize("mu", [0.03, 0.3, 3.0, 10.0])
def test_false_alarm_rate_on_quiet_series(mu):
    # Poisson series with no burst, 10 series-years per level. alpha = 1e-4 per series-day caps the
    # expected alarm days at 10 x 365 x 1e-4 = 0.37 (episodes are fewer); allow at most 1.
    rng = np.random.default_rng(int(mu * 100))
    total = sum(len(_alarms(rng.poisson(mu, 365).astype(float))) for _ in range(10))
    assert total <= 1


def test_weekday_rhythm_does_not_alarm():
    # busy weekdays, quiet weekends (x1.3 ... x0.6): the 7-day window holds each weekday once
    rng = np.random.default_rng(11)
    shape = np.tile([1.3, 1.2, 1.1, 1.1, 1.1, 0.6, 0.6], 60)[:400]
    assert sum(len(_alarms(rng.poisson(5 * shape).astype(float))) for _ in range(5)) == 0


def test_bad_input():
    with pytest.raises(ValueError, match="non-negative"):
        clusters.scan([1, -1, 2], **P)
    with pytest.raises(ValueError, match="non-negative"):
        clusters.scan([1, float("nan")], **P)


def test_planted_outage_is_found_in_the_tiny_sample():
    plan = plan_for("tiny", end_month=TINY_MONTH)
    con = duckdb.connect(str(tiny_warehouse()), read_only=True)
    try:
        alarms = clusters.detect(con, date(2024, 11, 1), date(2026, 11, 1), product_series=True, **P)
    finally:
        con.close()
    # exactly the outage: category system and product 手机银行, in the outage week; nothing else
    assert set(zip(alarms["kind"], alarms["key"])) == {("category", "system"), ("product", plan.outage_product)}
    for row in alarms.itertuples():
        assert plan.outage_start <= row.start <= plan.outage_start + timedelta(days=2)
        assert row.end < plan.outage_end
        assert row.excess >= 10
    assert "投诉聚集" in clusters.sentence(alarms, "2026年8月")


def test_nothing_before_the_data_begins_counts_as_quiet():
    con = duckdb.connect()
    con.execute("CREATE TABLE complaints (received_at TIMESTAMP, category VARCHAR, product VARCHAR, outlet_id VARCHAR)")
    # ten complaints on the first two days of data: no baseline yet, so no verdict at all
    con.execute("INSERT INTO complaints SELECT TIMESTAMP '2026-01-01 10:00' + to_days((i % 2)::INT), 'fees', NULL, 'O1' "
                "FROM range(10) t(i)")
    assert clusters.detect(con, date(2026, 1, 1), date(2026, 3, 1), product_series=False, **P).empty
    assert clusters.sentence(clusters.detect(con, date(2026, 1, 1), date(2026, 3, 1), product_series=False, **P),
                             "本月").startswith("本月未发现")
