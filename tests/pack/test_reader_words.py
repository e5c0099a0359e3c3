"""Issue 14 "Reader-facing words", read on the session's tiny-sample pack (tests/pack/conftest.py) as a
manager reads it: every page and the index in Chinese and the bank's own words, nothing a developer or
operator needs (the checks are in tests/pack/reader_words.py)."""

from __future__ import annotations

import csv
import json
import re

import openpyxl
import pytest

from tests.pack import reader_words as rw

pytestmark = pytest.mark.slow
# '-0.0', '−0', '-0.00 个百分点': a change that rounds to zero printed with a sign
MINUS_ZERO = re.compile(r"(?<![\w.])[-−]0(?:\.0+)?(?![\d.])")


@pytest.fixture(scope="module")
def pages(tiny_pack):
    done, folder = tiny_pack
    assert done.returncode == 0, done.stderr
    found = {p.name: rw.soup(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.html"))}
    assert "index.html" in found and len(found) >= 9  # the index and the eight area pages
    return found


@pytest.fixture(scope="module")
def published_ids(tiny_pack):
    _, folder = tiny_pack
    rows = csv.DictReader((folder / "kpis.csv").read_text(encoding="utf-8-sig").splitlines())
    # a family member campaign_progress:atm_new is looked for as its family 'campaign_progress:'
    return {r["metric"].split(":")[0] + ":" if ":" in r["metric"] else r["metric"] for r in rows}


def test_no_developer_reference_metric_id_or_parameter_key_on_any_page(pages, published_ids):
    found = {name: rw.forbidden_in_text(rw.visible_text(page), published_ids) for name, page in pages.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}
    # a parameter or column name in back-quotes in a notebook's Markdown shows as <code>
    assert {name: rw.code_texts(page) for name, page in pages.items() if rw.code_texts(page)} == {}


def test_every_chart_has_chinese_alt_text(pages):
    images = sum(len(page.find_all("img")) for page in pages.values())
    assert images >= 10  # the tiny pack draws charts on every area page
    assert {name: rw.english_in_alt(page) for name, page in pages.items() if rw.english_in_alt(page)} == {}


def test_no_wording_a_branch_manager_stumbles_on(pages):
    found = {name: rw.stumbles(rw.visible_text(page)) for name, page in pages.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_no_true_or_false_in_any_table(pages):
    assert {name: rw.true_false_cells(page) for name, page in pages.items() if rw.true_false_cells(page)} == {}


def test_no_minus_zero_on_any_page(pages):
    found = {name: MINUS_ZERO.findall(rw.visible_text(page)) for name, page in pages.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_index_leaves_paths_seconds_and_notebook_files_to_run_json(tiny_pack, pages):
    _, folder = tiny_pack
    text = rw.visible_text(pages["index.html"])
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    warehouse = run["parameters"]["warehouse"]
    assert warehouse.endswith("warehouse.duckdb")  # run.json keeps it (project-relative when inside the project)
    assert "duckdb" not in text and not re.search(r"/[\w.-]+/[\w.-]+", text)  # no path of the server
    assert ".ipynb" not in text and "用时" not in text and "秒" not in text
    assert [nb["notebook"] for nb in run["notebooks"]][0] == "00_data_quality.ipynb"
    assert all(nb["duration_seconds"] > 0 for nb in run["notebooks"])
    # tables by their Chinese names (contract): 排队 for tickets, never the id
    for english in ("tickets", "star_ratings", "campaign_actuals", "report_submissions"):
        assert english not in text
    assert "排队" in text and "星级评定" in text


def test_workbook_kpi_sheet_reads_chinese(tiny_pack):
    _, folder = tiny_pack
    book = openpyxl.load_workbook(folder / "服务活动进展情况月报表.xlsx", read_only=True)
    rows = list(book["指标表"].iter_rows(values_only=True))
    assert rows[0] == ("月份", "报告期", "领域", "指标", "层级", "单位", "数值", "分子", "分母", "目标", "是否达标", "状态")
    texts = {v for r in rows[1:] for v in r[2:6] + r[10:12] if isinstance(v, str)}
    assert not [t for t in texts if re.search(r"[a-z]{3,}", t)]  # no id, level or status code in English
