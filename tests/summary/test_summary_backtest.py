"""summary_backtest: pooled rates, difference, ratio and the outlet cluster bootstrap on hand-built
pairs; the back-test on the tiny sample (two months, province and one branch)."""

import math

import pandas as pd
import pytest

from svc_analysis.summary import backtest as bt


def pairs(rows):
    return pd.DataFrame(rows, columns=["outlet_id", "month", "flagged", "numerator", "denominator"])


def test_pooled_rates_by_hand():
    p = pairs([("X", "m1", True, 4, 100), ("Y", "m1", False, 1, 100), ("Z", "m1", False, 1, 100)])
    r = bt.compare(p, scale=10_000, bootstrap=200, seed=1)
    # flagged 4/100 x 10,000 = 400; others (1+1)/(100+100) x 10,000 = 100
    assert r["rate_flagged"] == pytest.approx(400) and r["rate_other"] == pytest.approx(100)
    assert r["difference"] == pytest.approx(300) and r["ratio"] == pytest.approx(4)
    assert (r["outlet_months_flagged"], r["outlet_months_other"], r["outlets_flagged"]) == (1, 2, 1)
    assert r["diff_low"] <= 300 <= r["diff_high"]


def test_identical_groups_give_a_zero_width_interval():
    # every outlet is flagged one month and not the other with the same 1/100: every resample has
    # the same two rates, so the difference is exactly 0 and the ratio exactly 1 in all of them
    p = pairs([(o, m, m == "m1", 1, 100) for o in "ABCD" for m in ("m1", "m2")])
    r = bt.compare(p, bootstrap=300, seed=7)
    assert (r["diff_low"], r["diff_high"]) == (pytest.approx(0), pytest.approx(0))
    assert (r["ratio_low"], r["ratio_high"]) == (pytest.approx(1), pytest.approx(1))


def test_same_seed_same_interval_and_clustered_by_outlet():
    p = pairs([("A", "m1", True, 5, 100), ("A", "m2", True, 6, 100), ("B", "m1", False, 1, 100),
               ("B", "m2", False, 2, 100), ("C", "m1", False, 0, 100), ("C", "m2", True, 1, 100)])
    one, two = bt.compare(p, seed=3), bt.compare(p, seed=3)
    assert (one["diff_low"], one["diff_high"]) == (two["diff_low"], two["diff_high"])
    # flagged: A (11/200) and C's m2 (1/100) -> 12/300 = 0.04; others: B 3/200 and C's m1 0/100 -> 0.01
    assert one["rate_flagged"] == pytest.approx(0.04) and one["rate_other"] == pytest.approx(0.01)


def test_no_flagged_outlet_is_no_data_not_an_error():
    r = bt.compare(pairs([("A", "m1", False, 1, 100), ("B", "m1", False, 2, 100)]))
    assert math.isnan(r["rate_flagged"]) and math.isnan(r["difference"]) and math.isnan(r["diff_low"])
    assert r["rate_other"] == pytest.approx(0.015)


def test_bad_input():
    with pytest.raises(ValueError, match="level"):
        bt.compare(pairs([]), level=1.5)
    with pytest.raises(KeyError, match="denominator"):
        bt.compare(pairs([]).drop(columns="denominator"))


def test_scale_of_a_ratio_kpi():
    rows = pd.DataFrame({"value": [2.0, None, 0.0], "numerator": [1.0, 0.0, 0.0], "denominator": [5000.0, 0.0, 9.0]})
    assert bt.scale_of(rows) == 10_000  # 1 / 5000 x 10,000 = 2
    assert bt.scale_of(rows.iloc[1:]) == 1.0


def test_sentence_states_the_interval():
    row = {"first": "2026-01", "last": "2026-09", "outlet_months_flagged": 10, "outlets_flagged": 3,
           "outlet_months_other": 50, "rate_flagged": 0.2, "rate_other": 0.1, "difference": 0.1,
           "diff_low": 0.05, "diff_high": 0.15}
    text = bt.sentence(row, "次月超时等候占比", lambda v: f"{v:.2f}", False, 0.95)
    assert "0.20" in text and "95% 区间 0.05 至 0.15" in text and "更差，且区间不含 0" in text


@pytest.fixture(scope="module")
def source_for(tmp_path_factory):
    from svc_analysis.engine import org
    from svc_analysis.engine import warehouse
    from svc_analysis.core.params import load_params
    from svc_analysis.summary.registry import KpiSource, Scope
    from tests.support import TINY_MONTH, tiny_warehouse

    override = tmp_path_factory.mktemp("params") / "short.yaml"
    override.write_text("summary:\n  early_warning:\n    backtest:\n      months: 2\n      bootstrap: 200\n",
                        encoding="utf-8")
    params = load_params(TINY_MONTH, override=override)
    con = warehouse.connect(tiny_warehouse(), read_only=True)
    tree = org.outlet_tree(con)
    yield lambda scope: KpiSource(con, Scope.of(tree, scope), params)
    con.close()


@pytest.mark.parametrize("scope", [None, "武汉分行"])
def test_backtest_on_the_tiny_sample(source_for, scope):
    from tests.support import TINY_MONTH

    source = source_for(scope)
    result = bt.backtest(source, TINY_MONTH, outcomes=["complaint_rate_per_10k", "overtime_wait_share"])
    assert result["outcome"].tolist() == ["complaint_rate_per_10k", "overtime_wait_share"]
    assert (result["first"].iloc[0], result["last"].iloc[0]) == ("2026-08", "2026-09")
    scored = source.scope.tree_in_scope
    staffed_open = scored[(scored["outlet_type"] != "self_service") & scored["closed_on"].isna()]
    months = result["outlet_months_flagged"] + result["outlet_months_other"]
    assert months.tolist() == [2 * len(staffed_open)] * 2
    # the overtime outlet (scenario 6) is flagged and keeps its long waits: flagged outlets wait longer
    if scope is None:
        over = result.set_index("outcome").loc["overtime_wait_share"]
        assert over["rate_flagged"] > over["rate_other"]


def test_declared_span_reads_the_ratings_once_for_the_warnings_and_the_back_test(monkeypatch):
    """Notebook 90 asks for the satisfaction counts of this month's signals, last month's, then the
    back-test's; declared first (declare_span), all three are slices of one pass. By hand with the
    default params (baseline 12 months ending 3 before the month, 12 tested months): the tested months
    are 2025-10..2026-09, the span starts 12 + 3 months before 2025-10, at 2024-07, and ends 2026-10."""
    from svc_analysis.core import areas
    from svc_analysis.core.params import load_params
    from svc_analysis.core.periods import months_between
    from svc_analysis.summary.registry import KpiSource

    passes = []

    def count(self, months):
        passes.append((min(months), max(months)))
        return pd.DataFrame({"month": months, "outlet_id": "O1", "ratings": 1})

    monkeypatch.setattr(KpiSource, "_count_satisfaction", count)
    params = load_params(month="2026-10")
    source = bt.declare_span(KpiSource(None, None, params), "2026-10")
    signal_months = areas.hook("signal_months")
    now = source.satisfaction_counts(signal_months("2026-10", params))
    before = source.satisfaction_counts(signal_months("2026-09", params))
    bt.declare_span(source, "2026-10", 12)  # what backtest.pairs declares again: the span is kept
    for month in bt.tested_months("2026-10", 12):
        source.satisfaction_counts(signal_months(month, params))
    assert passes == [("2024-07", "2026-10")]
    assert sorted(now["month"]) == months_between("2025-08", "2026-10")  # 12 + 3 months before, and the month
    assert before["month"].max() == "2026-09"
    undeclared = KpiSource(None, None, params)
    undeclared.satisfaction_counts(signal_months("2026-10", params))
    undeclared.satisfaction_counts(signal_months("2026-09", params))
    assert len(passes) == 3  # without the span each request is a pass of its own
