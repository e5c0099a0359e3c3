"""A hand-built warehouse for the daily watch's tests (tests/<area>/test_<area>_watch_alerts.py,
tests/summary/test_summary_watch*.py, tests/pack/test_watch.py).

The watched day DAY is Wednesday 2026-10-14; its end (the first instant of 10-15) is "E". Every
expected alert is counted by hand from the rows below; each comment gives the row's role.

Outlets: O1 (甲分行/甲一支行; its name carries a phone number: masked wherever it is written),
O2 (甲分行/甲一支行; its name is an Excel formula: neutralised in the CSV), O3 (甲分行/甲二支行;
its name is an HTML tag: escaped on the page), O4 (乙分行, closed since 10-01), O5 (乙分行, a
self-service bank: no queue).

``after_the_day(con)`` adds rows dated after DAY (and replies, closings after it): the day's alerts
must not change (no look-ahead).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import org, warehouse
from svc_analysis.engine.as_of import as_of
from svc_analysis.engine.scope import Scope

DAY = date(2026, 10, 14)
PHONE = "13812345678"
O1_NAME = f"一号网点（联系电话{PHONE}）"
O2_NAME = '=HYPERLINK("http://evil.example","二号网点")'
O3_NAME = "<img src=x onerror=alert(1)>三号网点"
OUTLETS = [("O1", O1_NAME, "甲一支行", "甲分行", "standard", None),
           ("O2", O2_NAME, "甲一支行", "甲分行", "standard", None),
           ("O3", O3_NAME, "甲二支行", "甲分行", "standard", None),
           ("O4", "四号网点", "乙一支行", "乙分行", "standard", "2026-10-01"),
           ("O5", "五号自助银行", "乙一支行", "乙分行", "self_service", None)]
# (outlet, taken at, tickets, of them waiting 30 minutes; the others wait 5 minutes)
TICKETS = [
    ("O1", "2026-10-14 09:00", 40, 16),   # DAY: 16 / 40 = 40 % overtime, 40 served >= 30: listed
    ("O2", "2026-10-14 09:00", 20, 15),   # DAY: 75 % but only 20 served (< 30): not judged
    ("O1", "2026-09-20 09:00", 100, 0),   # participation baseline day (09-09..10-06), a Sunday
    ("O3", "2026-10-13 09:00", 30, 0),    # O3 trades on weekdays; nothing on DAY: 开门无排队数据
    ("O1", "2026-10-10 09:00", 30, 0),    # a Saturday: O1 trades on Saturdays, O2 and O3 never do
]
# (outlet, rated at, ratings, score)
RATINGS = [("O1", "2026-09-20 10:00", 60, 4),   # baseline: 60 / 100 = 60 %
           ("O1", "2026-10-14 10:00", 4, 4),    # DAY: 4 / 40 = 10 % < 0.5 x 60 %: participation drop
           ("O2", "2026-10-14 10:00", 25, 5)]   # DAY: 25 ratings, all 5 (>= 20, >= 98 %): all-top scores
# id, received_at, channel, outlet, category, product, replied_at, closed_at, complexity
COMPLAINTS = [
    # the system / 手机银行 series: two quiet baseline complaints, then 8 on DAY: a cluster (both series)
    ("B1", "2026-08-01 10:00", "hotline", "O1", "system", "手机银行", "2026-08-01 12:00", "2026-08-02 10:00", None),
    ("B2", "2026-09-01 10:00", "hotline", "O1", "system", "手机银行", "2026-09-01 12:00", "2026-09-02 10:00", None),
    *[(f"S{k}", f"2026-10-14 {9 + k}:00", "online", "O1", "system", "手机银行", None, None, None) for k in range(8)],
    # media on DAY at O2: escalation; closing deadline 10-29
    ("M1", "2026-10-14 10:00", "media", "O2", "attitude", None, None, None, None),
    # regulator the day before: an escalation of 10-13, not of DAY
    ("R1", "2026-10-13 10:00", "regulator", "O2", "policy", None, None, None, None),
    # comment book: reply deadline 10-15 09:00, in [E, E + 24 h): due in 9 hours
    ("CB1", "2026-10-12 09:00", "comment_book", "O1", "environment", None, None, None, None),
    # comment book: deadline 10-13 10:00 < E, replied only on 10-15 (after DAY): overdue 38 hours on DAY
    ("CB2", "2026-10-10 10:00", "comment_book", "O1", "efficiency", None, "2026-10-15 08:00", None, None),
    # comment book replied in time: nothing
    ("CB3", "2026-10-09 10:00", "comment_book", "O3", "fees", None, "2026-10-11 10:00", None, None),
    # closing deadline 10-15 12:00 (normal, 15 days): in [E, E + 3 days): due in 12 hours
    ("D1", "2026-09-30 12:00", "hotline", "O2", "skill", None, "2026-09-30 15:00", None, "normal"),
    # complex (30 days): deadline 10-16 09:00: due in 33 hours
    ("D2", "2026-09-16 09:00", "letter", "O3", "product", None, "2026-09-16 15:00", None, "complex"),
    # deadline 10-18 00:00 = E + 3 days exactly: not yet listed
    ("D3", "2026-10-03 00:00", "onsite", "O3", "other", None, "2026-10-03 09:00", None, None),
    # deadline 10-05 10:00 < E, closed only on 10-15 (after DAY): overdue open on DAY, 9 days (230 h)
    ("D4", "2026-09-20 10:00", "hotline", "O1", "attitude", None, "2026-09-20 12:00", "2026-10-15 09:00", None),
    # closed in time: nothing
    ("D5", "2026-09-20 11:00", "hotline", "O3", "attitude", None, "2026-09-21 12:00", "2026-10-01 10:00", None),
]


def _tickets(con, rows) -> None:
    for k, (outlet, at, n, late) in enumerate(rows):
        con.execute("INSERT INTO tickets (ticket_id, outlet_id, taken_at, called_at) "
                    "SELECT ? || '-' || i, ?, ?::TIMESTAMP, ?::TIMESTAMP + CASE WHEN i < ? THEN INTERVAL 30 MINUTE "
                    "ELSE INTERVAL 5 MINUTE END FROM range(?) t(i)", [f"T{at}{k}", outlet, at, at, late, n])


def _ratings(con, rows) -> None:
    for outlet, at, n, score in rows:
        con.execute("INSERT INTO ratings (outlet_id, rated_at, score) "
                    "SELECT ?, ?::TIMESTAMP + i * INTERVAL 1 SECOND, ? FROM range(?) t(i)", [outlet, at, score, n])


def _complaints(con, rows) -> None:
    con.executemany("INSERT INTO complaints (complaint_id, received_at, channel, outlet_id, category, responsible, "
                    "product, replied_at, closed_at, complexity) VALUES (?, ?, ?, ?, ?, false, ?, ?, ?, ?)", rows)


def build(path=None) -> duckdb.DuckDBPyConnection:
    """The warehouse above, in memory or in the file ``path``."""
    con = duckdb.connect(str(path) if path else ":memory:")
    warehouse.ensure_schema(con)
    con.executemany("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type, opened_on, "
                    "closed_on) VALUES (?, ?, ?, ?, ?, DATE '2020-01-01', ?)", OUTLETS)
    _tickets(con, TICKETS)
    _ratings(con, RATINGS)
    _complaints(con, COMPLAINTS)
    return con


def after_the_day(con) -> None:
    """Rows and changes dated after DAY: new complaints (8 more system ones, a media one), tickets
    at O3, a perfect-score day at O1, replies and closings of DAY's open complaints."""
    _complaints(con, [(f"L{k}", f"2026-10-15 {9 + k}:00", "online", "O2", "system", "手机银行", None, None, None)
                      for k in range(8)])
    _complaints(con, [("LM", "2026-10-15 09:00", "media", "O3", "attitude", None, None, None, None)])
    con.execute("UPDATE complaints SET replied_at = TIMESTAMP '2026-10-15 08:00' WHERE complaint_id = 'CB1'")
    con.execute("UPDATE complaints SET closed_at = TIMESTAMP '2026-10-15 10:00' "
                "WHERE complaint_id IN ('D1', 'D2', 'M1')")
    _tickets(con, [("O3", "2026-10-15 09:00", 50, 50), ("O1", "2026-10-15 09:00", 50, 0)])
    _ratings(con, [("O1", "2026-10-15 10:00", 40, 5)])


PARAMS = load_params("2026-10")


@pytest.fixture
def con():
    """The hand-built warehouse (build()), closed after the test; import it into a test module."""
    con = build()
    yield con
    con.close()


def alerts_of(area_rules, con, day=DAY, params=PARAMS, scope=None):
    """An area's watch alerts (``area_rules``: its watch_alerts module) for ``day``, as of the day's end."""
    period = Period.day(day)
    return area_rules.alerts(as_of(con, period.end), params, Scope.of(org.outlet_tree(con), scope), period)
