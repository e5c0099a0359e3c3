"""lake: the Parquet layout, contract schema, incremental re-export, read-back, and `svc lake export`."""

from datetime import date, datetime

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from svc_analysis.pack import cli
from svc_analysis.engine import lake
from svc_analysis.engine import warehouse as wh

OUTLETS = [("O1", "一号网点", "城东支行", "甲分行", "standard"), ("O2", "二号网点", "城西支行", "甲分行", "vip_centre")]
# complaint_id, received_at, channel, outlet_id, category, responsible: two in September, three in October
COMPLAINTS = [
    ("C1", "2026-09-01 00:00:00", "hotline", "O1", "attitude", True),
    ("C2", "2026-09-30 23:59:59", "onsite", "O2", "fees", False),
    ("C3", "2026-10-01 00:00:00", "hotline", "O1", "skill", False),
    ("C4", "2026-10-15 12:30:00", "letter", "O2", "other", True),
    ("C5", "2026-10-31 23:59:59", "hotline", "O1", "attitude", False),
]
TICKETS = [("A001", "O1", "2026-10-31 23:50:00", "2026-11-01 00:05:00")]


@pytest.fixture
def con(tmp_path):
    connection = wh.connect(tmp_path / "w.duckdb")
    wh.ensure_schema(connection)
    connection.executemany("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type) "
                           "VALUES (?, ?, ?, ?, ?)", OUTLETS)
    connection.executemany("INSERT INTO complaints (complaint_id, received_at, channel, outlet_id, category, "
                           "responsible) VALUES (?, ?, ?, ?, ?, ?)", COMPLAINTS)
    connection.executemany("INSERT INTO tickets (ticket_id, outlet_id, taken_at, called_at) VALUES (?, ?, ?, ?)",
                           TICKETS)
    yield connection
    connection.close()


def _files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.parquet"))


def test_layout_one_file_per_month_of_the_event_time_and_one_per_dimension_table(con, tmp_path):
    root = tmp_path / "lake"
    results = {r.table: r for r in lake.export(con, root)}
    assert _files(root) == ["complaints/event_month=2026-09/data.parquet",
                            "complaints/event_month=2026-10/data.parquet", "outlets/data.parquet",
                            "tickets/event_month=2026-10/data.parquet"]
    assert results["complaints"].written == ["2026-09", "2026-10"] and results["complaints"].rows == 5
    assert results["outlets"].written == [lake.ALL] and results["staff"].rows == 0
    assert lake.PARTITIONS["tickets"] == "taken_at" and lake.PARTITIONS["report_submissions"] == "submitted_at"
    assert "outlets" not in lake.PARTITIONS and "campaign_actuals" not in lake.PARTITIONS
    manifest = lake.read_manifest(root)
    assert manifest["tables"]["complaints"]["partitioned_by"] == "received_at"
    assert {m: p["rows"] for m, p in manifest["tables"]["complaints"]["parts"].items()} == {"2026-09": 2, "2026-10": 3}


def test_files_carry_the_contract_schema_and_naive_timestamps(con, tmp_path):
    root = tmp_path / "lake"
    lake.export(con, root)
    schema = pq.read_schema(root / "complaints/event_month=2026-10/data.parquet")
    assert [(f.name, f.type) for f in schema] == [(f.name, f.type) for f in lake.arrow_schema("complaints")]
    assert schema.field("received_at").type == pa.timestamp("us") and schema.field("responsible").type == pa.bool_()
    assert pq.read_schema(root / "outlets/data.parquet").field("deposits").type == pa.float64()
    october = pq.read_table(root / "complaints/event_month=2026-10/data.parquet").to_pydict()
    assert sorted(october["complaint_id"]) == ["C3", "C4", "C5"]
    assert max(october["received_at"]) == datetime(2026, 10, 31, 23, 59, 59)  # not shifted by any zone
    # the ticket taken before midnight and called after it stays in October with both times as stored
    ticket = pq.read_table(root / "tickets/event_month=2026-10/data.parquet").to_pylist()[0]
    assert (ticket["taken_at"], ticket["called_at"]) == (datetime(2026, 10, 31, 23, 50), datetime(2026, 11, 1, 0, 5))


def test_the_lake_reads_back_as_hive_datasets_in_pyarrow_and_duckdb(con, tmp_path):
    root = tmp_path / "lake"
    lake.export(con, root)
    dataset = ds.dataset(root / "complaints", format="parquet", partitioning="hive")
    table = dataset.to_table()
    assert table.num_rows == 5
    per_month = table.group_by("event_month").aggregate([("complaint_id", "count")]).to_pydict()
    assert dict(zip(per_month["event_month"], per_month["complaint_id_count"])) == {"2026-09": 2, "2026-10": 3}
    counts = duckdb.sql(f"SELECT event_month, count(*), count(*) FILTER (WHERE responsible) FROM read_parquet("
                        f"'{root}/complaints/*/*.parquet', hive_partitioning = true) GROUP BY 1 ORDER BY 1").fetchall()
    assert counts == [("2026-09", 2, 1), ("2026-10", 3, 1)]


def _mtimes(root):
    return {f: (root / f).stat().st_mtime_ns for f in _files(root)}


def test_re_export_rewrites_only_the_changed_month_and_deletes_months_that_vanished(con, tmp_path):
    root = tmp_path / "lake"
    lake.export(con, root)
    before, manifest = _mtimes(root), lake.read_manifest(root)
    again = {r.table: r for r in lake.export(con, root)}
    assert again["complaints"].written == [] and again["complaints"].unchanged == ["2026-09", "2026-10"]
    assert _mtimes(root) == before

    con.execute("UPDATE complaints SET category = 'skill' WHERE complaint_id = 'C2'")  # September only
    changed = {r.table: r for r in lake.export(con, root)}
    assert changed["complaints"].written == ["2026-09"] and changed["complaints"].unchanged == ["2026-10"]
    assert changed["outlets"].written == [] and changed["tickets"].written == []
    after, parts = _mtimes(root), lake.read_manifest(root)["tables"]["complaints"]["parts"]
    september = "complaints/event_month=2026-09/data.parquet"
    assert after[september] != before[september]
    assert {f: t for f, t in after.items() if f != september} == {f: t for f, t in before.items() if f != september}
    old_parts = manifest["tables"]["complaints"]["parts"]
    assert parts["2026-09"]["rows"] == 2 and parts["2026-09"]["fingerprint"] != old_parts["2026-09"]["fingerprint"]
    assert parts["2026-10"] == old_parts["2026-10"]
    assert pq.read_table(root / september).column("category").to_pylist() == ["attitude", "skill"]

    con.execute("DELETE FROM complaints WHERE received_at < '2026-10-01'")
    gone = {r.table: r for r in lake.export(con, root)}
    assert gone["complaints"].deleted == ["2026-09"] and not (root / "complaints/event_month=2026-09").exists()
    assert set(lake.read_manifest(root)["tables"]["complaints"]["parts"]) == {"2026-10"}


def test_a_new_row_in_a_month_or_a_lost_file_is_written_again(con, tmp_path):
    root = tmp_path / "lake"
    lake.export(con, root)
    con.execute("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type) "
                "VALUES ('O3', '三号网点', '城东支行', '甲分行', 'standard')")
    (root / "tickets/event_month=2026-10/data.parquet").unlink()
    results = {r.table: r for r in lake.export(con, root)}
    assert results["outlets"].written == [lake.ALL] and results["tickets"].written == ["2026-10"]
    assert pq.read_table(root / "outlets/data.parquet").num_rows == 3
    assert results["complaints"].written == []


def test_a_schema_change_rewrites_the_whole_table_and_stale_temporaries_are_removed(con, tmp_path):
    root = tmp_path / "lake"
    lake.export(con, root)
    manifest = lake.read_manifest(root)
    manifest["tables"]["complaints"]["schema"] = manifest["tables"]["complaints"]["schema"][:-1]
    (root / lake.MANIFEST).write_text(__import__("json").dumps(manifest), encoding="utf-8")
    stale = root / "complaints/event_month=2026-10" / f".{lake.FILE}.tmp"
    stale.write_bytes(b"half a file")
    results = {r.table: r for r in lake.export(con, root, ["complaints"])}
    assert results["complaints"].written == ["2026-09", "2026-10"] and not stale.exists()
    assert list(results) == ["complaints"]


def test_date_event_tables_partition_by_their_date(con, tmp_path):
    con.execute("INSERT INTO staff VALUES ('S1', 'O1', 'teller', DATE '2020-01-01', NULL)")
    con.execute("INSERT INTO skill_tests VALUES ('S1', 'expert', DATE '2026-08-31', true), "
                "('S1', 'english', DATE '2026-09-01', false)")
    root = tmp_path / "lake"
    lake.export(con, root, ["staff", "skill_tests"])
    assert _files(root) == ["skill_tests/event_month=2026-08/data.parquet",
                            "skill_tests/event_month=2026-09/data.parquet", "staff/data.parquet"]
    assert pq.read_table(root / "skill_tests/event_month=2026-08/data.parquet").column("tested_on").to_pylist() \
        == [date(2026, 8, 31)]


def test_cli_lake_export_reports_each_table_in_chinese(con, tmp_path):
    con.close()
    runner = CliRunner()
    args = ["lake", "export", "--warehouse", str(tmp_path / "w.duckdb"), "--to", str(tmp_path / "lake")]
    first = runner.invoke(cli.main, args)
    assert first.exit_code == 0, first.output
    # the fixture's 5 complaints fall in two months: two partitions written on the first export
    assert "投诉表：5 行，重写 2 个分区，未变 0 个，删除 0 个" in first.output
    assert first.output.splitlines()[-1] == f"数据湖已更新：{tmp_path / 'lake'}"
    second = runner.invoke(cli.main, args + ["--table", "complaints"])
    assert second.output.splitlines()[0].startswith("投诉表：5 行，重写 0 个分区，未变 2 个")
    missing = runner.invoke(cli.main, ["lake", "export", "--warehouse", str(tmp_path / "none.duckdb"),
                                       "--to", str(tmp_path / "lake")])
    assert missing.exit_code == 2 and missing.output.strip() == (
        f"错误：数据仓库 {tmp_path / 'none.duckdb'} 不存在，请先用 svc ingest 导入数据。")
    unknown = runner.invoke(cli.main, args + ["--table", "nope"])
    assert unknown.exit_code == 2 and unknown.output.startswith("错误：没有数据表“nope”。可选的数据表有 ")


def test_an_event_row_without_its_time_stops_the_export_with_the_table_named(con, tmp_path):
    con.execute("INSERT INTO ratings (outlet_id, rated_at, score) VALUES ('O1', NULL, 5), ('O1', '2026-10-02 10:00', 4)")
    with pytest.raises(lake.LakeError, match=r"评价表中有 1 行没有评价时间，无法分月"):
        lake.export(con, tmp_path / "lake", ["ratings"])
    assert not (tmp_path / "lake" / "ratings").exists()
