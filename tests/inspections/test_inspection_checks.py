"""Video/on-site checks against the weekly rule and the monthly check coverage (hand-built warehouse
of tests/inspections/conftest.py). A week counts for the month holding its Thursday: October 2026 has
the weeks of Mondays 28 Sep (Thursday 1 Oct), 5, 12, 19 and 26 Oct (Thursday 29 Oct); November 2026
those of Mondays 2, 9, 16 and 23 (the week of Monday 30 Nov has its Thursday on 3 Dec)."""

from datetime import date

import duckdb
import pytest

from svc_analysis.engine import org
from svc_analysis.engine.warehouse import ensure_schema
from svc_analysis.inspections import checks
from svc_analysis.core.params import load_params

MONTH = "2026-10"
P = load_params(MONTH).inspections


def test_week_starts():
    # 1 Oct 2026 is a Thursday: the week of Monday 28 Sep is October's; 29 Oct is the Thursday of the last
    assert checks.week_starts("2026-10") == [date(2026, 9, 28), date(2026, 10, 5), date(2026, 10, 12),
                                             date(2026, 10, 19), date(2026, 10, 26)]
    # 30 Nov 2026 is a Monday whose Thursday is 3 Dec: November has four weeks, December takes that one
    assert checks.week_starts("2026-11") == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16),
                                             date(2026, 11, 23)]
    assert checks.week_starts("2026-12")[0] == date(2026, 11, 30)
    # June 2026 starts on a Monday; its Thursdays are 4, 11, 18, 25: four weeks (29 Jun - 5 Jul is July's)
    assert checks.week_starts("2026-06") == [date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15), date(2026, 6, 22)]
    assert [w.key for w in checks.weeks_of("2026-11")] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]


def test_weekly_rule(con, tree):  # noqa: F811
    weekly = checks.weekly_rule(con, tree, MONTH, ["video"], 1).set_index("branch")
    # columns: weeks, weeks_met, weeks_open, checks, min_in_a_week, meets. The data reach Sun 1 Nov (O6's
    # video), so every October week has ended.
    # B1: videos in the weeks of 5, 12 and 26 Oct; none in the weeks of 28 Sep and 19 Oct
    assert weekly.loc["B1"].tolist() == [5, 3, 0, 3, 0, False]
    # B2: one video every week; Sun 4 Oct in the week of 28 Sep, Tue 27 Oct and Sun 1 Nov in the week of 26 Oct
    assert weekly.loc["B2"].tolist() == [5, 5, 0, 6, 1, True]
    two = checks.weekly_rule(con, tree, MONTH, ["video"], 2).set_index("branch")
    assert two.loc["B2", "weeks_met"] == 1  # only the week of 26 Oct has two
    with_onsite = checks.weekly_rule(con, tree, MONTH, ["video", "onsite"], 2).set_index("branch")
    assert with_onsite.loc["B1", "weeks_met"] == 1  # 26 Oct video + 27 Oct on-site


def test_counts_by_branch(con, tree):  # noqa: F811
    counts = checks.counts_by_branch(con, tree, MONTH).set_index("branch")
    # B1 mystery: O1 x2, O2 x3, O4, O5 = 7 (re-checks included); videos 3; on-site 1
    assert counts.loc["B1"].tolist() == [7, 3, 1]
    # B2: O8 x2 mystery; O6 videos on 4, 6, 13, 20, 27 Oct (1 Nov is not October)
    assert counts.loc["B2"].tolist() == [2, 5, 0]


def test_monthly_check_coverage(con, tree):  # noqa: F811
    # staffed, open on 31 Oct: O1 O2 O4 O6 O8; every one has some check in October
    rows = checks.coverage_kpis(con, tree, MONTH, ["video", "onsite", "mystery"], 1.0)
    province = rows[rows.level == "province"].iloc[0]
    assert (province.numerator, province.denominator, province.value) == (5, 5, 1.0) and province.meets_target
    videos = checks.coverage(con, tree, MONTH, ["video"])
    assert videos.numerator.sum() == 3  # O1, O2, O6


def test_branch_table(con, tree):  # noqa: F811
    table = checks.branch_table(con, tree, MONTH, P).set_index("branch")
    assert table.loc["B1", "weeks_met"] == 3 and not table.loc["B1", "meets"]
    assert table.loc["B2", "coverage"] == 1.0


@pytest.mark.parametrize("kinds", [[], ["phone"]])
def test_unknown_kinds_are_refused(con, tree, kinds):  # noqa: F811
    with pytest.raises(ValueError, match="check kinds"):
        checks.coverage(con, tree, MONTH, kinds)


def _warehouse(outlets, rows):
    """An in-memory warehouse: outlets (outlet_id, branch), checks (outlet_id, day, kind)."""
    con = duckdb.connect(":memory:")
    ensure_schema(con)
    for oid, branch in outlets:
        con.execute("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type) VALUES (?, ?, ?, ?, ?)",
                    [oid, f"网点{oid}", f"{branch}支行", branch, "standard"])
    for k, (oid, day, kind) in enumerate(rows):
        con.execute("INSERT INTO inspections VALUES (?, ?, ?, ?, ?, ?)", [f"K{k:03d}", oid, day, kind, 90.0, False])
    return con


def test_november_2026_has_no_fifth_week_to_miss():
    """Issue 14: every branch was flagged because the week of Monday 30 Nov (one day in November, no
    data yet) counted as missed. Both branches ran one video check on Tuesday 3, 10, 17 and 24 Nov;
    the data end on 30 Nov (an on-site check that day). November's weeks: 2, 9, 16, 23 Nov, all met."""
    days = ["2026-11-03", "2026-11-10", "2026-11-17", "2026-11-24"]
    con = _warehouse([("A", "B1"), ("B", "B2")], [(o, d, "video") for o in "AB" for d in days]
                     + [("A", "2026-11-30", "onsite")])
    weekly = checks.weekly_rule(con, org.outlet_tree(con), "2026-11", ["video"], 1).set_index("branch")
    assert weekly["weeks"].tolist() == [4, 4] and weekly["weeks_met"].tolist() == [4, 4]
    assert weekly["weeks_open"].tolist() == [0, 0] and weekly["meets"].all()
    con.close()


def test_a_week_ending_after_the_data_is_open_not_missed():
    """October 2026's last week runs Mon 26 Oct - Sun 1 Nov (Thursday 29 Oct: October's). A has its video
    on Tue 27 Oct, B none; both had one on 29 Sep, 6, 13 and 20 Oct. While the data end on Sat 31 Oct
    (a mystery inspection that day) B's last week is open: 4 weeks judged, all met, 1 open. Once the
    data reach Sunday 1 Nov (a video at A) the week has ended without a check at B: a miss."""
    days = ["2026-09-29", "2026-10-06", "2026-10-13", "2026-10-20"]
    rows = [(o, d, "video") for o in "AB" for d in days] + [("A", "2026-10-27", "video"), ("B", "2026-10-31", "mystery")]
    con = _warehouse([("A", "B1"), ("B", "B2")], rows)
    tree = org.outlet_tree(con)
    weekly = checks.weekly_rule(con, tree, "2026-10", ["video"], 1).set_index("branch")
    assert weekly.loc["B1", ["weeks", "weeks_met", "weeks_open", "checks"]].tolist() == [5, 5, 0, 5]
    assert weekly.loc["B2", ["weeks", "weeks_met", "weeks_open", "checks"]].tolist() == [4, 4, 1, 4]
    assert weekly["meets"].all()
    con.execute("INSERT INTO inspections VALUES ('K999', 'A', '2026-11-01', 'video', 90.0, false)")
    weekly = checks.weekly_rule(con, tree, "2026-10", ["video"], 1).set_index("branch")
    assert weekly.loc["B2", ["weeks", "weeks_met", "weeks_open", "meets"]].tolist() == [5, 4, 0, False]
    assert weekly.loc["B1", "checks"] == 6  # Sun 1 Nov counts in October's last week
    con.close()
