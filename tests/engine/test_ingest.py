"""ingest: end to end on hand-made fixtures and the real CFPB sample (counts checked with grep)."""

import hashlib
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.support import cfpb_sample

from svc_analysis.engine import readers
from svc_analysis.engine import upsert as merge
from svc_analysis.engine import warehouse as wh
from svc_analysis.engine.ingest import IngestError, ingest_files, missing_references

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
REFERENCE = [FIX / "outlets.csv", FIX / "staff_bom.csv"]
NO_OUTLET = "outlets 中没有此 outlet_id"


@pytest.fixture
def w(tmp_path):
    return tmp_path / "w.duckdb"


def q(w, sql):
    con = wh.connect(w, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def contract_tables():
    from svc_analysis.core import contract

    return set(contract.TABLES)


def _counts(report):
    return report.table, report.rows_read, report.rows_loaded, report.rows_set_aside


def test_loads_in_contract_order_from_three_encodings(w):
    reports = ingest_files([FIX / "投诉_2024-10.csv", *REFERENCE[::-1]], warehouse=w, progress=False)
    assert [_counts(r) for r in reports] == [("outlets", 3, 3, 0), ("staff", 3, 3, 0), ("complaints", 3, 3, 0)]
    assert reports[1].warnings == ["staff_bom.csv：忽略了 staff 合同中没有的列 (ignored columns not in the staff contract): 姓名"]
    assert all(r.quarantine_file is None for r in reports)
    assert q(w, "SELECT outlet_id, outlet_type, opened_on::VARCHAR, deposits, smart FROM outlets ORDER BY 1") == [
        ("O001", "standard", "2001-03-15", 12.5, True), ("O002", "vip_centre", "2010-05-01", 30.0, False),
        ("O003", "self_service", "2015-01-01", None, None)]
    assert q(w, "SELECT staff_id, role, left_on::VARCHAR FROM staff ORDER BY 1") == [
        ("S001", "teller", None), ("S002", "lobby_manager", None), ("S003", "teller", "2024-05-31")]
    assert q(w, "SELECT complaint_id, received_at::VARCHAR, channel, category, responsible, complexity "
                "FROM complaints ORDER BY 1") == [
        ("C001", "2024-10-08 09:30:00", "hotline", "attitude", True, "normal"),
        ("C002", "2024-10-09 14:05:30", "comment_book", "efficiency", False, None),
        ("C003", "2024-10-10 11:00:00", "hotline", "fees", False, "complex")]


def test_bad_rows_are_set_aside_with_row_column_reason(w):
    ingest_files(REFERENCE, warehouse=w, progress=False)
    [report] = ingest_files([FIX / "complaints_bad.csv"], warehouse=w, progress=False)
    assert _counts(report) == ("complaints", 7, 2, 5)
    digest = hashlib.sha256(str((FIX / "complaints_bad.csv").resolve()).encode()).hexdigest()[:8]
    assert report.quarantine_file == w.parent / "quarantine" / "complaints" / f"complaints_bad-{digest}.csv"
    assert report.quarantine_file.read_bytes().startswith(b"\xef\xbb\xbf")
    lines = pd.read_csv(report.quarantine_file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(lines.columns[-3:]) == ["_row", "_column", "_reason"]
    assert lines[["complaint_id", "_row", "_column", "_reason"]].values.tolist() == [
        ["B002", "3", "received_at", "不是时间（格式 YYYY-MM-DD HH:MM[:SS]）"],
        ["B003", "4", "channel",
         "不是允许的值之一"],
        ["B004", "5", "outlet_id", "outlets 中没有此 outlet_id"],
        ["B005", "6", "received_at, replied_at", "replied_at 早于 received_at"],
        ["B006", "7", "received_at", "必填值为空"],
        ["B006", "7", "responsible", "不是是/否值（可写 1/0、是/否、Y/N）"],
    ]
    assert lines.loc[0, "received_at"] == "2024-13-01 09:00"  # the raw text as read
    assert q(w, "SELECT complaint_id FROM complaints ORDER BY 1") == [("B001",), ("B007",)]
    assert q(w, "SELECT row_number, column_name, value FROM _quarantine ORDER BY 1, 2") == [
        (3, "received_at", "2024-13-01 09:00"), (4, "channel", "pigeon"), (5, "outlet_id", "O999"),
        (6, "received_at, replied_at", "2024-10-04 10:00 / 2024-10-03 10:00"), (7, "received_at", ""),
        (7, "responsible", "maybe")]


def test_called_before_taken_and_unknown_outlet_without_reference_data(w):
    [report] = ingest_files([FIX / "tickets.csv"], warehouse=w, progress=False)
    assert _counts(report) == ("tickets", 3, 0, 3)  # no outlets loaded yet: every row's outlet is unknown
    ingest_files(REFERENCE, warehouse=w, progress=False)
    [report] = ingest_files([FIX / "tickets.csv"], warehouse=w, progress=False)
    assert _counts(report) == ("tickets", 3, 2, 1)
    assert q(w, "SELECT row_number, column_name, reason FROM _quarantine") == [
        (3, "taken_at, called_at", "called_at 早于 taken_at")]  # the earlier load's lines were replaced


def test_reingest_changes_nothing(w):
    files = [*REFERENCE, FIX / "投诉_2024-10.csv", FIX / "complaints_bad.csv", FIX / "ratings.csv", FIX / "tickets.csv"]
    first = ingest_files(files, warehouse=w, progress=False)
    tables = ["outlets", "staff", "complaints", "ratings", "tickets", "_quarantine"]
    before = {t: q(w, f"SELECT * EXCLUDE (ingested_at) FROM {t} ORDER BY ALL" if t == "_quarantine"
                   else f"SELECT * FROM {t} ORDER BY ALL") for t in tables}
    again = ingest_files(files, warehouse=w, progress=False)
    after = {t: q(w, f"SELECT * EXCLUDE (ingested_at) FROM {t} ORDER BY ALL" if t == "_quarantine"
                  else f"SELECT * FROM {t} ORDER BY ALL") for t in tables}
    assert after == before
    assert [_counts(r) for r in again] == [_counts(r) for r in first]
    assert q(w, "SELECT count(*), count(DISTINCT sha256) FROM _ingest_log") == [(12, 6)]


def test_updated_complaint_replaces_the_old_version(w):
    ingest_files([*REFERENCE, FIX / "投诉_2024-10.csv"], warehouse=w, progress=False)
    [report] = ingest_files([FIX / "complaints_update.csv"], warehouse=w, progress=False)
    assert _counts(report) == ("complaints", 1, 1, 0)
    assert q(w, "SELECT complaint_id, responsible, closed_at::VARCHAR FROM complaints ORDER BY 1") == [
        ("C001", True, "2024-10-15 16:00:00"), ("C002", True, "2024-10-12 17:00:00"), ("C003", False, None)]


def test_ratings_deduplicate_on_the_whole_row(w):
    ingest_files(REFERENCE, warehouse=w, progress=False)
    [report] = ingest_files([FIX / "ratings.csv"], warehouse=w, progress=False)
    # 4 rows: two identical (one loaded, one merged: stored once) and one score of 7 (set aside)
    assert _counts(report) == ("ratings", 4, 2, 1) and report.rows_merged == 1
    assert q(w, "SELECT outlet_id, score FROM ratings ORDER BY ALL") == [("O001", 5), ("O002", 3)]


def test_missing_required_column_loads_nothing_from_any_file(w):
    with pytest.raises(IngestError) as err:
        ingest_files([*REFERENCE, FIX / "complaints_no_outlet.csv"], warehouse=w, progress=False)
    assert "complaints_no_outlet.csv" in str(err.value) and "outlet_id（网点编号）" in str(err.value)
    assert wh.is_empty(w) and not w.exists()


def test_file_undecodable_midway_is_rolled_back(w, tmp_path, monkeypatch):
    ingest_files(REFERENCE, warehouse=w, progress=False)
    path = tmp_path / "ratings.csv"
    good = "O001,2024-10-08 09:00,5,\n" * 5
    path.write_bytes(b"outlet_id,rated_at,score,staff_id\n" + good.encode() + "O001,2024-10-08,5,张\n".encode("gbk"))
    monkeypatch.setattr(readers, "detect_encoding", lambda p: "utf-8")  # as if the sample had been clean
    with pytest.raises(IngestError, match="ratings.csv：第 7 行（文本第 7 行）不是有效的 utf-8 文本"):
        ingest_files([path], warehouse=w, chunk_rows=2, progress=False)
    assert q(w, "SELECT count(*) FROM ratings") == [(0,)]
    assert q(w, "SELECT count(*) FROM _ingest_log WHERE table_name = 'ratings'") == [(0,)]
    assert not (w.parent / "quarantine" / "ratings").exists() or not any((w.parent / "quarantine" / "ratings").iterdir())


def test_key_clash_across_chunks_sets_both_versions_aside(w, tmp_path):
    ingest_files(REFERENCE, warehouse=w, progress=False)
    path = tmp_path / "complaints.csv"
    path.write_text("complaint_id,received_at,channel,outlet_id,category,responsible\n"
                    "K1,2024-10-01 09:00,hotline,O001,fees,0\nK2,2024-10-01 09:00,hotline,O001,fees,0\n"
                    "K3,2024-10-01 09:00,hotline,O001,fees,0\nK1,2024-10-01 09:00,hotline,O001,fees,1\n"
                    "K2,2024-10-01 09:00,hotline,O001,fees,0\n", encoding="utf-8")
    [report] = ingest_files([path], warehouse=w, chunk_rows=2, progress=False)
    assert _counts(report) == ("complaints", 5, 2, 2)  # K1 differs: both set aside
    assert report.rows_merged == 1  # K2 twice identical is fine: stored once, the second merged
    lines = pd.read_csv(report.quarantine_file, dtype=str, encoding="utf-8-sig")
    assert lines[["complaint_id", "responsible", "_row", "_reason"]].values.tolist() == [
        ["K1", "0", "2", "complaint_id 在文件中重复出现且内容不同"],
        ["K1", "1", "5", "complaint_id 在文件中重复出现且内容不同"]]
    assert q(w, "SELECT complaint_id FROM complaints ORDER BY 1") == [("K2",), ("K3",)]


def test_prints_nothing(w, capsys):
    ingest_files(REFERENCE, warehouse=w, progress=True)  # stderr is not a tty under pytest: no bar
    assert capsys.readouterr() == ("", "")


def test_cfpb_sample_through_the_profile(w, tmp_path):
    CFPB = cfpb_sample()
    # counts checked by hand: grep -cE '^20[0-9]{2}-[0-9]{2}-[0-9]{2},' (268 complaints; narratives
    # span lines), grep -c ',Closed with monetary relief,' 10, ',Closed with non-monetary relief,' 40,
    # ',Referral,20' 25, ',(Postal mail|Fax),20' 14, ',No,...$' (not timely) 5, ',In progress,' 1
    [report] = ingest_files([CFPB], warehouse=w, profile="cfpb", progress=False)
    assert _counts(report) == ("complaints", 268, 268, 0) and report.quarantine_file is None
    assert report.outlets_added == 92
    assert {t for (t,) in q(w, "SELECT table_name FROM duckdb_tables()")} == {*wh.BOOKKEEPING, *contract_tables()}
    assert q(w, "SELECT sum(responsible::INT), count(*) FILTER (channel = 'regulator'), "
                "count(*) FILTER (channel = 'letter'), count(*) FILTER (closed_at IS NULL), "
                "count(*) FILTER (replied_at IS NULL) FROM complaints") == [(50, 25, 14, 6, 5)]
    assert q(w, "SELECT outlet_id, received_at::VARCHAR, category, channel, closed_at::VARCHAR FROM complaints "
                "WHERE complaint_id = 'CFPB-3384392'") == [
        ("TRANSWORLD SYSTEMS INC", "2019-09-24 00:00:00", "system", "online", "2019-09-24 00:00:00")]
    assert q(w, "SELECT branch, subbranch, outlet_type FROM outlets WHERE outlet_id = 'TRANSWORLD SYSTEMS INC'") == [
        ("CFPB", "CFPB-T", "standard")]
    assert q(w, "SELECT profile, sha256 FROM _ingest_log") == [
        ("cfpb", hashlib.sha256(CFPB.read_bytes()).hexdigest())]
    # an unknown channel is set aside with its reason, at the spreadsheet row (header = 1)
    changed = tmp_path / "cfpb.csv"
    changed.write_text(CFPB.read_text(encoding="utf-8").replace(",Fax,", ",Carrier pigeon,", 1), encoding="utf-8")
    [report] = ingest_files([changed], warehouse=w, profile="cfpb", progress=False)
    assert _counts(report) == ("complaints", 268, 267, 1) and report.outlets_added == 0
    [(row, column, value)] = q(w, "SELECT row_number, column_name, value FROM _quarantine")
    assert (column, value) == ("channel", "Carrier pigeon")
    assert row == 68  # first Fax record (Complaint ID 3337124): text line 247, spreadsheet row 68
    shutil.rmtree(w.parent / "quarantine")


def test_docs_name_every_contract_column_and_chinese_header():
    from svc_analysis.core import config
    from svc_analysis.core import contract

    text = (config.DOCS_DIR / "ingest.md").read_text(encoding="utf-8")
    for table in contract.TABLES.values():
        assert f"### {table.name} (" in text
        for col in table.columns:
            assert f"| {col.name} | {' / '.join(col.zh)} | {col.type} |" in text, (table.name, col.name)


def test_missing_references_looks_in_the_warehouse_and_in_staging(w):
    con = wh.connect(w)
    try:
        wh.ensure_schema(con)
        wh.run(con, "INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type) "
                    "VALUES ('O1', 'n', 's', 'b', 'standard')")
        staged = wh.create_staging(con, "outlets", "_stage_x_outlets")
        wh.run(con, "INSERT INTO _stage_x_outlets (outlet_id, outlet_name, subbranch, branch, outlet_type, _row) "
                    "VALUES ('O2', 'n', 's', 'b', 'standard', 9)")
        frame = pd.DataFrame({"outlet_id": ["O1", "O2", "O9"], "rated_at": pd.to_datetime(["2024-10-08"] * 3),
                              "score": [4, 5, 3], "staff_id": [None] * 3}, index=pd.Index([2, 3, 4], name="_row"))
        assert missing_references(con, "ratings", frame).values.tolist() == [
            [3, "outlet_id", "O2", NO_OUTLET], [4, "outlet_id", "O9", NO_OUTLET]]
        assert missing_references(con, "ratings", frame, {"outlets": staged}).values.tolist() == [
            [4, "outlet_id", "O9", NO_OUTLET]]
    finally:
        con.close()


def test_interrupted_load_leaves_no_staging_behind(w, tmp_path, monkeypatch):
    ingest_files(REFERENCE, warehouse=w, progress=False)
    monkeypatch.setattr(merge, "upsert", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("disk full")))
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_files([FIX / "ratings.csv"], warehouse=w, progress=False)
    assert q(w, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_stage_%'") == [(0,)]
    assert q(w, "SELECT count(*) FROM ratings") == [(0,)] and q(w, "SELECT count(*) FROM _quarantine") == [(0,)]
    assert not (w.parent / "quarantine" / "ratings").exists() or not any((w.parent / "quarantine" / "ratings").iterdir())


def test_a_load_out_of_memory_loads_nothing_and_says_so_in_a_sentence(w, tmp_path, monkeypatch):
    ingest_files(REFERENCE, warehouse=w, progress=False)
    upsert = merge.upsert

    def moved_then_out_of_memory(con, name, *args, **kwargs):
        upsert(con, name, *args, **kwargs)  # the rows are in the table, inside the load's transaction
        assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] > 0
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block of size 256.0 KiB")

    monkeypatch.setattr(merge, "upsert", moved_then_out_of_memory)
    with pytest.raises(IngestError) as err:
        ingest_files([FIX / "ratings.csv"], warehouse=w, progress=False)
    assert str(err.value) == ("ratings.csv：导入时超出内存上限（384MB），本文件一行也没有导入，仓库中的数据不变；"
                              "请把它按月拆分后分别导入（见 docs/ingest.md 第 7 节）。")
    assert err.value.reports == []  # the reference files were committed by the call before
    assert q(w, "SELECT count(*) FROM ratings") == [(0,)] and q(w, "SELECT count(*) FROM outlets") == [(3,)]
    assert q(w, "SELECT count(*) FROM _ingest_log WHERE table_name = 'ratings'") == [(0,)]
    assert q(w, "SELECT count(*) FROM _quarantine") == [(0,)]
    assert q(w, "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '_stage_%'") == [(0,)]
    assert not (w.parent / "quarantine" / "ratings").exists() or not any((w.parent / "quarantine" / "ratings").iterdir())


# --- quarantine files: one per source file, always agreeing with _quarantine (issue 12, finding 6) ---


def _agreement(w) -> dict[str, list[int]]:
    """quarantine file -> rows, checked to be the same from the CSVs and from _quarantine."""
    table: dict[str, list[int]] = {}
    for path, row in q(w, "SELECT quarantine_file, row_number FROM _quarantine ORDER BY ALL"):
        table.setdefault(path, []).append(row)
    on_disk = {str(p): sorted(int(r) for r in pd.read_csv(p, dtype=str, encoding="utf-8-sig")["_row"])
               for p in (w.parent / "quarantine").rglob("*.csv")}
    assert on_disk == table
    return table


def _ratings(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("outlet_id,rated_at,score,staff_id\n" + "".join(f"O001,2024-10-08 09:00,{s},{staff}\n"
                                                                   for s, staff in rows), encoding="utf-8")
    return path


def test_same_file_name_in_two_folders_keeps_two_quarantine_files(w, tmp_path):
    ingest_files(REFERENCE, warehouse=w, progress=False)
    a = _ratings(tmp_path / "a" / "ratings.csv", [("5", ""), ("9", "")])
    b = _ratings(tmp_path / "b" / "ratings.csv", [("0", ""), ("7", ""), ("4", "")])
    first, second = ingest_files([a, b], warehouse=w, progress=False)
    assert first.quarantine_file != second.quarantine_file
    assert first.quarantine_file.parent == second.quarantine_file.parent == w.parent / "quarantine" / "ratings"
    assert _agreement(w) == {str(first.quarantine_file): [3], str(second.quarantine_file): [2, 3]}
    # a later run with only b, now fixed: b's set-aside lines and file go, a's stay
    _ratings(b, [("1", ""), ("2", ""), ("4", "")])
    [again] = ingest_files([b], warehouse=w, progress=False)
    assert again.rows_set_aside == 0 and again.quarantine_file is None
    assert _agreement(w) == {str(first.quarantine_file): [3]}
    # and a with a different problem replaces its own file and lines
    _ratings(a, [("6", ""), ("6", ""), ("5", "")])
    [reloaded] = ingest_files([a], warehouse=w, progress=False)
    assert reloaded.quarantine_file == first.quarantine_file
    assert _agreement(w) == {str(first.quarantine_file): [2, 3]}


def test_quarantine_csv_neutralises_formula_cells_numbers_stay(w, tmp_path):
    ingest_files(REFERENCE, warehouse=w, progress=False)
    path = _ratings(tmp_path / "ratings.csv", [("=1+1", '=HYPERLINK("http://x")'), ("-5", "@SUM(A1)"),
                                               ("+4.5", "-S1")])
    [report] = ingest_files([path], warehouse=w, progress=False)
    lines = pd.read_csv(report.quarantine_file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert lines[["score", "staff_id", "_row"]].values.tolist() == [
        ["'=1+1", "'=HYPERLINK(\"http://x\")", "2"], ["-5", "'@SUM(A1)", "3"], ["+4.5", "'-S1", "4"]]
    # the warehouse keeps the value as read
    assert q(w, "SELECT value FROM _quarantine ORDER BY row_number") == [("=1+1",), ("-5",), ("+4.5",)]


# --- impossible values through ingest, window from params (finding 4) ------------------------------


def test_window_comes_from_params_and_impossible_values_never_load(w, tmp_path):
    import datetime as dt

    from svc_analysis.core.params import load_params

    window = load_params().ingest.window(today=dt.date(2026, 12, 3))
    assert window == (dt.date(1950, 1, 1), dt.date(2029, 12, 3))  # params/ingest.yaml: 1950 to today + 1096 days
    path = tmp_path / "campaign_actuals.csv"
    path.write_text("kpi_id,unit_id,month,value\nk,u,2026-10,1e309\nk,u,2026-13,1\nk,u,2026-00,1\nk,u,9999-01,1\n"
                    "k,u,2026-11,nan\nk,u,2026-12,12.5\n", encoding="utf-8")
    [report] = ingest_files([path], warehouse=w, progress=False)
    assert _counts(report) == ("campaign_actuals", 6, 1, 5)
    assert q(w, "SELECT month, value FROM campaign_actuals") == [("2026-12", 12.5)]
    assert q(w, "SELECT count(*) FROM campaign_actuals WHERE isinf(value) OR isnan(value)") == [(0,)]
    [report] = ingest_files([path], warehouse=w, progress=False, window=(dt.date(2026, 1, 1), dt.date(2026, 11, 30)))
    assert _counts(report) == ("campaign_actuals", 6, 0, 6)  # a narrower window sets 2026-12 aside too


def test_reload_removes_a_quarantine_file_named_by_the_old_rule(w, tmp_path):
    ingest_files(REFERENCE, warehouse=w, progress=False)
    path = _ratings(tmp_path / "ratings.csv", [("9", "")])
    [report] = ingest_files([path], warehouse=w, progress=False)
    legacy = report.quarantine_file.with_name("ratings.csv")  # before: quarantine/<table>/<file name>
    report.quarantine_file.rename(legacy)
    con = wh.connect(w)
    wh.run(con, "UPDATE _quarantine SET quarantine_file = ?", [str(legacy)])
    con.close()
    [again] = ingest_files([path], warehouse=w, progress=False)
    assert not legacy.exists() and again.quarantine_file.exists()
    assert _agreement(w) == {str(again.quarantine_file): [2]}


def test_quarantine_csv_keeps_repeated_and_blank_headers_as_written(w, tmp_path):
    ingest_files(REFERENCE, warehouse=w, progress=False)
    path = tmp_path / "ratings.csv"
    path.write_text("outlet_id,备注,,rated_at,score,备注\nO001,a,c,2024-10-08 09:00,9,b\n", encoding="utf-8")
    [report] = ingest_files([path], warehouse=w, progress=False)
    header = report.quarantine_file.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "outlet_id,备注,,rated_at,score,备注,_row,_column,_reason"
