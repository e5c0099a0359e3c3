"""`svc report --pdf` (issue 18): pages printed by headless Chromium on A4 with the print layout, the
CJK font embedded, one combined PDF with a bookmark per page; without Chromium a Chinese warning and
the HTML pack as usual. Skipped without Chromium, except in CI (CI set), where it fails; pdffonts
(poppler-utils) likewise."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pypdf import PdfReader

from svc_analysis.pack import pdf
from svc_analysis.pack.export import export_html
from svc_analysis.views.plotting import display_frame
from tests.pack.cdp import chromium
from tests.support import TINY_MONTH, tiny_warehouse

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SVC = str(Path(sys.executable).parent / "svc")
A4 = (595, 842)  # points, rounded


def _pdffonts() -> str:
    found = shutil.which("pdffonts")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("pdffonts is required in CI: apt-get install -y poppler-utils")
    pytest.skip("pdffonts not installed (apt-get install -y poppler-utils)")


def _text(page) -> str:
    """A PDF page's text. NFKC: Chromium embeds the CFF font as Type 3 glyphs, and where the font
    draws a Kangxi radical and an ideograph with one glyph (⼾ and 户) the PDF's text map names the
    radical; NFKC folds it back."""
    return unicodedata.normalize("NFKC", page.extract_text())


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    chromium()
    folder = tmp_path_factory.mktemp("pdf")
    rows = pd.DataFrame({"网点": [f"网点{i:03d}" for i in range(1, 121)], "投诉量": list(range(120))})
    nb = new_notebook(cells=[
        new_markdown_cell("# 客户投诉\n\n本页说明。"),
        new_markdown_cell("## 一、本月概况\n\n投诉总量持平。"),
        new_markdown_cell("## 二、网点明细"),
        new_code_cell("t", execution_count=1, outputs=[
            new_output("display_data", data={"text/html": display_frame(rows).to_html(), "text/plain": "t"})]),
        new_markdown_cell("## 三、处理时限\n\n全部按时办结。"),
    ])
    nb.metadata["papermill"] = {"parameters": {"month": "2026-10", "scope": None}}
    nbformat.write(nb, folder / "10_complaints.ipynb")
    export_html(folder / "10_complaints.ipynb", folder / "10_complaints.html")
    (folder / "index.html").write_text("<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
                                       "<style>@page { size: A4 }</style></head><body><h1>报告目录</h1></body></html>",
                                       encoding="utf-8")
    result = pdf.write_pack_pdfs(folder, [("10_complaints.html", "10 客户投诉")], "2026-10")
    return folder, result


def test_every_page_and_the_pack_are_written(printed):
    folder, result = printed
    assert result.error is None
    assert result.pages == ["pdf/index.pdf", "pdf/10_complaints.pdf"]
    assert result.combined == "pdf/服务质量月度报告_2026-10.pdf"
    combined = PdfReader(folder / result.combined)
    page = PdfReader(folder / "pdf" / "10_complaints.pdf")
    assert len(combined.pages) == 1 + len(page.pages)
    assert [(item.title, combined.get_destination_page_number(item)) for item in combined.outline] == [
        ("报告目录", 0), ("10 客户投诉", 1)]
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in combined.pages} == {A4}


def test_each_section_starts_a_sheet_and_long_tables_repeat_their_header(printed):
    folder, _ = printed
    texts = [_text(p) for p in PdfReader(folder / "pdf" / "10_complaints.pdf").pages]
    assert texts[0].lstrip().startswith("客户投诉")  # the header and table of contents are not printed
    assert "返回报告目录" not in "".join(texts) and "下载 CSV" not in "".join(texts)
    starts = [i for i, text in enumerate(texts) for h in ("一、本月概况", "二、网点明细", "三、处理时限")
              if text.lstrip().startswith(h)]
    assert len(starts) == 3 and starts == sorted(starts)
    # all 120 rows printed (paged on screen, whole on paper), over several sheets, each with the header
    table_pages = [t for t in texts if "网点0" in t or "网点1" in t]
    assert len(table_pages) >= 2 and all("投诉量" in t for t in table_pages)
    assert all(f"网点{i:03d}" in "".join(texts) for i in (1, 25, 26, 120))


def test_the_cjk_font_is_embedded(printed):
    folder, _ = printed
    listing = subprocess.run([_pdffonts(), str(folder / "pdf" / "10_complaints.pdf")], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    assert listing, "no font in the PDF"
    # columns: name type encoding emb sub uni object-id; 'emb' is the third from the right after the id pair
    assert all(line.split()[-5] == "yes" for line in listing), listing
    assert "客户投诉" in _text(PdfReader(folder / "pdf" / "10_complaints.pdf").pages[0])


def _report(tmp_path: Path, notebooks: Path, **env) -> subprocess.CompletedProcess:
    bare = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), **env}
    return subprocess.run([SVC, "report", "--month", TINY_MONTH, "--warehouse", str(tiny_warehouse()),
                           "--out", str(tmp_path / "out"), "--notebooks", str(notebooks), "--pdf", "--quiet"],
                          env=bare, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def one_notebook(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nb")
    shutil.copy(ROOT / "notebooks" / "00_data_quality.ipynb", folder)
    return folder


def test_report_pdf_writes_the_pack_pdf(tmp_path, one_notebook):
    chromium()
    done = _report(tmp_path, one_notebook)
    assert done.returncode == 0, done.stderr
    pack = tmp_path / "out" / TINY_MONTH
    combined = pack / "pdf" / f"服务质量月度报告_{TINY_MONTH}.pdf"
    assert f"PDF：{combined}" in done.stdout
    assert [item.title for item in PdfReader(combined).outline] == ["报告目录", "00 数据质量"]


def test_report_pdf_without_chromium_warns_and_publishes_the_html_pack(tmp_path, one_notebook):
    done = _report(tmp_path, one_notebook, SVC_CHROMIUM="")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"警告：{pdf.NO_CHROMIUM}"
    pack = tmp_path / "out" / TINY_MONTH
    assert (pack / "index.html").is_file() and (pack / "00_data_quality.html").is_file()
    assert not (pack / "pdf").exists()
