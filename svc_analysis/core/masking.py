"""Masking of personal data: the one helper for everything that leaves the warehouse.

DATA_CONTRACT.md: nothing that leaves the local warehouse (HTML, notebooks, Excel, KPI table, logs)
shows a phone number or ID number unmasked (138****5678, 1101**********1234). Rules, applied in
this order so that a longer number is never mistaken for a shorter one:

=============  =====================================  ==============================================
kind           recognised                             masked as
=============  =====================================  ==============================================
email          local@domain.tld                       first character of the local part: z***@163.com
ID number      17 digits + digit or X (18 long)       first 4 and last 4 kept: 1101**********1234
bank card      16-19 digits, also in groups of 4      first 4 and last 4 kept: 6222***********0123
mobile         1[3-9] + 9 digits, optionally +86 and  first 3 and last 4 kept: 138****5678
               space/hyphen groups (138-1234-5678)    (a +86 prefix is kept as written)
landline       0 + 2-3 digit area code, optional      area code kept, local number masked but the
               separator or (area), 7-8 digit number  last 2 digits: 027-******21. The area code only
                                                      names a city; the last 2 help tell calls apart
name           after 姓名 / 联系人 / 我叫 (strong cues):  surname kept: 张**, 欧阳*
               2-3 Han characters; after 客户 / 本人
               (weak cues): only when the first one is
               a common surname and the name is
               followed by punctuation or a verb
               such as 反映 / 投诉 / 来电
=============  =====================================  ==============================================

Not masked (false positives avoided): amounts and dates (no rule matches them), numbers that are
fractions (digits right after a decimal point), ticket and complaint numbers with letters or
fewer than 11 digits, service hotlines (95588, 400-xxx-xxxx), and forms of address such as 王女士.
Known over-masking: any run of 16-19 digits is treated as a card number. Full-width digits
(１３８…) are recognised like ASCII ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import pandas as pd

from svc_analysis.core.contract import TABLES

STAR = "*"
# Full-width digits and signs fold to ASCII for matching only; the output keeps the rest as written.
_FOLD = str.maketrans("０１２３４５６７８９Ｘｘ＋－（）", "0123456789Xx+-()")

_DATA_URI = re.compile(r"data:[a-z]+/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]+")
_DATA_URI_SPLIT = re.compile(r"(data:[a-z]+/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]+)")
_NOT_DIGIT_BEFORE = r"(?<![0-9.])"  # a digit or a decimal point before means a longer number/fraction
_NOT_DIGIT_AFTER = r"(?![0-9])"

EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
ID_NUMBER = re.compile(_NOT_DIGIT_BEFORE + r"([1-9][0-9]{16}[0-9Xx])" + r"(?![0-9A-Za-z])")
BANK_CARD = re.compile(
    _NOT_DIGIT_BEFORE + r"([0-9]{16,19}|[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -]?[0-9]{1,3})?)" + _NOT_DIGIT_AFTER
)
MOBILE = re.compile(
    _NOT_DIGIT_BEFORE + r"((?:\+?86[ -]?)?)(1[3-9][0-9])[ -]?([0-9]{4})[ -]?([0-9]{4})" + _NOT_DIGIT_AFTER
)
LANDLINE = re.compile(
    _NOT_DIGIT_BEFORE + r"(\(0[1-9][0-9]{1,2}\)\s?|0[1-9][0-9]{1,2}[- ]?)([2-9][0-9]{6,7})" + _NOT_DIGIT_AFTER
)

# Common surnames, used only after the weak cues 客户/本人. Characters
# that are also everyday prepositions or words after 客户 (于 向 余 方 常 万 文 金 白) are left out.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋杜叶程魏苏吕丁任卢"
    "姚沈钟姜崔谭陆范汪廖石韦贾夏付邹熊孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵覃武钱戴严莫孔汤康易乔赖"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯")
_HAN = r"[\u4e00-\u9fff]"
_TITLES = r"(?:先生|女士|小姐|同志|老师|师傅|阿姨)"
_AFTER_NAME = r"(?=$|[^\u4e00-\u9fff]|反映|投诉|来电|致电|来行|称|表示|说|要求|认为|在|的|办理|" + _TITLES + ")"
_SEP = r"[:：\s]*(?:是|为)?[:：\s]*"
# Words that follow 联系人/姓名 without being a name (联系人电话, 姓名不详).
_NOT_A_NAME = r"(?!电话|手机|号码|方式|地址|不详|未知|信息|及|和|与)"


def _name_after(cues: str, first: str, guard: str = "") -> re.Pattern:
    """cue + separator + a 2-3 character name (compound surname, or ``first`` then 1-2 Han), where the
    name is followed by punctuation, the end, or a word that usually follows a name (_AFTER_NAME)."""
    compound = "|".join(COMPOUND_SURNAMES)
    name = f"(?:{compound}){_HAN}{{1,2}}?|{first}(?!{_TITLES}){_HAN}{{1,2}}?"
    return re.compile(f"({cues})({_SEP}){guard}({name}){_AFTER_NAME}")


STRONG_NAME = _name_after("姓名|联系人|我叫", _HAN, _NOT_A_NAME)
WEAK_NAME = _name_after("客户|本人", f"[{SURNAMES}]")

PERSONAL_COLUMNS = tuple(dict.fromkeys(c.name for t in TABLES.values() for c in t.columns if c.personal))
KEEP_LAST = 4  # customer_id keeps its last 4 characters: enough to tell cases apart, not to identify anyone


def _stars(n: int) -> str:
    return STAR * max(n, 0)


def _keep_ends(digits: str, head: int, tail: int) -> str:
    return digits[:head] + _stars(len(digits) - head - tail) + digits[-tail:]


def _mask_name(name: str) -> str:
    keep = 2 if name[:2] in COMPOUND_SURNAMES else 1
    return name[:keep] + _stars(len(name) - keep)


def _substitute(pattern: re.Pattern, repl: Callable[[re.Match, str], str], text: str) -> str:
    """re.sub on the folded text; ``repl(match, text)`` may copy kept parts from the original."""
    folded = text.translate(_FOLD)
    out, last = [], 0
    for match in pattern.finditer(folded):
        out += [text[last:match.start()], repl(match, text)]
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def _original(match: re.Match, text: str, group: int) -> str:
    return text[match.start(group):match.end(group)]


_RULES: tuple[tuple[re.Pattern, Callable[[re.Match, str], str]], ...] = (
    (EMAIL, lambda m, t: f"{m[1]}***@{m[2]}"),
    (ID_NUMBER, lambda m, t: _keep_ends(m[1].upper(), 4, 4)),
    (BANK_CARD, lambda m, t: _keep_ends(re.sub(r"[ -]", "", m[1]), 4, 4)),
    (MOBILE, lambda m, t: f"{_original(m, t, 1)}{m[2]}****{m[4]}"),
    (LANDLINE, lambda m, t: _original(m, t, 1) + _keep_ends(m[2], 0, 2)),
    (STRONG_NAME, lambda m, t: m[1] + m[2] + _mask_name(m[3])),
    (WEAK_NAME, lambda m, t: m[1] + m[2] + _mask_name(m[3])),
)


def mask_text(s):
    """Mask every phone number, ID number, card number, email and cued name in a text.

    Non-text values (None, NaN, numbers) are returned unchanged; see the module docstring for rules.
    """
    if not isinstance(s, str):
        return s
    for pattern, repl in _RULES:
        s = _substitute(pattern, repl, s)
    return s


def find_unmasked(text: str) -> list[str]:
    """Phone, ID and card numbers still readable in ``text`` (empty list = safe to publish).

    Used by tests that scan a whole report pack; names are not searched (too fuzzy for a gate).
    Embedded data URIs (base64 images in HTML) are skipped: their random digits are not numbers.
    """
    folded = _DATA_URI.sub(" ", text.translate(_FOLD))
    spans = sorted(
        m.span() for pattern in (ID_NUMBER, BANK_CARD, MOBILE, LANDLINE) for m in pattern.finditer(folded)
    )
    found, covered = [], -1
    for start, end in spans:  # in text order; a number matched by two rules is listed once
        if start >= covered:
            found.append(folded[start:end])
            covered = end
    return found


def mask_outside_data_uris(text: str) -> str:
    """mask_text on a page's text but not inside embedded data URIs (base64 images stay intact)."""
    parts = _DATA_URI_SPLIT.split(text)
    return "".join(part if i % 2 else mask_text(part) for i, part in enumerate(parts))


def mask_id(value, keep_last: int = KEEP_LAST):
    """An identifier reduced to its last ``keep_last`` characters: 'C000123456' -> '****3456'."""
    if not isinstance(value, str):
        if value is None or pd.isna(value):
            return value
        value = str(value)
    return STAR * 4 + (value[-keep_last:] if len(value) > keep_last else "")


def _mask_phone(value):
    """A phone column: the text rules, and a value they do not recognise keeps only its last 4 digits."""
    masked = mask_text(value)
    if isinstance(masked, str) and masked == value and re.search(r"[0-9]{5,}", value.translate(_FOLD)):
        return mask_id(value)
    return masked


def _column_rule(name: str) -> Callable:
    if name == "customer_id":
        return mask_id
    if name.endswith("_phone"):
        return _mask_phone
    return mask_text


def mask_value(column: str, value):
    """One value of a named column masked as mask_frame would (e.g. a quarantined raw value)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return value
    return _column_rule(column)(value if isinstance(value, str) else str(value))


def mask_frame(df: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` with personal columns masked; ``df`` itself is not changed.

    Masked: every column the contract marks personal (Column.personal) that ``df`` has, plus each
    name in ``columns`` (which must exist). customer_id keeps its last 4 characters, *_phone columns
    keep only what the phone rule keeps, other columns go through mask_text. Nulls stay null; a
    non-text value in a masked column is masked as its text.
    """
    extra = list(columns or [])
    unknown = [c for c in extra if c not in df.columns]
    if unknown:
        raise KeyError(f"mask_frame: columns {unknown} are not in the frame (it has {list(df.columns)})")
    out = df.copy()
    for name in dict.fromkeys([c for c in PERSONAL_COLUMNS if c in df.columns] + extra):
        out[name] = out[name].map(lambda v, name=name: mask_value(name, v), na_action="ignore")
    return out
