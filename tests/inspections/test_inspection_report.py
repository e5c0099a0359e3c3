"""Headline, sentences and report tables of notebook 40 (hand-built warehouse of test_inspections.py)."""

import pandas as pd

from svc_analysis.core.period import Period
from svc_analysis.engine.scope import Scope

from svc_analysis.inspections import ledger_views
from svc_analysis.inspections import views as report
from svc_analysis.inspections import inspections
from svc_analysis.core.params import load_params

MONTH = "2026-10"
P = load_params(MONTH).inspections


def test_headline_and_sentence(con, tree):  # noqa: F811
    head = report.headline(con, Scope(tree), Period.month(MONTH), P)
    assert head["month_n"] == 6 and round(head["month_mean"], 4) == 84.9167
    assert (head["cover_quarter_n"], head["cover_quarter_den"], head["uncovered_branches"]) == (4, 5, [])
    text = report.headline_sentence(head, P)
    assert "本月神秘人检查 6 次，平均 84.9 分" in text and "未达到阶段目标 98 分" in text
    assert "4/5" in text and "80.0%" in text
    november = report.headline_sentence(report.headline(con, Scope(tree), Period.month("2026-11"), P), P)
    assert "本月没有神秘人检查" in november  # no 0 score for a month without a round


def test_recheck_display_marks_and_names(con, tree):  # noqa: F811
    table, text = report.recheck_display(inspections.recheck_table(con, MONTH, 85, 80), tree, P)
    assert "低于 85 分的网点 2 家（其中低于 80 分 1 家）" in text and "网点O4（79.5 分，待复查）" in text
    assert table.iloc[0]["低于80"] == "⚠" and table.iloc[3]["最新低于85"] == ""


def test_ledger_display_formula_and_truncation(con, tree):  # noqa: F811
    ledger = inspections.month_ledger(con, tree, MONTH, P)
    table, note = ledger_views.ledger_display(ledger, tree, "plan2")
    assert note == "" and len(table) == 7
    # the outlet with the largest penalty first: O4 8900 (its two lines)
    assert table.iloc[0]["网点编号"] == "O4" and table.iloc[1]["网点编号"] == "O4"
    assert "1000 + (98 − 79.5) × 200 = 4700" in set(table["计算式"])
    short, note = ledger_views.ledger_display(ledger, tree, "plan2", max_rows=3)
    assert len(short) == 3 and "共 7 行" in note
    assert "考核 5 家网点共 25,200 元" in ledger_views.ledger_sentence(ledger, P)
    totals = ledger_views.ledger_totals(ledger, "plan2").set_index("二级分行")
    assert totals.loc["B1", "考核(元)"] == "21400"


def test_branch_ranking_and_top(con, tree):  # noqa: F811
    rows = report.round_rows(con, Scope(tree), Period.month(MONTH))
    means, pairs, text = report.branch_ranking(rows, P)
    # B1 mean 85.1 (5), B2 84 (1): both named among the bottom three
    assert "B2（84.0 分，1 次）" in text and "B1（85.1 分，5 次）" in text
    table, sentence = report.top_display(rows, P)
    assert len(table) == 1 and "共 1 家" in sentence  # only O5 (95) reaches 90
    empty, none = report.top_display(rows.iloc[0:0], P)
    assert empty.empty and "没有" in none


def test_kpi_display(con, tree):  # noqa: F811
    ledger = inspections.month_ledger(con, tree, MONTH, P)
    shown = report.kpi_display(report.kpi_rows(con, tree, tree, MONTH, P, ledger))
    first = shown.iloc[0]
    assert first["单位"] == "全省" and first["神秘人检查平均分"] == "84.9" and first["神秘人检查季度覆盖率"] == "80.0%"
    assert first["神秘人检查考核金额"] == "25200"
    # a sub-branch run in a month without a round: the scope and its outlets, 无数据 for the mean
    scope = tree[tree.subbranch == "S3"]
    november = report.kpi_rows(con, tree, scope, "2026-11", P, ledger.iloc[0:0], "subbranch")
    shown = report.kpi_display(november)
    assert shown["单位"].tolist() == ["S3", "O6", "O7", "O8"]
    assert shown.iloc[0]["神秘人检查平均分"] == "无数据" and shown.iloc[0]["神秘人检查考核金额"] == "0"


def test_noise_sentence():
    rows = pd.DataFrame({"branch": ["A", "A", "B", "B"], "score": [90, 92, 90, 92]})
    # pooled sd = sqrt(2) = 1.4; smallest real gap 1.96 x sqrt(2) x sqrt(2) = 3.9
    assert "约 1.4 分" in report.noise_sentence(rows, 0.05) and "3.9 分" in report.noise_sentence(rows, 0.05)
    assert "太少" in report.noise_sentence(rows.iloc[[0, 2]], 0.05)


def test_a_branch_run_ranks_its_own_branch_and_names_no_other(con, tree):  # noqa: F811
    """A branch's own pack (svc report --scope / --each, issue 18): B2 only, with its province rank.
    Hand count: quarter means B1 425.5 / 5 = 85.1, B2 84 (one visit) -> B2 is 2nd of 2, and with
    bottom_branches_named 3 both are in the bottom group; B2's one visit leaves its one pair untested."""
    rows = report.round_rows(con, Scope(tree), Period.month(MONTH))
    b2 = Scope.of(tree, "B2")
    means, pairs, text = report.branch_ranking(rows, P, b2)
    assert means["branch"].tolist() == ["B2"] and means["rank"].tolist() == [2]
    assert text == "B2本季度平均分 84.0 分（1 次），在全省 2 家二级分行中排第 2 名，属排名最后的 2 家（简报会主会场）。"
    sentences = report.spread_sentences(rows, means, pairs, P, b2)
    assert sentences[1] == "本范围的二级分行检查次数太少（每家至少需要2次），与其他分行的差别无法检验。"
    shown = report.ranking_display(means, 98)
    assert "B1" not in " ".join([text, *sentences, shown.to_string()])
