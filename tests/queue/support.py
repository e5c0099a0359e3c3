"""A hand-built queue warehouse for the queue tests (test_queue*.py, test_peaks.py, test_staffing.py).

Month 2026-10 (1 Oct is a Thursday; 5 and 12 Oct Mondays, 6 Oct Tuesday, 14 Oct Wednesday, 31 Oct
Saturday). Threshold 20 minutes ("longer than": 20 exactly is not overtime).

| outlet | sub-branch / branch | note |
|---|---|---|
| 42000101 甲网点 | 甲支行 / 一分行 | T1 10-05 09:00 wait 10 现金存取 (service 5); T2 10-05 09:05 wait 30 现金存取 (7); T3 10-06 10:00 wait 20 转账汇款 (6); T4 10-06 10:30 never called, no type; T5 10-31 23:50 -> 11-01 00:15 wait 25 across midnight 转账汇款 (8) |
| 42000102 乙网点 | 甲支行 / 一分行 | 10-05 09:00 wait 5; 10-12 14:00 wait 15 (both 现金存取, no finish); 09-30 23:55 -> 10-01 00:10 (September); 11-01 00:05 (November) |
| 42000201 丙网点 | 乙支行 / 一分行 | closes 10-15; 10-05 11:00 wait 45 对公业务; 10-14 11:00 never called 对公业务 |
| 42000301 丁网点 | 丙支行 / 二分行 | open, no October ticket; 09-10 10:00 wait 40 (September) |
| 42000390 自助银行 | 丙支行 / 二分行 | self_service: no tickets, does not count |
| 42000302 戊网点 | 丙支行 / 二分行 | closed 2026-09-01: does not count |

Complaints: 甲 efficiency 2026-10-03 and 2025-12-01, efficiency 2025-10-20 (outside a 12-month window),
attitude 2026-10-04; 丙 efficiency 2026-10-07. Surveys: 甲 efficiency 2 and 4, 乙 5.
"""

from __future__ import annotations

from svc_analysis.engine import warehouse as wh

MONTH = "2026-10"
T, TOL = 20.0, 0.05  # the tests' threshold (minutes) and tolerance (overtime share)
OUTLETS = [
    ("42000101", "甲网点", "甲支行", "一分行", "standard", None, None),
    ("42000102", "乙网点", "甲支行", "一分行", "standard", None, None),
    ("42000201", "丙网点", "乙支行", "一分行", "standard", None, "2026-10-15"),
    ("42000301", "丁网点", "丙支行", "二分行", "standard", None, None),
    ("42000390", "自助银行", "丙支行", "二分行", "self_service", None, None),
    ("42000302", "戊网点", "丙支行", "二分行", "standard", None, "2026-09-01"),
]
# ticket_id, outlet_id, taken_at, called_at, finished_at, business_type
TICKETS = [
    ("A001", "42000101", "2026-10-05 09:00:00", "2026-10-05 09:10:00", "2026-10-05 09:15:00", "现金存取"),
    ("A002", "42000101", "2026-10-05 09:05:00", "2026-10-05 09:35:00", "2026-10-05 09:42:00", "现金存取"),
    ("A001", "42000101", "2026-10-06 10:00:00", "2026-10-06 10:20:00", "2026-10-06 10:26:00", "转账汇款"),
    ("A002", "42000101", "2026-10-06 10:30:00", None, None, None),
    ("A001", "42000101", "2026-10-31 23:50:00", "2026-11-01 00:15:00", "2026-11-01 00:23:00", "转账汇款"),
    ("A001", "42000102", "2026-10-05 09:00:00", "2026-10-05 09:05:00", None, "现金存取"),
    ("A001", "42000102", "2026-10-12 14:00:00", "2026-10-12 14:15:00", None, "现金存取"),
    ("A009", "42000102", "2026-09-30 23:55:00", "2026-10-01 00:10:00", None, "现金存取"),
    ("A001", "42000102", "2026-11-01 00:05:00", "2026-11-01 00:50:00", None, "现金存取"),
    ("B001", "42000201", "2026-10-05 11:00:00", "2026-10-05 11:45:00", None, "对公业务"),
    ("B001", "42000201", "2026-10-14 11:00:00", None, None, "对公业务"),
    ("A001", "42000301", "2026-09-10 10:00:00", "2026-09-10 10:40:00", None, "现金存取"),
]
COMPLAINTS = [
    ("C1", "2026-10-03 10:00:00", "hotline", "42000101", "efficiency", False),
    ("C2", "2025-12-01 10:00:00", "hotline", "42000101", "efficiency", False),
    ("C3", "2025-10-20 10:00:00", "hotline", "42000101", "efficiency", False),
    ("C4", "2026-10-04 10:00:00", "hotline", "42000101", "attitude", True),
    ("C5", "2026-10-07 10:00:00", "onsite", "42000201", "efficiency", False),
]
SURVEYS = [
    ("S1", "42000101", "2026-10-08", 3, 2),
    ("S2", "42000101", "2026-06-08", 4, 4),
    ("S3", "42000102", "2026-10-09", 5, 5),
]


def build(path, extra_tickets=()):
    """Create the warehouse at ``path`` and return an open read-write connection."""
    con = wh.connect(path)
    wh.ensure_schema(con)
    con.executemany("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type, opened_on, "
                    "closed_on) VALUES (?, ?, ?, ?, ?, ?, ?)", OUTLETS)
    con.executemany("INSERT INTO tickets (ticket_id, outlet_id, taken_at, called_at, finished_at, business_type) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [*TICKETS, *extra_tickets])
    con.executemany("INSERT INTO complaints (complaint_id, received_at, channel, outlet_id, category, responsible) "
                    "VALUES (?, ?, ?, ?, ?, ?)", COMPLAINTS)
    con.executemany("INSERT INTO surveys (response_id, outlet_id, answered_on, overall, efficiency) "
                    "VALUES (?, ?, ?, ?, ?)", SURVEYS)
    return con
