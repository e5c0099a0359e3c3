"""queue_business.py on the hand-built warehouse (tests/queue/support.py); values by hand in comments."""

import numpy as np
import pytest
from scipy import stats as sps

from svc_analysis.queue import business as qb
from tests.queue.support import MONTH, build

T = 20.0


def test_business_types_by_hand(con):
    types = qb.business_types(con, MONTH, None, T).set_index("business_type")
    # order: most tickets first, ties by name (对公业务 before 转账汇款)
    assert types.index.tolist() == ["现金存取", "对公业务", "转账汇款", qb.UNKNOWN_TYPE]
    cash = types.loc["现金存取"]  # waits 10, 30, 5, 15; services 5, 7 (乙's tickets have no finish)
    assert (cash.tickets, cash.served, cash.share) == (4, 4, pytest.approx(4 / 9))
    assert cash.mean_wait == 15.0 and cash.p90_wait == pytest.approx(25.5)  # 15 + 0.7 x 15
    assert cash.overtime_share == 0.25 and cash.mean_service == pytest.approx(6.0)
    transfer = types.loc["转账汇款"]  # 20 and 25 across midnight
    assert transfer.mean_wait == 22.5 and transfer.overtime_share == 0.5 and transfer.p90_wait == pytest.approx(24.5)
    unknown = types.loc[qb.UNKNOWN_TYPE]  # T4: never called, no type
    assert unknown.tickets == 1 and np.isnan(unknown.mean_wait) and np.isnan(unknown.overtime_share)


def test_link_window():
    assert qb.link_window("2026-10", 12) == ("2025-11", "2026-10")
    assert qb.link_window("2026-10", 1) == ("2026-10", "2026-10")
    with pytest.raises(ValueError, match="complaint_link_months"):
        qb.link_window("2026-10", 0)


def test_complaint_link_by_hand(con, tree):
    link = qb.complaint_link(con, MONTH, tree, T, months=12, per_customers=10_000).set_index("outlet_id")
    a = link.loc["42000101"]  # 2 efficiency complaints in the window (2025-10-20 is outside, attitude not counted)
    assert (a.served, a.overtime, a.efficiency_complaints) == (4, 2, 2)
    assert a.complaints_per_10k == pytest.approx(5000.0) and a.survey_efficiency == 3.0 and a.survey_answers == 2
    b = link.loc["42000102"]  # September's 09-30 ticket is inside the window: 3 served
    assert (b.served, b.efficiency_complaints, b.survey_efficiency) == (3, 0, 5.0)
    d = link.loc["42000301"]  # 丁: one September ticket, wait 40
    assert (d.served, d.overtime_share, d.complaints_per_10k) == (1, 1.0, 0.0)
    assert np.isnan(link.loc["42000201", "survey_efficiency"])
    one = qb.complaint_link(con, MONTH, tree, T, months=1, per_customers=10_000).set_index("outlet_id")
    assert one.loc["42000101", "efficiency_complaints"] == 1 and one.loc["42000301", "served"] == 0
    assert np.isnan(one.loc["42000301", "complaints_per_10k"])  # no customer: no rate, never 0


def test_link_correlation_matches_scipy(con, tree):
    link = qb.complaint_link(con, MONTH, tree, T, months=12, per_customers=10_000)
    corr = qb.link_correlation(link)
    # by hand: ranks x (甲, 乙, 丙, 丁) = 2, 1, 3.5, 3.5; y = 3, 1.5, 4, 1.5 -> 1.75 / 4.5
    assert corr["complaints"] == pytest.approx(1.75 / 4.5)
    rho = sps.spearmanr(link["overtime_share"], link["complaints_per_10k"]).statistic
    assert corr["complaints"] == pytest.approx(rho)
    assert corr["outlets"] == 4 and np.isnan(corr["survey"])  # only 2 outlets with survey answers
    text = qb.link_sentence(link, corr, "2025-11", "2026-10")
    assert "共有效率类投诉 3 件" in text and "丙网点" in text and "0.39" in text and "无数据" in text


def test_blank_business_type_is_unfilled(tmp_path):
    # two extra October tickets at 乙 with a blank type: with T4 (no type) 未填写 has 3 tickets, 2 served
    blank = [("A801", "42000102", "2026-10-20 10:00:00", "2026-10-20 10:04:00", None, "   "),
             ("A802", "42000102", "2026-10-20 10:05:00", "2026-10-20 10:35:00", None, "")]
    con = build(tmp_path / "blank.duckdb", extra_tickets=blank)
    unknown = qb.business_types(con, MONTH, None, T).set_index("business_type").loc[qb.UNKNOWN_TYPE]
    assert (unknown.tickets, unknown.served) == (3, 2)
    assert unknown.mean_wait == 17.0 and unknown.overtime_share == 0.5  # waits 4 and 30; 30 > 20
    con.close()
