"""validation: type parsing, pandera checks, row rules, key conflicts, reject lines."""

import datetime as dt

import pandas as pd
import pytest

from svc_analysis.core import contract
from svc_analysis.engine.validation import REJECT_COLUMNS, parse_column, validate_chunk


WINDOW = (dt.date(1950, 1, 1), dt.date(2029, 12, 3))


def _text(*values):
    return pd.Series(list(values), dtype="str")


def _col(table, name):
    return contract.table(table).column(name)


def test_dates_accept_dash_slash_one_digit_parts_and_excel_midnight():
    typed, reason = parse_column(_col("staff", "hired_on"), _text(
        "2024-03-05", "2024/3/5", "2024-03-05 00:00:00", "2024-02-30", "05/03/2024", "2024-03-05 10:00", ""))
    assert list(typed[:3]) == [pd.Timestamp("2024-03-05")] * 3
    assert typed[3:].isna().all()  # Feb 30, day-first, a real time of day, empty
    assert reason == "不是日期（格式 YYYY-MM-DD）"


def test_timestamps_need_a_time_seconds_optional():
    typed, _ = parse_column(_col("tickets", "taken_at"), _text(
        "2024-10-08 09:05", "2024/10/8 9:05:30", "2024-10-08T09:05:07", "2024-10-08", "2024-10-08 25:00", ""))
    assert list(typed[:3]) == [pd.Timestamp(2024, 10, 8, 9, 5), pd.Timestamp(2024, 10, 8, 9, 5, 30),
                               pd.Timestamp(2024, 10, 8, 9, 5, 7)]
    assert typed[3:].isna().all()


def test_booleans_from_every_contract_word():
    typed, _ = parse_column(_col("complaints", "responsible"), _text("1", "TRUE", "是", "y", "0", "False", "否", "N", "maybe"))
    assert typed[:8].tolist() == [True] * 4 + [False] * 4
    assert pd.isna(typed[8])


def test_allowed_values_by_name_any_case_or_alias():
    typed, reason = parse_column(_col("complaints", "channel"), _text("Hotline", "95588", "意见簿", "APP", "pigeon", ""))
    assert typed[:4].tolist() == ["hotline", "hotline", "comment_book", "online"]
    assert typed[4:].isna().all()
    assert reason == "不是允许的值之一"


def test_ints_must_be_whole_floats_any_number():
    ints, reason = parse_column(_col("ratings", "score"), _text("5", "4.0", "4.5", "five", ""))
    assert ints[:2].tolist() == [5, 4] and ints[2:].isna().all() and reason == "不是整数"
    floats, _ = parse_column(_col("inspections", "score"), _text("87.5", "90", "x"))
    assert floats[:2].tolist() == [87.5, 90.0] and pd.isna(floats[2])


def test_good_rows_typed_in_contract_order_indexed_by_row():
    raw = pd.DataFrame({"score": ["4"], "rated_at": ["2024-10-08 09:15"], "outlet_id": [" O001 "], "note": ["x"]},
                       index=[7])
    good, rejects = validate_chunk("ratings", raw, "r.csv")
    assert list(good.columns) == ["outlet_id", "rated_at", "score", "staff_id", "rating_id"]
    assert good.index.tolist() == [7]
    row = good.loc[7]
    assert (row["outlet_id"], row["rated_at"], row["score"]) == ("O001", pd.Timestamp(2024, 10, 8, 9, 15), 4)
    assert pd.isna(row["staff_id"])  # optional column absent from the file
    assert rejects.empty and list(rejects.columns) == REJECT_COLUMNS


def test_each_kind_of_problem_one_line_per_problem_row_set_aside_once():
    raw = pd.DataFrame({
        "outlet_id": ["O1", "O1", "", "O1", "O1"],
        "rated_at": ["2024-10-08 09:00", "2024-10-08 09:00", "2024-10-08 09:00", "yesterday", "2024-10-08 09:01"],
        "score": ["5", "9", "3", "0", "4"],
    }, index=[2, 3, 4, 5, 6])
    good, rejects = validate_chunk("ratings", raw, "r.csv")
    assert good.index.tolist() == [2, 6]
    assert rejects.to_dict("records") == [
        {"file": "r.csv", "row_number": 3, "column": "score", "value": "9", "reason": "超出范围 1–5"},
        {"file": "r.csv", "row_number": 4, "column": "outlet_id", "value": "", "reason": "必填值为空"},
        {"file": "r.csv", "row_number": 5, "column": "rated_at", "value": "yesterday",
         "reason": "不是时间（格式 YYYY-MM-DD HH:MM[:SS]）"},
        {"file": "r.csv", "row_number": 5, "column": "score", "value": "0", "reason": "超出范围 1–5"},
    ]


def test_unparseable_required_value_is_reported_once_not_also_as_missing():
    raw = pd.DataFrame({"outlet_id": ["O1"], "rated_at": ["2024-13-01 09:00"], "score": ["3"]}, index=[2])
    _, rejects = validate_chunk("ratings", raw, "r.csv")
    assert rejects[["column", "reason"]].values.tolist() == [["rated_at", "不是时间（格式 YYYY-MM-DD HH:MM[:SS]）"]]


def test_row_rule_called_before_taken_names_both_columns():
    raw = pd.DataFrame({"ticket_id": ["A1", "A2"], "outlet_id": ["O1", "O1"],
                        "taken_at": ["2024-10-08 09:00", "2024-10-08 09:01"],
                        "called_at": ["2024-10-08 09:05", "2024-10-08 08:59"]}, index=[2, 3])
    good, rejects = validate_chunk("tickets", raw, "t.csv")
    assert good.index.tolist() == [2]
    assert rejects.to_dict("records") == [{
        "file": "t.csv", "row_number": 3, "column": "taken_at, called_at",
        "value": "2024-10-08 09:01 / 2024-10-08 08:59", "reason": "called_at 早于 taken_at"}]


def test_month_must_be_yyyy_mm_with_a_real_month_inside_the_window():
    raw = pd.DataFrame({"kpi_id": ["k"] * 6, "unit_id": ["u"] * 6,
                        "month": ["2024-01", "2024-1", "2026-13", "2026-00", "9999-01", "2029-12"],
                        "value": ["1.5", "2", "2", "2", "2", "2"]}, index=[2, 3, 4, 5, 6, 7])
    good, rejects = validate_chunk("campaign_actuals", raw, "a.csv", WINDOW)
    assert good["month"].tolist() == ["2024-01", "2029-12"]  # 2029-12 holds the window's last day
    not_a_month = "不是 YYYY-MM 格式的月份，月份须为 01–12"
    assert rejects[["row_number", "column", "reason"]].values.tolist() == [
        [3, "month", not_a_month], [4, "month", not_a_month], [5, "month", not_a_month],
        [6, "month", "日期不在合理范围 1950-01-01 至 2029-12-03 内"]]


def test_infinite_and_overflowing_numbers_are_set_aside_not_loaded():
    raw = pd.DataFrame({"kpi_id": ["k"] * 8, "unit_id": ["u"] * 8, "month": [f"2026-{m:02d}" for m in range(1, 9)],
                        "value": ["1e309", "inf", "-inf", "nan", "NaN", "Infinity", "1e308", "x"]},
                       index=range(2, 10))
    good, rejects = validate_chunk("campaign_actuals", raw, "a.csv", WINDOW)
    assert good["value"].tolist() == [1e308]  # large but finite
    not_finite = "不是有限的数（inf、nan 或超出范围如 1e309）"
    assert rejects[["row_number", "value", "reason"]].values.tolist() == [
        [2, "1e309", not_finite], [3, "inf", not_finite], [4, "-inf", not_finite], [5, "nan", not_finite],
        [6, "NaN", not_finite], [7, "Infinity", not_finite], [9, "x", "不是数字"]]


def test_int_column_infinity_is_not_finite_rather_than_not_whole():
    raw = pd.DataFrame({"outlet_id": ["O1", "O1"], "rated_at": ["2024-10-08 09:00"] * 2, "score": ["inf", "5"]},
                       index=[2, 3])
    good, rejects = validate_chunk("ratings", raw, "r.csv", WINDOW)
    assert good.index.tolist() == [3]
    assert rejects[["column", "reason"]].values.tolist() == [
        ["score", "不是有限的数（inf、nan 或超出范围如 1e309）"]]


@pytest.mark.parametrize("table, column, text, loads", [
    ("ratings", "rated_at", "0001-01-01 10:00", False), ("ratings", "rated_at", "9999-12-31 23:59", False),
    ("ratings", "rated_at", "2099-01-01 10:00", False), ("ratings", "rated_at", "1949-12-31 23:59", False),
    ("ratings", "rated_at", "1950-01-01 00:00", True), ("ratings", "rated_at", "2029-12-03 23:59", True),
    ("ratings", "rated_at", "2029-12-04 00:00", False),
    ("staff", "hired_on", "0001-01-01", False), ("staff", "hired_on", "9999-12-31", False),
    ("staff", "hired_on", "1950-01-01", True), ("staff", "hired_on", "2029-12-03", True),
    ("staff", "hired_on", "2029-12-04", False)])
def test_dates_and_timestamps_outside_the_window_are_set_aside(table, column, text, loads):
    base = {"ratings": {"outlet_id": "O1", "rated_at": "2024-10-08 09:00", "score": "5"},
            "staff": {"staff_id": "S1", "outlet_id": "O1", "role": "teller", "hired_on": "2020-01-01"}}[table]
    good, rejects = validate_chunk(table, pd.DataFrame([{**base, column: text}], index=[2]), "f.csv", WINDOW)
    assert len(good) == int(loads)
    expected = [] if loads else [[column, text, "日期不在合理范围 1950-01-01 至 2029-12-03 内"]]
    assert rejects[["column", "value", "reason"]].values.tolist() == expected


def test_without_a_window_only_numbers_are_checked():
    raw = pd.DataFrame({"outlet_id": ["O1"], "rated_at": ["9999-12-31 23:59"], "score": ["5"]}, index=[2])
    good, rejects = validate_chunk("ratings", raw, "r.csv")
    assert len(good) == 1 and rejects.empty


def test_key_twice_with_different_values_sets_every_version_aside_identical_copies_pass():
    base = {"complaint_id": "C1", "received_at": "2024-10-08 09:00", "channel": "hotline", "outlet_id": "O1",
            "category": "fees", "responsible": "0"}
    raw = pd.DataFrame([base, base, {**base, "complaint_id": "C2"}, {**base, "complaint_id": "C2", "responsible": "1"}],
                       index=[2, 3, 4, 5])
    good, rejects = validate_chunk("complaints", raw, "c.csv")
    assert good.index.tolist() == [2, 3]
    assert rejects["row_number"].tolist() == [4, 5]
    assert set(rejects["reason"]) == {"complaint_id 在文件中重复出现且内容不同"}


def test_rating_id_clashes_like_a_primary_key_and_ratings_without_one_never_clash():
    base = {"outlet_id": "O1", "rated_at": "2024-10-08 09:00", "score": "5", "rating_id": "R1"}
    raw = pd.DataFrame([base, {**base, "score": "4"},  # R1 with two scores: both aside
                        {**base, "rating_id": "R2"}, {**base, "rating_id": "R2"},  # R2 twice identical: fine
                        {**base, "rating_id": ""}, {**base, "rating_id": "", "score": "3"}],  # no id: no key
                       index=[2, 3, 4, 5, 6, 7])
    good, rejects = validate_chunk("ratings", raw, "r.csv")
    assert good.index.tolist() == [4, 5, 6, 7]
    assert rejects[["row_number", "column", "reason"]].values.tolist() == [
        [2, "rating_id", "rating_id 在文件中重复出现且内容不同"],
        [3, "rating_id", "rating_id 在文件中重复出现且内容不同"]]


def test_bad_row_does_not_make_its_key_twin_a_conflict():
    raw = pd.DataFrame({"complaint_id": ["C1", "C1"], "received_at": ["2024-10-08 09:00", "bad"],
                        "channel": ["hotline"] * 2, "outlet_id": ["O1"] * 2, "category": ["fees"] * 2,
                        "responsible": ["0"] * 2}, index=[2, 3])
    good, rejects = validate_chunk("complaints", raw, "c.csv")
    assert good.index.tolist() == [2] and rejects["row_number"].tolist() == [3]


def test_optional_enum_and_date_order_rules():
    raw = pd.DataFrame({"staff_id": ["S1", "S2"], "outlet_id": ["O1", "O1"], "role": ["柜员", "大堂经理"],
                        "hired_on": ["2020-01-01", "2020-01-01"], "left_on": ["", "2019-12-31"]}, index=[2, 3])
    good, rejects = validate_chunk("staff", raw, "s.csv")
    assert good["role"].tolist() == ["teller"] and good.loc[2, "hired_on"] == dt.datetime(2020, 1, 1)
    assert rejects[["row_number", "reason"]].values.tolist() == [[3, "left_on 早于 hired_on"]]


def test_unknown_table_is_a_key_error():
    with pytest.raises(KeyError, match="unknown table 'nope'"):
        validate_chunk("nope", pd.DataFrame(), "x.csv")


def test_excel_serial_in_a_date_column_is_named_as_such():
    raw = pd.DataFrame({"outlet_id": ["O1", "O1"], "rated_at": ["46303.375", "4630"], "score": ["5", "5"]}, index=[2, 3])
    _, rejects = validate_chunk("ratings", raw, "r.csv", WINDOW)
    assert rejects["reason"].tolist() == [
        "46303.375 像是 Excel 日期序号，不是日期；请把单元格设为日期格式",
        "不是时间（格式 YYYY-MM-DD HH:MM[:SS]）"]
