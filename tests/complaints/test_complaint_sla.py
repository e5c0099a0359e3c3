"""svc_analysis.complaints.sla on the hand-built warehouse of tests/complaints/support.py."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from svc_analysis.complaints import sla
from svc_analysis.engine import kpis
from tests.complaints.support import CLOSING, MONTH, build


@pytest.fixture(scope="module")
def con():
    con = build()
    yield con
    con.close()


@pytest.fixture(scope="module")
def rows(con, tree):
    return sla.sla_kpis(con, MONTH, tree, reply_hours=72, closing_days=CLOSING, reply_target=1.0,
                        close_target=1.0)


def _row(frame, metric, level, unit):
    found = frame[(frame["metric"] == metric) & (frame["level"] == level) & (frame["unit_id"] == unit)]
    assert len(found) == 1, found
    return found.iloc[0]


def test_comment_book_on_time(rows):
    # due in October: C1 (replied exactly at 72 h: on time), C6 (September entry, never replied),
    # C5 (replied 2 h late). C2's deadline falls on 1 November: not counted in October.
    o1 = _row(rows, "comment_book_on_time_rate", "outlet", "O1")
    assert (o1.numerator, o1.denominator, o1.value) == (1, 2, 0.5)
    o3 = _row(rows, "comment_book_on_time_rate", "outlet", "O3")
    assert (o3.numerator, o3.denominator, o3.value) == (0, 1, 0.0)
    province = _row(rows, "comment_book_on_time_rate", "province", "province")
    assert (province.numerator, province.denominator) == (1, 3)
    assert not province.meets_target
    # O2 had no comment-book entry due: no value, no verdict
    o2 = _row(rows, "comment_book_on_time_rate", "outlet", "O2")
    assert math.isnan(o2.value) and pd.isna(o2.meets_target)


def test_closed_on_time(rows):
    # due in October: C1 (on time), C6 (never closed) at O1; C7 (closed exactly at the deadline) at O2;
    # C5 (on time), C8 (complex: 30 days, closed after the deadline) at O3.
    # C3 (complex) is due 4 November, C9 (very complex) was due 30 September.
    assert _row(rows, "complaints_closed_on_time_rate", "outlet", "O1")[["numerator", "denominator"]].tolist() == [1, 2]
    assert _row(rows, "complaints_closed_on_time_rate", "outlet", "O2")[["numerator", "denominator"]].tolist() == [1, 1]
    assert _row(rows, "complaints_closed_on_time_rate", "outlet", "O3")[["numerator", "denominator"]].tolist() == [1, 2]
    assert _row(rows, "complaints_closed_on_time_rate", "province", "province").value == pytest.approx(3 / 5)


def test_overdue_open(rows, con, tree):
    # open at month end with the deadline passed: C6 (O1), C9 (O2), C8 (O3: closed only on 2 November)
    assert _row(rows, "complaints_overdue_open", "province", "province").value == 3
    assert _row(rows, "complaints_overdue_open", "outlet", "O4").value == 0  # C4 due in December
    listing = sla.overdue_open(con, MONTH, tree, closing_days=CLOSING)
    assert listing["complaint_id"].tolist() == ["C9", "C8", "C6"]  # oldest first
    c9 = listing.iloc[0]
    assert c9.deadline == pd.Timestamp("2026-09-30 10:00")
    assert c9.days_overdue == 31  # 30 Sep 10:00 to 1 Nov 00:00: 31 whole days
    assert (c9.outlet_name, c9.channel, c9.complexity) == ("二号网点", "信函", "特别复杂")
    kpis.validate(rows)


def test_closing_days_are_parameters(con, tree):
    longer = {"normal": 40, "complex": 60, "very_complex": 90}
    rows = sla.sla_kpis(con, MONTH, tree, reply_hours=72, closing_days=longer, reply_target=None,
                        close_target=None)
    # due in October now: C7 (normal, 20 Sep + 40 days = 30 Oct, closed 5 Oct: on time) and
    # C9 (very complex, 1 Aug + 90 days = 30 Oct, never closed)
    assert _row(rows, "complaints_closed_on_time_rate", "province", "province")[["numerator", "denominator"]].tolist() == [1, 2]
    with pytest.raises(ValueError, match="closing_days lacks very_complex"):
        sla.closing_deadline_sql({"normal": 15, "complex": 30})


def test_month_without_complaints_has_no_rates(con, tree):
    rows = sla.sla_kpis(con, "2027-03", tree, reply_hours=72, closing_days=CLOSING, reply_target=1.0,
                        close_target=1.0)
    rates = rows[rows["metric"] != "complaints_overdue_open"]
    assert rates["value"].isna().all() and rates["meets_target"].isna().all()
    # C2, C4, C6, C9, C10 are still open in the data and long overdue by March 2027
    assert _row(rows, "complaints_overdue_open", "province", "province").value == 5


def test_escalations_are_masked(con, tree):
    frame = sla.escalations(con, MONTH, tree, channels=["media", "regulator"])
    assert frame["complaint_id"].tolist() == ["C4", "C10"]
    c4 = frame.iloc[0]
    assert c4.status == "未答复" and c4.channel == "媒体"
    assert "13812345678" not in c4.description and "138****5678" in c4.description
    assert "张三" not in c4.description
    assert frame.iloc[1].status == "已答复未办结"


def test_repeat_complainants(con, tree):
    frame = sla.repeat_complainants(con, MONTH, tree, window_days=30)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row.complaints == 2 and row.customer_id == "****0001"  # C4 10-10 and C10 10-20
    assert row.outlets == "O1、O4" and row.categories == "服务态度、政策误解"  # ordered by category code
    assert sla.repeat_complainants(con, MONTH, tree, window_days=5).empty  # ten days apart
    # scoped to O1 only one of the two complaints is inside: no repeat
    assert sla.repeat_complainants(con, MONTH, tree, window_days=30, outlets=["O1"]).empty


def test_closing_deadline_sql_states_the_days_by_complexity():
    sql = sla.closing_deadline_sql({"normal": 15, "complex": 30, "very_complex": 60})
    assert "COALESCE" in sql and "'normal'" in sql  # empty complexity counts as normal
    for days in (15, 30, 60):
        assert f"INTERVAL '{days}' DAY" in sql
