"""The reader's pack in a real browser (issue 18): headless Chromium, network off, driven over the
DevTools protocol (tests/cdp.py) with real mouse clicks and typed text.

- A page with hand-made tables: a click sorts numbers as numbers with 无数据 last both ways, typed
  words filter the rows, the CSV download holds the rows shown with formula-like cells quoted, a long
  table is paged on screen and printed whole.
- The tiny-sample pack (the session's `svc report` run): the index and an area page open with nothing fetched and no
  script blocked by the Content-Security-Policy, the area page's tables sort and filter, the pages
  link to the index and to each other; screenshots of both go to $SVC_TEST_ARTIFACTS (else the test's
  tmp folder), printed in the test output.
Skipped without Chromium, except in CI (CI set), where it fails.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from svc_analysis.pack.export import export_html
from svc_analysis.views.plotting import display_frame
from tests.pack.cdp import Browser, chromium

pytestmark = pytest.mark.browser

OUTLETS = pd.DataFrame({
    "网点": ["甲网点", "乙网点", "丙网点", "丁网点", "戊网点"],
    "投诉量": ["1,234", "无数据", "12", "-3", "200"],
    "办结率": ["85.0%", "无数据", "9.5%", "100.0%", "无数据"],
    "备注": ['=HYPERLINK("x")', "正常", "-3", "@sum", "+86 热线"],
})
# the visible rows' 网点 column (column 1: column 0 is display_frame's row number)
ROWS = "[...document.querySelectorAll('table.dataframe')[0].tBodies[0].rows]" \
       ".filter(r => getComputedStyle(r).display !== 'none').map(r => r.cells[1].textContent)"
LONG_ROWS = "[...document.querySelectorAll('table.dataframe')[1].tBodies[0].rows]" \
            ".filter(r => getComputedStyle(r).display !== 'none').map(r => r.cells[1].textContent)"


def _artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SVC_TEST_ARTIFACTS") or tmp_path / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium()
    b = Browser(tmp_path_factory.mktemp("cdp"))
    yield b
    b.close()


@pytest.fixture(scope="module")
def tables_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tables")
    long = pd.DataFrame({"编号": [f"第{i}号" for i in range(1, 31)], "数值": list(range(30, 0, -1))})
    nb = new_notebook(cells=[
        new_markdown_cell("# 表格页"),
        new_code_cell("show()", execution_count=1, outputs=[
            new_output("display_data", data={"text/html": display_frame(OUTLETS).to_html(), "text/plain": "t"}),
            new_output("display_data", data={"text/html": display_frame(long).to_html(), "text/plain": "t"}),
            new_output("display_data", data={"text/html": OUTLETS.set_index("网点").to_html(), "text/plain": "t"})]),
    ])
    nbformat.write(nb, folder / "30_tables.ipynb")
    export_html(folder / "30_tables.ipynb", folder / "30_tables.html")
    return folder / "30_tables.html"


def test_a_click_sorts_numbers_as_numbers_with_no_data_last(browser, tables_page):
    browser.open(tables_page)
    assert browser.console_errors() == []
    assert browser.js(ROWS) == ["甲网点", "乙网点", "丙网点", "丁网点", "戊网点"]
    browser.click("table.dataframe thead th:nth-child(3)")  # 投诉量
    assert browser.js(ROWS) == ["丁网点", "丙网点", "戊网点", "甲网点", "乙网点"]  # -3, 12, 200, 1,234, 无数据
    browser.click("table.dataframe thead th:nth-child(3)")
    assert browser.js(ROWS) == ["甲网点", "戊网点", "丙网点", "丁网点", "乙网点"]  # 无数据 still last
    browser.click("table.dataframe thead th:nth-child(4)")  # 办结率: 9.5% < 85.0% < 100.0%, as text it would not be
    assert browser.js(ROWS) == ["丙网点", "甲网点", "丁网点", "乙网点", "戊网点"]
    assert browser.js("document.querySelector('table.dataframe thead th:nth-child(4)').getAttribute('aria-sort')") \
        == "ascending"
    assert browser.requests() == []


def test_typed_words_filter_the_rows(browser, tables_page):
    browser.open(tables_page)
    browser.type(".svc-tools input[type=search]", "网点 丁")  # every word must match
    assert browser.js(ROWS) == ["丁网点"]
    assert browser.js("document.querySelector('.svc-info').textContent") == "共 1 行（筛选自 5 行）"
    browser.js("const i = document.querySelector('.svc-tools input'); i.value = ''; "
               "i.dispatchEvent(new Event('input'))")
    assert len(browser.js(ROWS)) == 5
    browser.js("const s = document.querySelector('.svc-tools select'); s.value = '4'; "  # column 备注
               "s.dispatchEvent(new Event('change'))")
    browser.type(".svc-tools input[type=search]", "正常")
    assert browser.js(ROWS) == ["乙网点"]


def test_csv_download_holds_the_rows_shown_with_formulas_quoted(browser, tables_page):
    browser.open(tables_page)
    browser.click("table.dataframe thead th:nth-child(3)")  # 投诉量 ascending
    browser.click(".svc-tools .svc-csv")
    done = browser.wait_for("Browser.downloadProgress", lambda p: p.get("state") == "completed")
    assert done["state"] == "completed"
    saved = browser.downloads / "30_tables_表1.csv"
    assert saved.read_bytes().decode("utf-8") == (
        "\ufeff,网点,投诉量,办结率,备注\r\n"
        "4,丁网点,-3,100.0%,'@sum\r\n"
        "3,丙网点,12,9.5%,-3\r\n"
        "5,戊网点,200,无数据,'+86 热线\r\n"
        '1,甲网点,"1,234",85.0%,"\'=HYPERLINK(""x"")"\r\n'
        "2,乙网点,无数据,无数据,正常\r\n")
    assert browser.requests() == []


def test_a_long_table_is_paged_on_screen_and_printed_whole(browser, tables_page):
    browser.open(tables_page)
    assert browser.js(LONG_ROWS) == [f"第{i}号" for i in range(1, 26)]
    assert browser.js("document.querySelectorAll('.svc-info')[1].textContent") == "第 1–25 行，共 30 行"
    browser.click(".svc-pager button:last-child")  # 下一页
    assert browser.js(LONG_ROWS) == [f"第{i}号" for i in range(26, 31)]
    browser.call("Emulation.setEmulatedMedia", media="print")
    try:
        assert len(browser.js(LONG_ROWS)) == 30
        assert browser.js("getComputedStyle(document.querySelector('.svc-tools')).display") == "none"
        assert browser.js("getComputedStyle(document.querySelector('.svc-header')).display") == "none"
    finally:
        browser.call("Emulation.setEmulatedMedia", media="")


@pytest.fixture(scope="module")
def pack(tiny_pack):
    """The session's tiny-sample pack (tests/pack/conftest.py: `svc report` as cron runs it)."""
    done, folder = tiny_pack
    assert done.returncode == 0, done.stderr
    return folder


def test_pack_pages_open_offline_sort_filter_and_link(browser, pack, tmp_path):
    artifacts = _artifacts(tmp_path)
    browser.open(pack / "index.html")
    shot = browser.screenshot(artifacts / "index.png")
    assert browser.requests() == [] and browser.console_errors() == []

    page = pack / "10_complaints.html"
    browser.open(page)
    assert browser.requests() == [] and browser.console_errors() == []
    assert browser.js("document.title") == "10 客户投诉 · 2026年10月（全省）"
    links = browser.js("[...document.querySelectorAll('.svc-nav a')].map(a => [a.getAttribute('href'), a.rel])")
    assert links == [["index.html", ""], ["00_data_quality.html", "prev"], ["20_satisfaction.html", "next"]]
    assert browser.js("[...document.images].filter(i => !i.alt.startsWith('图表')).length") == 0
    enhanced = browser.js("window.svcTables.length")
    assert enhanced >= 3
    # the first enhanced table with a numeric column of at least 3 distinct values: sort it
    found = browser.js("""(() => { for (const [t, tab] of window.svcTables.entries()) {
        for (const [c, num] of tab.numeric.entries()) {
          const vals = new Set(tab.rows.map(r => tab.value(r, c)));
          if (num && vals.size >= 3) return [t, c]; } } return null; })()""")
    assert found is not None
    t, c = found
    table = f"document.querySelectorAll('table.svc-table')[{t}]"
    header_cell = browser.js(f"(() => {{ const th = window.svcTables[{t}].headRow.cells[{c}]; "
                             f"th.id = th.id || 'svc-test-sort'; return th.id; }})()")
    browser.click(f"#{header_cell}")
    values = browser.js(f"[...{table}.tBodies[0].rows].map(r => r.cells[{c}].textContent.trim())")
    numbers = [float(re.sub(r"[,%万]", "", v)) for v in values if v not in ("", "无数据", "-", "—")]
    assert numbers == sorted(numbers)
    empties = [i for i, v in enumerate(values) if v in ("", "无数据", "-", "—")]
    assert empties == list(range(len(values) - len(empties), len(values)))  # 无数据 last
    # type the text of one row's first data cell: fewer rows, each containing it
    total = browser.js(f"{table}.tBodies[0].rows.length")
    word = browser.js(f"{table}.tBodies[0].rows[0].cells[1].textContent.trim()")
    browser.js(f"window.svcTables[{t}].input.id = 'svc-test-filter'")
    browser.type("#svc-test-filter", word)
    shown = browser.js(f"[...{table}.tBodies[0].rows].filter(r => getComputedStyle(r).display !== 'none')"
                       f".map(r => r.textContent)")
    assert 1 <= len(shown) < total and all(word in row for row in shown)
    assert int(browser.js(f"{table}.getAttribute('data-shown')")) == len(shown)
    shot_page = browser.screenshot(artifacts / "10_complaints.png")
    print(f"\nscreenshots: {shot} {shot_page}")
    assert shot.stat().st_size > 10_000 and shot_page.stat().st_size > 10_000


def test_a_named_index_row_names_its_column(browser, tables_page):
    """pandas writes a named index in a second header row: the column still has its name (filter, CSV)."""
    browser.open(tables_page)
    assert browser.js("window.svcTables[2].names") == ["网点", "投诉量", "办结率", "备注"]
    assert browser.js("window.svcTables[2].csv().split('\\r\\n')[0]") == "网点,投诉量,办结率,备注"
    browser.js("window.svcTables[2].headRow.cells[1].id = 'named-sort'")
    browser.click("#named-sort")  # 投诉量, on the first header row
    assert browser.js("[...window.svcTables[2].body.rows].map(r => r.cells[0].textContent)") == [
        "丁网点", "丙网点", "戊网点", "甲网点", "乙网点"]
