"""`svc report --pdf`: each page of the pack as a PDF, and the whole pack as one PDF (issue 18).

Pages are printed by headless Chromium (``--print-to-pdf``) with the pages' own print stylesheet
(A4, one h2 section per sheet, table rows whole, header rows repeated, navigation hidden), network
off. Chinese glyphs: the pages name installed CJK fonts first (export.CJK_FONTS) and then
"Noto Sans SC"; Chromium is given a fontconfig file that adds the folder of the OFL font the project
ships (pylopdf_fonts_zh_cn, as plotting.py; its copy without Kangxi radicals, see print_font_dir), so
a machine without any CJK font still prints Chinese, and Chromium embeds the glyphs it used in every
PDF: the PDF prints right on a PC without Chinese fonts (``pdffonts``: emb yes for every font; Skia, the
PDF writer inside Chromium, embeds this CFF-outline font as Type 3 glyph programs).

The combined PDF is ``<pack>/pdf/<the pack's name>_<pack>.pdf`` (服务质量月度报告_2026-10.pdf, the weekly
pack's 服务质量周报_2026-W43.pdf): the index first, then the pages in pack order, merged with pypdf, one
bookmark per page. The index links every page's PDF and the combined one (the runner renders it again
once they are printed). The runner calls ``write_pack_pdfs`` after the
publishing gate has checked the pages (so the PDFs are made from gated pages) and before the pack is
moved into place. Without Chromium, nothing is written and ``NO_CHROMIUM`` is the warning: the HTML
pack is published as usual and the exit code is unchanged (docs/operations.md "PDF").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from svc_analysis.views.plotting import BUNDLED_FONT_FILE, BUNDLED_FONT_PACKAGE

PDF_DIR = "pdf"
COMBINED_NAME = "{label}_{pack}.pdf"  # label: the cadence's pack name (cadence.py)
MONTHLY_LABEL = "服务质量月度报告"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
NO_CHROMIUM = ("未找到 Chromium 浏览器（chromium），未生成 PDF；HTML 报告包已照常发布，"
               "安装 chromium 后重新运行 svc report --pdf 即可。")
PAGE_SECONDS = 120  # a limit for a hung browser, not an expectation
_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{font_dir}</dir>
  <cachedir>{cache_dir}</cachedir>
</fontconfig>
"""


@dataclass
class PdfResult:
    """What --pdf produced: page PDFs and the combined one (paths relative to the pack), or why not."""

    pages: list[str] = field(default_factory=list)
    combined: str | None = None
    error: str | None = None


def find_chromium() -> str | None:
    """$SVC_CHROMIUM when set (a path, or '' for none), else the first Chromium or Chrome on PATH."""
    configured = os.environ.get("SVC_CHROMIUM")
    if configured is not None:
        return configured if configured and Path(configured).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def bundled_font_dir() -> Path:
    """The folder of the OFL CJK font the project ships (pylopdf_fonts_zh_cn)."""
    return Path(str(resources.files(BUNDLED_FONT_PACKAGE) / BUNDLED_FONT_FILE)).parent


def print_font_dir(workdir: Path) -> Path:
    """A folder holding the bundled font made fit for a PDF's text layer, built once (about half a
    minute) into $SVC_CACHE_DIR or ~/.cache/svc-analysis/fonts, else into ``workdir`` for this run.

    The font draws some ideographs and the look-alike Kangxi radicals with one glyph (户 and ⼾, 页 and
    ⻚). Chromium embeds it as Type 3 glyphs and names each glyph's text by one of its characters, the
    radical: a PDF reader would then copy and search '客⼾'. Without the radicals in its character map
    (U+2E80-U+2FDF, which report text never uses) each glyph's text is the ideograph."""
    source = bundled_font_dir() / BUNDLED_FONT_FILE
    name = f"{source.stem}-pdf-{source.stat().st_size}{source.suffix}"
    cache = Path(os.environ.get("SVC_CACHE_DIR") or Path.home() / ".cache" / "svc-analysis") / "fonts"
    for folder in (cache, workdir / "fonts"):
        if (folder / name).is_file():
            return folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _without_radicals(source, folder / name)
            return folder
        except OSError:
            continue
    raise RuntimeError(f"无法准备 PDF 所用字体（{source}）")


def _without_radicals(source: Path, target: Path) -> None:
    from fontTools.ttLib import TTFont

    font = TTFont(str(source))
    for table in font["cmap"].tables:
        table.cmap = {code: glyph for code, glyph in table.cmap.items() if not 0x2E80 <= code <= 0x2FDF}
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    font.save(str(partial))
    partial.replace(target)  # another run building the same file at once: either copy is whole


def font_environment(workdir: Path) -> dict:
    """The environment for a Chromium that also sees the bundled CJK font (a fontconfig file in
    ``workdir`` adding print_font_dir to the system's fonts)."""
    fontconfig = workdir / "fonts.conf"
    if not fontconfig.exists():
        fontconfig.write_text(_FONTCONFIG.format(font_dir=print_font_dir(workdir), cache_dir=workdir / "fc-cache"),
                              encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(fontconfig)}


def print_page(chromium: str, html: Path, pdf: Path, workdir: Path) -> None:
    """One page as an A4 PDF (the page's @page and print rules), no header or footer, network off.
    Raises RuntimeError with Chromium's last words when no PDF came out."""
    env = font_environment(workdir)
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
               "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
               f"--user-data-dir={workdir / 'profile'}", "--no-pdf-header-footer",
               "--run-all-compositor-stages-before-draw", f"--print-to-pdf={pdf}", html.resolve().as_uri()]
    pdf.unlink(missing_ok=True)
    done = subprocess.run(command, capture_output=True, text=True, timeout=PAGE_SECONDS, env=env)
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise RuntimeError(f"Chromium 未能打印 {html.name}（exit {done.returncode}）：{done.stderr.strip()[-500:]}")


def merge(pdfs: list[tuple[Path, str]], out: Path) -> None:
    """One PDF of ``pdfs`` ((path, bookmark title), in order), a bookmark at each one's first page."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for path, title in pdfs:
        writer.append(str(path), outline_item=title)
    writer.add_metadata({"/Title": out.stem})
    with out.open("wb") as handle:
        writer.write(handle)
    writer.close()


def write_pack_pdfs(pack_dir: str | Path, pages: list[tuple[str, str]], pack_name: str,
                    chromium: str | None = None, label: str = MONTHLY_LABEL) -> PdfResult:
    """``pdf/<stem>.pdf`` for index.html and for each (html file, title) of ``pages``, and the
    combined ``pdf/<label>_<pack_name>.pdf`` (label: the pack's name, 服务质量月度报告 or 服务质量周报). Never raises for a missing Chromium or a page
    that does not print: the result's ``error`` says so in one Chinese sentence."""
    pack_dir = Path(pack_dir)
    chromium = chromium or find_chromium()
    if not chromium:
        return PdfResult(error=NO_CHROMIUM)
    out_dir = pack_dir / PDF_DIR
    out_dir.mkdir(exist_ok=True)
    result, printed = PdfResult(), []
    with tempfile.TemporaryDirectory(prefix="svc-pdf-") as work:
        for html, title in [("index.html", "报告目录"), *pages]:
            source = pack_dir / html
            if not source.is_file():
                continue
            target = out_dir / (Path(html).stem + ".pdf")
            try:
                print_page(chromium, source, target, Path(work))
            except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
                result.error = f"PDF 未全部生成：{exc}"
                continue
            result.pages.append(f"{PDF_DIR}/{target.name}")
            printed.append((target, title))
    if printed:
        combined = out_dir / COMBINED_NAME.format(label=label, pack=pack_name)
        merge(printed, combined)
        result.combined = f"{PDF_DIR}/{combined.name}"
    return result
