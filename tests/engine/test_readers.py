"""readers: encodings, XLSX, header mapping, row numbers, bounded chunks, clear errors."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from svc_analysis.core import contract
from svc_analysis.engine.readers import IngestError, detect_encoding, map_headers, open_source

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


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
    assert str(err.value) == "complaints_no_outlet.csv：complaints 文件缺少必需的列 outlet_id（网点编号）。"


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
    from svc_analysis.engine.profiles import load_profile

    with pytest.raises(IngestError, match="映射配置“cfpb”对应 complaints 表，不是 ratings"):
        open_source(FIX / "ratings.csv", table="ratings", profile=load_profile("cfpb"))


# --- encodings: refuse when not certain (issue 12, finding 7) ---------------------------------------


def test_latin1_is_not_taken_for_gb18030_and_can_be_forced(tmp_path):
    path = tmp_path / "complaints.csv"
    path.write_bytes("complaint_id,received_at,channel,outlet_id,category,responsible,description\n"
                     "L1,2024-10-08 09:00,hotline,O1,fees,1,Müller\n".encode("latin-1"))
    assert path.read_bytes().decode("gb18030").endswith("M黮ler\n")  # what used to be loaded silently
    with pytest.raises(IngestError) as err:
        open_source(path)
    assert str(err.value).startswith("complaints.csv：无法确定文件编码，按 GBK/GB18030 读出的多是生僻字（文本第 2 行"
                                     "“fees,1,M黮ler”）")
    assert "--encoding latin-1" in str(err.value)
    source = open_source(path, encoding="latin-1")
    assert source.encoding == "iso8859-1" and _rows(source)[0]["description"] == "Müller"


def test_real_gbk_with_a_few_rare_name_characters_is_still_gb18030(tmp_path):
    path = tmp_path / "x.csv"
    # 30 common characters and 2 outside GB2312 (堃, 镕): 94% common, above the 90% bar
    path.write_bytes("描述\n客户王堃反映排队时间过长\n大堂经理朱镕未及时引导客户办理业务\n".encode("gbk"))
    assert detect_encoding(path) == "gb18030"
    path.write_bytes("姓名\n王堃\n".encode("gbk"))  # only rare characters: not certain, refused
    with pytest.raises(IngestError, match="无法确定文件编码"):
        detect_encoding(path)


@pytest.mark.parametrize("encoding, bom", [("utf-16", "带 BOM"), ("utf-16-le", "无 BOM"), ("utf-16-be", "无 BOM")])
def test_utf16_is_named_and_can_be_forced(tmp_path, encoding, bom):
    path = tmp_path / "ratings.csv"
    path.write_bytes("outlet_id,rated_at,score\nO1,2024-10-08 09:00,5\n".encode(encoding))
    with pytest.raises(IngestError) as err:
        open_source(path)
    assert str(err.value).startswith(f"ratings.csv：文件是 UTF-16 编码（{bom}")
    assert "--encoding utf-16" in str(err.value)
    forced = "utf-16" if encoding == "utf-16" else encoding
    assert [r["outlet_id"] for r in _rows(open_source(path, encoding=forced))] == ["O1"]


def test_bom_followed_by_gbk_names_the_row(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_bytes(b"\xef\xbb\xbfoutlet_id,rated_at,score,staff_id\nO1,2024-10-08 09:00,5,S1\n"
                     + "O1,2024-10-08 09:00,5,张三\n".encode("gbk"))
    with pytest.raises(IngestError, match="ratings.csv：文件以 UTF-8 BOM 开头，但第 3 行不是 UTF-8 文本"):
        open_source(path)


def test_forced_utf8_on_a_bom_file_drops_the_bom():
    source = open_source(FIX / "staff_bom.csv", encoding="utf-8")
    assert source.encoding == "utf-8-sig" and "员工编号" in source.mapping


# --- where the text goes wrong (finding 9) ---------------------------------------------------------


@pytest.mark.parametrize("encoding, first, bad", [
    ("utf-8", "S1", "张".encode("gbk")),  # a GBK row stitched into a UTF-8 export
    ("gb18030", "张三", b"\xff"),  # a byte no GBK text has, deep in a GBK export
])
def test_bad_byte_beyond_the_sample_reports_its_spreadsheet_row(tmp_path, monkeypatch, encoding, first, bad):
    from svc_analysis.engine import encodings
    from svc_analysis.engine import readers

    monkeypatch.setattr(readers, "detect_encoding", lambda p: encodings.detect_encoding(p, sample_bytes=200))
    path = tmp_path / "ratings.csv"
    good = "O1,2024-10-08 09:00,5,S1\n" * 53_104
    # a quoted cell with a line break at row 2 makes text line and spreadsheet row differ by one
    path.write_bytes(f'outlet_id,rated_at,score,staff_id\nO1,2024-10-08 09:00,5,"{first}\n1"\n'.encode(encoding)
                     + good.encode() + b"O1,2024-10-08 09:00,5," + bad + b"\n")
    source = open_source(path, chunk_rows=1000)
    assert source.encoding == encoding
    with pytest.raises(IngestError) as err:
        _rows(source)
    assert str(err.value).startswith(f"ratings.csv：第 53107 行（文本第 53108 行）不是有效的 {encoding} 文本")


def test_unclosed_quote_is_named_with_the_row_it_opened(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text('outlet_id,rated_at,score,staff_id\nO1,2024-10-08 09:00,5,"a\nb"\n'
                    'O1,2024-10-08 09:00,5,"S1\nO1,2024-10-08 09:00,5,\nO1,2024-10-08 09:00,5,\n', encoding="utf-8")
    with pytest.raises(IngestError, match="ratings.csv：第 3 行有一个引号没有闭合"):
        _rows(open_source(path))


def test_scan_counts_rows_across_quoted_line_breaks(tmp_path):
    from svc_analysis.engine.encodings import row_of_offset

    data = b'h\n"a\nb"\n\nc\n'
    assert [row_of_offset(data, data.index(x)) for x in (b"h", b"a", b"b", b"c")] == [1, 2, 2, 4]


# --- headers (finding 10) and sheets (findings 8, 9) -----------------------------------------------


def test_repeated_header_is_refused_with_both_positions(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text("outlet_id,score,rated_at,score\nO1,5,2024-10-08 09:00,4\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        open_source(path)
    assert str(err.value) == ("ratings.csv：表头“score”（第 2 列）和“score”（第 4 列）是同一列 ratings.score，"
                              "只能保留一个。")


def test_repeated_unknown_header_is_warned_once_by_its_own_name(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text("outlet_id,备注,rated_at,score,备注\nO1,a,2024-10-08 09:00,5,b\n", encoding="utf-8")
    source = open_source(path)
    assert source.warnings == ["ratings.csv：忽略了 ratings 合同中没有的列 (ignored columns not in the ratings "
                               "contract): 备注"]
    assert _rows(source)[0]["outlet_id"] == "O1"


def _book(path, sheets):
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)


def test_data_on_another_sheet_is_named_and_can_be_chosen(tmp_path):
    path = tmp_path / "ratings.xlsx"
    _book(path, {"封面": [["2024年10月评价"]], "数据": [["outlet_id", "rated_at", "score"], ["O1", "2024-10-08 09:00", 5]]})
    with pytest.raises(IngestError) as err:
        open_source(path)
    assert str(err.value) == ("ratings.xlsx：只读取第一个工作表“封面”，它没有 ratings 的表头；表头符合的是工作表“数据”，"
                              "请加 --sheet 数据。")
    assert [(r["_row"], r["score"]) for r in _rows(open_source(path, sheet="数据"))] == [(2, "5")]
    with pytest.raises(IngestError, match="ratings.xlsx：工作簿中没有名为“明细”的工作表，现有：封面、数据。"):
        open_source(path, sheet="明细")


def test_xlsx_with_cut_sheet_xml_is_one_sentence(tmp_path):
    from tests.engine.ingest_support import cut_first_sheet

    path = tmp_path / "ratings.xlsx"
    _book(path, {"Sheet1": [["outlet_id", "rated_at", "score"]] + [["O1", "2024-10-08 09:00", 5]] * 300})
    cut_first_sheet(path)
    source = open_source(path)  # the header row is intact
    with pytest.raises(IngestError, match=r"ratings.xlsx：工作表“Sheet1”的内容已损坏，读到第 \d+ 行时无法读取"):
        _rows(source)


def test_folder_and_unreadable_file_are_sentences(tmp_path, monkeypatch):
    from svc_analysis.engine import readers

    (tmp_path / "ratings.csv").mkdir()
    with pytest.raises(IngestError, match="这是一个文件夹，不是文件"):
        open_source(tmp_path / "ratings.csv")
    (tmp_path / "tickets.csv").write_text("x\n")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(readers, "read_headers", denied)  # root reads any file: chmod cannot show this
    with pytest.raises(IngestError, match="tickets.csv：没有读取这个文件的权限"):
        open_source(tmp_path / "tickets.csv")


def test_blank_header_with_values_is_named_by_its_position(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text("outlet_id,rated_at,,score\nO1,2024-10-08 09:00,x,5\n", encoding="utf-8")
    source = open_source(path)
    assert source.warnings == ["ratings.csv：忽略了 ratings 合同中没有的列 (ignored columns not in the ratings "
                               "contract): 第 3 列（无表头）"]
    assert [(r["outlet_id"], r["score"]) for r in _rows(source)] == [("O1", "5")]


def test_quote_closed_lines_later_names_the_row_and_its_text_lines(tmp_path):
    path = tmp_path / "ratings.csv"
    good = "O1,2024-10-08 09:00,5,\n"
    # row 4 holds a legal two-line cell; the quote opened on row 12 closes two lines later, then more cells
    path.write_text("outlet_id,rated_at,score,staff_id\n" + good * 2 + 'O1,2024-10-08 09:00,5,"a\nb"\n' + good * 7
                    + 'O1,2024-10-08 09:00,5,"S1\n' + good + 'O1,2024-10-08 09:00,5,x",y,z\n' + good, encoding="utf-8")
    with pytest.raises(IngestError) as err:
        _rows(open_source(path, chunk_rows=3))
    assert str(err.value).startswith("ratings.csv：第 12 行从文本第 13 行延续到第 15 行，单元格比表头多，"
                                     "多半是第 12 行有一个引号没有闭合")


def test_two_cells_too_many_are_refused_not_dropped_trailing_commas_load(tmp_path):
    path = tmp_path / "ratings.csv"
    # pandas alone keeps 'S1' and drops ',z' with only a ParserWarning
    path.write_text("outlet_id,rated_at,score,staff_id\nO1,2024-10-08 09:00,5,S1,,\nO1,2024-10-08 09:00,5,S1,,z\n",
                    encoding="utf-8")
    with pytest.raises(IngestError, match="ratings.csv：第 3 行的单元格比表头多"):
        _rows(open_source(path))
    path.write_text("outlet_id,rated_at,score,staff_id\nO1,2024-10-08 09:00,5,S1\nO1,2024-10-08 09:00,5,S2,,\n"
                    "O1,2024-10-08 09:00,5,S3,, \n", encoding="utf-8")
    rows = _rows(open_source(path, chunk_rows=1))  # the read restarts past row 2 without repeating it
    assert [(r["_row"], r["staff_id"]) for r in rows] == [(2, "S1"), (3, "S2"), (4, "S3")]
