"""The bad-input corpus: export files a tester would try, generated in a tmp dir (not a test module).

Each Case says how to build its file and what `svc ingest` must do with it: the exit code, a Chinese
sentence the output must hold, and for a file that loads the rows really in it (data rows written,
counted here from how the file is made, not from the code) and how many of them are set aside.
The reference data is outlets O001 and O002 and staff S001 (see REFERENCE).
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

RATINGS = ["outlet_id", "rated_at", "score", "staff_id"]
GOOD = ["O001", "2026-10-08 09:00", "5", ""]
COMPLAINTS = ["complaint_id", "received_at", "channel", "outlet_id", "category", "responsible"]
CAMPAIGN = ["kpi_id", "unit_id", "month", "value"]
REFERENCE = {
    "outlets.csv": "outlet_id,outlet_name,subbranch,branch,outlet_type\nO001,城东网点,城东支行,一分行,综合网点\n"
                   "O002,城西网点,城西支行,一分行,standard\n",
    "staff.csv": "staff_id,outlet_id,role,hired_on\nS001,O001,柜员,2015-03-01\n",
}


def csv_text(header: list[str], rows: list[list[str]], newline: str = "\n") -> str:
    """CSV text with minimal quoting (a cell with a comma, quote or line break is quoted)."""
    def cell(value: str) -> str:
        return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in ',"\n\r') else value
    return "".join(",".join(cell(v) for v in row) + newline for row in [header, *rows])


@dataclass
class Case:
    """One corpus file: ``build(dir) -> path``; expectations for `svc ingest` on it."""

    id: str
    build: Callable[[Path], Path]
    exit_code: int
    sentence: str  # must appear in the output, or in the reasons of the rows set aside
    rows: int | None = None  # data rows really in the file (None: refused, nothing loaded)
    set_aside: int = 0
    options: list[str] = field(default_factory=list)


def _csv(name: str, header, rows, encoding="utf-8", newline="\n", bom=b"", prefix=b"") -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(bom + prefix + csv_text(header, rows, newline).encode(encoding))
        return path
    return build


def _raw(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path
    return build


def _xlsx(name: str, sheets: dict[str, list[list]], merge: str | None = None, cut: bool = False
          ) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        book = Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
            if merge and title == next(iter(sheets)):
                sheet.merge_cells(merge)
        path = folder / name
        book.save(path)
        if cut:
            _cut_first_sheet(path)
        return path
    return build


def _cut_first_sheet(path: Path) -> None:
    """Keep the zip valid but cut xl/worksheets/sheet1.xml in the middle of its rows."""
    with zipfile.ZipFile(path) as src:
        items = {i.filename: src.read(i.filename) for i in src.infolist()}
    sheet = items["xl/worksheets/sheet1.xml"]
    items["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) * 2 // 3]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as dst:
        for filename, data in items.items():
            dst.writestr(filename, data)
    path.write_bytes(buffer.getvalue())


def _folder(folder: Path) -> Path:
    (folder / "ratings_folder.csv").mkdir(exist_ok=True)
    return folder / "ratings_folder.csv"


def _rating(score="5", at="2026-10-08 09:00", outlet="O001", staff=""):
    return [outlet, at, score, staff]


def _complaint(cid, responsible="1", at="2026-10-08 09:00", outlet="O001", channel="热线"):
    return [cid, at, channel, outlet, "服务态度", responsible]


NOT_FINITE = "不是有限的数"
OUT_OF_WINDOW = "日期不在合理范围"
NOT_TIMESTAMP = "不是时间"
UTF16 = "文件是 UTF-16 编码"
EMPTY = "文件是空的"
LATIN1_ROWS = [["L1", "2026-10-08 09:00", "hotline", "O001", "attitude", "1", "Müller", "Straße 5"]]


def _long_bad_byte(folder: Path) -> Path:
    path = folder / "ratings_badbyte.csv"
    text = csv_text(RATINGS, [GOOD] * 51)
    path.write_bytes(text.encode() + b"O001,2026-10-08 09:00,5,S\xff1\n" + b"O001,2026-10-08 09:00,5,\n")
    return path


CASES: list[Case] = [
    # encodings
    Case("utf8", _csv("ratings_utf8.csv", RATINGS, [GOOD] * 3), 0, "读取 3 行", 3),
    Case("utf8_bom", _csv("ratings_bom.csv", RATINGS, [GOOD] * 3, bom=codecs.BOM_UTF8), 0, "读取 3 行", 3),
    Case("gb18030_chinese_headers", _csv("评价_gbk.csv", ["网点编号", "评价时间", "评价分值", "员工编号"], [GOOD] * 2,
                                         encoding="gb18030"), 0, "读取 2 行", 2),
    Case("gbk_chinese_values", _csv("投诉_gbk.csv", COMPLAINTS + ["description"],
                                    [_complaint("G1") + ["客户反映排队时间过长，服务态度差"],
                                     _complaint("G2", "否") + ["大堂经理未及时引导"]], encoding="gbk"),
         0, "读取 2 行", 2),
    Case("utf16_le_bom", _csv("ratings_u16.csv", RATINGS, [GOOD], encoding="utf-16"), 2, UTF16),
    Case("utf16_le_no_bom", _csv("ratings_u16le.csv", RATINGS, [GOOD], encoding="utf-16-le"), 2, UTF16),
    Case("utf16_be_no_bom", _csv("ratings_u16be.csv", RATINGS, [GOOD], encoding="utf-16-be"), 2, UTF16),
    Case("utf16_forced", _csv("ratings_u16ok.csv", RATINGS, [GOOD] * 2, encoding="utf-16"), 0, "读取 2 行", 2,
         options=["--encoding", "utf-16"]),
    Case("latin1_refused", _csv("complaints_latin1.csv", COMPLAINTS + ["description", "product"], LATIN1_ROWS,
                                encoding="latin-1"), 2, "无法确定文件编码"),
    Case("latin1_forced", _csv("complaints_latin1ok.csv", COMPLAINTS + ["description", "product"], LATIN1_ROWS,
                               encoding="latin-1"), 0, "读取 1 行", 1, options=["--encoding", "latin-1"]),
    Case("bom_then_gbk", _csv("评价_bomgbk.csv", ["网点编号", "评价时间", "评价分值"], [GOOD[:3]], encoding="gbk",
                              bom=codecs.BOM_UTF8), 2, "文件以 UTF-8 BOM 开头，但第 1 行不是 UTF-8 文本"),
    Case("bad_byte_row_53", _long_bad_byte, 2, "第 53 行既不是 UTF-8 也不是 GB18030/GBK 文本"),
    Case("unknown_encoding_name", _csv("ratings_enc.csv", RATINGS, [GOOD]), 2, "不认识编码“klingon”",
         options=["--encoding", "klingon"]),
    Case("crlf", _csv("ratings_crlf.csv", RATINGS, [GOOD] * 3, newline="\r\n"), 0, "读取 3 行", 3),
    Case("mixed_newlines", _raw("ratings_mixed.csv", b"outlet_id,rated_at,score\r\nO001,2026-10-08 09:00,5\n"
                                b"O002,2026-10-08 09:01,4\r\n"), 0, "读取 2 行", 2),
    # shapes
    Case("zero_bytes", _raw("ratings_zero.csv", b""), 2, EMPTY),
    Case("only_newlines", _raw("ratings_newlines.csv", b"\n\n\n\n"), 2, EMPTY),
    Case("header_only", _csv("ratings_header.csv", RATINGS, []), 0, "读取 0 行", 0),
    Case("blank_lines_between", _raw("ratings_blank.csv", b"outlet_id,rated_at,score\n\nO001,2026-10-08 09:00,5\n"
                                     b"\n,,\nO002,2026-10-08 09:01,4\n\n"), 0, "读取 2 行", 2),
    Case("short_row", _raw("ratings_short.csv", b"outlet_id,rated_at,score,staff_id\nO001,2026-10-08 09:00,5,\n"
                           b"O001,2026-10-08 09:00\n"), 0, "必填值为空", 2, 1),
    Case("long_row", _raw("ratings_long.csv", b"outlet_id,rated_at,score\nO001,2026-10-08 09:00,5\n"
                          b"O001,2026-10-08 09:00,5,extra\n"), 2, "第 3 行的单元格比表头多"),
    Case("two_cells_too_many", _raw("ratings_long2.csv", b"outlet_id,rated_at,score,staff_id\n"
                                    b"O001,2026-10-08 09:00,5,S001,,lost\n"), 2, "第 2 行的单元格比表头多"),
    Case("trailing_commas", _raw("ratings_commas.csv", b"outlet_id,rated_at,score,staff_id\n"
                                 b"O001,2026-10-08 09:00,5,,,\nO001,2026-10-08 09:00,4,,,,\n"), 0, "读取 2 行", 2),
    Case("unclosed_quote", _raw("ratings_quote.csv", b'outlet_id,rated_at,score,staff_id\nO001,2026-10-08 09:00,5,\n'
                                b'O001,2026-10-08 09:00,5,\nO001,2026-10-08 09:00,5,"S1\nO001,2026-10-08 09:00,5,\n'),
         2, "第 4 行有一个引号没有闭合"),
    Case("quote_closed_lines_later", _raw("ratings_quote2.csv", b'outlet_id,rated_at,score,staff_id\n'
                                          b'O001,2026-10-08 09:00,5,"S1\nO001,2026-10-08 09:00,5,\n'
                                          b'O001,2026-10-08 09:00,5,x",y,z\n'),
         2, "第 2 行从文本第 2 行延续到第 4 行，单元格比表头多，多半是第 2 行有一个引号没有闭合"),
    Case("quoted_multiline_cell", _csv("complaints_multiline.csv", COMPLAINTS + ["description"],
                                       [_complaint("M1") + ["第一行\n第二行, 有逗号"], _complaint("M2") + ['说"好"']]),
         0, "读取 2 行", 2),
    Case("spaces_around_values", _raw("ratings_spaces.csv", b"outlet_id,rated_at,score\n O001 , 2026-10-08 09:00 , 5 \n"),
         0, "读取 1 行", 1),
    # headers
    Case("missing_required", _csv("ratings_noscore.csv", ["outlet_id", "rated_at"], [GOOD[:2]]), 2,
         "ratings 文件缺少必需的列 score（评价分值）"),
    Case("repeated_header", _csv("ratings_repeat.csv", ["outlet_id", "rated_at", "score", "score"],
                                 [["O001", "2026-10-08 09:00", "5", "4"]]), 2,
         "表头“score”（第 3 列）和“score”（第 4 列）是同一列 ratings.score"),
    Case("alias_and_english", _csv("ratings_alias.csv", ["outlet_id", "rated_at", "score", "评价分值"],
                                   [["O001", "2026-10-08 09:00", "5", "4"]]), 2,
         "表头“score”（第 3 列）和“评价分值”（第 4 列）是同一列 ratings.score"),
    Case("repeat_after_trim", _csv("ratings_trim.csv", ["outlet_id", "rated_at", "score", " SCORE "],
                                   [["O001", "2026-10-08 09:00", "5", "4"]]), 2, "是同一列 ratings.score"),
    Case("unknown_extra", _csv("ratings_extra.csv", RATINGS + ["备注"], [GOOD + ["好"]]), 0,
         "忽略了 ratings 合同中没有的列 (ignored columns not in the ratings contract): 备注", 1),
    Case("repeated_unknown_extra", _csv("ratings_extra2.csv", RATINGS + ["备注", "备注"], [GOOD + ["a", "b"]]), 0,
         "(ignored columns not in the ratings contract): 备注\n", 1),
    Case("header_case_and_spaces", _csv("ratings_case.csv", [" OUTLET_ID ", "Rated_At", " score"], [GOOD[:3]]), 0,
         "读取 1 行", 1),
    # types
    Case("text_in_int", _csv("ratings_text.csv", RATINGS, [GOOD, _rating("five"), _rating("4.5")]), 0,
         "读取 3 行", 3, 2),
    Case("campaign_1e309", _csv("campaign_actuals_big.csv", CAMPAIGN, [["k1", "u1", "2026-10", "1e309"],
                                                                     ["k1", "u2", "2026-10", "12.5"]]),
         0, "读取 2 行", 2, 1),
    Case("campaign_inf_nan", _csv("campaign_actuals_inf.csv", CAMPAIGN,
                                  [["k2", "u1", "2026-10", "inf"], ["k2", "u2", "2026-10", "-inf"],
                                   ["k2", "u3", "2026-10", "nan"], ["k2", "u4", "2026-10", "-3"]]),
         0, "读取 4 行", 4, 3),
    Case("inspection_score_inf", _csv("inspections_inf.csv", ["inspection_id", "outlet_id", "inspected_on", "kind",
                                                              "score"],
                                      [["I1", "O001", "2026-10-08", "神秘人", "Infinity"],
                                       ["I2", "O001", "2026-10-08", "神秘人", "88"]]), 0, "读取 2 行", 2, 1),
    Case("bool_forms", _csv("complaints_bools.csv", COMPLAINTS,
                            [_complaint(f"B{i}", word) for i, word in
                             enumerate(["是", "否", "Y", "n", "TRUE", "0", "√", "×", "maybe"])]), 0, "读取 9 行", 9, 1),
    Case("campaign_month_13_00", _csv("campaign_actuals_month.csv", CAMPAIGN,
                                      [["k3", "u1", "2026-13", "1"], ["k3", "u1", "2026-00", "1"],
                                       ["k3", "u1", "2026-12", "1"]]), 0, "读取 3 行", 3, 2),
    Case("submission_month_13", _csv("report_submissions_month.csv", ["unit_id", "month", "submitted_at"],
                                     [["u1", "2026-13", "2026-10-05 10:00"], ["u1", "2026-09", "2026-10-05 10:00"]]),
         0, "读取 2 行", 2, 1),
    # ranges
    Case("score_0_and_6", _csv("ratings_range.csv", RATINGS, [_rating("0"), _rating("6"), _rating("1")]), 0,
         "读取 3 行", 3, 2),
    Case("stars_7_and_negative", _csv("star_ratings_range.csv", ["staff_id", "assessed_on", "stars"],
                                      [["S001", "2026-01-05", "7"], ["S001", "2026-01-05", "-1"],
                                       ["S001", "2026-01-05", "3"]]), 0, "读取 3 行", 3, 2),
    Case("survey_ranges", _csv("surveys_range.csv", ["response_id", "outlet_id", "answered_on", "overall", "recommend"],
                               [["R1", "O001", "2026-10-08", "0", "5"], ["R2", "O001", "2026-10-08", "5", "11"],
                                ["R3", "O001", "2026-10-08", "5", "10"]]), 0, "读取 3 行", 3, 2),
    Case("negative_deposits", _csv("outlets_neg.csv", ["outlet_id", "outlet_name", "subbranch", "branch",
                                                       "outlet_type", "deposits"],
                                   [["O001", "城东网点", "城东支行", "一分行", "综合网点", "-5"]]), 0, "读取 1 行", 1, 1),
    # timestamps and dates
    Case("month_13_timestamp", _csv("ratings_m13.csv", RATINGS, [_rating(at="2026-13-01 09:00"), GOOD]), 0,
         NOT_TIMESTAMP, 2, 1),
    Case("year_0001", _csv("ratings_0001.csv", RATINGS, [_rating(at="0001-01-01 09:00"), GOOD]), 0, OUT_OF_WINDOW, 2, 1),
    Case("year_9999", _csv("ratings_9999.csv", RATINGS, [_rating(at="9999-12-31 23:59"), GOOD]), 0, OUT_OF_WINDOW, 2, 1),
    Case("year_2099", _csv("ratings_2099.csv", RATINGS, [_rating(at="2099-01-01 09:00"), GOOD]), 0, OUT_OF_WINDOW, 2, 1),
    Case("hour_24", _csv("ratings_24.csv", RATINGS, [_rating(at="2026-10-08 24:00"), GOOD]), 0, NOT_TIMESTAMP, 2, 1),
    Case("date_only_timestamp", _csv("ratings_dateonly.csv", RATINGS, [_rating(at="2026-10-08"), GOOD]), 0,
         NOT_TIMESTAMP, 2, 1),
    Case("day_first", _csv("ratings_dayfirst.csv", RATINGS, [_rating(at="08/10/2026 09:00"), GOOD]), 0,
         NOT_TIMESTAMP, 2, 1),
    Case("hired_2099", _csv("staff_2099.csv", ["staff_id", "outlet_id", "role", "hired_on"],
                            [["S009", "O001", "柜员", "2099-01-01"], ["S001", "O001", "柜员", "2015-03-01"]]),
         0, OUT_OF_WINDOW, 2, 1),
    Case("called_before_taken", _csv("tickets_order.csv", ["ticket_id", "outlet_id", "taken_at", "called_at"],
                                     [["A001", "O001", "2026-10-08 09:00", "2026-10-08 08:50"],
                                      ["A002", "O001", "2026-10-08 09:00", "2026-10-08 09:05"]]), 0,
         "called_at 早于 taken_at", 2, 1),
    # keys and references
    Case("duplicate_key_different", _csv("complaints_dup.csv", COMPLAINTS,
                                         [_complaint("D1", "1"), _complaint("D1", "0"), _complaint("D2")]),
         0, "在文件中重复出现且内容不同", 3, 2),
    Case("duplicate_key_identical", _csv("complaints_same.csv", COMPLAINTS, [_complaint("E1")] * 2), 0,
         "读取 2 行，导入 2 行", 2),
    Case("missing_outlet", _csv("ratings_o999.csv", RATINGS, [_rating(outlet="O999"), GOOD]), 0,
         "outlets 中没有此 outlet_id", 2, 1),
    Case("formula_cells_csv", _csv("ratings_formula.csv", RATINGS, [_rating("=1+1", staff="=HYPERLINK(\"x\")"), GOOD]),
         0, "读取 2 行", 2, 1),
    # XLSX oddities
    Case("xlsx_sheet2", _xlsx("ratings_sheet2.xlsx", {"说明": [], "数据": [RATINGS, GOOD]}), 2,
         "只读取第一个工作表“说明”，它没有 ratings 的表头；表头符合的是工作表“数据”，请加 --sheet 数据"),
    Case("xlsx_sheet2_chosen", _xlsx("ratings_sheet2ok.xlsx", {"说明": [["见第二页"]], "数据": [RATINGS, GOOD, GOOD]}),
         0, "读取 2 行", 2, options=["--sheet", "数据"]),
    Case("xlsx_sheet1_other_table", _xlsx("ratings_sheets.xlsx", {"汇总": [["网点", "合计"], ["O001", 3]],
                                                                  "明细": [RATINGS, GOOD]}), 2, "请加 --sheet 明细"),
    Case("xlsx_no_such_sheet", _xlsx("ratings_nosheet.xlsx", {"Sheet1": [RATINGS, GOOD]}), 2,
         "工作簿中没有名为“汇总”的工作表", options=["--sheet", "汇总"]),
    Case("xlsx_empty_workbook", _xlsx("ratings_empty.xlsx", {"Sheet1": []}), 2, EMPTY),
    Case("xlsx_cut_sheet_xml", _xlsx("ratings_cut.xlsx", {"Sheet1": [RATINGS] + [GOOD] * 300}, cut=True), 2,
         "工作表“Sheet1”的内容已损坏"),
    Case("xlsx_not_a_zip", _raw("ratings_notzip.xlsx", b"outlet_id,rated_at\n"), 2, "不是可读的 XLSX 工作簿"),
    Case("xlsx_zero_bytes", _raw("ratings_zero.xlsx", b""), 2, "不是可读的 XLSX 工作簿"),
    Case("xlsx_merged_cells", _xlsx("ratings_merged.xlsx", {"Sheet1": [RATINGS, GOOD, ["", *GOOD[1:]]]},
                                    merge="A2:A3"), 0, "必填值为空", 2, 1),
    Case("xlsx_formula_cells", _xlsx("ratings_formulas.xlsx", {"Sheet1": [RATINGS, ["O001", "2026-10-08 09:00", "=2+3"],
                                                                         GOOD]}), 0, "必填值为空", 2, 1),
    Case("xlsx_dates_and_serials", _xlsx("ratings_serial.xlsx", {"Sheet1": [
        RATINGS, ["O001", dt.datetime(2026, 10, 8, 9, 0), 5], ["O001", 46303.375, 5], ["O001", dt.date(2026, 10, 8), 4]]}),
        0, NOT_TIMESTAMP, 3, 1),  # an Excel date cell reads as midnight, like a CSV export of it
    Case("xlsx_numbers_as_text", _xlsx("ratings_numbers.xlsx", {"Sheet1": [RATINGS, ["O001", "2026-10-08 09:00", 5.0],
                                                                            ["O001", "2026-10-08 09:00", "4"]]}),
         0, "读取 2 行", 2),
    # file system
    Case("missing_file", lambda folder: folder / "ratings_missing.csv", 2, "文件不存在"),
    Case("a_folder", _folder, 2, "这是一个文件夹，不是文件"),
    Case("wrong_suffix", _raw("ratings.json", b"{}"), 2, "只能导入 .csv 和 .xlsx 文件"),
    Case("unknown_table_name", _csv("export_2026.csv", RATINGS, [GOOD]), 2, "文件名看不出是哪张表"),
]
