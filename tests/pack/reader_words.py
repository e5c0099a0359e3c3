"""What a manager must never read on a page of the pack (issue 14 "Reader-facing words"), as checks
over a rendered page: its visible text (no script, no style), its images' alt text and its tables.

- developer references: seed files, DOMAIN.md sections, docs/*.md, notebook file names, issue numbers;
- metric ids (the catalogue's and every id kpis.csv publishes) and parameter keys (every dotted path of
  the loaded params, every snake_case key in them, and `section.anything` spellings);
- any snake_case identifier at all (a column or parameter name leaking), except inside a file name;
- text in <code> (a parameter or column name in back-quotes in a notebook's Markdown);
- True / False in a table cell;
- English in chart alt text: a word of two or more ASCII letters (acronyms a manager reads, such as
  ATM or NPS, excepted);
- wording a branch manager stumbles on (``stumbles``): an ASCII colon between Chinese words
  ("投诉类别:系统故障"), programmers' words ("计算函数"), month algebra ("各月 m", "m+1 月"), and the
  net promoter score printed as a percent ("净推荐值 NPS … 65.4%" beside "NPS +65" in the text), a
  percentage of four digits or more, a count or amount in a sentence without thousands separators,
  and the name of a statistician or method (Wilson, Spiegelhalter, Laney, Holm, Erlang, CSAT, beta-二项 ...)
  where the reader needs what the method tells (95% 置信区间, 漏斗图控制限, 多重比较校正后 ...).
"""

from __future__ import annotations

import re
from functools import lru_cache

from bs4 import BeautifulSoup

DEVELOPER = re.compile(r"(?i:seed)|DOMAIN|docs/|\.md\b|\.ipynb|种子|§|(?i:issue\s*\d)")
SNAKE = re.compile(r"(?<![\w.-])[a-z][a-z0-9]*(?:_[a-z0-9*]+)+(?![\w*])(?!\.(?:csv|xlsx|xls|txt)\b)")
PARAM_SECTIONS = ("quality", "complaints", "satisfaction", "staff", "inspections", "queue", "campaign",
                  "summary", "report", "ingest", "volumes", "warehouse")
SECTION_KEY = re.compile(r"\b(?:" + "|".join(PARAM_SECTIONS) + r")\.(?!(?:csv|xlsx|xls|txt)\b)[a-z_*]+")
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
ALT_ACRONYMS = {"ATM", "NPS", "VIP"}


def soup(html: str) -> BeautifulSoup:
    page = BeautifulSoup(html, "html.parser")
    for tag in page(["script", "style", "noscript", "template"]):
        tag.decompose()
    return page


def visible_text(page: BeautifulSoup) -> str:
    return "\n".join(line.strip() for line in page.get_text("\n").splitlines() if line.strip())


def _walk_keys(value, path: str, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            key = str(key)
            dotted = f"{path}.{key}" if path else key
            found.add(dotted)
            _walk_keys(inner, dotted, found)
    elif isinstance(value, list):
        for item in value:
            _walk_keys(item, path, found)


@lru_cache(maxsize=1)
def param_keys() -> tuple[str, ...]:
    """Every key of the default params as a reader might meet it: dotted paths below a section
    ('satisfaction.rate_target') and every snake_case key on its own ('overtime_wait_minutes')."""
    from svc_analysis.core.params import load_params

    found: set[str] = set()
    _walk_keys(load_params().model_dump(), "", found)
    keys = {k for k in found if "." in k}
    keys |= {k.rsplit(".", 1)[-1] for k in found if "_" in k.rsplit(".", 1)[-1]}
    return tuple(sorted(keys, key=len, reverse=True))


@lru_cache(maxsize=1)
def catalogue_ids() -> tuple[str, ...]:
    from svc_analysis.core import areas, catalogue

    areas.area_modules()
    return tuple(m.id for m in catalogue.metrics())


def _as_word(token: str) -> re.Pattern:
    return re.compile(r"(?<![A-Za-z0-9_])" + re.escape(token) + (r"" if token.endswith(":") else r"(?![A-Za-z0-9_])"))


def forbidden_in_text(text: str, metric_ids=()) -> list[str]:
    """Every developer reference, metric id or parameter key in ``text`` (a page's visible text)."""
    hits = [m.group(0) for m in DEVELOPER.finditer(text)]
    hits += [m.group(0) for m in SNAKE.finditer(text)]
    hits += [m.group(0) for m in SECTION_KEY.finditer(text)]
    for token in {*catalogue_ids(), *metric_ids, *param_keys()}:
        if token in text and _as_word(token).search(text):
            hits.append(token)
    return sorted(set(hits))


def code_texts(page: BeautifulSoup) -> list[str]:
    return [code.get_text() for code in page.find_all("code")]


def true_false_cells(page: BeautifulSoup) -> list[str]:
    return [cell.get_text(strip=True) for cell in page.find_all(["td", "th"])
            if cell.get_text(strip=True) in ("True", "False", "true", "false")]


def english_in_alt(page: BeautifulSoup) -> list[str]:
    """The alt texts of the page's images that hold an English word (acronyms excepted)."""
    bad = []
    for img in page.find_all("img"):
        alt = img.get("alt") or ""
        words = [w for w in ASCII_WORD.findall(alt) if w not in ALT_ACRONYMS]
        if words or not alt:
            bad.append(alt or "(no alt)")
    return bad


STUMBLES = {
    "ASCII colon between Chinese words": re.compile(r"[\u4e00-\u9fff]:[\u4e00-\u9fff]"),
    "programmers' word": re.compile(r"函数|变量|字段名|参数键"),
    "month algebra": re.compile(r"(?<![A-Za-z])m\s*[+−-]\s*1(?![\d])|各月\s*m(?![A-Za-z])|(?<![A-Za-z])m\s*月"),
    "NPS as a percent": re.compile(r"NPS(?:\n[^\n%]{1,12}){0,3}\n[-+−]?\d+(?:\.\d+)?%"),
    # a figure its data cannot carry: a percentage of four digits or more (a reduction interval -21699%)
    "absurd percentage": re.compile(r"(?<![\d.,])[-−]?\d{4,}(?:\.\d+)?%"),
    # a count or amount in a sentence without thousands separators ("共 48705 条评价", "扣罚合计 1450 元")
    "count without separators": re.compile(r"(?<![\d.,\w-])\d{4,}(?:\.\d+)?[ \t]*(?:条|件|元|人次|人|行|台|篇|场|份)"),
    # a statistician's or method's name: the reader needs what the method tells ("95% 置信区间",
    # "漏斗图控制限", "多重比较校正后"), not "Wilson 区间" or "Holm 校正" (docstrings keep the names)
    "method name": re.compile(
        r"(?<![A-Za-z])(?:Wilson|Spiegelhalter|Laney|Shapley|LMG|Holm|Welch|Spearman|Pearson|Erlang|Fisher|"
        r"Benjamini|Hochberg|Poisson|Gr[öo]mping|CSAT)(?![A-Za-z])|(?i:beta)\s*[-‐–]?\s*二项|σz|p′|泊松|卡方检验|t 分布|最小二乘|自助抽样|整群|指数分布"),
}


def stumbles(text: str) -> list[str]:
    """What in ``text`` (a page's visible text) a branch manager would stumble on (module docstring):
    '<kind>: <the words found>' per hit."""
    return [f"{kind}: {m.group(0)!r}" for kind, pattern in STUMBLES.items() for m in pattern.finditer(text)]
