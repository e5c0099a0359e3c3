"""svc_analysis.complaints.ledger on the hand-built warehouse of tests/complaints/support.py."""

from __future__ import annotations

import pytest

from svc_analysis.complaints import ledger
from svc_analysis.engine import org
from tests.complaints.support import MONTH, PENALTY, build


@pytest.fixture(scope="module")
def table():
    con = build()
    try:
        yield ledger.ledger(con, MONTH, org.outlet_tree(con), penalty_yuan=PENALTY, praise_reward_yuan=100,
                            reward_channels=["letter", "hotline"])
    finally:
        con.close()


def test_penalties_and_rewards_per_staff(table):
    # O4/S4: C4 very complex 500; O1/S1: C1 + C2 normal 2 x 200, praise P1 by letter +100;
    # O3: praise P3 by hotline +100; O1 without staff: praise P2 on site, no reward
    got = [(r.outlet_id, r.staff_id if isinstance(r.staff_id, str) else None, r.responsible, r.penalty_yuan,
            r.praises, r.rewarded, r.reward_yuan, r.net_yuan) for r in table.itertuples()]
    assert got == [("O4", "S4", 1, 500, 0, 0, 0, -500), ("O1", "S1", 2, 400, 1, 1, 100, -300),
                   ("O3", None, 0, 0, 1, 1, 100, 100), ("O1", None, 0, 0, 1, 0, 0, 0)]
    assert list(table.columns) == ledger.LEDGER_COLUMNS
    assert table.loc[0, "outlet_name"] == "四号网点"


def test_by_outlet_and_totals(table):
    outlets = ledger.by_outlet(table).set_index("outlet_id")
    assert outlets.loc["O1", ["responsible", "penalty_yuan", "praises", "rewarded", "net_yuan"]].tolist() == [
        2, 400, 2, 1, -300]
    assert ledger.totals(table) == {"responsible": 3, "penalty_yuan": 900, "praises": 3, "rewarded": 2,
                                    "reward_yuan": 200}


def test_month_without_events_and_bad_rule():
    con = build()
    try:
        tree = org.outlet_tree(con)
        empty = ledger.ledger(con, "2027-01", tree, penalty_yuan=PENALTY, praise_reward_yuan=100,
                              reward_channels=["letter"])
        assert empty.empty and ledger.totals(empty)["penalty_yuan"] == 0
        with pytest.raises(ValueError, match="penalty_yuan lacks complex"):
            ledger.ledger(con, MONTH, tree, penalty_yuan={"normal": 200, "very_complex": 500},
                          praise_reward_yuan=100, reward_channels=[])
    finally:
        con.close()


def test_ledger_totals_are_kpi_rows():
    """complaint_penalty_yuan / praise_reward_yuan (issue 14: the ledger's totals belong in kpis.csv), with
    the default params (normal 200, very complex 500, letter or hotline praise 100) as in the test above:
    O1 400 penalty (C1, C2), 100 reward (P1 by letter; P2 on site earns nothing); O3 100 reward (P3 by
    hotline); O4 500 penalty (C4); O2 nothing. 甲一支行 = O1 + O2: 400 / 100; 甲分行 = O1 + O2 + O3:
    400 / 200; 乙分行 = O4: 500 / 0; province 900 / 200 (ledger.totals above)."""
    from svc_analysis.complaints import area
    from svc_analysis.core.params import load_params
    from svc_analysis.engine.scope import Scope

    con = build()
    try:
        rows = area.ledger_rows(con, load_params(MONTH), Scope.of(org.outlet_tree(con), None), MONTH)
    finally:
        con.close()
    got = {(r.metric, r.unit_id): r.value for r in rows.itertuples()}
    assert [got["complaint_penalty_yuan", u] for u in ("province", "甲分行", "乙分行", "甲一支行", "O1", "O2", "O4")] == [
        900, 400, 500, 400, 400, 0, 500]
    assert [got["praise_reward_yuan", u] for u in ("province", "甲分行", "乙分行", "甲二支行", "O1", "O3")] == [
        200, 200, 0, 100, 100, 100]
    assert rows["target"].isna().all() and set(rows["status"]) == {"no_target"}


def test_the_ledger_reads_in_whole_yuan_thousands_separated():
    # page 10 read "扣罚合计 1450 元" and "550.0" / "-550.0" in the table while the index read 1,450 (issue 14)
    import pandas as pd

    from svc_analysis.complaints import views

    totals = {"responsible": 5, "penalty_yuan": 1450.0, "praises": 12, "rewarded": 11, "reward_yuan": 1100.0}
    assert views.ledger_sentence(totals) == ("本月责任性投诉 5 件，扣罚合计 1,450 元；表扬 12 件，其中奖励 11 件，"
                                             "合计 1,100 元。")
    book = pd.DataFrame({"outlet_id": ["42060180"], "responsible": [2], "penalty_yuan": [550.0], "praises": [0],
                         "rewarded": [0], "reward_yuan": [0.0], "net_yuan": [-1550.0]})
    shown = views.ledger_table(book, {"penalty_yuan": "扣罚（元）", "net_yuan": "合计（元）"})
    # 550 = 1 complex (350) + 1 normal (200) complaint; the net of -1550.0 (a made-up row) reads -1,550
    assert shown.iloc[0][["扣罚（元）", "合计（元）"]].tolist() == ["550", "-1,550"]
    assert "550.0" not in shown.to_html()
