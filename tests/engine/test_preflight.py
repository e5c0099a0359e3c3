from datetime import date

import pytest

from svc_analysis.core import config
from svc_analysis.engine import warehouse
from svc_analysis.engine.preflight import PreflightError, check_can_run, table_coverage


@pytest.fixture
def small_warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    warehouse.ensure_schema(con)
    con.execute("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type) VALUES "
                "('O1', '江汉路网点', '江汉支行', '武汉分行', 'standard')")
    con.execute("INSERT INTO tickets (ticket_id, outlet_id, taken_at, called_at) VALUES "
                "('A001', 'O1', '2026-10-01 09:00:00', '2026-10-01 09:05:00'), "
                "('A002', 'O1', '2026-10-31 23:59:59', NULL), "
                "('A001', 'O1', '2026-11-01 00:00:00', NULL)")
    con.execute("INSERT INTO star_ratings VALUES ('S1', '2019-01-15', 2, '2021-01-14')")
    con.close()
    return path


def settings(path, month="2026-10", scope=None):
    return config.RunSettings(month=month, warehouse=path, scope=scope, params_file=None)


def test_coverage_counts_the_half_open_month(small_warehouse):
    con = warehouse.connect(small_warehouse, read_only=True)
    cov = table_coverage(con, "2026-10")
    con.close()
    # 23:59:59 on the 31st is October; 00:00 on 1 November is not
    # rows and merged: bookkeeping.table_rows (no ingest log here: nothing merged)
    assert cov["tickets"] == {"rows": 3, "merged": 0, "rows_in_month": 2, "first": date(2026, 10, 1),
                              "last": date(2026, 11, 1)}
    assert cov["outlets"] == {"rows": 1, "merged": 0, "rows_in_month": None, "first": None, "last": None}
    assert cov["ratings"]["rows"] == 0


def test_a_month_with_daily_feeds_can_run(small_warehouse):
    assert check_can_run(settings(small_warehouse), ["tickets", "ratings"])["tickets"]["rows_in_month"] == 2


def test_history_alone_is_not_data_for_the_month(small_warehouse):
    # a 2019 star rating does not make January 2019 a reportable month
    with pytest.raises(PreflightError, match=r"没有 2019-01 的排队数据（最新数据为 2026-11-01）"):
        check_can_run(settings(small_warehouse, month="2019-01"), ["tickets"])


def test_missing_or_empty_warehouse_and_unknown_scope(tmp_path, small_warehouse):
    with pytest.raises(PreflightError, match="none.duckdb 不存在"):
        check_can_run(settings(tmp_path / "none.duckdb"), ["tickets"])
    empty = tmp_path / "empty.duckdb"
    con = warehouse.connect(empty)
    warehouse.ensure_schema(con)
    con.close()
    with pytest.raises(PreflightError, match="中没有网点"):
        check_can_run(settings(empty), ["tickets"])
    with pytest.raises(PreflightError, match="宜昌分行"):
        check_can_run(settings(small_warehouse, scope="宜昌分行"), ["tickets"])
    assert check_can_run(settings(small_warehouse, scope="江汉支行"), ["tickets"])
