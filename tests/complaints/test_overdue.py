"""svc_analysis.complaints.overdue and sla.hotline_clock on a hand-built November 2026.

Month end = 2026-12-01 00:00. Outlets O1, O2 (甲分行 / 甲一支行) and O3 (乙分行 / 乙一支行). Closing
deadline 15 days (complex 30); hotline reply deadline 3 days. Each complaint's role, counted by hand:

- A1 hotline, O1, received 11-15 09:00, never answered: age 15 d 15 h -> 15 (band 15–30); closing
  deadline 11-30 09:00 passed; reply deadline 11-18 09:00 passed by 12 d 15 h -> 已超期 12 天.
- A2 onsite, O2, received 11-01 12:00: age 29 d 12 h -> 29 (15–30); deadline 11-16 12:00 passed.
- A3 comment book, O3, received 10-31 23:00: age 30 d 1 h -> 30 (the edge belongs to 30–60).
- A4 letter, O1, complex, received 09-01 10:00: age 90 d 14 h -> 90 (60 天以上); deadline 10-01.
- B1 hotline, O2, 11-20 10:00, replied 11-22 09:00 before its 11-23 10:00 deadline: 按时答复.
- B2 hotline, O3, 11-25 10:00, replied 11-29 10:00, one day after 11-28 10:00: 超时答复（超 1 天）.
- B3 hotline, O1, 11-29 12:00, unanswered; deadline 12-02 12:00 is 1 d 12 h after month end: 剩余 1 天.
- B4 hotline, O2, October, answered and closed in October: neither overdue nor on the clock.
B1-B3 close after month end by their deadlines (12-05, 12-10, 12-14): not overdue.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from svc_analysis.complaints import overdue, sla
from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import org, warehouse
from svc_analysis.engine.scope import Scope

MONTH = "2026-11"
CLOSING = {"normal": 15, "complex": 30, "very_complex": 60}
EDGES = [15, 30, 60]
OUTLETS = [("O1", "一号网点", "甲一支行", "甲分行"), ("O2", "二号网点", "甲一支行", "甲分行"),
           ("O3", "三号网点", "乙一支行", "乙分行")]
# id, received_at, channel, outlet, replied_at, closed_at, complexity
ROWS = [("A1", "2026-11-15 09:00", "hotline", "O1", None, None, None),
        ("A2", "2026-11-01 12:00", "onsite", "O2", None, None, None),
        ("A3", "2026-10-31 23:00", "comment_book", "O3", None, None, None),
        ("A4", "2026-09-01 10:00", "letter", "O1", None, None, "complex"),
        ("B1", "2026-11-20 10:00", "hotline", "O2", "2026-11-22 09:00", None, None),
        ("B2", "2026-11-25 10:00", "hotline", "O3", "2026-11-29 10:00", None, None),
        ("B3", "2026-11-29 12:00", "hotline", "O1", None, None, None),
        ("B4", "2026-10-20 10:00", "hotline", "O2", "2026-10-21 10:00", "2026-10-25 10:00", None)]


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    warehouse.ensure_schema(con)
    con.executemany("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type) "
                    "VALUES (?, ?, ?, ?, 'standard')", OUTLETS)
    con.executemany("INSERT INTO complaints (complaint_id, received_at, channel, outlet_id, category, responsible, "
                    "replied_at, closed_at, complexity) VALUES (?, ?, ?, ?, 'efficiency', false, ?, ?, ?)", ROWS)
    yield con
    con.close()


@pytest.fixture(scope="module")
def listing(con, tree):
    return sla.overdue_open(con, MONTH, tree, closing_days=CLOSING, hotline_reply_days=3)


def test_ageing_bands_of_four_overdue_complaints(listing):
    assert listing["complaint_id"].tolist() == ["A4", "A3", "A2", "A1"]  # oldest first
    assert listing["age_days"].tolist() == [90, 30, 29, 15]
    banded = overdue.with_bands(listing, EDGES)
    assert banded["band"].tolist() == ["60 天以上", "30–60 天", "15–30 天", "15–30 天"]
    assert overdue.band_labels(EDGES) == ["不足 15 天", "15–30 天", "30–60 天", "60 天以上"]
    assert overdue.ageing_band([14], EDGES).tolist() == ["不足 15 天"]  # a shorter clock's case


def test_ageing_sentence_names_the_oldest(listing):
    assert overdue.ageing_sentence(listing, EDGES) == (
        "月末超期未办结投诉 4 件，按受理天数：15–30 天 2 件、30–60 天 1 件、60 天以上 1 件；最久一件已受理 90 天（一号网点）。")
    assert overdue.ageing_sentence(listing.iloc[0:0], EDGES) == "月末没有超期未办结的投诉。"


def test_owner_to_chase(listing):
    owners = overdue.by_owner(listing, EDGES)
    # 甲一支行: A1 (O1, 15), A2 (O2, 29), A4 (O1, 90); 乙一支行: A3 (O3, 30); no case under 15 days
    assert list(owners.columns) == ["branch", "subbranch", "15–30 天", "30–60 天", "60 天以上", "合计"]
    assert owners.values.tolist() == [["甲分行", "甲一支行", 2, 0, 1, 3], ["乙分行", "乙一支行", 0, 1, 0, 1]]
    a3 = listing.set_index("complaint_id").loc["A3"]
    assert (a3.outlet_name, a3.subbranch, a3.branch) == ("三号网点", "乙一支行", "乙分行")


def test_hotline_reply_deadline_on_the_overdue_list(listing):
    deadlines = listing.set_index("complaint_id")["reply_deadline"]
    assert deadlines["A1"] == pd.Timestamp("2026-11-18 09:00")  # 11-15 09:00 + 3 days
    assert deadlines.drop("A1").isna().all()  # not hotline transfers


def test_hotline_clock(con, tree):
    clock = sla.hotline_clock(con, MONTH, tree, reply_days=3).set_index("complaint_id")
    assert clock.index.tolist() == ["A1", "B1", "B2", "B3"]  # by reply deadline; B4 answered in October
    assert clock["state"].tolist() == ["overdue", "on_time", "late", "running"]
    assert clock["days"].tolist()[0] == 12 and clock.loc["B2", "days"] == 1 and clock.loc["B3", "days"] == 1
    assert clock["due_in_month"].tolist() == [True, True, True, False]
    assert overdue.clock_sentence(clock.reset_index(), 3) == (
        "热线转办投诉应在受理后 3 天内答复。答复期限落在本月的 3 件中，按时答复 1 件；月末仍未答复 2 件，"
        "其中已超过答复期限 1 件。")
    chase = overdue.attention(clock.reset_index())
    assert chase["status"].tolist() == ["未答复，已超期 12 天", "超时答复（超 1 天）", "未答复，剩余 1 天"]


def test_hotline_days_are_a_parameter(con, tree):
    # with 20 days A1's deadline (12-05 09:00) is after month end: running, 4 days left (4 d 9 h)
    clock = sla.hotline_clock(con, MONTH, tree, reply_days=20).set_index("complaint_id")
    assert (clock.loc["A1", "state"], clock.loc["A1", "days"]) == ("running", 4)


def test_section_matches_the_published_count(con):
    params = load_params()
    scope = Scope.of(org.outlet_tree(con), None)
    rows = sla.sla_kpis(con, MONTH, scope.tree_in_scope, reply_hours=72, closing_days=CLOSING, reply_target=1.0,
                        close_target=1.0)
    published = rows[(rows["metric"] == "complaints_overdue_open") & (rows["level"] == "province")]["value"].item()
    shown = overdue.section(con, params, scope, Period.month(MONTH))
    assert published == 4 and shown[0].data.startswith("月末超期未办结投诉 4 件")
    tables = [x for x in shown if hasattr(x, "columns")]
    assert "账龄" in tables[1].columns and "热线答复期限" in tables[1].columns and len(tables[1]) == 4
    assert tables[-1]["状态"].tolist() == ["未答复，已超期 12 天", "超时答复（超 1 天）", "未答复，剩余 1 天"]
