"""Data is hostile, second line of defence: what an executed notebook and its page may carry.

The first line is ``safety.md``: every sentence builder escapes the values it takes from the data.
This module catches whatever a builder or a notebook forgot, in three places:

- ``clean_notebook(nb)``: every output of an executed notebook (and every Markdown cell) is masked
  (masking.mask_text); Markdown outputs lose what would become live: raw HTML tags (``<`` becomes
  ``&lt;``), Markdown links and images (``](`` becomes ``]\\(``) and autolinks (``scheme:`` and
  ``www.`` broken by an entity). The runner applies it to reports/<month>/notebooks/*.ipynb, so the
  notebooks in the pack hold the same safe text as the pages.
- ``clean_html(html)``: the HTML nbconvert renders from Markdown and HTML outputs is filtered by
  bleach (the sanitiser nbconvert itself uses) with an allow-list of the tags a report needs
  (Markdown and pandas tables); any other tag is shown as text, every ``on*`` attribute is dropped,
  and a link keeps its href only when it stays in the page (``#...`` or a relative path).
- ``CONTENT_SECURITY_POLICY``: every page of the pack declares a policy that lets the browser fetch
  nothing (no network, no frame, no form target, no <base>), with images and fonts only as data:
  URLs and inline styles. Scripts: ``script_policy(html)`` allows exactly the inline <script>
  elements the page holds once sanitised (by their SHA-256 hashes; none today, so 'none'). A hash
  policy, not 'unsafe-inline', because only a hash or nonce policy also blocks inline event
  handlers and ``javascript:`` URLs; a template that adds its own script is allowed automatically.
"""

from __future__ import annotations

import base64
import hashlib
import re

from svc_analysis.core.masking import mask_text

CSP_PLACEHOLDER = "svc-content-security-policy"  # in templates/offline; replaced by the page's policy
_POLICY = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; connect-src 'none'; "
           "frame-src 'none'; object-src 'none'; form-action 'none'; base-uri 'none'; script-src {scripts}")
CONTENT_SECURITY_POLICY = _POLICY.format(scripts="'none'")  # a page without scripts (index.html)

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "u", "s", "del", "sub", "sup",
    "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "a", "span", "div", "abbr",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
})
# span: a KPI figure marked with its kpis.csv row (views.kpi_display: data-kpi="metric|level|unit_id",
# data-kpi-status, data-kpi-label on its status word), so a page can be checked against kpis.csv
ALLOWED_ATTRIBUTES = {"*": ["class", "id", "title"], "a": ["href"], "th": ["colspan", "rowspan", "style"],
                      "td": ["colspan", "rowspan", "style"], "tr": ["style"], "table": ["border"],
                      "span": ["class", "id", "title", "data-kpi", "data-kpi-status", "data-kpi-label"]}
ALLOWED_STYLES = ["text-align", "vertical-align", "white-space"]

_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_LINK_TARGET = re.compile(r"\]\s*\(")
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*):(?=//|[a-z0-9%])")
_WWW = re.compile(r"(?i)\bwww\.")
_PANDAS_STYLE = re.compile(r"<style scoped>\s*(?:\.dataframe [^{}<]*\{[^{}<]*\}\s*)+</style>")
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)


def defuse_markdown(text: str) -> str:
    """Markdown that can show text, emphasis, lists and tables but nothing live: tags become text,
    links and images lose their target syntax, autolinks are broken. Masked too."""
    text = _TAG_START.sub("&lt;", mask_text(text))
    text = _LINK_TARGET.sub(r"]\\(", text)
    text = _SCHEME.sub(lambda m: f"{m[1]}&#58;", text)
    return _WWW.sub("www&#46;", text)


def _clean_text(value):
    return mask_text(value) if isinstance(value, str) else [mask_text(v) for v in value]


def clean_notebook(nb) -> None:
    """Mask every output and Markdown cell of ``nb`` in place; defuse Markdown outputs (see module)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = mask_text(cell.source)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output["text"] = _clean_text(output["text"])
            elif output.get("output_type") == "error":
                output["evalue"] = mask_text(output["evalue"])
                output["traceback"] = [mask_text(line) for line in output["traceback"]]
            for mime, value in output.get("data", {}).items():
                if mime == "text/markdown":
                    output["data"][mime] = defuse_markdown(value if isinstance(value, str) else "".join(value))
                elif mime.startswith("text/"):
                    output["data"][mime] = _clean_text(value)


def clean_notebook_file(path) -> None:
    """``clean_notebook`` on a notebook file, written back in place."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    clean_notebook(nb)
    nbformat.write(nb, path)


def clean_html(html) -> str:
    """HTML from a notebook output or Markdown, filtered to ALLOWED_TAGS / ALLOWED_ATTRIBUTES.

    Tags not allowed are escaped (shown as text, so a hostile name reads as what it is), ``on*`` and
    other attributes are dropped, CSS is limited to ALLOWED_STYLES, and hrefs with any scheme
    (http:, javascript:, data: ...) are removed: only #anchors and relative links stay.
    """
    import bleach
    from bleach.css_sanitizer import CSSSanitizer

    html = html.decode() if isinstance(html, bytes) else str(html)
    html = _PANDAS_STYLE.sub("", html)  # pandas' own table CSS: escaped, it showed as text above every table
    return bleach.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=[],
                        css_sanitizer=CSSSanitizer(allowed_css_properties=ALLOWED_STYLES),
                        strip=False, strip_comments=True)


def script_policy(html: str) -> str:
    """The page's Content-Security-Policy: CONTENT_SECURITY_POLICY with script-src allowing exactly
    the inline scripts now in ``html`` by hash ('none' when there is none)."""
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
                     for body in _SCRIPT.findall(html)})
    return _POLICY.format(scripts=" ".join(hashes) if hashes else "'none'")


def with_policy(html: str) -> str:
    """``html`` with CSP_PLACEHOLDER (the template's policy meta) replaced by ``script_policy``."""
    if CSP_PLACEHOLDER not in html:
        raise ValueError("the page template has no Content-Security-Policy placeholder")
    return html.replace(CSP_PLACEHOLDER, script_policy(html), 1)
