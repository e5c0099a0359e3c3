"""The bad-input corpus: export files a tester would try (not a test module).

Each Case says how to build its file (tests/engine/ingest_support.py) and what `svc ingest` must do with it:
the exit code, a Chinese sentence the output or a set-aside reason must hold, and for a file that
loads the rows really in it (data rows written, counted here from how the file is made, not from
the code) and how many of them are set aside. The reference data is outlets O001 and O002 and staff
S001 (ingest_support.REFERENCE).
"""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

from tests.engine.ingest_support import (CAMPAIGN, COMPLAINTS, GOOD, RATINGS, REFERENCE, Case, a_folder, csv_file,
                                  csv_text, raw_file, xlsx_file)

__all__ = ["CASES", "REFERENCE"]


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
    # [GOOD] * n: the same rating n times, so n - 1 of them are merged as exact duplicates (stored once)
    Case("utf8", csv_file("ratings_utf8.csv", RATINGS, [GOOD] * 3), 0, "读取 3 行", 3, merged=2),
    Case("utf8_bom", csv_file("ratings_bom.csv", RATINGS, [GOOD] * 3, bom=codecs.BOM_UTF8), 0, "读取 3 行", 3,
         merged=2),
    Case("gb18030_chinese_headers", csv_file("评价_gbk.csv", ["网点编号", "评价时间", "评价分值", "员工编号"], [GOOD] * 2,
                                         encoding="gb18030"), 0, "读取 2 行", 2, merged=1),
    Case("gbk_chinese_values", csv_file("投诉_gbk.csv", COMPLAINTS + ["description"],
                                    [_complaint("G1") + ["客户反映排队时间过长，服务态度差"],
                                     _complaint("G2", "否") + ["大堂经理未及时引导"]], encoding="gbk"),
         0, "读取 2 行", 2),
    Case("utf16_le_bom", csv_file("ratings_u16.csv", RATINGS, [GOOD], encoding="utf-16"), 2, UTF16),
    Case("utf16_le_no_bom", csv_file("ratings_u16le.csv", RATINGS, [GOOD], encoding="utf-16-le"), 2, UTF16),
    Case("utf16_be_no_bom", csv_file("ratings_u16be.csv", RATINGS, [GOOD], encoding="utf-16-be"), 2, UTF16),
    Case("utf16_forced", csv_file("ratings_u16ok.csv", RATINGS, [GOOD] * 2, encoding="utf-16"), 0, "读取 2 行", 2,
         options=["--encoding", "utf-16"], merged=1),
    Case("latin1_refused", csv_file("complaints_latin1.csv", COMPLAINTS + ["description", "product"], LATIN1_ROWS,
                                encoding="latin-1"), 2, "无法确定文件编码"),
    Case("latin1_forced", csv_file("complaints_latin1ok.csv", COMPLAINTS + ["description", "product"], LATIN1_ROWS,
                               encoding="latin-1"), 0, "读取 1 行", 1, options=["--encoding", "latin-1"]),
    Case("bom_then_gbk", csv_file("评价_bomgbk.csv", ["网点编号", "评价时间", "评价分值"], [GOOD[:3]], encoding="gbk",
                              bom=codecs.BOM_UTF8), 2, "文件以 UTF-8 BOM 开头，但第 1 行不是 UTF-8 文本"),
    Case("bad_byte_row_53", _long_bad_byte, 2, "第 53 行既不是 UTF-8 也不是 GB18030/GBK 文本"),
    Case("unknown_encoding_name", csv_file("ratings_enc.csv", RATINGS, [GOOD]), 2, "不认识编码“klingon”",
         options=["--encoding", "klingon"]),
    Case("crlf", csv_file("ratings_crlf.csv", RATINGS, [GOOD] * 3, newline="\r\n"), 0, "读取 3 行", 3, merged=2),
    Case("mixed_newlines", raw_file("ratings_mixed.csv", b"outlet_id,rated_at,score\r\nO001,2026-10-08 09:00,5\n"
                                b"O002,2026-10-08 09:01,4\r\n"), 0, "读取 2 行", 2),
    # shapes
    Case("zero_bytes", raw_file("ratings_zero.csv", b""), 2, EMPTY),
    Case("only_newlines", raw_file("ratings_newlines.csv", b"\n\n\n\n"), 2, EMPTY),
    Case("header_only", csv_file("ratings_header.csv", RATINGS, []), 0, "读取 0 行", 0),
    Case("blank_lines_between", raw_file("ratings_blank.csv", b"outlet_id,rated_at,score\n\nO001,2026-10-08 09:00,5\n"
                                     b"\n,,\nO002,2026-10-08 09:01,4\n\n"), 0, "读取 2 行", 2),
    Case("short_row", raw_file("ratings_short.csv", b"outlet_id,rated_at,score,staff_id\nO001,2026-10-08 09:00,5,\n"
                           b"O001,2026-10-08 09:00\n"), 0, "必填值为空", 2, 1),
    Case("long_row", raw_file("ratings_long.csv", b"outlet_id,rated_at,score\nO001,2026-10-08 09:00,5\n"
                          b"O001,2026-10-08 09:00,5,extra\n"), 2, "第 3 行的单元格比表头多"),
    Case("two_cells_too_many", raw_file("ratings_long2.csv", b"outlet_id,rated_at,score,staff_id\n"
                                    b"O001,2026-10-08 09:00,5,S001,,lost\n"), 2, "第 2 行的单元格比表头多"),
    Case("trailing_commas", raw_file("ratings_commas.csv", b"outlet_id,rated_at,score,staff_id\n"
                                 b"O001,2026-10-08 09:00,5,,,\nO001,2026-10-08 09:00,4,,,,\n"), 0, "读取 2 行", 2),
    Case("unclosed_quote", raw_file("ratings_quote.csv", b'outlet_id,rated_at,score,staff_id\nO001,2026-10-08 09:00,5,\n'
                                b'O001,2026-10-08 09:00,5,\nO001,2026-10-08 09:00,5,"S1\nO001,2026-10-08 09:00,5,\n'),
         2, "第 4 行有一个引号没有闭合"),
    Case("unclosed_quote_in_header", raw_file("ratings_quotehead.csv", b'"outlet_id,rated_at,score\nO001,2026-10-08 09:00,5\n'),
         2, "第 1 行有一个引号没有闭合"),
    Case("quote_closed_lines_later", raw_file("ratings_quote2.csv", b'outlet_id,rated_at,score,staff_id\n'
                                          b'O001,2026-10-08 09:00,5,"S1\nO001,2026-10-08 09:00,5,\n'
                                          b'O001,2026-10-08 09:00,5,x",y,z\n'),
         2, "第 2 行从文本第 2 行延续到第 4 行，单元格比表头多，多半是第 2 行有一个引号没有闭合"),
    Case("quoted_multiline_cell", csv_file("complaints_multiline.csv", COMPLAINTS + ["description"],
                                       [_complaint("M1") + ["第一行\n第二行, 有逗号"], _complaint("M2") + ['说"好"']]),
         0, "读取 2 行", 2),
    Case("spaces_around_values", raw_file("ratings_spaces.csv", b"outlet_id,rated_at,score\n O001 , 2026-10-08 09:00 , 5 \n"),
         0, "读取 1 行", 1),
    # headers
    Case("missing_required", csv_file("ratings_noscore.csv", ["outlet_id", "rated_at"], [GOOD[:2]]), 2,
         "ratings 文件缺少必需的列 score（评价分值）"),
    Case("repeated_header", csv_file("ratings_repeat.csv", ["outlet_id", "rated_at", "score", "score"],
                                 [["O001", "2026-10-08 09:00", "5", "4"]]), 2,
         "表头“score”（第 3 列）和“score”（第 4 列）是同一列 ratings.score"),
    Case("alias_and_english", csv_file("ratings_alias.csv", ["outlet_id", "rated_at", "score", "评价分值"],
                                   [["O001", "2026-10-08 09:00", "5", "4"]]), 2,
         "表头“score”（第 3 列）和“评价分值”（第 4 列）是同一列 ratings.score"),
    Case("repeat_after_trim", csv_file("ratings_trim.csv", ["outlet_id", "rated_at", "score", " SCORE "],
                                   [["O001", "2026-10-08 09:00", "5", "4"]]), 2, "是同一列 ratings.score"),
    Case("semicolon_separated", raw_file("ratings_semicolon.csv", b"outlet_id;rated_at;score\nO001;2026-10-08 09:00;5\n"),
         2, "表头行是用分号分隔的，不是逗号"),
    Case("tab_separated", raw_file("ratings_tab.csv", b"outlet_id\trated_at\tscore\nO001\t2026-10-08 09:00\t5\n"),
         2, "表头行是用制表符分隔的，不是逗号"),
    Case("unknown_extra", csv_file("ratings_extra.csv", RATINGS + ["备注"], [GOOD + ["好"]]), 0,
         "忽略了 ratings 合同中没有的列 (ignored columns not in the ratings contract): 备注", 1),
    Case("repeated_unknown_extra", csv_file("ratings_extra2.csv", RATINGS + ["备注", "备注"], [GOOD + ["a", "b"]]), 0,
         "(ignored columns not in the ratings contract): 备注\n", 1),
    Case("header_case_and_spaces", csv_file("ratings_case.csv", [" OUTLET_ID ", "Rated_At", " score"], [GOOD[:3]]), 0,
         "读取 1 行", 1),
    # types
    Case("text_in_int", csv_file("ratings_text.csv", RATINGS, [GOOD, _rating("five"), _rating("4.5")]), 0,
         "读取 3 行", 3, 2),
    Case("campaign_1e309", csv_file("campaign_actuals_big.csv", CAMPAIGN, [["k1", "u1", "2026-10", "1e309"],
                                                                     ["k1", "u2", "2026-10", "12.5"]]),
         0, "读取 2 行", 2, 1),
    Case("campaign_inf_nan", csv_file("campaign_actuals_inf.csv", CAMPAIGN,
                                  [["k2", "u1", "2026-10", "inf"], ["k2", "u2", "2026-10", "-inf"],
                                   ["k2", "u3", "2026-10", "nan"], ["k2", "u4", "2026-10", "-3"]]),
         0, "读取 4 行", 4, 3),
    Case("inspection_score_inf", csv_file("inspections_inf.csv", ["inspection_id", "outlet_id", "inspected_on", "kind",
                                                              "score"],
                                      [["I1", "O001", "2026-10-08", "神秘人", "Infinity"],
                                       ["I2", "O001", "2026-10-08", "神秘人", "88"]]), 0, "读取 2 行", 2, 1),
    Case("bool_forms", csv_file("complaints_bools.csv", COMPLAINTS,
                            [_complaint(f"B{i}", word) for i, word in
                             enumerate(["是", "否", "Y", "n", "TRUE", "0", "√", "×", "maybe"])]), 0, "读取 9 行", 9, 1),
    Case("campaign_month_13_00", csv_file("campaign_actuals_month.csv", CAMPAIGN,
                                      [["k3", "u1", "2026-13", "1"], ["k3", "u1", "2026-00", "1"],
                                       ["k3", "u1", "2026-12", "1"]]), 0, "读取 3 行", 3, 2),
    Case("submission_month_13", csv_file("report_submissions_month.csv", ["unit_id", "month", "submitted_at"],
                                     [["u1", "2026-13", "2026-10-05 10:00"], ["u1", "2026-09", "2026-10-05 10:00"]]),
         0, "读取 2 行", 2, 1),
    # ranges
    Case("score_0_and_6", csv_file("ratings_range.csv", RATINGS, [_rating("0"), _rating("6"), _rating("1")]), 0,
         "读取 3 行", 3, 2),
    Case("stars_7_and_negative", csv_file("star_ratings_range.csv", ["staff_id", "assessed_on", "stars"],
                                      [["S001", "2026-01-05", "7"], ["S001", "2026-01-05", "-1"],
                                       ["S001", "2026-01-05", "3"]]), 0, "读取 3 行", 3, 2),
    Case("survey_ranges", csv_file("surveys_range.csv", ["response_id", "outlet_id", "answered_on", "overall", "recommend"],
                               [["R1", "O001", "2026-10-08", "0", "5"], ["R2", "O001", "2026-10-08", "5", "11"],
                                ["R3", "O001", "2026-10-08", "5", "10"]]), 0, "读取 3 行", 3, 2),
    Case("negative_deposits", csv_file("outlets_neg.csv", ["outlet_id", "outlet_name", "subbranch", "branch",
                                                       "outlet_type", "deposits"],
                                   [["O001", "城东网点", "城东支行", "一分行", "综合网点", "-5"]]), 0, "读取 1 行", 1, 1),
    # timestamps and dates
    Case("month_13_timestamp", csv_file("ratings_m13.csv", RATINGS, [_rating(at="2026-13-01 09:00"), GOOD]), 0,
         NOT_TIMESTAMP, 2, 1),
    Case("year_0001", csv_file("ratings_0001.csv", RATINGS, [_rating(at="0001-01-01 09:00"), GOOD]), 0, OUT_OF_WINDOW, 2, 1),
    Case("year_9999", csv_file("ratings_9999.csv", RATINGS, [_rating(at="9999-12-31 23:59"), GOOD]), 0, OUT_OF_WINDOW, 2, 1),
    Case("year_2099", csv_file("ratings_2099.csv", RATINGS, [_rating(at="2099-01-01 09:00"), GOOD]), 0, OUT_OF_WINDOW, 2, 1),
    Case("hour_24", csv_file("ratings_24.csv", RATINGS, [_rating(at="2026-10-08 24:00"), GOOD]), 0, NOT_TIMESTAMP, 2, 1),
    Case("date_only_timestamp", csv_file("ratings_dateonly.csv", RATINGS, [_rating(at="2026-10-08"), GOOD]), 0,
         NOT_TIMESTAMP, 2, 1),
    Case("day_first", csv_file("ratings_dayfirst.csv", RATINGS, [_rating(at="08/10/2026 09:00"), GOOD]), 0,
         NOT_TIMESTAMP, 2, 1),
    Case("hired_2099", csv_file("staff_2099.csv", ["staff_id", "outlet_id", "role", "hired_on"],
                            [["S009", "O001", "柜员", "2099-01-01"], ["S001", "O001", "柜员", "2015-03-01"]]),
         0, OUT_OF_WINDOW, 2, 1),
    Case("called_before_taken", csv_file("tickets_order.csv", ["ticket_id", "outlet_id", "taken_at", "called_at"],
                                     [["A001", "O001", "2026-10-08 09:00", "2026-10-08 08:50"],
                                      ["A002", "O001", "2026-10-08 09:00", "2026-10-08 09:05"]]), 0,
         "called_at 早于 taken_at", 2, 1),
    # keys and references
    Case("duplicate_key_different", csv_file("complaints_dup.csv", COMPLAINTS,
                                         [_complaint("D1", "1"), _complaint("D1", "0"), _complaint("D2")]),
         0, "在文件中重复出现且内容不同", 3, 2),
    Case("duplicate_key_identical", csv_file("complaints_same.csv", COMPLAINTS, [_complaint("E1")] * 2), 0,
         "读取 2 行，导入 1 行，另放 0 行，合并重复 1 行", 2, merged=1),
    # exact duplicates and the optional rating_id (issue 14): A, A, B, B, C -> 3 loaded, 2 merged
    Case("exact_duplicate_pairs", csv_file("ratings_pairs.csv", RATINGS,
                                       [_rating("5"), _rating("5"), _rating("3"), _rating("3"), _rating("1")]),
         0, "读取 5 行，导入 3 行，另放 0 行，合并重复 2 行", 5, merged=2),
    Case("rating_id_different", csv_file("ratings_id_dup.csv", RATINGS + ["rating_id"],
                                     [_rating("5") + ["P1"], _rating("4") + ["P1"], _rating("4") + ["P2"]]),
         0, "rating_id 在文件中重复出现且内容不同", 3, 2),  # as complaint_id: every version of P1 set aside
    Case("rating_id_identical", csv_file("评价_编号.csv", ["网点编号", "评价时间", "评价分值", "评价编号"],
                                     [["O001", "2026-10-08 09:00", "5", "P3"]] * 2),
         0, "读取 2 行，导入 1 行，另放 0 行，合并重复 1 行", 2, merged=1),
    Case("missing_outlet", csv_file("ratings_o999.csv", RATINGS, [_rating(outlet="O999"), GOOD]), 0,
         "outlets 中没有此 outlet_id", 2, 1),
    Case("formula_cells_csv", csv_file("ratings_formula.csv", RATINGS, [_rating("=1+1", staff="=HYPERLINK(\"x\")"), GOOD]),
         0, "读取 2 行", 2, 1),
    # XLSX oddities
    Case("xlsx_sheet2", xlsx_file("ratings_sheet2.xlsx", {"说明": [], "数据": [RATINGS, GOOD]}), 2,
         "只读取第一个工作表“说明”，它没有 ratings 的表头；表头符合的是工作表“数据”，请加 --sheet 数据"),
    Case("xlsx_sheet2_chosen", xlsx_file("ratings_sheet2ok.xlsx", {"说明": [["见第二页"]], "数据": [RATINGS, GOOD, GOOD]}),
         0, "读取 2 行", 2, options=["--sheet", "数据"], merged=1),
    Case("xlsx_sheet1_other_table", xlsx_file("ratings_sheets.xlsx", {"汇总": [["网点", "合计"], ["O001", 3]],
                                                                  "明细": [RATINGS, GOOD]}), 2, "请加 --sheet 明细"),
    Case("xlsx_no_such_sheet", xlsx_file("ratings_nosheet.xlsx", {"Sheet1": [RATINGS, GOOD]}), 2,
         "工作簿中没有名为“汇总”的工作表", options=["--sheet", "汇总"]),
    Case("xlsx_empty_workbook", xlsx_file("ratings_empty.xlsx", {"Sheet1": []}), 2, EMPTY),
    Case("xlsx_cut_sheet_xml", xlsx_file("ratings_cut.xlsx", {"Sheet1": [RATINGS] + [GOOD] * 300}, cut=True), 2,
         "工作表“Sheet1”的内容已损坏"),
    Case("xlsx_not_a_zip", raw_file("ratings_notzip.xlsx", b"outlet_id,rated_at\n"), 2, "不是可读的 XLSX 工作簿"),
    Case("xlsx_zero_bytes", raw_file("ratings_zero.xlsx", b""), 2, "不是可读的 XLSX 工作簿"),
    Case("xlsx_merged_cells", xlsx_file("ratings_merged.xlsx", {"Sheet1": [RATINGS, GOOD, ["", *GOOD[1:]]]},
                                    merge="A2:A3"), 0, "必填值为空", 2, 1),
    Case("xlsx_formula_cells", xlsx_file("ratings_formulas.xlsx", {"Sheet1": [RATINGS, ["O001", "2026-10-08 09:00", "=2+3"],
                                                                         GOOD]}), 0, "必填值为空", 2, 1),
    Case("xlsx_dates_and_serials", xlsx_file("ratings_serial.xlsx", {"Sheet1": [
        RATINGS, ["O001", dt.datetime(2026, 10, 8, 9, 0), 5], ["O001", 46303.375, 5], ["O001", dt.date(2026, 10, 8), 4]]}),
        0, "像是 Excel 日期序号", 3, 1),  # an Excel date cell reads as midnight, like a CSV export of it
    Case("xlsx_numbers_as_text", xlsx_file("ratings_numbers.xlsx", {"Sheet1": [RATINGS, ["O001", "2026-10-08 09:00", 5.0],
                                                                            ["O001", "2026-10-08 09:00", "4"]]}),
         0, "读取 2 行", 2),
    # file system
    Case("missing_file", lambda folder: folder / "ratings_missing.csv", 2, "文件不存在"),
    Case("a_folder", a_folder, 2, "这是一个文件夹，不是文件"),
    Case("wrong_suffix", raw_file("ratings.json", b"{}"), 2, "只能导入 .csv 和 .xlsx 文件"),
    Case("unknown_table_name", csv_file("export_2026.csv", RATINGS, [GOOD]), 2, "文件名看不出是哪张表"),
]
