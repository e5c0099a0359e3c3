"""Data is hostile: the one place that makes a value from the data safe for where it is written.

DATA_CONTRACT.md: names and free text are escaped in every page, cells that Excel would run as
formulas are neutralised in every CSV and XLSX written, and file names derived from data are safe.

- Spreadsheet cells (the OWASP CSV-injection rule): a text cell starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return is prefixed with a single quote, so Excel and LibreOffice show
  it as text instead of running it. Numbers stay numbers, and a text that is a plain number
  (``-12``, ``+3.5``, ``-0.2%``) is left as it is: Excel reads it as the number it is.
- File names: a unit name from the data becomes one path component that cannot climb out of its
  folder, hide itself or hold characters that Windows refuses.
- Page text (``md``): a value from the data put into a Markdown sentence is masked (masking.mask_text)
  and escaped so that it shows as the text it is: no raw HTML, no link, no emphasis, no new block.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from svc_analysis.core.masking import mask_text

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")
QUOTE = "'"


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (and it is not a plain number)."""
    return (isinstance(text, str) and text.startswith(FORMULA_TRIGGERS)
            and not _PLAIN_NUMBER.fullmatch(text.strip()))


def neutralise_cell(value):
    """``value`` safe for a CSV or XLSX cell: a formula-like text gets a leading quote.

    Non-text values (numbers, dates, None, NaN, booleans) are returned unchanged.
    """
    if isinstance(value, str) and is_formula_like(value):
        return QUOTE + value
    return value


def restore_cell(value):
    """The value ``neutralise_cell`` was given, from what it returned: "'=A1" -> "=A1".

    For a reader of a file this project wrote (kpis.csv): the quote is removed only where
    neutralise_cell would have added it, so "'abc" and numbers come back unchanged. (A text that
    itself began with a quote before a trigger, "'=x", comes back as "=x": such a value is not a name.)
    """
    if isinstance(value, str) and value.startswith(QUOTE) and is_formula_like(value[1:]):
        return value[1:]
    return value


def neutralise_sheet(sheet) -> int:
    """Make every formula-like text cell of an openpyxl worksheet a text cell; returns how many.

    openpyxl stores any text starting with '=' as a live formula (data_type 'f'). For a sheet whose
    writer puts no formula of its own (every sheet this project writes), each such cell and every
    other formula-like text is set to data_type 's' with Excel's quotePrefix style: Excel shows the
    text as it is (no visible quote) and does not evaluate it, even after the cell is edited.
    """
    changed = 0
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and (cell.data_type == "f" or is_formula_like(cell.value)):
                cell.data_type = "s"
                cell.quotePrefix = True
                changed += 1
    return changed


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) are neutralised; numbers untouched."""
    out = df.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            out[name] = column.map(neutralise_cell, na_action="ignore")
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_WINDOWS_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?")
MAX_NAME_BYTES = 120  # well under the 255-byte limit of ext4/NTFS, leaving room for suffixes


def safe_filename(name: str, fallback: str = "unit") -> str:
    """One safe path component from a name in the data: '支行/一' -> '支行_一', '..' -> fallback.

    Slashes, backslashes, control characters and the characters Windows refuses become '_';
    leading dots and spaces go (no hidden files, no '..'); Windows device names get a '_' suffix;
    the result is cut to MAX_NAME_BYTES of UTF-8 on a character boundary.
    """
    text = unicodedata.normalize("NFC", str(name))
    text = _UNSAFE_IN_NAME.sub("_", text).strip().lstrip(". ").rstrip(". ")
    if _WINDOWS_RESERVED.fullmatch(text):
        text += "_"
    encoded = text.encode("utf-8")[:MAX_NAME_BYTES]
    text = encoded.decode("utf-8", errors="ignore").rstrip(". ")
    return text or fallback


_UNSAFE_IN_SHEET = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
MAX_SHEET_CHARS = 31  # Excel's limit on a sheet title


def safe_sheet_title(name: str, taken=(), fallback: str = "单位") -> str:
    """An Excel sheet title from a name in the data, distinct from the titles in ``taken``.

    Excel refuses []:*?/\\ in a title, a title starting or ending with an apostrophe, 'History',
    more than 31 characters, and two titles that differ only in case: '宜昌/城区' -> '宜昌_城区'; a
    clash gets a suffix '~2', '~3' ... inside the 31 characters.
    """
    text = _UNSAFE_IN_SHEET.sub("_", unicodedata.normalize("NFC", str(name))).strip().strip("'")
    text = text[:MAX_SHEET_CHARS].strip().strip("'") or fallback
    if text.lower() == "history":
        text += "_"
    used = {t.lower() for t in taken}
    title, n = text, 1
    while title.lower() in used:
        n += 1
        suffix = f"~{n}"
        title = text[:MAX_SHEET_CHARS - len(suffix)] + suffix
    return title


# Markdown/HTML escaping of one value (md): a backslash before every Markdown punctuation mark first,
# then entities for what HTML or an autolink would act on ('&' first, so no entity is escaped twice
# and no entity gets a backslash).
_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), (":", "&#58;"), ("@", "&#64;"))
_BACKSLASHED = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$'])")
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")


def md(value) -> str:
    """``value`` (a name or free text from the data) as Markdown that renders as exactly its text.

    The text is masked first (phone, ID, card numbers, e-mails, cued names), line breaks and tabs
    become one space (a value cannot start a heading, list or HTML block), ``& < > " : @`` become
    HTML entities (no tag, no ``javascript:`` or ``http://`` link, no e-mail autolink; ``:`` shows as
    ``:``) and every other Markdown punctuation gets a backslash. None and NaN give ''. Numbers are
    formatted by the caller before; a non-text value is shown as ``str(value)``.
    """
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    text = _BACKSLASHED.sub(r"\\\1", _LINE_BREAKS.sub(" ", mask_text(str(value))))
    for char, entity in _ENTITIES:
        text = text.replace(char, entity)
    return text


def md_list(values, sep: str = "、") -> str:
    """Several values from the data, each through ``md``, joined with ``sep`` (a Chinese list)."""
    return sep.join(md(v) for v in values)
