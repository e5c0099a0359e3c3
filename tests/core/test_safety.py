"""safety: formula neutralising for CSV/XLSX, Markdown escaping of data text (expected strings by hand)."""

import math

import pytest

from svc_analysis.core.safety import md, md_list, neutralise_cell, neutralise_frame, neutralise_sheet, restore_cell


@pytest.mark.parametrize("value, expected", [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("@SUM(1)", "'@SUM(1)"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("\tx", "'\tx"),
    ("-12", "-12"),          # a plain number stays: Excel reads it as the number it is
    ("+3.5", "+3.5"),
    ("武汉分行", "武汉分行"),
    (-2, -2),
])
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x","y")', "@SUM(1)", "-2+3", "'abc", "武汉分行", "-12"])
def test_restore_cell_undoes_neutralise_cell(value):
    assert restore_cell(neutralise_cell(value)) == value


def test_neutralise_frame_keeps_numbers():
    import pandas as pd

    frame = pd.DataFrame({"unit_id": ["=1+1", "province"], "value": [-0.5, 2.0]})
    out = neutralise_frame(frame)
    assert out["unit_id"].tolist() == ["'=1+1", "province"]
    assert out["value"].tolist() == [-0.5, 2.0]
    assert frame["unit_id"].tolist() == ["=1+1", "province"]  # the input is not changed


def test_neutralise_sheet_turns_formulas_into_quote_prefixed_text(tmp_path):
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    sheet = book.active
    sheet.append(['=HYPERLINK("http://x","y")', "@SUM(1)", "武汉分行", -2, "-2"])
    assert sheet["A1"].data_type == "f"  # what openpyxl does by default
    assert neutralise_sheet(sheet) == 2
    book.save(tmp_path / "b.xlsx")
    back = load_workbook(tmp_path / "b.xlsx").active
    assert [c.data_type for c in back[1]] == ["s", "s", "s", "n", "s"]
    assert back["A1"].value == '=HYPERLINK("http://x","y")' and back["A1"].quotePrefix
    assert back["B1"].quotePrefix and not back["C1"].quotePrefix and not back["E1"].quotePrefix


@pytest.mark.parametrize("value, expected", [
    ("<img src=x onerror=alert(1)>网点", r"&lt;img src=x onerror=alert\(1\)&gt;网点"),
    ("[点我](javascript:alert(5))网点", r"\[点我\]\(javascript&#58;alert\(5\)\)网点"),
    ("http://evil.example/x", r"http&#58;//evil\.example/x"),
    ("www.evil.example", r"www\.evil\.example"),
    ("**粗** _斜_ `码` #1", r"\*\*粗\*\* \_斜\_ \`码\` \#1"),
    ("A & B", "A &amp; B"),
    ("&lt;", "&amp;lt;"),
    ("a@b", "a&#64;b"),
    ("行一\n# 标题\r\n<script>", r"行一 \# 标题 &lt;script&gt;"),
    ("客户电话13812345678", r"客户电话138\*\*\*\*5678"),
    ("江汉支行", "江汉支行"),
    (None, ""),
    (math.nan, ""),
    (42, "42"),
])
def test_md_escapes_and_masks(value, expected):
    assert md(value) == expected


def test_md_renders_as_the_text_in_nbconvert():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    html = markdown2html_mistune("**网点** " + md("<img src=x onerror=alert(1)>[a](javascript:b) http://x.y"))
    assert html.strip() == ("<p><strong>网点</strong> &lt;img src=x onerror=alert(1)&gt;[a](javascript:b) "
                            "http://x.y</p>")


def test_md_list_joins_with_the_chinese_comma():
    assert md_list(["A*", "<b>"]) == r"A\*、&lt;b&gt;"
