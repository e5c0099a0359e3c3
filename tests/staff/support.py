"""A hand-built staff warehouse for test_staff / test_star_moves / test_staff_views (month 2026-10).

Every expected figure in those tests is counted by hand from the rows below (see the comments).

Tree: B1 / S1 / O1, O2; B1 / S2 / O3; B2 / S3 / O4 (no tellers: one customer manager),
O5 (self-service), O6 (closed 2026-06-30, no staff).
"""

from __future__ import annotations

from datetime import date

from svc_analysis.engine import warehouse

DAY = date(2026, 10, 31)
OUTLETS = [
    # outlet_id, name, subbranch, branch, type, opened_on, closed_on
    ("O1", "一号网点", "S1", "B1", "standard", date(2000, 1, 1), None),
    ("O2", "二号网点", "S1", "B1", "standard", date(2000, 1, 1), None),
    ("O3", "三号网点", "S2", "B1", "standard", date(2000, 1, 1), None),
    ("O4", "四号网点", "S3", "B2", "standard", date(2000, 1, 1), None),
    ("O5", "自助银行", "S3", "B2", "self_service", date(2000, 1, 1), None),
    ("O6", "已撤并网点", "S3", "B2", "standard", date(2000, 1, 1), date(2026, 6, 30)),
]
STAFF = [
    # staff_id, outlet_id, role, hired_on, left_on
    ("T1", "O1", "teller", date(2020, 1, 1), None),
    ("T2", "O1", "teller", date(2020, 1, 1), date(2026, 10, 15)),   # left during the month
    ("T3", "O1", "teller", date(2021, 1, 1), None),
    ("T4", "O1", "teller", date(2019, 6, 1), None),
    ("T5", "O2", "teller", date(2019, 1, 1), None),
    ("T6", "O2", "teller", date(2019, 1, 1), date(2026, 10, 31)),   # left ON month end: not in service
    ("T7", "O2", "teller", date(2020, 1, 1), date(2026, 11, 1)),    # leaves after month end: in service
    ("T8", "O3", "teller", date(2026, 11, 1), None),                # hired after month end
    ("T9", "O3", "teller", date(2026, 10, 1), None),                # hired in the month, not assessed
    ("T10", "O2", "teller", date(2018, 1, 1), None),
    ("T11", "O1", "teller", date(2018, 1, 1), None),
    ("T12", "O3", "teller", date(2018, 1, 1), None),
    ("T13", "O2", "teller", date(2018, 1, 1), None),
    ("T14", "O1", "teller", date(2026, 3, 1), None),
    ("X1", "O3", "teller", date(2019, 1, 1), None),                 # moved O1 -> O3 in 2026-05: table says O3
    ("L1", "O1", "lobby_manager", date(2015, 1, 1), None),
    ("L2", "O3", "lobby_manager", date(2015, 1, 1), None),
    ("L3", "O2", "lobby_manager", date(2015, 1, 1), date(2026, 10, 20)),
    ("C1", "O4", "customer_manager", date(2015, 1, 1), None),
]
RATINGS = [
    # staff_id, assessed_on, stars, valid_until
    ("T1", date(2025, 3, 1), 2, date(2027, 2, 28)),
    ("T2", date(2025, 5, 1), 1, date(2027, 4, 30)),
    ("T3", date(2024, 1, 1), 3, date(2025, 12, 31)),     # expired before month end
    ("T4", date(2025, 6, 1), 3, date(2027, 5, 31)),
    ("T4", date(2026, 11, 5), 0, date(2028, 11, 4)),     # assessed after month end: ignored
    ("T5", date(2025, 1, 1), 2, None),                   # no end date: valid until replaced
    ("T5", date(2026, 8, 1), 0, date(2028, 7, 31)),      # latest rating: 0 stars
    ("T6", date(2025, 2, 1), 2, date(2027, 1, 31)),
    ("T7", date(2026, 1, 1), 1, date(2026, 10, 31)),     # valid until exactly month end: still valid
    ("T10", date(2024, 10, 20), 2, date(2026, 10, 19)),  # lapses during the month
    ("T11", date(2025, 10, 10), 2, date(2027, 10, 9)),
    ("T11", date(2026, 10, 10), 3, date(2028, 10, 9)),   # upgrade in the month
    ("T12", date(2025, 10, 10), 3, date(2027, 10, 9)),
    ("T12", date(2026, 10, 12), 1, date(2026, 12, 30)),  # downgrade in the month ...
    ("T12", date(2026, 10, 12), 0, date(2026, 12, 30)),  # ... same-day duplicate: the higher counts
    ("T13", date(2023, 1, 1), 2, date(2024, 12, 31)),
    ("T13", date(2026, 10, 5), 1, date(2028, 10, 4)),    # re-rated after a lapse
    ("T14", date(2026, 9, 15), 1, date(2028, 9, 14)),
    ("X1", date(2025, 9, 1), 4, date(2026, 12, 29)),
]
TESTS = [
    # staff_id, test, tested_on, passed
    ("T1", "expert", date(2020, 5, 1), True),
    ("T1", "english", date(2021, 5, 1), True),
    ("T3", "expert", date(2021, 3, 1), False),
    ("T3", "expert", date(2021, 7, 1), True),            # failed, then passed
    ("T4", "expert", date(2026, 9, 1), False),
    ("T4", "english", date(2026, 11, 2), True),          # after month end: not yet
    ("T5", "expert", date(2019, 6, 1), True),
    ("T7", "expert", date(2020, 6, 1), True),
    ("X1", "expert", date(2019, 6, 1), True),
    ("L1", "sign_language", date(2024, 3, 1), True),
    ("L1", "english", date(2024, 3, 1), False),
    ("L2", "sign_language", date(2025, 3, 1), False),
    ("L3", "sign_language", date(2024, 3, 1), True),     # left during the month
    ("C1", "english", date(2024, 3, 1), True),           # not a front-line role
]


def build(path, outlets=OUTLETS, staff=STAFF, ratings=RATINGS, tests=TESTS):
    """A warehouse file at ``path`` with these rows; returns an open read-write connection."""
    con = warehouse.connect(path)
    warehouse.ensure_schema(con)
    inserts = [("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type, opened_on, "
                "closed_on) VALUES (?, ?, ?, ?, ?, ?, ?)", outlets),
               ("INSERT INTO staff VALUES (?, ?, ?, ?, ?)", staff),
               ("INSERT INTO star_ratings VALUES (?, ?, ?, ?)", ratings),
               ("INSERT INTO skill_tests VALUES (?, ?, ?, ?)", tests)]
    for sql, rows in inserts:
        if rows:  # executemany refuses an empty list
            con.executemany(sql, rows)
    return con
