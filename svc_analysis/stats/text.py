"""Chinese keywords in free text: top terms and rising terms (shared by complaints and surveys).

Generic machinery: every function takes an iterable (list, pandas Series) of texts and returns a
small frame of terms with counts. The banking vocabulary (svc_analysis.stats.vocabulary: a user
dictionary and a stop list) is always used; the caller adds the office's own words from params
(params/complaints.yaml ``text.stop_words`` / ``text.user_words``).

Method (issue 3, "what customers complain about"; issue 14, "no junk tokens, a test for rising"):

- Texts are masked first (masking.mask_text) so that no name, phone or ID number can become a term.
- Segmentation with jieba, precise mode, on a private Tokenizer that knows the banking dictionary
  and the user words (手机银行, 排队等候 ... stay whole), with jieba's HMM **off**: the HMM guesses
  "new words" by gluing unknown neighbouring characters (只开, 时未, and the phrase 销售时未), which
  are not words; without it an unknown run falls apart into single characters, dropped below.
- A term is a token of at least ``min_len`` characters that holds at least one Han character or
  letter, holds no digit (numbers are amounts, dates or personal data, never topics) and is not
  a stop word, nor right before the stars of a masked name (客户王** would give 客户王). Phrases
  (``ngram=2``) are two adjacent terms joined, counted the same way.
- ``count`` = occurrences; ``texts`` = number of texts holding the term at least once (document
  count); ``share`` = texts / number of texts. A term is listed only when at least ``min_texts``
  texts hold it. Ranking is by ``texts`` then ``count`` then the term, so a word repeated inside
  one long complaint does not outrank one many customers used.
- Rising terms: a one-sided Fisher exact test (scipy.stats.fisher_exact) of the share of texts
  holding the term now against the earlier texts, p-values adjusted for the many terms tested
  with Benjamini-Hochberg (statsmodels multipletests, fdr_bh); see ``rising_terms``.

jieba logs "Building prefix dict ..." to stderr on first load; its logger is set to WARNING here,
at the source, so no notebook shows that chatter.
"""

from __future__ import annotations

import io
import logging
import math
import re
import warnings
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from svc_analysis.core.masking import mask_text
from svc_analysis.stats import vocabulary

with warnings.catch_warnings():
    # jieba 0.42 imports pkg_resources, which warns on import: silenced here, at the source
    warnings.simplefilter("ignore")
    import jieba

jieba.setLogLevel(logging.WARNING)

TERM_COLUMNS = ["term", "count", "texts", "share"]
RISING_COLUMNS = ["term", "texts", "share", "base_texts", "base_share", "ratio", "p_value", "q_value"]
_WORDLIKE = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_DIGIT = re.compile(r"[0-9０-９]")


@lru_cache(maxsize=8)
def _tokenizer(user_words: tuple[str, ...]):
    """A jieba Tokenizer knowing the banking dictionary (read by jieba's own loader) and ``user_words``."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.load_userdict(io.StringIO("\n".join(vocabulary.dictionary_lines())))
    for word in user_words:
        tokenizer.add_word(word)
    return tokenizer


def usable_texts(texts: Iterable) -> list[str]:
    """The texts that count: stripped, without empty or missing ones (len() = the number of texts)."""
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
    stops = vocabulary.stop_words() | frozenset(stop_words)
    text = mask_text(text) if mask else text
    tokens = [t.strip() for t in _tokenizer(tuple(sorted(set(user_words)))).cut(text, HMM=False)]
    tokens = [t for t in tokens if t]
    suffixes = tuple(stop_suffixes)
    # a token right before the stars of a masked name holds the surname masking kept (客户王**): no term
    keep = [is_term(t, stops, min_len, suffixes) and not (i + 1 < len(tokens) and tokens[i + 1].startswith("*"))
            for i, t in enumerate(tokens)]
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


def top_terms(texts: Iterable, *, n: int = 20, min_texts: int = 1, stop_words: Iterable[str] = (),
              user_words: Iterable[str] = (), min_len: int = 2, ngram: int = 1,
              mask: bool = True, stop_suffixes: Iterable[str] = ()) -> pd.DataFrame:
    """The ``n`` most used terms of the texts held by at least ``min_texts`` texts: columns term,
    count, texts, share.

    Empty or missing texts are skipped; no texts give an empty frame (the caller says 无数据).
    """
    if n < 1 or min_texts < 1:
        raise ValueError(f"n and min_texts must be at least 1, not {n!r} and {min_texts!r}")
    clean = usable_texts(texts)
    count, docs = _counts(clean, stop_words=stop_words, user_words=user_words,
                          min_len=min_len, ngram=ngram, mask=mask, stop_suffixes=stop_suffixes)
    frame = _frame(count, docs, len(clean))
    frame = frame[frame["texts"] >= min_texts]
    frame = frame.sort_values(["texts", "count", "term"], ascending=[False, False, True])
    return frame.head(n).reset_index(drop=True)


def rising_test(texts: int, n_texts: int, base_texts: int, n_base: int) -> float:
    """One-sided p-value that a term held by ``texts`` of ``n_texts`` texts now and ``base_texts`` of
    ``n_base`` before is used by a larger share now: Fisher's exact test on the 2 × 2 table
    [[texts, n_texts − texts], [base_texts, n_base − base_texts]] (scipy.stats.fisher_exact,
    alternative "greater"), i.e. the hypergeometric upper tail: exact at any count, where a
    z-test of two proportions would need larger numbers than a month of complaints gives."""
    table = [[texts, n_texts - texts], [base_texts, n_base - base_texts]]
    return float(stats.fisher_exact(table, alternative="greater").pvalue)


def _empty_rising() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="str" if c == "term" else "float64") for c in RISING_COLUMNS})


def rising_terms(current: Iterable, baseline: Iterable, *, n: int = 10, min_texts: int = 3,
                 min_ratio: float = 1.5, alpha: float = 0.05, stop_words: Iterable[str] = (),
                 user_words: Iterable[str] = (), min_len: int = 2, ngram: int = 1,
                 mask: bool = True, stop_suffixes: Iterable[str] = ()) -> pd.DataFrame:
    """Terms used by a significantly larger share of the current texts than of the baseline texts.

    Every term held by at least ``min_texts`` current texts is tested (``rising_test``: one-sided
    Fisher exact test of its share of texts now against before); the p-values of all the terms
    tested are adjusted together with Benjamini-Hochberg (``q_value``, statsmodels multipletests
    "fdr_bh"), so that among the terms called rising at most a share ``alpha`` is expected to be
    chance. A term rises when q_value <= ``alpha`` and its share grew by at least ``min_ratio``
    (ratio = share now / share before, add-one smoothed on both sides, ((k + 1) / (N + 1)) /
    ((b + 1) / (M + 1)), so a term absent before has a finite ratio). Comparing shares, not counts,
    keeps a busier month from making every word "rise". No baseline texts: nothing can be tested,
    the frame is empty. Columns RISING_COLUMNS, smallest q_value first.
    """
    if min_ratio <= 0 or min_texts < 1 or not 0 < alpha < 1:
        raise ValueError("min_ratio must be > 0, min_texts at least 1 and alpha between 0 and 1")
    kwargs = dict(stop_words=stop_words, user_words=user_words, min_len=min_len, ngram=ngram, mask=mask,
                  stop_suffixes=stop_suffixes)
    now, base = usable_texts(current), usable_texts(baseline)
    if not now or not base:
        return _empty_rising()
    _, docs_now = _counts(now, **kwargs)
    _, docs_base = _counts(base, **kwargs)
    rows = []
    for term, k in docs_now.items():
        if k < min_texts:
            continue
        b = docs_base.get(term, 0)
        rows.append({"term": term, "texts": k, "share": k / len(now), "base_texts": b,
                     "base_share": b / len(base),
                     "ratio": ((k + 1) / (len(now) + 1)) / ((b + 1) / (len(base) + 1)),
                     "p_value": rising_test(k, len(now), b, len(base))})
    if not rows:
        return _empty_rising()
    frame = pd.DataFrame(rows, columns=RISING_COLUMNS)
    frame["q_value"] = multipletests(frame["p_value"], alpha=alpha, method="fdr_bh")[1]
    frame = frame[(frame["q_value"] <= alpha) & (frame["ratio"] >= min_ratio)]
    frame = frame.sort_values(["q_value", "texts", "term"], ascending=[True, False, True])
    return frame.head(n).reset_index(drop=True)
