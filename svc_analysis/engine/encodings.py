"""Which text encoding a CSV export is in, refused when not sure, and where its text goes wrong.

Rules (DATA_CONTRACT.md "Inputs", docs/ingest.md section 1):
- A UTF-8 BOM means UTF-8 with BOM, but only if the sample after it decodes as UTF-8 (a BOM
  followed by GBK bytes is refused, naming the row).
- UTF-16 (with a BOM, or without one: NUL bytes in every other position) is not a supported
  encoding: refused with a sentence suggesting CSV UTF-8 or ``--encoding utf-16``.
- A sample that decodes strictly as UTF-8 is UTF-8.
- Otherwise GB18030 (a superset of GBK) only when the decoding is *confident*: at least
  ``COMMON_SHARE`` of its non-ASCII characters are GB2312 characters (the 6,763 common hanzi and
  full-width punctuation). A Latin-1 file decodes as GB18030 too (``Müller``: bytes FC 6C are the rare
  hanzi 黮) but yields mostly rare characters, so it is refused with a sentence offering
  ``--encoding``. A real GBK file whose few non-ASCII characters are all rare (one name with 堃) is
  refused too; ``--encoding gb18030`` then loads it.
- ``--encoding ENC`` skips the guess (any codec Python knows); decoding stays strict.
The row-locating helpers read the file as bytes, line by line, and only run after something
failed: a record ends at a line break outside quotes (quote parity per line), so the row numbers
are the spreadsheet rows of docs/ingest.md (header = row 1, blank lines counted).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ENCODING_SAMPLE_BYTES = 4 * 1024 * 1024
COMMON_SHARE = 0.9
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SAVE_AS = "请在 Excel 中另存为“CSV UTF-8”或 XLSX"


class IngestError(Exception):
    """A file that cannot be loaded at all; the message is one sentence for the user."""


@lru_cache(maxsize=None)
def is_common_chinese(char: str) -> bool:
    """True for a character of GB2312 (common hanzi, full-width punctuation): what real GBK text is made of."""
    try:
        char.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _utf16_byte_order(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit in every other position (UTF-16 without BOM), else None."""
    head = sample[:65536]
    nuls = head.count(b"\x00")
    if nuls < 0.1 * len(head):
        return None
    odd = head[1::2].count(b"\x00")
    order = "utf-16-le" if odd >= 0.9 * nuls else "utf-16-be" if nuls - odd >= 0.9 * nuls else None
    if order is None:
        return None
    text = head[: len(head) // 2 * 2].decode(order, errors="replace")
    return order if any(sep in text for sep in ",\t\n") else None


def check_encoding(name: str, path: Path) -> str:
    """A codec name the user forced, normalised; unknown names are refused with a sentence."""
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise IngestError(f"{path.name}：不认识编码“{name}”；可用如 utf-8、gb18030、"
                          f"utf-16、latin-1。") from None
    with open(path, "rb") as fh:
        if codec == "utf-8" and fh.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
    return codec


def detect_encoding(path: Path, sample_bytes: int = ENCODING_SAMPLE_BYTES) -> str:
    """'utf-8-sig', 'utf-8' or 'gb18030' per the module rules; IngestError (one sentence) otherwise."""
    with open(path, "rb") as fh:
        sample = fh.read(sample_bytes)
        whole = not fh.read(1)
    name = path.name
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_byte_order(sample):
        bom = "带 BOM" if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "无 BOM"
        raise IngestError(f"{name}：文件是 UTF-16 编码（{bom}，如 Excel 的“Unicode 文本”），不是支持的编码；"
                          f"{_SAVE_AS}，或加 --encoding utf-16 读取逗号分隔的文件。")
    if sample.startswith(codecs.BOM_UTF8):
        try:
            codecs.getincrementaldecoder("utf-8")().decode(sample[3:], final=whole)
        except UnicodeDecodeError as exc:
            row = row_of_offset(sample, exc.start + 3)
            raise IngestError(f"{name}：文件以 UTF-8 BOM 开头，但第 {row} 行不是 UTF-8 文本（像是 GBK 保存的）；"
                              f"{_SAVE_AS}，"
                              f"或加 --encoding gb18030。") from None
        return "utf-8-sig"
    try:
        # final=False lets a multi-byte character cut at the sample's end pass
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=whole)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = codecs.getincrementaldecoder("gb18030")().decode(sample, final=whole)
    except UnicodeDecodeError as exc:
        row = row_of_offset(sample, exc.start)
        raise IngestError(f"{name}：第 {row} 行既不是 UTF-8 也不是 GB18030/GBK 文本；"
                          f"{_SAVE_AS}，或用 --encoding 指定编码。") from None
    _check_confident_gb18030(text, name)
    return "gb18030"


def _check_confident_gb18030(text: str, name: str) -> None:
    """Refuse a GB18030 decoding made mostly of rare characters (see the module docstring)."""
    ascii_chars = len(text.encode("ascii", "ignore"))
    non_ascii = len(text) - ascii_chars
    common = (len(text.encode("gb2312", "ignore")) - ascii_chars) // 2  # C speed: 2 bytes per GB2312 char
    if non_ascii and non_ascii - common > (1 - COMMON_SHARE) * non_ascii:
        at = next(m.start() for m in _NON_ASCII.finditer(text) if not is_common_chinese(m.group()))
        row = text.count("\n", 0, at) + 1
        line_start, line_end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
        snippet = text[max(line_start, at - 8): min(line_end % (len(text) + 1), at + 8)].strip("\r")
        raise IngestError(f"{name}：无法确定文件编码，按 GBK/GB18030 读出的多是生僻字（文本第 {row} 行“{snippet}”），"
                          f"可能是 Latin-1/Windows-1252 等西文编码；{_SAVE_AS}，"
                          f"或用 --encoding 指定（如 --encoding latin-1 或 --encoding gb18030）。")


def row_of_offset(data: bytes, offset: int) -> int:
    """The spreadsheet row holding byte ``offset`` of ``data`` (the file's start)."""
    row, in_quote = 1, False
    start = 0
    while True:
        end = data.find(b"\n", start)
        if end == -1 or end >= offset:
            return row
        in_quote ^= data.count(b'"', start, end) % 2 == 1
        if not in_quote:
            row += 1
        start = end + 1


@dataclass(frozen=True)
class TextFault:
    """Where a CSV's text goes wrong: the spreadsheet row and the text line (both 1-based)."""

    row: int
    line: int


def first_undecodable(path: Path, encoding: str) -> TextFault | None:
    """The first line that does not decode in ``encoding`` (None if all do, or for UTF-16)."""
    return None if _is_utf16(encoding) else _scan(path, encoding)[0]


def unclosed_quote(path: Path, encoding: str) -> TextFault | None:
    """Where a quote opened that is still open at the end of the file (None if every quote closes)."""
    return None if _is_utf16(encoding) else _scan(path, encoding)[1]


def row_lines(path: Path, encoding: str, row: int) -> tuple[int, int] | None:
    """The first and last text lines of spreadsheet row ``row`` (None for UTF-16 or past the end)."""
    return None if _is_utf16(encoding) else _scan(path, encoding, row)[2]


def _is_utf16(encoding: str) -> bool:
    return encoding.replace("_", "-").lower().startswith("utf-16")


def _scan(path: Path, encoding: str, watch_row: int | None = None
          ) -> tuple[TextFault | None, TextFault | None, tuple[int, int] | None]:
    """(first undecodable line, quote open at the end, text lines of ``watch_row``), by quote parity."""
    decoder = codecs.getincrementaldecoder("utf-8" if encoding == "utf-8-sig" else encoding)
    row, in_quote, opened, first_line = 1, False, None, 1
    with open(path, "rb") as fh:
        for line_no, line in enumerate(fh, start=1):
            if line_no == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[3:]
            try:
                decoder().decode(line, final=True)
            except UnicodeDecodeError:
                return TextFault(row, line_no), None, None
            if line.count(b'"') % 2:
                in_quote = not in_quote
                opened = TextFault(row, line_no) if in_quote else None
            if not in_quote:
                if row == watch_row:
                    return None, None, (first_line, line_no)
                row, first_line = row + 1, line_no + 1
    return None, opened if in_quote else None, None
