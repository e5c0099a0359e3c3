"""quality.py against the committed fixture (tests/fixtures/quality/README.md lists the planted facts)."""

from datetime import date

import matplotlib
import pytest

matplotlib.use("Agg")

from svc_analysis.engine import org  # noqa: E402
from svc_analysis.quality import quality
from tests.quality.support import MONTH, build  # noqa: E402


@pytest.fixture(scope="module")
def con():
    con = build()
    yield con
    con.close()


def _row(frame, **match):
    mask = True
    for key, value in match.items():
        mask = mask & (frame[key] == value)
    rows = frame[mask]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_table_summary_province(con):
    summary = quality.table_summary(con, MONTH, low_coverage_share=0.9)
    assert summary["table"].tolist() == quality.EVENT_TABLES
    tickets = _row(summary, table="tickets")
    assert (tickets.rows_in_month, tickets.rows_total, tickets.days_with_data, tickets.days_in_month) == (
        102, 105, 31, 31)
    assert (tickets.first_date, tickets.last_date) == (date(2026, 8, 15), date(2026, 11, 1))
    assert tickets.coverage == 1.0 and not tickets.low_coverage
    ratings = _row(summary, table="ratings")
    assert (ratings.rows_in_month, ratings.days_with_data) == (12, 10)
    assert ratings.coverage == pytest.approx(10 / 31) and ratings.low_coverage
    complaints = _row(summary, table="complaints")
    assert (complaints.rows_in_month, complaints.rows_total, complaints.days_with_data) == (3, 4, 3)
    assert complaints.last_date == date(2026, 10, 31)  # 23:59:59 on the last day is in the month
    surveys = _row(summary, table="surveys")
    assert (surveys.rows_in_month, surveys.rows_total, surveys.coverage) == (0, 0, 0.0)
    assert surveys.first_date is None or surveys.first_date != surveys.first_date  # None or NaT
    assert _row(summary, table="report_submissions").rows_in_month == 3


def test_table_summary_scoped(con, tree):
    outlets, units = org.outlets_in_scope(tree, "武汉分行"), org.units_in_scope(tree, "武汉分行")
    summary = quality.table_summary(con, MONTH, outlets=outlets, units=units, low_coverage_share=0.9)
    assert _row(summary, table="tickets").rows_in_month == 71
    assert _row(summary, table="tickets").rows_total == 71
    assert tuple(_row(summary, table="complaints")[["rows_in_month", "rows_total"]]) == (1, 2)
    assert tuple(_row(summary, table="star_ratings")[["rows_in_month", "rows_total"]]) == (1, 2)
    assert tuple(_row(summary, table="report_submissions")[["rows_in_month", "days_with_data"]]) == (2, 1)

    east = quality.table_summary(con, MONTH, outlets=org.outlets_in_scope(tree, "东湖支行"),
                                 units=org.units_in_scope(tree, "东湖支行"), low_coverage_share=0.9)
    tickets = _row(east, table="tickets")
    assert (tickets.rows_in_month, tickets.days_with_data) == (51, 29)
    assert round(tickets.coverage, 3) == 0.935

def test_low_coverage_threshold_is_the_parameter(con, tree):
    outlets = org.outlets_in_scope(tree, "东湖支行")
    lenient = quality.table_summary(con, MONTH, outlets=outlets, low_coverage_share=0.9)
    strict = quality.table_summary(con, MONTH, outlets=outlets, low_coverage_share=0.95)
    assert not _row(lenient, table="tickets").low_coverage
    assert _row(strict, table="tickets").low_coverage


def test_daily_counts_fill_every_day(con):
    daily = quality.daily_counts(con, MONTH, tables=["tickets", "complaints"])
    tickets = daily[daily["table"] == "tickets"]
    assert len(tickets) == 31
    by_day = dict(zip(tickets["day"], tickets["rows"]))
    assert by_day[date(2026, 10, 1)] == 5  # O01 three, O03 one, O05 one; O02 not yet open
    assert by_day[date(2026, 10, 5)] == 2  # O03 and O05
    assert by_day[date(2026, 10, 20)] == 3  # O01, O03, O05 (O02 missing)
    assert by_day[date(2026, 10, 31)] == 3  # O01, O02, O05
    assert tickets["rows"].sum() == 102
    complaints = daily[daily["table"] == "complaints"]
    assert complaints.loc[complaints["rows"] > 0, "day"].tolist() == [
        date(2026, 10, 2), date(2026, 10, 15), date(2026, 10, 31)]


def test_daily_counts_scoped_and_bad_table(con):
    daily = quality.daily_counts(con, MONTH, tables=["tickets"], outlets=["O01", "O02"])
    assert daily["rows"].sum() == 51
    assert daily.loc[daily["rows"] == 0, "day"].tolist() == [date(2026, 10, 5), date(2026, 10, 6)]
    with pytest.raises(ValueError, match="outlets has no event time"):
        quality.daily_counts(con, MONTH, tables=["outlets"])
    with pytest.raises(KeyError, match="unknown table 'nope'"):
        quality.daily_counts(con, MONTH, tables=["nope"])


def test_outlet_days_and_missing_days(con):
    days = quality.outlet_days(con, MONTH, ["tickets"])
    assert days["outlet_id"].tolist() == ["O01", "O02", "O03", "O06", "O05"]  # O04 unstaffed, O07 closed
    assert dict(zip(days["outlet_id"], days["open_days"])) == {"O01": 31, "O02": 21, "O03": 20, "O05": 31, "O06": 31}
    gaps = quality.outlets_missing_days(con, MONTH, ["tickets", "ratings"])
    assert list(dict.fromkeys(gaps["table"])) == ["tickets", "ratings"]  # in gap_tables order
    tickets = gaps[gaps["table"] == "tickets"]
    assert tickets[["outlet_id", "missing_days", "missing_dates"]].values.tolist() == [
        ["O06", 31, "10-01~10-31"], ["O01", 2, "10-05~10-06"], ["O02", 1, "10-20"]]
    ratings = gaps[gaps["table"] == "ratings"]
    assert dict(zip(ratings["outlet_id"], ratings["missing_days"])) == {
        "O06": 31, "O01": 30, "O02": 21, "O05": 21, "O03": 20}
    assert _row(ratings, outlet_id="O05").missing_dates == "10-11~10-31"


def test_missing_days_scoped(con):
    gaps = quality.outlets_missing_days(con, MONTH, ["tickets"], outlets=["O01", "O03", "O04"])
    assert gaps["outlet_id"].tolist() == ["O01"]


def test_gap_table_without_outlet_is_refused(con):
    with pytest.raises(ValueError, match="quality.gap_tables: table report_submissions has no outlet_id"):
        quality.outlet_days(con, MONTH, ["report_submissions"])


def test_date_ranges():
    d = lambda n: date(2026, 10, n)  # noqa: E731
    assert quality.date_ranges([d(7), d(5), d(6), d(20), d(22), d(23)]) == "10-05~10-07, 10-20, 10-22~10-23"
    assert quality.date_ranges([]) == ""
    assert quality.date_ranges([date(2026, 9, 30), d(1)]) == "09-30~10-01"


def test_set_aside_summary_masks_examples(con):
    summary = quality.set_aside_summary(con)
    assert summary[["table", "reason", "rows"]].values.tolist() == [
        ["complaints", "not a phone number", 1],
        ["complaints", "not a timestamp", 1],
        ["tickets", "called_at is before taken_at", 2],
        ["tickets", "outlet_id not in outlets", 1],
    ]
    assert _row(summary, reason="not a phone number").example_value == "138****5678 转 8"
    assert _row(summary, reason="called_at is before taken_at").example_row == 9
    assert _row(summary, reason="outlet_id not in outlets").example_value == "O99"


def test_ingest_files_flags_unbalanced_file(con):
    files = quality.ingest_files(con)
    assert files["file"].tolist()[0] == "ratings_2026-10.csv"  # newest first
    assert dict(zip(files["file"], files["unaccounted"])) == {
        "ratings_2026-10.csv": 1, "complaints_2026-10.csv": 0, "tickets_2026-10.csv": 0, "outlets.csv": 0}


def test_bookkeeping_tables_absent_give_empty_frames():
    import duckdb

    con = duckdb.connect()
    assert quality.set_aside_summary(con).empty
    assert quality.ingest_files(con).empty
    assert "example_value" in quality.set_aside_summary(con).columns


def test_day_coverage_kpis_roll_up_numerators_and_denominators(con, tree):
    days = quality.outlet_days(con, MONTH, ["tickets"])
    rows = quality.day_coverage_kpis(days, tree, MONTH, scope_level="province")
    by_unit = {(r.level, r.unit_id): (r.numerator, r.denominator) for r in rows.itertuples()}
    # O01 29/31, O02 20/21, O03 20/20, O05 31/31, O06 0/31; O04 (self-service) and O07 (closed) absent
    assert by_unit[("outlet", "O01")] == (29, 31)
    assert ("outlet", "O04") not in by_unit and ("outlet", "O07") not in by_unit
    assert by_unit[("subbranch", "东湖支行")] == (49, 52)
    assert by_unit[("branch", "武汉分行")] == (69, 72)
    assert by_unit[("branch", "襄阳分行")] == (31, 62)
    assert by_unit[("province", "province")] == (100, 134)
    province = rows[rows["level"] == "province"].iloc[0]
    assert province.metric == "outlet_day_coverage:tickets" and province.area == "quality"
    assert round(province.value, 4) == round(100 / 134, 4)


def test_day_coverage_kpis_scoped_has_no_rows_above_scope(con, tree):
    outlets = org.outlets_in_scope(tree, "东湖支行")
    days = quality.outlet_days(con, MONTH, ["tickets"], outlets=outlets)
    rows = quality.day_coverage_kpis(days, org.scope_tree(tree, "东湖支行"), MONTH, scope_level="subbranch")
    assert sorted(set(rows["level"])) == ["outlet", "subbranch"]
    assert rows.loc[rows["level"] == "subbranch", ["numerator", "denominator"]].values.tolist() == [[49, 52]]


def test_set_aside_summary_counts_rows_not_problem_lines():
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE _quarantine (file VARCHAR, table_name VARCHAR, row_number BIGINT, "
                "column_name VARCHAR, value VARCHAR, reason VARCHAR, quarantine_file VARCHAR, ingested_at TIMESTAMP)")
    # row 7 breaks one rule in two columns (two lines); row 9 once: 2 rows, not 3
    con.execute("INSERT INTO _quarantine VALUES "
                "('t.csv', 'tickets', 7, 'taken_at', 'x', 'called_at is before taken_at', 'q.csv', now()), "
                "('t.csv', 'tickets', 7, 'called_at', 'y', 'called_at is before taken_at', 'q.csv', now()), "
                "('t.csv', 'tickets', 9, 'taken_at', 'z', 'called_at is before taken_at', 'q.csv', now())")
    summary = quality.set_aside_summary(con)
    assert summary[["table", "rows", "files", "example_row"]].values.tolist() == [["tickets", 2, 1, 7]]


def test_table_rows_the_one_count_with_merged_beside_it(con):
    # README "Rows loaded per table": warehouse rows, merged, set aside, read, overlap, files
    loaded = quality.table_rows(con)
    assert loaded[["table", "rows_in_warehouse", "rows_merged", "rows_set_aside", "rows_read", "rows_overlap",
                   "files"]].values.tolist() == [
        ["outlets", 7, 0, 0, 7, 0, 1], ["staff", 3, 0, 0, 0, None, 0], ["star_ratings", 3, 0, 0, 0, None, 0],
        ["complaints", 4, 1, 2, 7, 0, 1], ["ratings", 12, 0, 0, 13, 1, 1], ["tickets", 105, 0, 3, 108, 0, 1],
        ["report_submissions", 4, 0, 0, 0, None, 0]]
    assert _row(loaded, table="complaints").table_zh == "投诉"
    # page 00's section one shows the same province totals (rows_total) as this table
    summary = quality.table_summary(con, MONTH)
    assert dict(zip(summary["table"], summary["rows_total"]))["ratings"] == 12
    assert dict(zip(summary["table"], summary["rows_total"]))["tickets"] == 105


def test_ingest_files_count_merged_rows():
    files = quality.ingest_files(build())
    complaints = _row(files, file="complaints_2026-10.csv")
    # read 7 = loaded 4 + set aside 2 + merged 1: balanced
    assert (complaints.rows_read, complaints.rows_loaded, complaints.rows_set_aside, complaints.rows_merged,
            complaints.unaccounted) == (7, 4, 2, 1, 0)


def test_a_log_from_before_merged_rows_were_counted_reads_them_as_zero():
    import duckdb

    con = duckdb.connect()  # as a report opens an old warehouse: read-only, no column added
    con.execute("CREATE TABLE _ingest_log (file VARCHAR, sha256 VARCHAR, table_name VARCHAR, profile VARCHAR, "
                "rows_read BIGINT, rows_loaded BIGINT, rows_set_aside BIGINT, started_at TIMESTAMP, finished_at TIMESTAMP)")
    con.execute("CREATE TABLE ratings (outlet_id VARCHAR)")
    con.execute("INSERT INTO ratings VALUES ('O1'), ('O2')")
    # then, an identical duplicate counted as loaded: 3 read, 3 loaded, 2 stored
    con.execute("INSERT INTO _ingest_log VALUES ('/r.csv', 'ab', 'ratings', NULL, 3, 3, 0, now(), now())")
    assert quality.ingest_files(con)[["rows_merged", "rows_present", "unaccounted"]].values.tolist() == [[0, 0, 0]]
    row = _row(quality.table_rows(con), table="ratings")
    assert (row.rows_in_warehouse, row.rows_merged, row.rows_read, row.rows_overlap) == (2, 0, 3, 1)
