"""Finding one's way in a pack (issue 18): the period in every page's <title> and header, links to
the index and to the previous and next page, a table of contents on long pages.

No script: all of it is HTML written on the server, so the page's Content-Security-Policy is not
touched. ``page_context(nb, title)`` is what export.export_html gives the page template
(templates/offline/index.html.j2: header, nav, table-of-contents mark); ``add_toc(html)`` fills the
mark from the page's h2/h3 headings; ``link_pages(pack_dir, notebooks)`` is called by the runner
once every page exists, and rewrites each page's nav with its neighbours in pack order.
"""

from __future__ import annotations

import re
from html import escape, unescape
from pathlib import Path

from svc_analysis.pack import cadence
from svc_analysis.engine.scope import LEVEL_LABELS

PACK_LABEL = cadence.MONTH.pack_label  # 服务质量月度报告 (a weekly page: cadence.WEEK's)
WHOLE_PROVINCE = LEVEL_LABELS["province"]
INDEX_PAGE = "index.html"
TOC_MARK = "<!--svc-toc-->"
TOC_MIN_HEADINGS = 3  # fewer sections: the page is short enough to scroll
# the page went through BeautifulSoup (nbconvert), which may reorder attributes
_NAV = re.compile(r'<nav\b[^>]*\bclass="svc-nav"[^>]*>.*?</nav>', re.DOTALL)
_SECTION = re.compile(r'<h([23])\b[^>]*\bid="([^"<>]+)"[^>]*>(.*?)</h\1>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def period_label(period) -> str:
    """The period's Chinese label (core.period.Period.label): '2026-10' -> '2026年10月', a week
    '2026-W07' -> '2026年第7周（2月9日至2月15日）'; anything unparsable as given ('' for None)."""
    from svc_analysis.core.period import Period

    text = str(period or "").strip()
    if not text:
        return ""
    try:
        return Period.parse(text).label
    except (ValueError, TypeError):
        return text


def nav_html(previous: tuple[str, str] | None = None, following: tuple[str, str] | None = None) -> str:
    """The page's links: back to the index, and (href, title) of the previous and next page."""
    links = [f'<a href="{INDEX_PAGE}">返回报告目录</a>']
    if previous:
        links.append(f'<a rel="prev" href="{escape(previous[0])}">上一页：{escape(previous[1])}</a>')
    if following:
        links.append(f'<a rel="next" href="{escape(following[0])}">下一页：{escape(following[1])}</a>')
    return '<nav class="svc-nav" aria-label="报告导航">' + "".join(links) + "</nav>"


def page_context(nb, title: str) -> dict:
    """What the page template needs; sets the notebook's title (the page's <title>) to
    '<title> · <period>（<scope>）' when the executed notebook carries papermill's month parameter."""
    parameters = nb.metadata.get("papermill", {}).get("parameters", {}) or {}
    period = period_label(parameters.get("week") or parameters.get("month"))
    scope = str(parameters.get("scope") or WHOLE_PROVINCE)
    pack_label = cadence.for_parameters(parameters).pack_label  # 服务质量月度报告 / 服务质量周报
    if period:
        nb.metadata["title"] = f"{title} · {period}（{scope}）"
        heading = f"{pack_label} · {period} · {scope}"
    else:
        nb.metadata["title"] = title
        heading = pack_label
    return {"heading": heading, "nav": nav_html(), "toc_placeholder": TOC_MARK}


def add_toc(html: str) -> str:
    """``html`` with TOC_MARK replaced by a collapsible list of its h2/h3 sections (linked by the ids
    nbconvert gives headings) when there are at least TOC_MIN_HEADINGS, else with nothing."""
    if TOC_MARK not in html:
        return html
    body = html.split("<main>", 1)[-1]
    sections = [(level, anchor, " ".join(unescape(_TAG.sub("", inner)).replace("¶", "").split()))
                for level, anchor, inner in _SECTION.findall(body)]
    sections = [s for s in sections if s[2]]
    if len(sections) < TOC_MIN_HEADINGS:
        return html.replace(TOC_MARK, "", 1)
    items = "".join(f'<li class="svc-toc-{level}"><a href="#{escape(anchor)}">{escape(text)}</a></li>'
                    for level, anchor, text in sections)
    toc = f'<details class="svc-toc" open><summary>本页目录</summary><ol>{items}</ol></details>'
    return html.replace(TOC_MARK, toc, 1)


def link_pages(pack_dir: str | Path, notebooks) -> int:
    """Rewrite the nav of every page in ``notebooks`` (objects with .html and .title, in pack order)
    with its previous and next page. Returns how many pages were linked."""
    pages = [(nb.html, nb.title) for nb in notebooks if (Path(pack_dir) / nb.html).is_file()]
    for i, (href, _) in enumerate(pages):
        path = Path(pack_dir) / href
        html = path.read_text(encoding="utf-8")
        nav = nav_html(pages[i - 1] if i > 0 else None, pages[i + 1] if i + 1 < len(pages) else None)
        path.write_text(_NAV.sub(lambda _m: nav, html, count=1), encoding="utf-8")
    return len(pages)
