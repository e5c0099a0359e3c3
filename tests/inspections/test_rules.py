"""The rewards/penalties engine against hand-computed cases taken from seed 003's text."""

import pandas as pd
import pytest
from pydantic import ValidationError

from svc_analysis.inspections import rules
from svc_analysis.core.params import Inspections, RuleSet, load_params

P = load_params("2026-10").inspections
PLAN2 = P.rule_set("plan2")
PLAN1 = P.rule_set("plan1")


def scores(rows):
    """rows: (outlet_id, branch, score); each branch is its own sub-branch unless given."""
    return pd.DataFrame([(o, b, f"{b}-S", s) for o, b, s in rows],
                        columns=["outlet_id", "branch", "subbranch", "score"])


def lines(ledger, rule_id):
    part = ledger[ledger["rule_id"] == rule_id]
    return dict(zip(part["outlet_id"], part["amount"]))


@pytest.mark.parametrize("month,score,expected", [
    ("2026-04", 91.0, 1200.0),   # stage 1 target 92: 1000 + (92 - 91) x 200
    ("2026-05", 94.0, 1200.0),   # stage 2 target 95: 1000 + (95 - 94) x 200
    ("2026-09", 97.5, 1100.0),   # stage 3 target 98: 1000 + 0.5 x 200
    ("2026-10", 81.0, 4400.0),   # 1000 + 17 x 200
])
def test_stage_target_missed_formula(month, score, expected):
    target = P.stage_target(month)
    ledger = rules.evaluate(scores([("A", "B1", score)]), PLAN2, month=month, stage_target=target)
    assert lines(ledger, "stage_target_missed") == {"A": expected}


def test_formula_text_has_the_numbers_filled_in():
    ledger = rules.evaluate(scores([("A", "B1", 81.0)]), PLAN2, month="2026-10", stage_target=98)
    row = ledger[ledger.rule_id == "stage_target_missed"].iloc[0]
    assert row.formula == "1,000 + (98 − 81) × 200 = 4,400"
    assert (row.score, row.target, row.effect) == (81.0, 98.0, "penalty")


@pytest.mark.parametrize("month,score", [("2026-10", 98.0), ("2026-04", 92.0), ("2026-06", 99.5)])
def test_reaching_the_stage_target_exactly_is_not_penalised(month, score):
    ledger = rules.evaluate(scores([("A", "B1", score)]), PLAN2, month=month, stage_target=P.stage_target(month))
    assert lines(ledger, "stage_target_missed") == {}


@pytest.mark.parametrize("month,score,rewarded", [
    ("2026-10", 98.0, True),    # 98分以上 includes 98
    ("2026-12", 100.0, True),
    ("2026-10", 97.5, False),
    ("2026-09", 99.0, False),   # Q3: no Q4 reward
])
def test_q4_reward_at_98(month, score, rewarded):
    ledger = rules.evaluate(scores([("A", "B1", score)]), PLAN2, month=month, stage_target=P.stage_target(month))
    assert lines(ledger, "q4_reached_98") == ({"A": 300.0} if rewarded else {})


def test_region_top_two_needs_the_stage_target_and_shares_ties():
    # May, target 95. B1: 97, 97, 96, 90 -> the two 97s share place 1; 96 is place 3.
    # B2: 94 is best in its branch but below the target: no reward.
    frame = scores([("A", "B1", 97), ("B", "B1", 97), ("C", "B1", 96), ("D", "B1", 90), ("E", "B2", 94)])
    ledger = rules.evaluate(frame, PLAN2, month="2026-05", stage_target=95)
    assert lines(ledger, "region_top_two") == {"A": 500.0, "B": 500.0}


def test_region_bottom_two_amounts_by_place_plus_points_short():
    # May, target 95. B1 of four: last D 90 -> 500 + (95 - 90) x 200 = 1500; second last C 95.5 -> 300 + 0.
    # B2 has two outlets only: "bottom two" of two is everyone, so nobody is charged.
    frame = scores([("A", "B1", 97), ("B", "B1", 96), ("C", "B1", 95.5), ("D", "B1", 90),
                    ("E", "B2", 80), ("F", "B2", 81)])
    ledger = rules.evaluate(frame, PLAN2, month="2026-05", stage_target=95)
    assert lines(ledger, "region_bottom_two") == {"D": 1500.0, "C": 300.0}
    row = ledger[(ledger.rule_id == "region_bottom_two") & (ledger.outlet_id == "C")].iloc[0]
    assert row.formula == "300 + 0 × 200 = 300" and row.place == "本分行倒数第2名"


@pytest.mark.parametrize("score,expected", [
    (85.0, {}),                          # exactly 85: no cut (低于85分 excludes 85)
    (84.5, {"below_85": 500.0}),
    (80.0, {"below_85": 500.0}),         # exactly 80: only the below-85 cut
    (79.5, {"below_80": 1000.0}),        # below 80 replaces below 85 (same group)
])
def test_plan1_pay_cuts_at_85_and_80(score, expected):
    ledger = rules.evaluate(scores([("A", "B1", score)]), PLAN1, month="2026-10", stage_target=98)
    cuts = ledger[ledger.effect == "penalty"]
    assert dict(zip(cuts["rule_id"], cuts["amount"])) == expected


def test_plan1_top_five_with_90():
    # province ranks: 99 (1), 98 (2), 97 (3), 96 (4), 95 (5), 94 (6); 89.5 would be place 1 of nothing
    frame = scores([(f"O{k}", "B1" if k % 2 else "B2", s) for k, s in enumerate([99, 98, 97, 96, 95, 94])])
    ledger = rules.evaluate(frame, PLAN1, month="2026-10", stage_target=98)
    assert set(lines(ledger, "top_five_90")) == {"O0", "O1", "O2", "O3", "O4"}
    low = rules.evaluate(scores([("A", "B1", 89.5)]), PLAN1, month="2026-10", stage_target=98)
    assert lines(low, "top_five_90") == {}


def _rule_set(**rule):
    return RuleSet(name="test", label="t", active=True, source="test", rules=[{
        "id": "r", "label": "r", "effect": "penalty", **rule}])


def test_outside_top_exempts_the_best_of_the_province():
    # seed: 全省前200名网点不考核 -- here the top 2 of 3 are exempt
    rs = _rule_set(when={"score_below": "stage_target", "outside_top": 2},
                   amount={"base": 1000, "per_point": 200, "points_from": "stage_target"})
    ledger = rules.evaluate(scores([("A", "B1", 97), ("B", "B2", 96), ("C", "B2", 90)]), rs,
                            month="2026-10", stage_target=98)
    assert lines(ledger, "r") == {"C": 2600.0}


def test_totals_by_branch_and_per_outlet_yuan():
    frame = scores([("A", "B1", 81), ("B", "B1", 98), ("C", "B2", 99)])
    ledger = rules.evaluate(frame, PLAN2, month="2026-10", stage_target=98)
    # A: 1000 + 17 x 200 = 4400 and last of B1 (2 outlets: no bottom rule); B: 300 (Q4) + 500 (top two)
    # C: 300 + 500. B1 penalty 4400, reward 800.
    by_branch = rules.totals(ledger, "branch").set_index("branch")
    assert by_branch.loc["B1", "penalty"] == 4400 and by_branch.loc["B1", "reward"] == 800
    assert by_branch.loc["B1", "net"] == -3600
    assert dict(rules.per_outlet_yuan(ledger, "reward").values) == {"B": 800.0, "C": 800.0}
    with pytest.raises(rules.RuleError):
        rules.totals(ledger, "city")


def test_empty_scores_give_an_empty_ledger():
    ledger = rules.evaluate(scores([]), PLAN2, month="2026-10", stage_target=98)
    assert list(ledger.columns) == rules.LEDGER_COLUMNS and ledger.empty


@pytest.mark.parametrize("frame,message", [
    (scores([("A", "B1", 101)]), "row 1, column score"),
    (scores([("A", "B1", 90), ("B", "B1", None)]), "row 2, column score"),
    (scores([("A", "B1", 90), ("A", "B1", 91)]), "row 2, column outlet_id"),
    (pd.DataFrame({"outlet_id": ["A"], "score": [90]}), "missing columns branch, subbranch"),
])
def test_bad_scores_are_refused_naming_row_and_column(frame, message):
    with pytest.raises(rules.RuleError, match=message):
        rules.evaluate(frame, PLAN2, month="2026-10", stage_target=98)


@pytest.mark.parametrize("rule,message", [
    ({"when": {"score_below": 90}, "amount": {"base": [500, 300]}}, "list of base amounts"),
    ({"when": {"score_below": 90}, "amount": {"base": 100, "per_point": 200}}, "points_from"),
    ({"when": {"quarters": [5]}, "amount": {"base": 1}}, "quarters"),
    ({"when": {"score_below": "target"}, "amount": {"base": 1}}, "score_below"),
])
def test_bad_rules_fail_validation(rule, message):
    with pytest.raises(ValidationError, match=message):
        _rule_set(**rule)


def test_inspections_section_checks_thresholds_and_names():
    data = P.model_dump()
    with pytest.raises(ValidationError, match="severe_below"):
        Inspections(**{**data, "severe_below": 90})
    with pytest.raises(ValidationError, match="names must be unique"):
        Inspections(**{**data, "rule_sets": [data["rule_sets"][0], data["rule_sets"][0]]})
