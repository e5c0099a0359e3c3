"""What a monthly pack shows: offline HTML pages, the index page and run.json.

Every page must open on an intranet PC with no internet: no script, stylesheet, font or image is
fetched from a server (PITFALLS.md "HTML"). `external_fetches` is the check for that rule.
"""

from __future__ import annotations

import json
import platform
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from svc_analysis.core import contract
from svc_analysis.core.config import TEMPLATES_DIR, RunSettings, project_relative
from svc_analysis.core.masking import mask_text
from svc_analysis.pack import page_nav, page_safety
from svc_analysis.views import chart_alt

OFFLINE_TEMPLATE = "offline"  # templates/offline/: lab look, CDN scripts removed, lang zh-CN
PACK_TEMPLATE = "index.html.j2"  # templates/pack/
VERSIONED_PACKAGES = ("svc-analysis", "pandas", "duckdb", "papermill", "nbconvert", "ipykernel",
                      "matplotlib")
STATUS_LABELS = {"ok": "成功", "failed": "失败"}
# Page text fonts, the first one installed wins: Windows office PCs (YaHei), macOS (PingFang),
# Linux (Noto CJK, Source Han, WenQuanYi). Installed fonts only, nothing is fetched; without a
# CJK font first, browsers may pick a serif bitmap face for Chinese. Charts are PNGs with their
# own font (plotting.py). Code outputs keep JupyterLab's Latin monospace faces, CJK after them.
CJK_FONTS = ("Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC",
             "Source Han Sans SC", "WenQuanYi Micro Hei")
PAGE_FONT_FAMILY = ", ".join(f'"{name}"' for name in CJK_FONTS) + ", sans-serif"
CODE_FONT_FAMILY = ('menlo, consolas, "DejaVu Sans Mono", '
                    + ", ".join(f'"{name}"' for name in CJK_FONTS) + ", monospace")

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
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


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


def notebook_title(nb, fallback: str) -> str:
    """The text of the first Markdown heading in the notebook, else `fallback`."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = _HEADING.search(cell.source)
            if match:
                return match.group(1).strip()
    return fallback


def export_html(notebook_path: str | Path, html_path: str | Path) -> list[str]:
    """Write the notebook as one self-contained offline page: outputs only (no code, no prompts),
    images embedded as data: URLs, page language zh-CN, CJK font stack, title from the first heading.
    Data is hostile (page_safety): outputs are masked and defused, Markdown and HTML are sanitised
    (nbconvert's sanitize_html with page_safety.clean_html as its filter) and the page carries a
    Content-Security-Policy that fetches nothing and runs no script but its own.

    Returns the external fetches still in the page (empty when fully offline); a non-empty list
    means a notebook's own Markdown or HTML output points at a server.
    """
    import nbformat  # here, not at the top: `svc watch` reads the page fonts without paying for it
    from nbconvert import HTMLExporter

    notebook_path, html_path = Path(notebook_path), Path(html_path)
    nb = nbformat.read(notebook_path, as_version=4)
    page_safety.clean_notebook(nb)
    chart_alt.fill_alt(nb)  # Chinese alt text for every chart (issue 18)
    reader = page_nav.page_context(nb, notebook_title(nb, notebook_path.stem))  # title with the period, nav
    exporter = HTMLExporter(template_name=OFFLINE_TEMPLATE, extra_template_basedirs=[str(TEMPLATES_DIR)],
                            exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True, sanitize_html=True)
    exporter.register_filter("clean_html", page_safety.clean_html)
    # Without the path, relative images in Markdown are silently not embedded (PITFALLS.md).
    resources = {"metadata": {"path": str(notebook_path.parent), "name": notebook_path.stem},
                 "fonts": {"page": PAGE_FONT_FAMILY, "code": CODE_FONT_FAMILY}, "svc": reader}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = page_safety.with_policy(page_nav.add_toc(body))
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(body, encoding="utf-8")
    return external_fetches(body)


def coverage_rows(coverage) -> list[dict]:
    """Normalise the caller's coverage (table -> {first, last, rows_in_month[, rows, merged]}, or a
    DataFrame with those columns and a `table` column) into rows for the index. ``rows`` and
    ``merged`` are engine.bookkeeping.table_rows' counts (preflight.table_coverage): the rows in the
    warehouse after merging and the exact duplicates merged at ingest, as page 00 shows them."""
    if coverage is None:
        return []
    if hasattr(coverage, "to_dict") and not isinstance(coverage, Mapping):
        coverage = {r["table"]: r for r in coverage.to_dict("records")}
    rows = []
    for table, info in coverage.items():
        if not isinstance(info, Mapping):
            first, last, in_month = info
            info = {"first": first, "last": last, "rows_in_month": in_month}
        rows.append({"table": table, "name": table_name(table),
                     "first": _show(info.get("first")), "last": _show(info.get("last")),
                     "rows_in_month": _show(info.get("rows_in_month")), "rows": _show(info.get("rows")),
                     "merged": _show(info.get("merged"))})
    return rows


def table_name(table: str) -> str:
    """A contract table's Chinese name as a manager reads it (contract: its first Chinese alias), e.g.
    star_ratings -> 星级评定; a name the contract does not know is shown as given."""
    try:
        return contract.table(table).zh[0]
    except KeyError:
        return table


def _show(value) -> str:
    if value is None or value != value:  # None or NaN/NaT
        return "—"
    if isinstance(value, (date, datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _period(settings):
    """The run's period (config.RunSettings.period); a settings-like object with a month only: that month."""
    from svc_analysis.core.period import Period

    return getattr(settings, "period", None) or Period.month(settings.month)


def write_index(pack_dir: str | Path, result, settings: RunSettings, coverage=None,
                key_figures: Sequence[tuple] | None = None) -> Path:
    """Write index.html: the pack's front page in Chinese (the pages with their status and links; the
    month and scope; data coverage per table by its Chinese name; key figures when given as (label,
    value, note)). What only an operator needs (the warehouse path, run seconds, notebook file names)
    stays in run.json and logs/, never on the manager's page.
    Self-contained: inline CSS with the CJK font stack, no script, nothing fetched; escaped by
    Jinja's autoescape, masked, and under page_safety.CONTENT_SECURITY_POLICY."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR / "pack"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    from svc_analysis.pack import cadence

    period = _period(settings)
    page = env.get_template(PACK_TEMPLATE).render(
        settings=settings, result=result, status_labels=STATUS_LABELS, period=period, cadence=cadence.of(period),
        coverage=coverage_rows(coverage), key_figures=list(key_figures or []),
        page_font_family=PAGE_FONT_FAMILY, content_security_policy=page_safety.CONTENT_SECURITY_POLICY,
        generated=result.finished_at.strftime("%Y-%m-%d %H:%M"))
    path = Path(pack_dir) / "index.html"
    path.write_text(mask_text(page), encoding="utf-8")  # errors and figures may quote data
    return path


def versions() -> dict[str, str]:
    """Versions of Python, the platform and the packages that shape a pack's figures and pages."""
    found = {"python": platform.python_version(), "platform": platform.platform()}
    for name in VERSIONED_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def write_run_json(pack_dir: str | Path, result, settings: RunSettings) -> Path:
    """Write run.json: parameters (paths relative to the project, config.project_relative), start/end,
    per-notebook status and timing, versions; masked
    (masking.mask_text: an error message may quote a phone number from the data)."""
    record = {
        "parameters": {"month": settings.month, "period": _period(settings).key, "scope": settings.scope,
                       "warehouse": project_relative(settings.warehouse),
                       "params_file": project_relative(settings.params_file),
                       "engine": settings.engine,
                       **({"lake": project_relative(settings.lake), "spark_master": settings.spark_master}
                          if settings.engine != "duckdb" else {}),
                       **result.options},
        "started_at": result.started_at.isoformat(timespec="seconds"),
        "finished_at": result.finished_at.isoformat(timespec="seconds"),
        "duration_seconds": round(result.duration, 2),
        "exit_code": result.exit_code,
        "kpi_error": result.kpi_error,
        "notebooks": [nb.as_record() for nb in result.notebooks],
        "versions": versions(),
    }
    path = Path(pack_dir) / "run.json"
    path.write_text(mask_text(json.dumps(record, ensure_ascii=False, indent=2)), encoding="utf-8")
    return path
