"""validation: type parsing, pandera checks, row rules, key conflicts, reject lines."""

import datetime as dt

import pandas as pd
import pytest

from svc_analysis import contract
from svc_analysis.validation import REJECT_COLUMNS, parse_column, validate_chunk


def _text(*values):
    return pd.Series(list(values), dtype="str")


def _col(table, name):
    return contract.table(table).column(name)


def test_dates_accept_dash_slash_one_digit_parts_and_excel_midnight():
    typed, reason = parse_column(_col("staff", "hired_on"), _text(
        "2024-03-05", "2024/3/5", "2024-03-05 00:00:00", "2024-02-30", "05/03/2024", "2024-03-05 10:00", ""))
    assert list(typed[:3]) == [pd.Timestamp("2024-03-05")] * 3
    assert typed[3:].isna().all()  # Feb 30, day-first, a real time of day, empty
    assert reason == "not a date YYYY-MM-DD"


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
    assert reason == "not one of hotline, comment_book, onsite, media, regulator, online, letter"


def test_ints_must_be_whole_floats_any_number():
    ints, reason = parse_column(_col("ratings", "score"), _text("5", "4.0", "4.5", "five", ""))
    assert ints[:2].tolist() == [5, 4] and ints[2:].isna().all() and reason == "not a whole number"
    floats, _ = parse_column(_col("inspections", "score"), _text("87.5", "90", "x"))
    assert floats[:2].tolist() == [87.5, 90.0] and pd.isna(floats[2])


def test_good_rows_typed_in_contract_order_indexed_by_row():
    raw = pd.DataFrame({"score": ["4"], "rated_at": ["2024-10-08 09:15"], "outlet_id": [" O001 "], "note": ["x"]},
                       index=[7])
    good, rejects = validate_chunk("ratings", raw, "r.csv")
    assert list(good.columns) == ["outlet_id", "rated_at", "score", "staff_id"]
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
        {"file": "r.csv", "row_number": 3, "column": "score", "value": "9", "reason": "outside 1–5"},
        {"file": "r.csv", "row_number": 4, "column": "outlet_id", "value": "", "reason": "missing (required)"},
        {"file": "r.csv", "row_number": 5, "column": "rated_at", "value": "yesterday",
         "reason": "not a timestamp YYYY-MM-DD HH:MM[:SS]"},
        {"file": "r.csv", "row_number": 5, "column": "score", "value": "0", "reason": "outside 1–5"},
    ]


def test_unparseable_required_value_is_reported_once_not_also_as_missing():
    raw = pd.DataFrame({"outlet_id": ["O1"], "rated_at": ["2024-13-01 09:00"], "score": ["3"]}, index=[2])
    _, rejects = validate_chunk("ratings", raw, "r.csv")
    assert rejects[["column", "reason"]].values.tolist() == [["rated_at", "not a timestamp YYYY-MM-DD HH:MM[:SS]"]]


def test_row_rule_called_before_taken_names_both_columns():
    raw = pd.DataFrame({"ticket_id": ["A1", "A2"], "outlet_id": ["O1", "O1"],
                        "taken_at": ["2024-10-08 09:00", "2024-10-08 09:01"],
                        "called_at": ["2024-10-08 09:05", "2024-10-08 08:59"]}, index=[2, 3])
    good, rejects = validate_chunk("tickets", raw, "t.csv")
    assert good.index.tolist() == [2]
    assert rejects.to_dict("records") == [{
        "file": "t.csv", "row_number": 3, "column": "taken_at, called_at",
        "value": "2024-10-08 09:01 / 2024-10-08 08:59", "reason": "called_at is before taken_at"}]


def test_row_rule_in_sql_month_format():
    raw = pd.DataFrame({"kpi_id": ["k", "k"], "unit_id": ["u", "u"], "month": ["2024-01", "2024-1"],
                        "value": ["1.5", "2"]}, index=[2, 3])
    good, rejects = validate_chunk("campaign_actuals", raw, "a.csv")
    assert good["value"].tolist() == [1.5]
    assert rejects[["row_number", "reason"]].values.tolist() == [[3, "month is not YYYY-MM"]]


def test_key_twice_with_different_values_sets_every_version_aside_identical_copies_pass():
    base = {"complaint_id": "C1", "received_at": "2024-10-08 09:00", "channel": "hotline", "outlet_id": "O1",
            "category": "fees", "responsible": "0"}
    raw = pd.DataFrame([base, base, {**base, "complaint_id": "C2"}, {**base, "complaint_id": "C2", "responsible": "1"}],
                       index=[2, 3, 4, 5])
    good, rejects = validate_chunk("complaints", raw, "c.csv")
    assert good.index.tolist() == [2, 3]
    assert rejects["row_number"].tolist() == [4, 5]
    assert set(rejects["reason"]) == {"complaint_id appears again with different values"}


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
    assert rejects[["row_number", "reason"]].values.tolist() == [[3, "left_on is before hired_on"]]


def test_unknown_table_is_a_key_error():
    with pytest.raises(KeyError, match="unknown table 'nope'"):
        validate_chunk("nope", pd.DataFrame(), "x.csv")
