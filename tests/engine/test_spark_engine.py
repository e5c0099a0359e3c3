"""spark_engine on Spark local mode: the same Ibis expressions give the same results as on DuckDB.

Parity on the tiny sample (tests.support: TINY_MONTH for queue and satisfaction; 2026-08 for
complaints, the tiny sample has none in October) over the lake exported from that warehouse, plus
the two traps issue 16 names: naive timestamps across zones and count(where=...) over no rows.
"""

from datetime import date, datetime

import pandas as pd
import pytest

from svc_analysis.complaints import sla as complaint_sla
from svc_analysis.complaints import complaints
from svc_analysis.complaints import weekly
from svc_analysis.core.period import Period
from svc_analysis.engine import lake
from svc_analysis.engine import org
from svc_analysis.queue import peaks
from svc_analysis.quality import quality
from svc_analysis.queue import queue
from svc_analysis.satisfaction import satisfaction
from svc_analysis.satisfaction import surveys
from svc_analysis.engine import warehouse as wh
from svc_analysis.core.params import load_params
from tests.engine.spark_support import DRIVER_ZONE, MARKS, same_rows
from tests.support import TINY_MONTH

pytestmark = MARKS
COMPLAINT_MONTH = "2026-08"


@pytest.fixture(scope="module")
def tree(duck):
    return org.outlet_tree(duck)


def test_session_zone_is_utc_while_the_driver_runs_in_another_zone(spark, sp):
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    assert spark.sparkContext._jvm.java.util.TimeZone.getDefault().getID() == DRIVER_ZONE


def test_every_contract_table_has_the_contract_columns_and_types_on_both_engines(duck, sp):
    ib = wh.engine(duck)
    for name in ("outlets", "staff", "complaints", "ratings", "tickets", "inspections", "campaign_actuals"):
        spark_schema, duck_schema = sp.table(name).schema(), ib.table(name).schema()
        assert list(spark_schema) == list(duck_schema), name
        # both naive microseconds: DuckDB's says timestamp(6), Spark's TIMESTAMP_NTZ carries no scale
        assert [_plain(t) for t in spark_schema.types] == [_plain(t) for t in duck_schema.types], name
    assert sp.table("tickets").schema()["taken_at"].timezone is None


def _plain(dtype) -> str:
    assert not dtype.is_timestamp() or dtype.timezone is None
    return "timestamp" if dtype.is_timestamp() else str(dtype)


def _month_view(t):
    """October rows with the month (truncated), its text, the day and the epoch seconds of the time."""
    t = t.filter(t.received_at >= datetime(2026, 10, 1), t.received_at < datetime(2026, 11, 1))
    return t.select("complaint_id", "received_at", month=t.received_at.truncate("M"),
                    ym=t.received_at.strftime("%Y-%m"), day=t.received_at.date(),
                    epoch=t.received_at.epoch_seconds()).order_by("complaint_id")


def test_naive_timestamps_keep_their_digits_month_and_epoch_on_both_engines(spark, sp, tmp_path):
    from svc_analysis.engine import spark_engine

    con = wh.connect(tmp_path / "w.duckdb")
    wh.ensure_schema(con)
    con.execute("INSERT INTO complaints (complaint_id, received_at, channel, outlet_id, category, responsible) "
                "VALUES ('C1', '2026-09-30 23:59:59', 'hotline', 'O1', 'fees', false), "
                "('C2', '2026-10-01 00:00:00', 'hotline', 'O1', 'fees', false), "
                "('C3', '2026-10-31 23:59:59', 'hotline', 'O1', 'fees', true), "
                "('C4', '2026-11-01 00:00:00', 'hotline', 'O1', 'fees', false)")
    lake.export(con, tmp_path / "lake", ["complaints"])
    spark_engine.read_table(spark, tmp_path / "lake", "complaints").createOrReplaceTempView("roundtrip")
    on_duck = _month_view(wh.engine(con).table("complaints")).to_pandas()
    on_spark = _month_view(sp.table("roundtrip")).to_pandas()
    con.close()
    for frame in (on_duck, on_spark):
        assert frame["complaint_id"].tolist() == ["C2", "C3"]
        assert list(frame["received_at"]) == [pd.Timestamp("2026-10-01 00:00:00"), pd.Timestamp("2026-10-31 23:59:59")]
        assert list(frame["month"]) == [pd.Timestamp("2026-10-01")] * 2
        assert frame["ym"].tolist() == ["2026-10", "2026-10"]
        assert [pd.Timestamp(d).date() for d in frame["day"]] == [date(2026, 10, 1), date(2026, 10, 31)]
        # the naive time read as UTC: 2026-10-01T00:00:00Z = 1790812800 (20,362 days x 86,400 s)
        assert frame["epoch"].tolist() == [1790812800, 1790812800 + 30 * 86400 + 86399]


def test_count_where_is_zero_over_no_rows_and_all_null_conditions(duck, spark, sp):
    import ibis

    def counts(ib):
        t = ib.table("tickets")
        unserved = t.filter(t.called_at.isnull(), t.taken_at >= datetime(2026, 10, 1), t.taken_at < datetime(2026, 11, 1))
        early = t.filter(t.taken_at < datetime(2000, 1, 1))
        nothing = early.aggregate(n=early.count(where=early.called_at.notnull()))
        late = unserved.group_by("outlet_id").aggregate(late=unserved.count(where=unserved.called_at > unserved.taken_at))
        return nothing.to_pandas()["n"].tolist(), late.to_pandas()["late"].tolist()

    (none_duck, late_duck), (none_spark, late_spark) = counts(wh.engine(duck)), counts(sp)
    assert none_duck == none_spark == [0]
    assert len(late_duck) == len(late_spark) == 8 and set(late_duck) == set(late_spark) == {0}
    # Ibis' stock PySpark compiler gives NULL there (the trap spark_engine._compiler removes)
    stock = counts(ibis.pyspark.connect(spark))
    assert pd.isna(stock[0][0]) and all(pd.isna(v) for v in stock[1])


def _params():
    return load_params(TINY_MONTH)


# name -> (function of a connection or backend, sort keys, anchor: a check of the DuckDB result)
CASES = {
    # the page's repeat complainants: lists collected unordered, sorted in pandas (no ordered collect on Spark)
    "complaint_sla.repeat_complainants": (lambda c, tree: complaint_sla.repeat_complainants(
        c, COMPLAINT_MONTH, tree, window_days=30), ["first_at", "outlets", "categories"], lambda f: len(f) > 0),
    "queue.outlet_stats": (lambda c, tree: queue.outlet_stats(c, TINY_MONTH, 20.0), ["outlet_id"],
                           lambda f: len(f) == 8 and f["served"].sum() > 0 and f["p90_wait"].notna().all()),
    "queue.level_stats": (lambda c, tree: queue.level_stats(c, TINY_MONTH, 20.0, tree), ["level", "unit_id"],
                          lambda f: f.loc[f["level"] == "province", "tickets"].item() > 0),
    "queue.wait_kpis": (lambda c, tree: queue.wait_kpis(
        c, TINY_MONTH, queue.counting_outlets(c, tree, TINY_MONTH), threshold=20.0, tolerance=0.05,
        outlets_target=0), ["metric", "level", "unit_id"], lambda f: f["value"].notna().sum() > 40),
    "complaints.counts_by_outlet": (lambda c, tree: complaints.counts_by_outlet(
        c, *[datetime(2026, 8, 1), datetime(2026, 9, 1)]), ["outlet_id"], lambda f: f["complaints"].sum() == 16),
    "complaints.month_kpis": (lambda c, tree: complaints.month_kpis(
        c, COMPLAINT_MONTH, tree, per_customers=10000, responsible_target=0), ["metric", "level", "unit_id"],
        lambda f: f.query("metric == 'complaints_total' and level == 'province'")["value"].item() == 16),
    "complaints.monthly_trend": (lambda c, tree: complaints.monthly_trend(
        c, TINY_MONTH, 12, per_customers=10000, rolling=3), ["month"], lambda f: f["complaints"].sum() > 16),
    "weekly.weekly_summary": (lambda c, tree: weekly.weekly_summary(c, Period.month(COMPLAINT_MONTH)).reset_index(),
                                  ["周"], lambda f: f["合计"].sum() == 16),
    "satisfaction.outlet_months": (lambda c, tree: satisfaction.outlet_months(
        c, satisfaction.window(TINY_MONTH, 13)), ["outlet_id", "month"], lambda f: f["ratings"].sum() > 0),
    "satisfaction.kpi_rows": (lambda c, tree: satisfaction.kpi_rows(
        satisfaction.outlet_months(c, [TINY_MONTH]), tree, TINY_MONTH, target=0.9), ["metric", "level", "unit_id"],
        lambda f: f["value"].notna().any()),
    "surveys.outlet_counts": (lambda c, tree: surveys.outlet_counts(
        c, TINY_MONTH, csat_min_score=4, promoter_min=9, detractor_max=6), ["outlet_id"],
        lambda f: f["answers"].sum() > 0),
    "peaks.weekday_hour": (lambda c, tree: peaks.weekday_hour(c, TINY_MONTH, None, 20.0), ["weekday", "hour"],
                           lambda f: f["served"].sum() > 0),
    "quality.daily_counts": (lambda c, tree: quality.daily_counts(c, TINY_MONTH), ["table", "day"],
                             lambda f: len(f) > 0),
    # were refused on Spark (ordered collects); now collected unordered and sorted on the small result
    "quality.outlet_days": (lambda c, tree: quality.outlet_days(c, TINY_MONTH, ["tickets", "ratings"]),
                            ["table", "outlet_id"], lambda f: f["missing_days"].sum() > 0),
    "complaint_sla.repeat_complainants": (lambda c, tree: complaint_sla.repeat_complainants(
        c, COMPLAINT_MONTH, tree, window_days=30), ["customer_id", "customer_phone", "first_at"],
        lambda f: len(f) > 0),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_same_expression_gives_the_same_rows_on_duckdb_and_spark(case, duck, sp, tree):
    build, keys, anchor = CASES[case]
    on_duck, on_spark = build(duck, tree), build(sp, tree)
    assert anchor(on_duck), f"{case}: the tiny sample no longer exercises this expression"
    same_rows(on_duck, on_spark, keys)


def test_check_waits_runs_on_both_engines(duck, sp):
    """queue.check_waits names the first negative wait with a window + filter (was first(order_by=),
    refused on Spark): it compiles and runs on both; the tiny sample has no negative wait."""
    assert queue.check_waits(duck, TINY_MONTH) is None and queue.check_waits(sp, TINY_MONTH) is None


def test_bookkeeping_reads_the_lake_as_a_warehouse_without_ingest_tables(duck, sp):
    """The lake has the contract tables and no _ingest_log / _quarantine: the rows loaded per table
    are the warehouse's (the lake is an export of it), nothing is listed as set aside or ingested."""
    from svc_analysis.engine import bookkeeping

    on_duck, on_spark = bookkeeping.table_rows(duck), bookkeeping.table_rows(sp)
    assert on_duck["table"].tolist() == on_spark["table"].tolist()
    assert on_spark["rows_in_warehouse"].tolist() == on_duck["rows_in_warehouse"].tolist()
    assert on_duck.set_index("table").at["tickets", "rows_in_warehouse"] > 0
    assert (on_spark["files"] == 0).all()  # no ingest log in the lake
    assert bookkeeping.set_aside(sp).empty and bookkeeping.ingested_files(sp).empty


def test_float_literals_are_doubles_as_on_duckdb(duck, sp):
    """`seconds / 60.0`: Spark SQL reads the literal 60.0 as DECIMAL(3,1), so the stock compiler made
    it decimal division rounded to 6 digits (the queue's mean waits moved by ~1e-8); spark_engine
    casts float literals to DOUBLE. 1 / 3.0 as a double is 0.3333333333333333 (decimal: 0.333333)."""
    import ibis

    expr = ibis.literal(1, type="int64") / ibis.literal(3.0)
    assert sp.execute(expr) == wh.engine(duck).execute(expr) == 1 / 3
