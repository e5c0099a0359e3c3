"""The offline rule's check: every page must open on an intranet PC with no internet, so no script,
stylesheet, font or image may be fetched from a server (PITFALLS.md "HTML"). `external_fetches` lists
what a browser would fetch from outside a page; pack.export and the tests run it on every page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Attributes whose value a browser loads by itself; <a href> is a link, not a fetch.
_FETCH_ATTRS = {
    "script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",),
    "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "embed": ("src",), "object": ("data",), "input": ("src",),
    "image": ("href", "xlink:href"), "use": ("href", "xlink:href"), "body": ("background",),
}
_FETCHING_LINK_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon",
                       "shortcut", "apple-touch-icon", "manifest", "import"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"""@import\s+(['"])(.*?)\1""", re.IGNORECASE)
# ES module fetches inside inline scripts (the stock template loads mermaid this way).
_JS_IMPORT = re.compile(r"""(?:\bimport\s*\(\s*|\bfrom\s+|\bimport\s+)(['"])((?:https?:)?//.*?)\1""")


def _is_external(url: str) -> bool:
    """True when a browser would go outside the page for it: any scheme but data:/blob:/about:/
    javascript:, or a protocol-relative //host URL. Relative paths and #fragments stay local."""
    url = url.strip()
    if not url or url.startswith("#"):
        return False
    if url.startswith("//"):
        return True
    scheme = urlsplit(url).scheme.lower()
    return bool(scheme) and scheme not in {"data", "blob", "about", "javascript"}


class _FetchFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in = None  # "style" or "script" while inside one

    def handle_starttag(self, tag, attrs):
        values = {name.lower(): (value or "") for name, value in attrs}
        for name in _FETCH_ATTRS.get(tag, ()):
            if name in values:
                self._add_attr(name, values[name])
        if tag == "link" and _FETCHING_LINK_RELS & set(values.get("rel", "").lower().split()):
            self._add(values.get("href", ""))
        if "style" in values:
            self._add_css(values["style"])
        if tag in ("style", "script"):
            self._in = tag

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self._add_css(data)
        elif self._in == "script":
            for match in _JS_IMPORT.finditer(data):
                self._add(match.group(2))

    def _add_attr(self, name, value):
        if name == "srcset":  # "a.png 1x, https://x/b.png 2x": a URL before each descriptor
            for candidate in value.split(","):
                self._add(candidate.strip().split(" ")[0] if candidate.strip() else "")
        else:
            self._add(value)

    def _add_css(self, css):
        for match in list(_CSS_IMPORT.finditer(css)) + list(_CSS_URL.finditer(css)):
            self._add(match.group(2))

    def _add(self, url):
        if _is_external(url) and url.strip() not in self.urls:
            self.urls.append(url.strip())


def external_fetches(html_text: str) -> list[str]:
    """Every URL a browser would fetch from outside the page (script src, stylesheet/preload/icon
    links, img/iframe/source src and srcset, CSS @import and url(), module imports), in order of
    appearance, without duplicates. data: and relative URLs are not fetches, nor are <a> links."""
    finder = _FetchFinder()
    finder.feed(html_text)
    finder.close()
    return finder.urls
