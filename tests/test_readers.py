"""readers: encodings, XLSX, header mapping, row numbers, bounded chunks, clear errors."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from svc_analysis import contract
from svc_analysis.readers import IngestError, detect_encoding, map_headers, open_source

FIX = Path(__file__).parent / "fixtures" / "ingest"


def _rows(source):
    return [row for chunk in source.chunks() for row in chunk.to_dict("records")]


@pytest.mark.parametrize("name, encoding", [
    ("outlets.csv", "utf-8"), ("staff_bom.csv", "utf-8-sig"), ("投诉_2024-10.csv", "gb18030")])
def test_detect_encoding(name, encoding):
    assert detect_encoding(FIX / name) == encoding


def test_utf8_character_cut_at_sample_end_still_utf8(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,网点\n", encoding="utf-8")
    # 'a,' + the first byte of 网 (3 bytes in UTF-8): the cut must not read as GB18030
    assert detect_encoding(path, sample_bytes=3) == "utf-8"


def test_gb18030_file_reads_chinese_headers_and_values():
    source = open_source(FIX / "投诉_2024-10.csv")
    assert source.table == "complaints" and source.encoding == "gb18030"
    assert source.mapping["投诉编号"] == "complaint_id" and source.mapping["是否责任性投诉"] == "responsible"
    rows = _rows(source)
    assert [r["投诉编号"] for r in rows] == ["C001", "C002", "C003"]
    assert rows[1]["渠道"] == "意见簿" and rows[1]["_row"] == 3
    assert rows[1]["答复时间"] == ""  # empty cell = '' (missing), never NaN or 'nan'


def test_bom_file_shuffled_chinese_headers_extra_column_warned_once():
    source = open_source(FIX / "staff_bom.csv", table="staff")
    assert source.encoding == "utf-8-sig"
    assert source.mapping == {"岗位": "role", "员工编号": "staff_id", "入行日期": "hired_on",
                              "网点编号": "outlet_id", "离职日期": "left_on"}
    assert source.warnings == ["staff_bom.csv：忽略了 staff 合同中没有的列 (ignored columns not in the staff contract): 姓名"]
    assert [r["员工编号"] for r in _rows(source)] == ["S001", "S002", "S003"]


def test_english_headers_trimmed_and_case_insensitive():
    mapping, extras = map_headers([" Ticket_ID ", "OUTLET_ID", "taken_at", "Note"], contract.table("tickets"), "t.csv")
    assert mapping == {" Ticket_ID ": "ticket_id", "OUTLET_ID": "outlet_id", "taken_at": "taken_at"}
    assert extras == ["Note"]


def test_missing_required_column_names_file_column_and_chinese_name():
    with pytest.raises(IngestError) as err:
        open_source(FIX / "complaints_no_outlet.csv")
    assert str(err.value) == ("complaints_no_outlet.csv：complaints 文件缺少必需的列 outlet_id（网点编号） "
                              "(required column outlet_id (网点编号) is missing from the complaints file).")


def test_two_headers_for_one_column_is_an_error():
    with pytest.raises(IngestError, match="表头“outlet_id”（第 1 列）和“网点编号”（第 2 列）是同一列 ratings.outlet_id"):
        map_headers(["outlet_id", "网点编号", "rated_at", "score"], contract.table("ratings"), "r.csv")


def test_unknown_table_from_file_name_and_argument(tmp_path):
    path = tmp_path / "export_2024.csv"
    shutil.copy(FIX / "ratings.csv", path)
    with pytest.raises(IngestError, match="export_2024.csv：文件名看不出是哪张表"):
        open_source(path)
    with pytest.raises(IngestError, match="没有“rating”这张表"):
        open_source(path, table="rating")
    assert open_source(path, table="ratings").table == "ratings"


def test_row_numbers_are_spreadsheet_rows_with_multiline_cells_and_blank_lines(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text('outlet_id,rated_at,score,staff_id\nO1,2024-10-08 09:00,5,"two\nlines"\n\n'
                    ',,,\nO2,2024-10-08 09:01,4,\n', encoding="utf-8")
    rows = _rows(open_source(path))
    # row 2 spans two text lines but is one spreadsheet row; rows 3 and 4 are empty and skipped
    assert [(r["_row"], r["outlet_id"]) for r in rows] == [(2, "O1"), (5, "O2")]
    assert rows[0]["staff_id"] == "two\nlines"


def test_chunks_are_bounded_and_keep_counting_rows():
    source = open_source(FIX / "complaints_bad.csv", chunk_rows=3)
    sizes = [len(c) for c in source.chunks()]
    assert sizes == [3, 3, 1]
    assert [r["_row"] for r in _rows(source)] == [2, 3, 4, 5, 6, 7, 8]


def test_undecodable_later_in_file_fails_with_one_sentence(tmp_path):
    path = tmp_path / "ratings.csv"
    body = "O1,2024-10-08 09:00,5,S1\n" * 200_000  # ~5 MB of ASCII: beyond the 4 MB sample
    path.write_bytes(b"outlet_id,rated_at,score,staff_id\n" + body.encode() + "O2,2024-10-08 09:00,5,张三\n".encode("gbk"))
    source = open_source(path, chunk_rows=500_000)
    assert source.encoding == "utf-8"
    with pytest.raises(IngestError, match="ratings.csv：第 200002 行（文本第 200002 行）不是有效的 utf-8 文本"):
        _rows(source)


def test_not_a_text_file_and_wrong_suffix(tmp_path):
    bad = tmp_path / "ratings.csv"
    bad.write_bytes(b"\x81\x30\xff\xff\x00\x81")
    with pytest.raises(IngestError, match="第 1 行既不是 UTF-8 也不是 GB18030/GBK 文本"):
        open_source(bad)
    with pytest.raises(IngestError, match="只能导入 .csv 和 .xlsx 文件"):
        (tmp_path / "ratings.json").write_text("{}")
        open_source(tmp_path / "ratings.json")
    with pytest.raises(IngestError, match="文件不存在"):
        open_source(tmp_path / "missing.csv")


def test_xlsx_first_sheet_streamed_as_text(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["评价分值", "网点编号", "评价时间", "员工编号"])
    sheet.append([5, "O001", dt.datetime(2024, 10, 8, 9, 15), None])
    sheet.append([None, None, None, None])
    sheet.append([4.0, 1002, dt.datetime(2024, 10, 8, 0, 0), "S1"])
    book.create_sheet("ignored").append(["not read"])
    book.save(tmp_path / "评价.xlsx")
    source = open_source(tmp_path / "评价.xlsx", chunk_rows=1)
    assert source.table == "ratings" and source.encoding is None
    rows = _rows(source)
    assert [(r["_row"], r["评价分值"], r["网点编号"], r["评价时间"], r["员工编号"]) for r in rows] == [
        (2, "5", "O001", "2024-10-08 09:15:00", ""),
        (4, "4", "1002", "2024-10-08 00:00:00", "S1"),
    ]


def test_xlsx_cell_beyond_the_headers_is_refused(tmp_path):
    book = Workbook()
    book.active.append(["outlet_id", "rated_at", "score"])
    book.active.append(["O1", "2024-10-08 09:00", 5, "S1"])
    book.save(tmp_path / "ratings.xlsx")
    with pytest.raises(IngestError, match="ratings.xlsx：第 2 行的单元格比表头多"):
        _rows(open_source(tmp_path / "ratings.xlsx"))


def test_broken_xlsx_is_one_sentence(tmp_path):
    (tmp_path / "ratings.xlsx").write_bytes(b"not a zip")
    with pytest.raises(IngestError, match="ratings.xlsx：不是可读的 XLSX 工作簿"):
        open_source(tmp_path / "ratings.xlsx")


def test_row_with_more_cells_than_headers_is_refused_not_shifted(tmp_path):
    path = tmp_path / "ratings.csv"
    # every data row one cell too many: pandas alone would make the first cell an index
    path.write_text("outlet_id,rated_at,score,staff_id\nO1,2024-10-08 09:00,5,S1,x\n", encoding="utf-8")
    with pytest.raises(IngestError, match="ratings.csv：第 2 行的单元格比表头多"):
        _rows(open_source(path))


def test_trailing_empty_cell_and_short_rows_are_fine(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text("outlet_id,rated_at,score,staff_id\nO1,2024-10-08 09:00,5,S1,\nO2,2024-10-08 09:01,4\n",
                    encoding="utf-8")
    rows = _rows(open_source(path))
    assert [(r["outlet_id"], r["staff_id"]) for r in rows] == [("O1", "S1"), ("O2", "")]
    assert set(rows[0]) == {"outlet_id", "rated_at", "score", "staff_id", "_row"}


def test_table_argument_must_agree_with_the_profile():
    from svc_analysis.profiles import load_profile

    with pytest.raises(IngestError, match="映射配置“cfpb”对应 complaints 表，不是 ratings"):
        open_source(FIX / "ratings.csv", table="ratings", profile=load_profile("cfpb"))
