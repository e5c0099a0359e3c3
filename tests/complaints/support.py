"""A hand-built warehouse for the complaint tests (test_complaints, test_complaint_sla, test_ledger).

October 2026 is the report month. Outlets: O1, O2 (甲分行/甲一支行), O3 (甲分行/甲二支行), O4 (乙分行/
乙一支行, no tickets: no customers served). Every expected value in the tests is counted by hand from
the rows below; the comments give each complaint's role.
"""

from __future__ import annotations

import duckdb

from svc_analysis.engine import warehouse

MONTH = "2026-10"
CLOSING = {"normal": 15, "complex": 30, "very_complex": 60}
PENALTY = {"normal": 200, "complex": 350, "very_complex": 500}

OUTLETS = [("O1", "一号网点", "甲一支行", "甲分行"), ("O2", "二号网点", "甲一支行", "甲分行"),
           ("O3", "三号网点", "甲二支行", "甲分行"), ("O4", "四号网点", "乙一支行", "乙分行")]
# (outlet, day taken, called tickets, uncalled tickets)
TICKETS = [("O1", "2026-10-15", 2000, 500), ("O2", "2026-10-15", 3000, 0), ("O3", "2026-10-15", 1000, 0),
           ("O2", "2026-09-15", 1000, 0), ("O1", "2026-03-15", 3000, 0), ("O2", "2026-03-15", 2000, 0),
           ("O1", "2025-06-15", 10000, 0), ("O2", "2025-06-15", 10000, 0)]
# id, received_at, channel, outlet, category, responsible, staff, product, customer_id, phone,
# description, replied_at, closed_at, complexity
COMPLAINTS = [
    # reply exactly at 72 h (on time); closed 10-10 before its 10-16 deadline
    ("C1", "2026-10-01 09:00", "comment_book", "O1", "attitude", True, "S1", None, None, None,
     "客户反映柜员态度冷淡", "2026-10-04 09:00", "2026-10-10 09:00", None),
    # reply deadline 11-01 10:00 falls in the next month; never replied; closing deadline 11-13
    ("C2", "2026-10-29 10:00", "comment_book", "O1", "skill", True, "S1", None, None, None,
     "柜员业务不熟练", None, None, "normal"),
    # complex: closing deadline 11-04 (next month), closed 10-20
    ("C3", "2026-10-05 11:00", "hotline", "O2", "system", False, None, "手机银行", None, None,
     "手机银行无法登录", "2026-10-05 15:00", "2026-10-20 10:00", "complex"),
    # media, very complex (deadline in December), at an outlet with no customers served
    ("C4", "2026-10-10 10:00", "media", "O4", "attitude", True, "S4", None, "CUST000001", "13812345678",
     "客户张三反映大堂经理态度生硬，联系电话13812345678", None, None, "very_complex"),
    # comment book replied 2 h after its 72 h deadline: late; closed on time 10-20
    ("C5", "2026-10-12 10:00", "comment_book", "O3", "efficiency", False, None, None, None, None,
     "排队等候时间过长", "2026-10-15 12:00", "2026-10-20 10:00", None),
    # September: reply deadline 10-02 20:00 in October, never replied; closing deadline 10-14 20:00
    # in October, never closed: late and overdue open at month end
    ("C6", "2026-09-29 20:00", "comment_book", "O1", "fees", False, None, None, None, None,
     "短信通知费收费不合理", None, None, None),
    # closing deadline 10-05 10:00, closed exactly then: on time
    ("C7", "2026-09-20 10:00", "hotline", "O2", "policy", False, None, None, None, None,
     "大额取现需预约", "2026-09-20 12:00", "2026-10-05 10:00", "normal"),
    # complex: deadline 10-25, closed 11-02 (after month end): late and overdue open at month end
    ("C8", "2026-09-25 10:00", "hotline", "O3", "product", False, None, "理财产品", None, None,
     "理财产品收益不满", "2026-09-25 12:00", "2026-11-02 10:00", "complex"),
    # very complex from August: deadline 09-30, never closed: overdue open, not due in October
    ("C9", "2026-08-01 10:00", "letter", "O2", "other", False, None, None, None, None,
     "其他问题", "2026-08-02 10:00", None, "very_complex"),
    # regulator; same customer as C4 ten days later: a repeat complainant; deadline 11-04
    ("C10", "2026-10-20 10:00", "regulator", "O1", "policy", False, None, None, "CUST000001", None,
     "监管转办：客户对收费政策有异议", "2026-10-21 10:00", None, None),
]
# base year 2025: 20 complaints at O1 and 2 at O2 (for the base-year rate), all closed in May 2025
BASE_COMPLAINTS = [("O1", 20), ("O2", 2)]
PRAISES = [("P1", "2026-10-03 10:00", "letter", "O1", "S1"), ("P2", "2026-10-04 10:00", "onsite", "O1", None),
           ("P3", "2026-10-05 10:00", "hotline", "O3", None), ("P4", "2026-09-05 10:00", "letter", "O3", None)]


def build() -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse holding the rows above."""
    con = duckdb.connect()
    warehouse.ensure_schema(con)
    con.executemany("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type) "
                    "VALUES (?, ?, ?, ?, 'standard')", OUTLETS)
    for k, (outlet, day, called, uncalled) in enumerate(TICKETS):
        con.execute("INSERT INTO tickets (ticket_id, outlet_id, taken_at, called_at) "
                    "SELECT ? || '-' || i, ?, ?::TIMESTAMP + INTERVAL 9 HOUR, "
                    "CASE WHEN i < ? THEN ?::TIMESTAMP + INTERVAL 10 HOUR END FROM range(?) t(i)",
                    [f"T{k}", outlet, day, called, day, called + uncalled])
    con.executemany("INSERT INTO complaints (complaint_id, received_at, channel, outlet_id, category, "
                    "responsible, staff_id, product, customer_id, customer_phone, description, replied_at, "
                    "closed_at, complexity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", COMPLAINTS)
    for outlet, n in BASE_COMPLAINTS:
        con.execute("INSERT INTO complaints (complaint_id, received_at, channel, outlet_id, category, responsible, "
                    "replied_at, closed_at) SELECT 'B' || ? || '-' || i, TIMESTAMP '2025-05-01 10:00', 'hotline', ?, "
                    "'other', false, TIMESTAMP '2025-05-02 10:00', TIMESTAMP '2025-05-06 10:00' FROM range(?) t(i)",
                    [outlet, outlet, n])
    con.executemany("INSERT INTO praises (praise_id, received_at, channel, outlet_id, staff_id) "
                    "VALUES (?, ?, ?, ?, ?)", PRAISES)
    return con
