"""engine.as_of: the warehouse as known at one instant (the daily watch's no-look-ahead rule)."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from svc_analysis.engine import warehouse
from svc_analysis.engine.as_of import as_of

CUT = datetime(2026, 10, 15)  # the end of 2026-10-14


@pytest.fixture
def con():
    con = duckdb.connect()
    warehouse.ensure_schema(con)
    con.execute("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type, closed_on) VALUES "
                "('O1', '一号', '甲一支行', '甲分行', 'standard', DATE '2026-12-01')")
    con.executemany("INSERT INTO complaints (complaint_id, received_at, channel, outlet_id, category, responsible, "
                    "replied_at, closed_at) VALUES (?, ?, 'hotline', 'O1', 'other', false, ?, ?)", [
                        ("A", "2026-10-14 23:59:59", "2026-10-14 23:59:59", "2026-10-15 00:00:00"),
                        ("B", "2026-10-15 00:00:00", None, None),        # received at the cut: after the day
                        ("C", "2026-10-01 10:00:00", "2026-10-20 10:00:00", "2026-10-02 10:00:00")])
    con.executemany("INSERT INTO surveys (response_id, outlet_id, answered_on, overall) VALUES (?, 'O1', ?, 5)",
                    [("S1", "2026-10-14"), ("S2", "2026-10-15")])
    yield con
    con.close()


def test_events_at_or_after_the_instant_are_invisible(con):
    ids = as_of(con, CUT).table("complaints").order_by("complaint_id").complaint_id.to_pandas().tolist()
    assert ids == ["A", "C"]


def test_later_replies_and_closings_have_not_happened(con):
    rows = as_of(con, CUT).table("complaints").order_by("complaint_id").to_pandas().set_index("complaint_id")
    # A: replied one second before the cut (kept), closed exactly at it (not yet); C: closed 10-02
    # (kept), replied 10-20 (not yet)
    assert rows.loc["A", "replied_at"] == datetime(2026, 10, 14, 23, 59, 59)
    assert rows["closed_at"].isna().tolist() == [True, False]
    assert rows["replied_at"].isna().tolist() == [False, True]


def test_a_date_event_counts_from_its_day(con):
    assert as_of(con, CUT).table("surveys").response_id.to_pandas().tolist() == ["S1"]
    # an instant inside 10-15 knows 10-15's surveys (a date is the whole day)
    assert sorted(as_of(con, datetime(2026, 10, 15, 9)).table("surveys").response_id.to_pandas()) == ["S1", "S2"]
    assert as_of(con, date(2026, 10, 15)).table("surveys").count().to_pandas() == 1  # a date: its first instant


def test_reference_tables_are_as_they_are(con):
    outlets = as_of(con, CUT).table("outlets").to_pandas()
    assert [d.date() for d in outlets["closed_on"]] == [date(2026, 12, 1)]  # a closing planned after the cut stays


def test_a_view_of_a_view_keeps_the_earlier_cut(con):
    earlier = as_of(as_of(con, CUT), datetime(2026, 10, 2))
    assert earlier.table("complaints").complaint_id.to_pandas().tolist() == ["C"]
    later = as_of(as_of(con, datetime(2026, 10, 2)), CUT)
    assert later.instant == datetime(2026, 10, 2)


def test_it_offers_nothing_that_goes_around_the_cut(con):
    view = as_of(con, CUT)
    assert not hasattr(view, "sql") and not hasattr(view, "execute") and not hasattr(view, "con")
