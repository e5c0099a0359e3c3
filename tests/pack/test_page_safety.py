"""page_safety: defused Markdown outputs, sanitised HTML, the pages' Content-Security-Policy."""

from html.parser import HTMLParser

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from svc_analysis.core.config import TEMPLATES_DIR
from svc_analysis.pack import export
from svc_analysis.pack import page_safety

TABLES_JS = (TEMPLATES_DIR / "offline" / "svc-tables.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("text, expected", [
    ("<img src=x onerror=alert(1)>网点", "&lt;img src=x onerror=alert(1)>网点"),
    ("[点我](javascript:alert(5))", r"[点我]\(javascript&#58;alert(5))"),
    ("见 http://evil.example/x 或 www.evil.example", "见 http&#58;//evil.example/x 或 www&#46;evil.example"),
    ("**3 个** 网点，得分 < 85", "**3 个** 网点，得分 < 85"),  # our own Markdown and a bare '<' stay
    ("电话 13812345678", "电话 138****5678"),
])
def test_defuse_markdown(text, expected):
    assert page_safety.defuse_markdown(text) == expected


def test_clean_html_keeps_tables_and_drops_what_runs():
    html = ('<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th>网点</th></tr></thead>'
            '<tbody><tr><td><a href="http://x" onclick="y">k</a><a href="#top">t</a>'
            '<script>alert(1)</script></td></tr></tbody></table>')
    assert page_safety.clean_html(html) == (
        '<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th>网点</th></tr></thead>'
        '<tbody><tr><td><a>k</a><a href="#top">t</a>&lt;script&gt;alert(1)&lt;/script&gt;</td></tr></tbody></table>')


def test_clean_html_keeps_the_kpi_marks_on_spans_only():
    # views.kpi_display marks a KPI figure with its kpis.csv row; the sanitiser keeps exactly those attributes
    html = ('<p><span class="kpi" data-kpi="satisfaction_rate|outlet|O2" data-kpi-status="small_sample" '
            'onmouseover="x()" data-evil="1">50.0%</span> <span class="kpi-status" '
            'data-kpi-label="satisfaction_rate|outlet|O2">样本不足</span></p><div data-kpi="a|b|c">d</div>')
    assert page_safety.clean_html(html) == (
        '<p><span class="kpi" data-kpi="satisfaction_rate|outlet|O2" data-kpi-status="small_sample">50.0%</span> '
        '<span class="kpi-status" data-kpi-label="satisfaction_rate|outlet|O2">样本不足</span></p><div>d</div>')


def test_script_policy_allows_exactly_the_page_scripts_by_hash():
    assert page_safety.script_policy("<p>x</p>").endswith("script-src 'none'")
    # sha256 of 'alert(1)', base64 (openssl dgst -sha256 -binary | base64)
    assert page_safety.script_policy("<script>alert(1)</script>").endswith(
        "script-src 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='")
    assert page_safety.CONTENT_SECURITY_POLICY.startswith("default-src 'none'; img-src data:;")
    for part in ("form-action 'none'", "base-uri 'none'", "connect-src 'none'", "frame-src 'none'"):
        assert part in page_safety.CONTENT_SECURITY_POLICY


def test_clean_notebook_masks_and_defuses_every_output():
    cell = new_code_cell("x")
    cell.outputs = [new_output("display_data", data={"text/markdown": "<b>13812345678</b>", "text/plain": "13812345678"}),
                    new_output("stream", name="stdout", text="卡号 6222021234567890123\n"),
                    new_output("error", ename="KeyError", evalue="'110101199003071234'", traceback=["110101199003071234"])]
    nb = new_notebook(cells=[new_markdown_cell("联系 13812345678"), cell])
    page_safety.clean_notebook(nb)
    assert nb.cells[0].source == "联系 138****5678"
    out = nb.cells[1].outputs
    assert out[0]["data"] == {"text/markdown": "&lt;b>138****5678&lt;/b>", "text/plain": "138****5678"}
    assert out[1]["text"] == "卡号 6222***********0123\n"
    assert out[2]["evalue"] == "'1101**********1234'" and out[2]["traceback"] == ["1101**********1234"]


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, name, value) for name, value in attrs]


def test_exported_page_has_no_live_markup_from_outputs(tmp_path):
    cell = new_code_cell("x")
    cell.outputs = [new_output("display_data", data={
        "text/markdown": "**网点** <img src=x onerror=alert(1)> [点我](javascript:alert(5)) http://evil.example/x"}),
        new_output("display_data", data={"text/html": '<div onmouseover="alert(3)"><script>alert(4)</script></div>'})]
    path = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# 标题"), cell]), path)
    assert export.export_html(path, tmp_path / "n.html") == []
    html = (tmp_path / "n.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    assert "img" not in page.tags
    # one script: the template's own table tools (svc-tables.js), not the output's
    assert [body.strip() for body in page_safety._SCRIPT.findall(html)] == [TABLES_JS.strip()]
    assert [a for a in page.attrs if a[1].startswith("on")] == []
    # the only link out of the page is the header's own, back to the pack's index
    assert [a for a in page.attrs if a[1] == "href" and not a[2].startswith("#")] == [("a", "href", "index.html")]
    csp = [a[2] for a in page.attrs if a[0] == "meta" and a[1] == "content" and "default-src" in a[2]]
    assert csp == [page_safety.script_policy(html)] and "unsafe-inline" not in csp[0].split("script-src")[1]
    assert csp[0].split("script-src ")[1].count("'sha256-") == 1
    assert "h1" in page.tags and "strong" in page.tags  # the page's own Markdown still renders
