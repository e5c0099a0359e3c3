"""queue.py on the hand-built warehouse (tests/queue/support.py lists every ticket); expected
values computed by hand in the comments. Threshold 20 min, tolerance 0.05."""

import numpy as np
import pandas as pd
import pytest

from svc_analysis.engine import ingest
from svc_analysis.engine import org
from svc_analysis.queue import queue, views
from tests.queue.support import MONTH, TOL, T, build


def _row(frame, **match):
    mask = np.ones(len(frame), dtype=bool)
    for key, value in match.items():
        mask &= (frame[key] == value).to_numpy()
    assert mask.sum() == 1, frame[mask]
    return frame[mask].iloc[0]


def test_counting_outlets_leave_out_self_service_and_closed_before_the_month(tree):
    # 丙 closes mid-month (counts), 丁 has no October ticket but is open (counts)
    assert sorted(tree["outlet_id"]) == ["42000101", "42000102", "42000201", "42000301"]


def test_outlet_stats_by_hand(con):
    stats = queue.outlet_stats(con, MONTH, T).set_index("outlet_id")
    # 甲: waits 10, 30, 20 (not overtime: "longer than"), 25 across midnight; one never called
    a = stats.loc["42000101"]
    assert (a.tickets, a.served, a.unserved, a.overtime) == (5, 4, 1, 2)
    assert a.wait_minutes == pytest.approx(85.0) and a.mean_wait == pytest.approx(21.25)
    assert a.p90_wait == pytest.approx(28.5)  # sorted 10,20,25,30: position 2.7 -> 25 + 0.7 x 5
    assert a.overtime_share == pytest.approx(0.5) and a.unserved_share == pytest.approx(0.2)
    # 乙: the 09-30 23:55 ticket belongs to September, the 11-01 one to November
    b = stats.loc["42000102"]
    assert (b.tickets, b.served, b.wait_minutes, b.overtime) == (2, 2, 20.0, 0)
    assert b.p90_wait == pytest.approx(14.0)  # 5 + 0.9 x 10
    assert "42000301" not in stats.index  # no October ticket


def test_percentile_matches_numpy(con):
    stats = queue.outlet_stats(con, MONTH, T).set_index("outlet_id")
    assert stats.loc["42000101", "p90_wait"] == pytest.approx(np.percentile([10, 30, 20, 25], 90))


def test_level_stats_percentile_per_level_not_added(con, tree):
    levels = queue.level_stats(con, MONTH, T, tree)
    s1 = _row(levels, level="subbranch", unit_id="甲支行")
    assert (s1.tickets, s1.served, s1.overtime) == (7, 6, 2)
    assert s1.p90_wait == pytest.approx(27.5)  # waits 5,10,15,20,25,30: position 4.5 -> 27.5
    b1 = _row(levels, level="branch", unit_id="一分行")
    assert b1.mean_wait == pytest.approx(150 / 7)
    assert b1.p90_wait == pytest.approx(36.0)  # 5..30 and 45: position 5.4 -> 30 + 0.4 x 15
    prov = _row(levels, level="province", unit_id="province")
    assert prov.p90_wait == pytest.approx(36.0) and prov.unserved_share == pytest.approx(2 / 9)
    empty = _row(levels, level="branch", unit_id="二分行")  # only 丁, no ticket: no data, never 0
    assert empty.served == 0 and np.isnan(empty.p90_wait) and np.isnan(empty.mean_wait)


def test_wait_kpis_every_metric_and_level(con, tree):
    rows = queue.wait_kpis(con, MONTH, tree, threshold=T, tolerance=TOL, outlets_target=0)
    assert set(rows["metric"]) == {"avg_wait_minutes", "overtime_wait_share", "p90_wait_minutes",
                                   "unserved_share", "overtime_outlets"}
    for metric in set(rows["metric"]):
        part = rows[rows["metric"] == metric]
        assert sorted(part["level"].unique()) == ["branch", "outlet", "province", "subbranch"]
        assert len(part) == 1 + 2 + 3 + 4
    avg = _row(rows, metric="avg_wait_minutes", level="province")
    assert (avg.numerator, avg.denominator) == (pytest.approx(150.0), 7)  # sum of minutes / served
    share = _row(rows, metric="overtime_wait_share", level="branch", unit_id="一分行")
    assert (share.numerator, share.denominator, share.target) == (3, 7, TOL) and not share.meets_target
    assert _row(rows, metric="overtime_wait_share", level="outlet", unit_id="42000102").meets_target
    nodata = _row(rows, metric="avg_wait_minutes", level="outlet", unit_id="42000301")
    assert np.isnan(nodata.value) and pd.isna(nodata.meets_target)
    p90 = _row(rows, metric="p90_wait_minutes", level="subbranch", unit_id="乙支行")
    assert p90.value == pytest.approx(45.0) and np.isnan(p90.numerator)
    # overtime outlets: 甲 (0.5) and 丙 (1.0) above 0.05; 乙 (0) and 丁 (no data) are not
    count = rows[rows["metric"] == "overtime_outlets"].set_index(["level", "unit_id"])["value"]
    assert count[("province", "province")] == 2 and count[("branch", "二分行")] == 0
    assert count[("subbranch", "甲支行")] == 1 and count[("outlet", "42000301")] == 0
    assert not _row(rows, metric="overtime_outlets", level="province").meets_target
    # issue 14: "2 of how many?" numerator = the overtime outlets, denominator = the outlets that served a
    # customer: 甲, 乙, 丙 (丁 has no ticket); 二分行 holds only 丁: 0 of 0
    prov = _row(rows, metric="overtime_outlets", level="province")
    assert (prov.value, prov.numerator, prov.denominator) == (2, 2, 3)
    assert (count[("branch", "二分行")], _row(rows, metric="overtime_outlets", level="branch", unit_id="二分行").denominator) == (0, 0)
    assert _row(rows, metric="overtime_outlets", level="outlet", unit_id="42000101")[["numerator", "denominator"]].tolist() == [1, 1]
    assert _row(rows, metric="unserved_share", level="outlet", unit_id="42000201").value == pytest.approx(0.5)


def test_wait_kpis_scoped_to_a_branch(con):
    full = org.outlet_tree(con)
    tree = queue.counting_outlets(con, org.scope_tree(full, "一分行"), MONTH)
    rows = queue.wait_kpis(con, MONTH, tree, threshold=T, tolerance=TOL, outlets_target=0, scope_level="branch")
    assert "province" not in set(rows["level"])
    assert _row(rows, metric="p90_wait_minutes", level="branch", unit_id="一分行").value == pytest.approx(36.0)


def test_threshold_is_a_parameter(con):
    stats = queue.outlet_stats(con, MONTH, 15.0).set_index("outlet_id")
    assert stats.loc["42000101", "overtime"] == 3  # 30, 20, 25 are longer than 15
    assert stats.loc["42000102", "overtime"] == 0  # 15 is not longer than 15


def test_called_before_taken_in_the_warehouse_is_refused(tmp_path):
    bad = [("A777", "42000102", "2026-10-20 10:00:00", "2026-10-20 09:57:00", None, "现金存取")]
    con = build(tmp_path / "bad.duckdb", extra_tickets=bad)
    tree = queue.counting_outlets(con, org.outlet_tree(con), MONTH)
    with pytest.raises(queue.QueueDataError, match=r"tickets.*called_at before taken_at.*A777.*42000102"):
        queue.wait_kpis(con, MONTH, tree, threshold=T, tolerance=TOL, outlets_target=0)
    con.close()


def test_check_waits_names_the_earliest_bad_ticket_and_counts_them_all(tmp_path):
    # a window + filter (row_number over taken_at), not first(order_by=): the same ticket on every engine
    bad = [("A778", "42000101", "2026-10-21 10:00:00", "2026-10-21 09:50:00", None, "现金存取"),
           ("A777", "42000102", "2026-10-20 10:00:00", "2026-10-20 09:57:00", None, "现金存取")]
    con = build(tmp_path / "bad2.duckdb", extra_tickets=bad)
    with pytest.raises(queue.QueueDataError, match=r"tickets: 2 row\(s\) of 2026-10 .*ticket A777 at outlet 42000102 "
                                                   r"taken 2026-10-20 10:00:00"):
        queue.check_waits(con, MONTH)
    queue.check_waits(con, "2026-09")  # no bad ticket in September: nothing raised
    con.close()


def test_ingest_sets_called_before_taken_aside(tmp_path):
    (tmp_path / "outlets.csv").write_text(
        "outlet_id,outlet_name,subbranch,branch,outlet_type\n42000101,甲网点,甲支行,一分行,standard\n",
        encoding="utf-8")
    (tmp_path / "tickets.csv").write_text(
        "ticket_id,outlet_id,taken_at,called_at\n"
        "A001,42000101,2026-10-05 09:00:00,2026-10-05 09:10:00\n"
        "A002,42000101,2026-10-05 09:05:00,2026-10-05 09:02:00\n"
        "A003,42000101,2026-10-05 23:50:00,2026-10-06 00:05:00\n"
        "A004,42000101,2026-10-05 09:30:00,\n", encoding="utf-8")
    reports = ingest.ingest_files([tmp_path / "outlets.csv", tmp_path / "tickets.csv"],
                                  warehouse=tmp_path / "w.duckdb", progress=False)
    tickets = next(r for r in reports if r.table == "tickets")
    assert (tickets.rows_read, tickets.rows_loaded, tickets.rows_set_aside) == (4, 3, 1)
    from svc_analysis.engine import warehouse as wh
    con = wh.connect(tmp_path / "w.duckdb", read_only=True)
    assert con.execute("SELECT row_number, reason FROM _quarantine").fetchall()[0][0] == 3  # header is row 1
    stats = queue.outlet_stats(con, MONTH, T).set_index("outlet_id")
    assert (stats.loc["42000101", "served"], stats.loc["42000101", "wait_minutes"]) == (2, 25.0)  # 10 + 15
    con.close()


def test_planted_overtime_outlet_on_tiny_sample():
    from svc_analysis.engine import sample
    from svc_analysis.engine import warehouse as wh
    from tests.support import TINY_MONTH, tiny_warehouse

    plan = sample.plan_for("tiny", end_month=TINY_MONTH)
    con = wh.connect(tiny_warehouse(), read_only=True)
    try:
        tree = queue.counting_outlets(con, org.outlet_tree(con), TINY_MONTH)
        rows = queue.wait_kpis(con, TINY_MONTH, tree, threshold=T, tolerance=TOL, outlets_target=0)
    finally:
        con.close()
    outlets = rows[(rows["metric"] == "overtime_wait_share") & (rows["level"] == "outlet")]
    top = outlets.sort_values("value", ascending=False).iloc[0]
    assert top.unit_id == plan.overtime_outlet and 0.55 < top.value < 0.85  # docs: about 65-70 %
    flag = _row(rows, metric="overtime_outlets", level="outlet", unit_id=plan.overtime_outlet)
    assert flag.value == 1


def test_wait_kpis_reuses_given_level_stats(con, tree):
    levels = queue.level_stats(con, MONTH, T, tree)
    given = queue.wait_kpis(con, MONTH, tree, threshold=T, tolerance=TOL, outlets_target=0, levels=levels)
    fresh = queue.wait_kpis(con, MONTH, tree, threshold=T, tolerance=TOL, outlets_target=0)
    pd.testing.assert_frame_equal(given, fresh)


def test_overtime_outlets_leave_out_outlets_below_the_minimum_volume(con, tree):
    # By hand (support.py): October customers served and overtime share per outlet:
    # 甲 4 served, 2 overtime (0.5); 乙 2 served, 0 overtime (0.0); 丙 1 served, 1 overtime (1.0); 丁 0 served.
    # Minimum 2 customers served: 甲 and 乙 are counted, 丙 (1 < 2) is below the minimum, 丁 served nobody.
    rows = queue.wait_kpis(con, MONTH, tree, threshold=T, tolerance=TOL, outlets_target=0, min_served=2)
    prov = _row(rows, metric="overtime_outlets", level="province", unit_id="province")
    assert (prov.value, prov.numerator, prov.denominator) == (1, 1, 2)  # only 甲, of 甲 and 乙
    assert prov.status == "missed"
    # 乙支行 holds only 丙: its one serving outlet is below the minimum: no evidence, not judged
    sub = _row(rows, metric="overtime_outlets", level="subbranch", unit_id="乙支行")
    assert (sub.value, sub.denominator, sub.status) == (0, 0, "small_sample") and pd.isna(sub.meets_target)
    outlet = _row(rows, metric="overtime_outlets", level="outlet", unit_id="42000201")
    assert outlet.value == 0 and outlet.status == "small_sample"
    # 丁 served nobody: its count stays as before (0 of 0, met): no minimum to apply
    assert _row(rows, metric="overtime_outlets", level="outlet", unit_id="42000301").status == "met"
    # without a minimum: 甲 and 丙 of the 3 outlets that served a customer (the earlier rule)
    plain = queue.wait_kpis(con, MONTH, tree, threshold=T, tolerance=TOL, outlets_target=0)
    p = _row(plain, metric="overtime_outlets", level="province", unit_id="province")
    assert (p.value, p.numerator, p.denominator) == (2, 2, 3)
    levels = queue.level_stats(con, MONTH, T, tree)
    late = queue.overtime_outlets(levels, tree, TOL, min_served=2)
    assert late["outlet_id"].tolist() == ["42000101"]  # the list the page names agrees with the count
    outlets = levels[levels["level"] == "outlet"]
    assert queue.below_minimum(outlets, 2).sum() == 1  # 丙
    text = views.headline_sentence(rows, "province", "province", "全省", threshold=T, tolerance=TOL,
                                   outlets_target=0, overtime_outlets=late["outlet_name"].tolist(),
                                   below_minimum=1, min_served=2)
    assert "**1 个**" in text and "计入判定的网点 2 个" in text and "另有 1 个网点已叫号客户不足 2 人" in text
