"""Finding one's way in a pack (issue 18): period in the title and header, index/prev/next links,
table of contents; Chinese alt text for charts; pandas' table CSS not shown as text."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import matplotlib
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from svc_analysis.pack import export, page_nav, page_safety
from svc_analysis.views import chart_alt

matplotlib.use("Agg")
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n not really").decode()


def _chart(metadata=None):
    return new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}, metadata=metadata or {})


def test_period_label_for_months_and_weeks():
    assert page_nav.period_label("2026-10") == "2026年10月"
    assert page_nav.period_label("2026-03") == "2026年3月"
    assert page_nav.period_label("2026-W07") == "2026年第7周（2月9日至2月15日）"  # ISO week 7: Mon 9 Feb
    assert page_nav.period_label(None) == ""
    assert page_nav.period_label("本月") == "本月"


def test_nav_links_escape_titles():
    nav = page_nav.nav_html(("00_a.html", "甲 <b>"), ("20_c.html", "丙"))
    assert nav == ('<nav class="svc-nav" aria-label="报告导航"><a href="index.html">返回报告目录</a>'
                   '<a rel="prev" href="00_a.html">上一页：甲 &lt;b&gt;</a>'
                   '<a rel="next" href="20_c.html">下一页：丙</a></nav>')


def _executed(tmp_path, cells, month="2026-10", scope=None):
    nb = new_notebook(cells=cells)
    nb.metadata["papermill"] = {"parameters": {"month": month, "scope": scope}}
    path = tmp_path / "10_complaints.ipynb"
    nbformat.write(nb, path)
    return path


def test_page_title_and_header_carry_the_period_and_scope(tmp_path):
    path = _executed(tmp_path, [new_markdown_cell("# 10 客户投诉")], scope="宜昌分行")
    export.export_html(path, tmp_path / "p.html")
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert "<title>10 客户投诉 · 2026年10月（宜昌分行）</title>" in html
    assert '<span class="svc-period">服务质量月度报告 · 2026年10月 · 宜昌分行</span>' in html
    assert '<a href="index.html">返回报告目录</a>' in html


def test_long_pages_get_a_table_of_contents_short_ones_none(tmp_path):
    sections = "\n\n".join(f"## {n}、第{n}节\n\n文字\n\n### {n}.1 小节" for n in ("一", "二"))
    path = _executed(tmp_path, [new_markdown_cell("# 页\n\n" + sections)])
    export.export_html(path, tmp_path / "long.html")
    html = (tmp_path / "long.html").read_text(encoding="utf-8")
    toc = re.search(r'<details class="svc-toc" open>.*?</details>', html, re.DOTALL).group(0)
    assert re.findall(r'<li class="svc-toc-(\d)"><a href="#[^"]+">([^<]+)</a>', toc) == [
        ("2", "一、第一节"), ("3", "一.1 小节"), ("2", "二、第二节"), ("3", "二.1 小节")]
    for anchor in re.findall(r'href="#([^"]+)"', toc):  # every entry leads to a heading of the page
        assert f'id="{anchor}"' in html
    path = _executed(tmp_path, [new_markdown_cell("# 页\n\n## 只有一节\n\n## 第二节")])
    export.export_html(path, tmp_path / "short.html")
    short = (tmp_path / "short.html").read_text(encoding="utf-8")
    assert "svc-toc" not in short.split("</style>")[-1] and page_nav.TOC_MARK not in short


def test_link_pages_gives_each_page_its_neighbours_in_pack_order(tmp_path):
    pages = []
    for stem, title in (("00_quality", "00 数据质量"), ("10_complaints", "10 客户投诉"), ("20_sat", "20 满意度")):
        path = _executed(tmp_path, [new_markdown_cell(f"# {title}")])
        export.export_html(path, tmp_path / f"{stem}.html")
        pages.append(SimpleNamespace(html=f"{stem}.html", title=title))
    pages.append(SimpleNamespace(html="50_failed_without_page.html", title="没有页面"))
    assert page_nav.link_pages(tmp_path, pages) == 3

    def links(stem):
        html = (tmp_path / f"{stem}.html").read_text(encoding="utf-8")
        return re.findall(r'<a (?:rel="(\w+)" )?href="([^"]+)">', re.search(r"<nav .*?</nav>", html).group(0))

    assert links("00_quality") == [("", "index.html"), ("next", "10_complaints.html")]
    assert links("10_complaints") == [("", "index.html"), ("prev", "00_quality.html"), ("next", "20_sat.html")]
    assert links("20_sat") == [("", "index.html"), ("prev", "10_complaints.html")]


def test_chart_description_from_titles_and_axis_labels():
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2)
    fig.suptitle("近 24 个月投诉量")
    left.set_title("投诉量")
    left.set_xlabel("月份")
    left.set_ylabel("件数")
    right.set_title("万人投诉率")
    right.set_xlabel("月份")
    assert chart_alt.describe(fig) == "图表：近 24 个月投诉量；投诉量；万人投诉率。横轴：月份；纵轴：件数"
    bare, ax = plt.subplots()
    assert chart_alt.describe(bare) == ""
    ax.set_ylabel("客户 13912345678")  # chart text is masked like everything else
    assert chart_alt.describe(bare) == "图表。纵轴：客户 139****5678"
    plt.close("all")


class _Images(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.alts = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))


def test_every_chart_gets_chinese_alt_text_escaped_in_the_page(tmp_path):
    cells = [
        new_markdown_cell("# 页\n\n## 三、月分析"),
        new_code_cell("a", execution_count=1, outputs=[_chart({"alt": "图表：本月投诉类别（帕累托）"}), _chart()]),
        new_code_cell("b", execution_count=2, outputs=[
            new_output("display_data", data={"text/markdown": "### 各网点 <b>"}),
            _chart({"alt": "图表。横轴：网点；纵轴：\"件数\""})]),
    ]
    path = _executed(tmp_path, cells)
    export.export_html(path, tmp_path / "charts.html")
    html = (tmp_path / "charts.html").read_text(encoding="utf-8")
    images = _Images()
    images.feed(html)
    assert images.alts == [
        "图表：本月投诉类别（帕累托）",
        "图表：三、月分析（第 2 幅）",
        '图表：各网点 <b>。横轴：网点；纵轴："件数"',  # the heading's text, as the reader sees it
    ]
    assert "<b>" not in html  # escaped in the attribute, as everywhere
    assert "No description has been provided" not in html


def test_pandas_table_css_is_dropped_other_style_tags_still_shown_as_text():
    pandas_html = ('<div>\n<style scoped>\n    .dataframe tbody tr th:only-of-type {\n        vertical-align: middle;\n'
                   '    }\n\n    .dataframe thead th {\n        text-align: right;\n    }\n</style>\n'
                   '<table border="1" class="dataframe"><tr><td>1</td></tr></table>\n</div>')
    cleaned = page_safety.clean_html(pandas_html)
    assert "style" not in cleaned and ".dataframe" not in cleaned and '<table border="1" class="dataframe">' in cleaned
    hostile = page_safety.clean_html("<style scoped>body { display: none }</style>")
    assert hostile == "&lt;style scoped&gt;body { display: none }&lt;/style&gt;"


def test_a_page_weighs_its_content_not_a_theme(tmp_path):
    """JupyterLab's 260 KB stylesheet used to be inlined in every page; the page's own CSS and table
    script now weigh under 25 KB, so a page is essentially its tables and charts (issue 18)."""
    path = _executed(tmp_path, [new_markdown_cell("# 页\n\n一段文字。")])
    export.export_html(path, tmp_path / "p.html")
    html = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert len(html.encode("utf-8")) < 25_000
    assert "--jp-layout-color0" not in html  # a variable only JupyterLab's theme defines
