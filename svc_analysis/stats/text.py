"""Chinese keywords in free text: top terms and rising terms (shared by complaints and surveys).

Generic machinery: every function takes an iterable (list, pandas Series) of texts and returns a
small frame of terms with counts. The caller passes the stop words and domain words from params
(params/complaints.yaml ``stop_words`` / ``user_words``), so nothing here is specific to one area.

Method (issue 3, "what customers complain about"):

- Texts are masked first (masking.mask_text) so that no name, phone or ID number can become a term.
- Segmentation with jieba (precise mode, HMM on) on a private Tokenizer that knows the domain
  words (手机银行, 大堂经理 ...) so they stay whole.
- A term is a token of at least ``min_len`` characters that holds at least one Han character or
  letter, holds no digit (numbers are amounts, dates or personal data, never topics) and is not
  a stop word. Phrases (``ngram=2``) are two adjacent terms joined, counted the same way.
- ``count`` = occurrences; ``texts`` = number of texts holding the term at least once;
  ``share`` = texts / number of texts. Ranking is by ``texts`` then ``count`` then the term, so a
  word repeated inside one long complaint does not outrank one many customers used.

jieba logs "Building prefix dict ..." to stderr on first load; its logger is set to WARNING here,
at the source, so no notebook shows that chatter.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import warnings

import pandas as pd

from svc_analysis.core.masking import mask_text

with warnings.catch_warnings():
    # jieba 0.42 imports pkg_resources, which warns on import: silenced here, at the source
    warnings.simplefilter("ignore")
    import jieba

jieba.setLogLevel(logging.WARNING)

TERM_COLUMNS = ["term", "count", "texts", "share"]
RISING_COLUMNS = ["term", "texts", "share", "base_texts", "base_share", "ratio"]
_WORDLIKE = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_DIGIT = re.compile(r"[0-9０-９]")


@lru_cache(maxsize=8)
def _tokenizer(user_words: tuple[str, ...]):
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in user_words:
        tokenizer.add_word(word)
    return tokenizer


def _clean_texts(texts: Iterable) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("texts must be an iterable of texts (list or Series), not one string")
    out = []
    for text in texts:
        if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
            continue
        text = str(text).strip()
        if text:
            out.append(text)
    return out


def is_term(token: str, stop_words: frozenset[str], min_len: int, stop_suffixes: tuple[str, ...] = ()) -> bool:
    """A token counts as a term: long enough, word-like, no digit, not a stop word, not ending in a
    stop suffix (forms of address such as 王先生 name a person, not a topic)."""
    return (len(token) >= min_len and bool(_WORDLIKE.search(token))
            and not _DIGIT.search(token) and token not in stop_words and "*" not in token
            and not (stop_suffixes and token.endswith(stop_suffixes)))


def tokenize(text: str, *, stop_words: Iterable[str] = (), user_words: Iterable[str] = (),
             min_len: int = 2, ngram: int = 1, mask: bool = True, stop_suffixes: Iterable[str] = ()) -> list[str]:
    """Terms of one text, in order.

    ngram=2: pairs of terms next to each other in the text joined (无法 + 登录 = 无法登录); a
    punctuation mark, stop word or any other non-term token between two terms breaks the pair.
    """
    if ngram not in (1, 2):
        raise ValueError(f"ngram must be 1 or 2, not {ngram!r}")
    if min_len < 1:
        raise ValueError(f"min_len must be at least 1, not {min_len!r}")
    stops = frozenset(stop_words)
    text = mask_text(text) if mask else text
    tokens = [t.strip() for t in _tokenizer(tuple(sorted(set(user_words)))).cut(text)]
    tokens = [t for t in tokens if t]
    suffixes = tuple(stop_suffixes)
    keep = [is_term(t, stops, min_len, suffixes) for t in tokens]
    if ngram == 1:
        return [t for t, k in zip(tokens, keep) if k]
    return [_join(a, b) for a, b, ka, kb in zip(tokens, tokens[1:], keep, keep[1:]) if ka and kb]


def _join(a: str, b: str) -> str:
    """Two Chinese terms join directly (无法登录); Latin words keep a space (credit report)."""
    return f"{a} {b}" if a[-1].isascii() and b[0].isascii() else a + b


def _counts(texts: list[str], **kwargs) -> tuple[Counter, Counter]:
    count, docs = Counter(), Counter()
    for text in texts:
        terms = tokenize(text, **kwargs)
        count.update(terms)
        docs.update(set(terms))
    return count, docs


def _frame(count: Counter, docs: Counter, n_texts: int) -> pd.DataFrame:
    if not count:
        return pd.DataFrame({"term": pd.Series(dtype="str"), "count": pd.Series(dtype="int64"),
                             "texts": pd.Series(dtype="int64"), "share": pd.Series(dtype="float64")})
    frame = pd.DataFrame({"term": list(count), "count": [count[t] for t in count],
                          "texts": [docs[t] for t in count]})
    frame["share"] = frame["texts"] / n_texts
    return frame


def top_terms(texts: Iterable, *, n: int = 20, stop_words: Iterable[str] = (),
              user_words: Iterable[str] = (), min_len: int = 2, ngram: int = 1,
              mask: bool = True, stop_suffixes: Iterable[str] = ()) -> pd.DataFrame:
    """The ``n`` most used terms of the texts: columns term, count, texts, share.

    Empty or missing texts are skipped; no texts give an empty frame (the caller says 无数据).
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n!r}")
    clean = _clean_texts(texts)
    count, docs = _counts(clean, stop_words=stop_words, user_words=user_words,
                          min_len=min_len, ngram=ngram, mask=mask, stop_suffixes=stop_suffixes)
    frame = _frame(count, docs, len(clean))
    frame = frame.sort_values(["texts", "count", "term"], ascending=[False, False, True])
    return frame.head(n).reset_index(drop=True)


def rising_terms(current: Iterable, baseline: Iterable, *, n: int = 10, min_texts: int = 3,
                 min_ratio: float = 1.5, stop_words: Iterable[str] = (),
                 user_words: Iterable[str] = (), min_len: int = 2, ngram: int = 1,
                 mask: bool = True, stop_suffixes: Iterable[str] = ()) -> pd.DataFrame:
    """Terms used by a larger share of the current texts than of the baseline texts.

    ratio = share now / share in the baseline, with add-one smoothing on both sides
    ((texts + 1) / (N + 1)) so a term absent from the baseline gets a finite ratio and rare terms
    do not dominate. A term rises when it is in at least ``min_texts`` current texts and its ratio
    is at least ``min_ratio``. Comparing shares, not counts, keeps a busier month from making every
    word "rise". Columns: term, texts, share, base_texts, base_share, ratio (largest first).
    """
    if min_ratio <= 0 or min_texts < 1:
        raise ValueError("min_ratio must be > 0 and min_texts at least 1")
    kwargs = dict(stop_words=stop_words, user_words=user_words, min_len=min_len, ngram=ngram, mask=mask,
                  stop_suffixes=stop_suffixes)
    now, base = _clean_texts(current), _clean_texts(baseline)
    _, docs_now = _counts(now, **kwargs)
    _, docs_base = _counts(base, **kwargs)
    rows = []
    for term, k in docs_now.items():
        if k < min_texts:
            continue
        b = docs_base.get(term, 0)
        ratio = ((k + 1) / (len(now) + 1)) / ((b + 1) / (len(base) + 1))
        if ratio >= min_ratio:
            rows.append({"term": term, "texts": k, "share": k / len(now), "base_texts": b,
                         "base_share": b / len(base) if base else math.nan, "ratio": ratio})
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="str" if c == "term" else "float64") for c in RISING_COLUMNS})
    frame = pd.DataFrame(rows, columns=RISING_COLUMNS)
    frame = frame.sort_values(["ratio", "texts", "term"], ascending=[False, False, True])
    return frame.head(n).reset_index(drop=True)
