"""engine.measures: customers served and wait minutes, the one definition every area uses.

Three tickets counted by hand: T1 called 90 s after it was taken (1.5 min), T2 taken 23:50 and called
00:20 the next day (30 min: a wait across midnight is just longer), T3 never called (unserved, no wait).
"""

import pandas as pd
import pytest

from svc_analysis.engine import measures
from svc_analysis.engine import warehouse as wh


@pytest.fixture
def tickets(tmp_path):
    con = wh.connect(tmp_path / "w.duckdb")
    wh.ensure_schema(con)
    con.execute("INSERT INTO tickets (ticket_id, outlet_id, taken_at, called_at, finished_at) VALUES "
                "('T1', 'O1', '2026-10-05 09:00:00', '2026-10-05 09:01:30', '2026-10-05 09:11:30'), "
                "('T2', 'O1', '2026-10-05 23:50:00', '2026-10-06 00:20:00', NULL), "
                "('T3', 'O2', '2026-10-05 10:00:00', NULL, NULL)")
    yield wh.engine(con).table("tickets")
    con.close()


def test_customers_served_counts_the_called_tickets_per_group(tickets):
    per = tickets.group_by("outlet_id").aggregate(served=measures.customers_served(tickets)).to_pandas()
    assert dict(zip(per["outlet_id"], per["served"])) == {"O1": 2, "O2": 0}  # T1 + T2; T3 left unserved
    assert measures.served(tickets).ticket_id.to_pandas().sort_values().tolist() == ["T1", "T2"]


def test_wait_minutes_from_epoch_seconds_as_a_double(tickets):
    waits = tickets.select("ticket_id", wait=measures.wait_minutes(tickets)).order_by("ticket_id").to_pandas()
    assert waits["wait"].tolist()[:2] == [1.5, 30.0]  # 90 s / 60; 23:50 -> 00:20
    assert pd.isna(waits["wait"].iloc[2])  # not called: no wait
    assert measures.wait_minutes(tickets).type().is_floating()
    service = tickets.select(s=measures.minutes_between(tickets.called_at, tickets.finished_at)).to_pandas()["s"]
    assert service.dropna().tolist() == [10.0]  # T1: 09:01:30 -> 09:11:30
