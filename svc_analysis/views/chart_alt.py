"""Chinese alt text for every chart of a page (issue 18): what the chart shows, not nbconvert's
English placeholder "No description has been provided for this image".

Two sources, the better first:

- in the kernel, ``install()`` (called by ``plotting.setup``) makes the inline backend attach
  ``{"alt": describe(fig)}`` to each figure it displays: the figure's titles and axis labels
  (already masked: plotting.mask_chart_text masks every text matplotlib draws);
- when the page is written, ``fill_alt(nb)`` gives every image output still without one the
  nearest heading above it ("图表：三、月分析（第 2 幅）"), and puts that heading into a
  description that has no title of its own. Every alt text is masked here and escaped by the
  page template (templates/offline/index.html.j2, block data_png).
"""

from __future__ import annotations

import re
from html import unescape

from svc_analysis.core.masking import mask_text

PREFIX = "图表"
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_MARKUP = re.compile(r"[*_`]+")
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")


def _clean(text) -> str:
    return " ".join(str(text or "").split())


def describe(fig) -> str:
    """'图表：<titles>。横轴：<x label>；纵轴：<y label>' from a matplotlib figure; without any title
    '图表。横轴：…'; '' when the figure carries no text at all. Titles in drawing order, each once."""
    titles, xlabels, ylabels = [], [], []

    def add(bucket, text):
        text = _clean(text)
        if text and text not in bucket:
            bucket.append(text)

    if getattr(fig, "_suptitle", None) is not None:
        add(titles, fig._suptitle.get_text())
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for loc in ("left", "center", "right"):
            add(titles, ax.get_title(loc))
        add(xlabels, ax.get_xlabel())
        add(ylabels, ax.get_ylabel())
    for attr, bucket in (("_supxlabel", xlabels), ("_supylabel", ylabels)):
        if getattr(fig, attr, None) is not None:
            add(bucket, getattr(fig, attr).get_text())
    axes = "；".join(part for part in (
        "横轴：" + "、".join(xlabels) if xlabels else "", "纵轴：" + "、".join(ylabels) if ylabels else "") if part)
    if not titles and not axes:
        return ""
    head = f"{PREFIX}：{'；'.join(titles)}" if titles else PREFIX
    return mask_text(head + ("。" + axes if axes else ""))


def install() -> None:
    """Make the inline backend (matplotlib_inline, what Jupyter uses) attach ``describe(fig)`` as the
    output's "alt" metadata. Idempotent; nothing happens outside an IPython kernel or when the backend
    changed shape (the page then falls back to the nearest heading)."""
    try:
        from matplotlib_inline import backend_inline
    except ImportError:
        return
    original = getattr(backend_inline, "_fetch_figure_metadata", None)
    if original is None or getattr(original, "adds_alt_text", False):
        return

    def fetch_figure_metadata(fig):
        metadata = original(fig) or {}
        try:
            alt = describe(fig)
        except Exception:  # a description must never cost the chart
            alt = ""
        return {**metadata, "alt": alt} if alt else (metadata or None)

    fetch_figure_metadata.adds_alt_text = True
    backend_inline._fetch_figure_metadata = fetch_figure_metadata


def _heading(text: str) -> str | None:
    found = _HEADING.findall(text)
    # Markdown cells and outputs are defused (page_safety: '<' became '&lt;'): the alt text is plain text
    return unescape(_MARKUP.sub("", found[-1])).strip() if found else None


def _alt_of(output) -> str:
    metadata = output.get("metadata") or {}
    for mime in _IMAGE_TYPES:
        if isinstance(metadata.get(mime), dict) and metadata[mime].get("alt"):
            return str(metadata[mime]["alt"])
    return str(metadata.get("alt") or "")


def fill_alt(nb) -> None:
    """Give every image output of ``nb`` a masked Chinese alt text (top-level output metadata "alt"):
    its own description, with the nearest heading above it put in when it has no title, else
    '图表：<heading>' numbered when a section has several charts, else '图表'."""
    heading, count = None, 0
    for cell in nb.cells:
        sources = [cell.source] if cell.cell_type == "markdown" else []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                sources.append(data["text/markdown"] if isinstance(data["text/markdown"], str)
                               else "".join(data["text/markdown"]))
            if not any(mime in data for mime in _IMAGE_TYPES):
                continue
            for text in sources:  # headings printed before this chart in the same cell
                found = _heading(text)
                if found:
                    heading, count = found, 0
            sources = []
            count += 1
            alt = _alt_of(output)
            place = f"{heading}（第 {count} 幅）" if heading and count > 1 else heading
            if not alt:
                alt = f"{PREFIX}：{place}" if place else PREFIX
            elif alt.startswith(PREFIX + "。") and place:
                alt = f"{PREFIX}：{place}。" + alt[len(PREFIX) + 1:]
            output.setdefault("metadata", {})["alt"] = mask_text(alt)
            for mime in _IMAGE_TYPES:
                if isinstance(output["metadata"].get(mime), dict):
                    output["metadata"][mime].pop("alt", None)
        for text in sources:
            found = _heading(text)
            if found:
                heading, count = found, 0
