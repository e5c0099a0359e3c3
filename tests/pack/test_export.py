"""export: offline HTML pages, the external-fetch finder, index.html and run.json.

No kernel is started here: notebooks with outputs are built by hand, so the tests are fast.
"""

import base64
import json
from datetime import date, datetime, timezone
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from svc_analysis.core.config import RunSettings
from svc_analysis.pack.export import (coverage_rows, export_html, external_fetches, notebook_title,
                                 versions, write_index, write_run_json)
from svc_analysis.pack.execution import NotebookResult
from svc_analysis.pack.runner import RunResult

# A 1x1 PNG: the bytes a chart output would carry.
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
SECRET_SOURCE = "SECRET_SOURCE_LINE = 42"
# Written out by hand, not taken from export.py: what an office PC should find, in this order.
CJK_STACK = ('"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC", '
             '"Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif')


# ---------------------------------------------------------------- external_fetches

@pytest.mark.parametrize("snippet, expected", [
    ('<script src="https://cdn.example.com/a.js"></script>', ["https://cdn.example.com/a.js"]),
    ('<script src="js/local.js"></script>', []),
    ('<script>var x = "https://not-fetched.example.com";</script>', []),
    ('<link rel="stylesheet" href="http://x.org/s.css">', ["http://x.org/s.css"]),
    ('<link rel="preload" href="https://x.org/f.woff2" as="font">', ["https://x.org/f.woff2"]),
    ('<link rel="shortcut icon" href="https://x.org/favicon.ico">', ["https://x.org/favicon.ico"]),
    ('<link rel="canonical" href="https://x.org/page">', []),
    ('<a href="https://x.org/more">more</a>', []),
    ('<img src="data:image/png;base64,AAAA">', []),
    ('<img src="https://x.org/a.png">', ["https://x.org/a.png"]),
    ('<img src="//cdn.x.org/a.png">', ["//cdn.x.org/a.png"]),
    ('<img src="file:///etc/logo.png">', ["file:///etc/logo.png"]),
    ('<img srcset="small.png 1x, https://x.org/big.png 2x">', ["https://x.org/big.png"]),
    ('<iframe src="https://x.org/embed"></iframe>', ["https://x.org/embed"]),
    ('<style>@import "https://x.org/theme.css";</style>', ["https://x.org/theme.css"]),
    ("<style>@font-face { src: url('https://fonts.x.org/f.woff') }</style>", ["https://fonts.x.org/f.woff"]),
    ('<style>.a { background: url(data:image/png;base64,AAAA) }</style>', []),
    ('<div style="background-image: url(https://x.org/bg.jpg)"></div>', ["https://x.org/bg.jpg"]),
    ('<svg><rect fill="url(#grad)"/></svg>', []),
    ('<script type="module">const m = await import("https://cdn.x.org/m.mjs");</script>',
     ["https://cdn.x.org/m.mjs"]),
    ('<img src="https://x.org/a.png"><img src="https://x.org/a.png">', ["https://x.org/a.png"]),
])
def test_external_fetches_on_hand_written_snippets(snippet, expected):
    assert external_fetches(snippet) == expected


def test_external_fetches_in_order_of_appearance():
    page = ('<html><head><link rel="stylesheet" href="https://b.org/1.css">'
            '<script src="https://a.org/2.js"></script></head>'
            '<body><a href="https://c.org/">x</a><img src="rel/3.png"><img src="http://d.org/4.png"></body></html>')
    assert external_fetches(page) == ["https://b.org/1.css", "https://a.org/2.js", "http://d.org/4.png"]


# ---------------------------------------------------------------- notebook_title

@pytest.mark.parametrize("cells, expected", [
    ([new_markdown_cell("Intro.\n\n## 投诉分析 ##")], "投诉分析"),
    ([new_code_cell("# a comment, not a heading"), new_markdown_cell("# 排队")], "排队"),
    ([new_markdown_cell("no heading here")], "fallback"),
    ([], "fallback"),
])
def test_notebook_title_is_first_markdown_heading(cells, expected):
    assert notebook_title(new_notebook(cells=cells), "fallback") == expected


# ---------------------------------------------------------------- export_html

@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A hand-made executed notebook: heading, relative Markdown image, code with stdout,
    stderr and a PNG output; exported once with the offline template."""
    folder = tmp_path_factory.mktemp("export")
    (folder / "pic.png").write_bytes(base64.b64decode(PNG_B64))
    code = new_code_cell(SECRET_SOURCE, execution_count=3, outputs=[
        new_output("stream", name="stdout", text="month=2024-10 scope=城东支行\n"),
        new_output("stream", name="stderr", text="a kept stderr line\n"),
        new_output("display_data", data={"image/png": PNG_B64, "text/plain": "<Figure>"}),
        new_output("execute_result", data={"text/plain": "<Result>"}, execution_count=3),
    ])
    nb = new_notebook(cells=[new_markdown_cell("# 投诉月报\n\n![示意图](pic.png)"), code],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}})
    nbformat.write(nb, folder / "10_complaints.ipynb")
    fetches = export_html(folder / "10_complaints.ipynb", folder / "out" / "10_complaints.html")
    return fetches, (folder / "out" / "10_complaints.html").read_text(encoding="utf-8")


def test_export_has_no_external_fetch(exported):
    fetches, html = exported
    assert fetches == []
    assert external_fetches(html) == []
    assert "<script src" not in html and "cdnjs" not in html


def test_export_embeds_images_as_data_urls(exported):
    _, html = exported
    assert html.count(f"data:image/png;base64,{PNG_B64}") == 2  # the output and the Markdown image
    assert 'src="pic.png"' not in html


def test_export_shows_outputs_only(exported):
    _, html = exported
    assert "month=2024-10 scope=城东支行" in html
    assert "a kept stderr line" in html
    assert "SECRET_SOURCE_LINE" not in html
    body = html.split("<body", 1)[1]
    assert "In&nbsp;[" not in body and "Out[" not in body and "jp-InputPrompt" not in body
    assert "&lt;Result&gt;" in body  # execute_result shown, without its Out[3] prompt


def test_export_language_and_title(exported):
    _, html = exported
    assert '<html lang="zh-CN">' in html
    assert "<title>投诉月报</title>" in html


def test_export_declares_a_cjk_font_stack_as_the_only_one(exported):
    _, html = exported
    head = html.split("</head>", 1)[0]
    assert f"--jp-content-font-family: {CJK_STACK};" in head
    assert f"--jp-ui-font-family: {CJK_STACK};" in head
    assert ('--jp-code-font-family: menlo, consolas, "DejaVu Sans Mono", "Microsoft YaHei", '
            '"PingFang SC", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", '
            '"WenQuanYi Micro Hei", monospace;') in head
    # JupyterLab's theme (which set system-ui) is no longer in the page: ours is the only definition
    assert "system-ui" not in head and head.count("--jp-content-font-family:") == 1
    assert "&#34;" not in head and "&quot;" not in head  # quotes reach the CSS unescaped


def test_stock_lab_template_would_fetch_from_a_cdn(tmp_path):
    """The reason for the offline template, and proof the finder sees what the stock one loads."""
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter(template_name="lab").from_notebook_node(new_notebook(cells=[]))
    fetches = external_fetches(html)
    assert any("require" in url for url in fetches)
    assert any("mathjax" in url for url in fetches)


def test_export_of_a_missing_notebook_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.ipynb"):
        export_html(tmp_path / "nope.ipynb", tmp_path / "nope.html")


# ---------------------------------------------------------------- index.html and run.json

SETTINGS = RunSettings(month="2024-10", warehouse=Path("/data/warehouse.duckdb"),
                       scope="城东<支行>", params_file=None)
T0 = datetime(2024, 11, 3, 8, 0, 0, tzinfo=timezone.utc)
T1 = datetime(2024, 11, 3, 8, 1, 30, tzinfo=timezone.utc)


def _result(tmp_path):
    ok = NotebookResult(path=Path("00_data_quality.ipynb"), title="数据质量", status="ok",
                        started_at=T0, finished_at=T1, duration=12.34)
    bad = NotebookResult(path=Path("10_complaints.ipynb"), title="投诉 <b>分析</b>", status="failed",
                         started_at=T0, finished_at=T1, duration=3.0, error="ValueError: boom",
                         warnings=["no parameters cell"])
    return RunResult(pack_dir=tmp_path, notebooks=[ok, bad], started_at=T0, finished_at=T1,
                     options={"workers": 2, "cell_timeout": 600})


COVERAGE = {"complaints": {"rows": 123456, "merged": 7, "rows_in_month": 1234, "first": date(2023, 1, 1),
                           "last": date(2024, 10, 31)},
            "outlets": {"rows": 40, "rows_in_month": None, "first": None, "last": None}}


def test_index_lists_notebooks_status_times_and_links(tmp_path):
    html = write_index(tmp_path, _result(tmp_path), SETTINGS, COVERAGE).read_text(encoding="utf-8")
    assert "<title>服务质量月度报告 2024-10（城东&lt;支行&gt;）</title>" in html
    assert '<a href="00_data_quality.html">数据质量</a>' in html
    assert '<a href="10_complaints.html">投诉 &lt;b&gt;分析&lt;/b&gt;</a>' in html  # autoescaped
    assert html.count(">成功</td>") == 1 and html.count(">失败</td>") == 1
    # run seconds and notebook file names are the operator's (run.json), not on the manager's page
    assert ">12.3</td>" not in html and "用时" not in html and ".ipynb" not in html
    assert "ValueError: boom" in html and "no parameters cell" in html
    assert "有 1 份失败" in html
    assert external_fetches(html) == []
    assert "<script" not in html


def test_index_shows_parameters_and_coverage(tmp_path):
    html = write_index(tmp_path, _result(tmp_path), SETTINGS, COVERAGE).read_text(encoding="utf-8")
    # the server's warehouse path and the params folder are the operator's (run.json), not the manager's
    assert "warehouse.duckdb" not in html and "params/" not in html and "默认参数" in html
    # tables by the contract's Chinese names (complaints: 投诉, outlets: 网点), never the English ids
    assert ("<tr><td>投诉</td><td>2023-01-01</td><td>2024-10-31</td>\n"
            '<td class="num">1,234</td><td class="num">123,456</td><td class="num">7</td></tr>') in html
    assert ('<tr><td>网点</td><td>—</td><td>—</td>\n<td class="num">—</td><td class="num">40</td>'
            '<td class="num">—</td></tr>') in html  # no merged count given: a dash, never a guessed 0
    assert "<th>总行数</th><th>导入时合并的重复行</th>" in html
    assert ">complaints<" not in html and ">outlets<" not in html
    assert '<a href="kpis.csv">指标表</a>' in html and '<a href="run.json">运行记录</a>' in html


def test_index_declares_the_cjk_font_stack(tmp_path):
    html = write_index(tmp_path, _result(tmp_path), SETTINGS).read_text(encoding="utf-8")
    assert f"body {{ font-family: {CJK_STACK};" in html
    assert external_fetches(html) == []


def test_index_key_figures_only_when_given(tmp_path):
    without = write_index(tmp_path, _result(tmp_path), SETTINGS).read_text(encoding="utf-8")
    assert "关键指标" not in without
    figures = [("万人投诉率", "1.23", "目标 ≤ 1.5"), ("满意度", "96.0%", None)]
    html = write_index(tmp_path, _result(tmp_path), SETTINGS, key_figures=figures).read_text(encoding="utf-8")
    assert "关键指标" in html
    assert '<td>万人投诉率</td><td class="value num">1.23</td><td>目标 ≤ 1.5</td>' in html
    assert '<td>满意度</td><td class="value num">96.0%</td><td></td>' in html


def test_coverage_rows_accepts_frames_and_tuples():
    frame = pd.DataFrame({"table": ["tickets"], "first": [date(2024, 1, 2)],
                          "last": [date(2024, 10, 30)], "rows_in_month": [5]})
    assert coverage_rows(frame) == [{"table": "tickets", "name": "排队", "first": "2024-01-02",
                                     "last": "2024-10-30", "rows_in_month": "5", "rows": "—", "merged": "—"}]
    assert coverage_rows({"staff": (None, None, 0)})[0]["rows_in_month"] == "0"
    assert coverage_rows(None) == []


def test_run_json_records_parameters_timings_and_versions(tmp_path):
    record = json.loads(write_run_json(tmp_path, _result(tmp_path), SETTINGS).read_text(encoding="utf-8"))
    assert record["parameters"] == {"month": "2024-10", "period": "2024-10", "scope": "城东<支行>",
                                    "warehouse": "/data/warehouse.duckdb", "params_file": None,
                                    "engine": "duckdb", "workers": 2, "cell_timeout": 600}
    assert record["started_at"] == "2024-11-03T08:00:00+00:00"
    assert record["duration_seconds"] == 90.0
    assert record["exit_code"] == 1
    assert [(n["notebook"], n["status"], n["duration_seconds"]) for n in record["notebooks"]] == [
        ("00_data_quality.ipynb", "ok", 12.34), ("10_complaints.ipynb", "failed", 3.0)]
    assert set(record["versions"]) == {"python", "platform", "svc-analysis", "pandas", "duckdb",
                                       "papermill", "nbconvert", "ipykernel", "matplotlib"}


def test_run_json_records_paths_inside_the_project_relative_to_it(tmp_path):
    from svc_analysis.core.config import PROJECT_ROOT

    inside = RunSettings(month="2024-10", warehouse=PROJECT_ROOT / "data" / "warehouse.duckdb", scope=None,
                         params_file=PROJECT_ROOT / "params" / "months" / "2024-10.yaml")
    record = json.loads(write_run_json(tmp_path, _result(tmp_path), inside).read_text(encoding="utf-8"))
    assert record["parameters"]["warehouse"] == "data/warehouse.duckdb"
    assert record["parameters"]["params_file"] == "params/months/2024-10.yaml"


def test_versions_are_real_version_strings():
    found = versions()
    assert found["pandas"] == pd.__version__
    assert found["python"].count(".") == 2


def test_index_and_run_json_mask_an_error_that_quotes_data(tmp_path):
    result = _result(tmp_path)
    result.notebooks[1].error = "KeyError: '13812345678'"
    html = write_index(tmp_path, result, SETTINGS, COVERAGE).read_text(encoding="utf-8")
    assert "KeyError: &#39;138****5678&#39;" in html and "13812345678" not in html
    assert '<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;' in html
    record = json.loads(write_run_json(tmp_path, result, SETTINGS).read_text(encoding="utf-8"))
    assert record["notebooks"][1]["error"] == "KeyError: '138****5678'"
