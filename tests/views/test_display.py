"""views.display: shares, 万, signed changes and 个百分点 as the reader reads them; display frames."""

import math

import pandas as pd
import pytest

from svc_analysis.views import display


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [(0.853, 1, "85.3%"), (1, 1, "100.0%"), (0, 1, "0.0%"), (0.85333, 2, "85.33%"), (0.5, 0, "50%")],
)
def test_fmt_pct(value, digits, expected):
    assert display.fmt_pct(value, digits) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, math.nan])
def test_no_data_is_never_zero(missing):
    assert display.fmt_pct(missing) == "无数据"
    assert display.fmt_wan(missing) == "无数据"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12345, "1.2万"), (20000, "2万"), (15000, "1.5万"), (800, "800"), (9999, "9,999"), (-25000, "-2.5万"),
     (123456789, "12,345.7万"), (7870, "7,870")],  # counts thousands separated on every page (issue 14)
)
def test_fmt_wan(value, expected):
    assert display.fmt_wan(value) == expected


def test_display_frame():
    frame = pd.DataFrame({
        "share": [0.853, None], "low": [True, False], "file": ["/home/wang/x/tickets.csv", None],
        "at": pd.to_datetime(["2026-11-02 08:01:05.5", None]), "note": ["a", None], "n": [3, 4]})
    shown = display.display_frame(frame, {"share": "占比"}, percent=("share",), flags=("low",), paths=("file",))
    assert list(shown.columns) == ["占比", "low", "file", "at", "note", "n"]
    assert shown.index.tolist() == [1, 2]
    assert shown.loc[1].tolist() == ["85.3%", "⚠", "tickets.csv", "2026-11-02 08:01:05", "a", 3]
    assert shown.loc[2].tolist() == ["无数据", "", "", "", "", 4]
    assert frame["share"].tolist()[0] == 0.853  # the input is not changed


def test_display_frame_shows_true_false_as_shi_fou():
    """Issue 14: 'True' in the escalation table. Every true/false column reads 是 / 否, blank when empty:
    a numpy bool column, a nullable boolean column with a gap, and an object column of Python bools
    (what a frame built from dicts holds). A 0/1 count column stays a number."""
    frame = pd.DataFrame({"responsible": [True, False], "recheck": pd.array([pd.NA, True], dtype="boolean"),
                          "mixed": pd.Series([False, None], dtype=object), "n": [0, 1]})
    shown = display.display_frame(frame, {"responsible": "是否责任性投诉"})
    assert shown["是否责任性投诉"].tolist() == ["是", "否"]
    assert shown["recheck"].tolist() == ["", "是"]
    assert shown["mixed"].tolist() == ["否", ""]
    assert shown["n"].tolist() == [0, 1]
    assert "True" not in shown.to_html() and "False" not in shown.to_html()
    assert [display.yes_no(v) for v in (True, False, None, pd.NA)] == ["是", "否", "", ""]


@pytest.mark.parametrize(("change", "expected"), [
    (0.012, "+1.2 个百分点"), (-0.2, "-20.0 个百分点"), (0.001, "+0.1 个百分点"),
    (-0.0004, "0.0 个百分点"),   # -0.04 points rounds to 0.0: no '-0.0' (issue 14)
    (-0.00049, "0.0 个百分点"), (0.0004, "0.0 个百分点"), (0.0, "0.0 个百分点"), (-0.0, "0.0 个百分点"),
    (-0.0005001, "-0.1 个百分点"),  # -0.05001 points rounds to -0.1
    (None, "无数据"), (float("nan"), "无数据")])
def test_fmt_points_never_prints_minus_zero(change, expected):
    assert display.fmt_points(change) == expected


@pytest.mark.parametrize(("value", "digits", "expected"), [
    (3, 0, "+3"), (-2, 0, "-2"), (-0.4, 0, "0"), (-0.04, 1, "0.0"), (1234.5, 1, "+1,234.5"), (-1234, 0, "-1,234")])
def test_fmt_signed_has_no_sign_on_zero(value, digits, expected):
    assert display.fmt_signed(value, digits) == expected


def test_display_frame_masks_text_columns():
    frame = pd.DataFrame({"product": ["手机银行 13812345678", None], "n": [1, 2]})
    assert display.display_frame(frame)["product"].tolist() == ["手机银行 138****5678", ""]
