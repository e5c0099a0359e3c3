"""deadlines: the first-Monday-12:00 rule across months, holidays, on-time / late / missing, report_on_time."""

from datetime import date, datetime

import pandas as pd
import pytest

from svc_analysis.campaign import deadlines
from svc_analysis.engine import warehouse


@pytest.mark.parametrize("month,due", [
    ("2026-06", datetime(2026, 6, 1, 12)),   # the month starts on a Monday: that Monday
    ("2026-11", datetime(2026, 11, 2, 12)),  # starts on a Sunday: the next day
    ("2026-10", datetime(2026, 10, 5, 12)),  # starts on Thursday; National Day is not special by default
    ("2026-01", datetime(2026, 1, 5, 12)),   # starts on Thursday
    ("2026-08", datetime(2026, 8, 3, 12)),   # starts on Saturday
])
def test_first_monday_noon(month, due):
    assert deadlines.due_at(month, 0, 12) == due


def test_listed_holiday_moves_the_due_day_to_the_next_working_day():
    golden_week = [date(2026, 10, d) for d in range(1, 8)]
    assert deadlines.due_at("2026-10", 0, 12, golden_week) == datetime(2026, 10, 8, 12)
    # a holiday on a day other than the due day changes nothing
    assert deadlines.due_at("2026-11", 0, 12, [date(2026, 11, 3)]) == datetime(2026, 11, 2, 12)
    # the next day is a weekend: skip it too (Fri 2027-01-01... Monday 2027-01-04 listed -> Tue 01-05)
    assert deadlines.due_at("2027-01", 0, 12, [date(2027, 1, 4)]) == datetime(2027, 1, 5, 12)


def test_report_on_a_month_is_due_in_the_next_month_and_other_weekdays():
    assert deadlines.due_for_report_on("2026-10", 0, 12) == datetime(2026, 11, 2, 12)
    assert deadlines.due_for_report_on("2026-12", 0, 12) == datetime(2027, 1, 4, 12)
    assert deadlines.due_at("2026-10", 4, 17) == datetime(2026, 10, 2, 17)  # first Friday


@pytest.fixture
def con(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    warehouse.ensure_schema(con)
    con.execute("""INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type, closed_on) VALUES
        ('A1', 'a1', 'SA', 'BA', 'standard', NULL), ('B1', 'b1', 'SB', 'BB', 'standard', NULL),
        ('C1', 'c1', 'SC', 'BC', 'standard', NULL), ('D1', 'd1', 'SD', 'BD', 'standard', DATE '2026-01-01')""")
    con.execute("""INSERT INTO report_submissions VALUES
        ('BA', '2026-09', TIMESTAMP '2026-10-05 12:00:00'),   -- at the due moment: on time
        ('BB', '2026-09', TIMESTAMP '2026-10-05 12:00:01'),   -- one second late
        ('BB', '2026-09', TIMESTAMP '2026-10-09 09:00:00'),   -- a re-submission: the first one counts
        ('BA', '2026-08', TIMESTAMP '2026-09-01 09:00:00'),
        ('ZZ', '2026-09', TIMESTAMP '2026-10-01 09:00:00')""")  # not a branch
    yield con
    con.close()


def test_submission_status_on_time_late_missing(con):
    from svc_analysis.engine import org

    tree = org.outlet_tree(con)
    units = deadlines.submitters(tree, "2026-10")
    assert units == ["BA", "BB", "BC"]  # BD closed before the month end
    status = deadlines.submission_status(con, "2026-09", units, deadlines.due_at("2026-10", 0, 12))
    assert status["status"].tolist() == ["on_time", "late", "missing"]
    assert status.loc[1, "hours_late"] == pytest.approx(1 / 3600)
    assert pd.isna(status.loc[2, "submitted_at"])
    rows = deadlines.on_time_rows(status, tree, "2026-10", target=1.0)
    province = rows[rows["level"] == "province"].iloc[0]
    assert (province["numerator"], province["denominator"], province["value"]) == (1, 3, pytest.approx(1 / 3))
    assert not province["meets_target"]
    assert rows.set_index("unit_id").loc[["BA", "BB", "BC"], "value"].tolist() == [1, 0, 0]
    assert set(rows["metric"]) == {"report_on_time"} and set(rows["area"]) == {"campaign"}


def test_scoped_rows_and_subbranch_submitters(con):
    from svc_analysis.engine import org

    tree = org.outlet_tree(con)
    status = deadlines.submission_status(con, "2026-09", ["BA"], deadlines.due_at("2026-10", 0, 12))
    rows = deadlines.on_time_rows(status, tree, "2026-10", target=1.0, scope_level="branch")
    assert rows[["level", "unit_id", "value"]].values.tolist() == [["branch", "BA", 1.0]]
    sub = status.assign(unit_id="SA")
    rows = deadlines.on_time_rows(sub, tree, "2026-10", level="subbranch", target=1.0)
    assert rows[["level", "unit_id"]].values.tolist() == [["province", "province"], ["branch", "BA"],
                                                          ["subbranch", "SA"]]


def test_unknown_submitters_are_listed(con):
    strangers = deadlines.unknown_submitters(con, ["BA", "BB", "BC"], "2026-10")
    assert strangers["unit_id"].tolist() == ["ZZ"]


def test_history_and_empty_history(con):
    hist = deadlines.history(con, ["2026-08", "2026-09"], ["BA"], 0, 12)
    assert hist["status"].tolist() == ["on_time", "on_time"]
    assert deadlines.history(con, [], ["BA"], 0, 12).empty
