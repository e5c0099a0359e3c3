"""svc_analysis.stats.text: top terms and rising terms of Chinese texts (hand-counted expectations)."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from svc_analysis.stats import text

USER = ["手机银行"]
STOP = ["客户", "反映"]
TEXTS = [
    "客户反映手机银行无法登录，转账失败",
    "手机银行转账失败，手机银行无法登录",
    "柜员态度冷淡",
    None,
    "",
    "电话13812345678 客户张三反映柜员态度冷淡",
]


def test_top_terms_counts_occurrences_and_texts():
    frame = text.top_terms(TEXTS, stop_words=STOP, user_words=USER)
    assert list(frame.columns) == text.TERM_COLUMNS
    got = frame.set_index("term")
    # 4 non-empty texts; 手机银行 appears once in text 1 and twice in text 2
    assert got.loc["手机银行", "count"] == 3
    assert got.loc["手机银行", "texts"] == 2
    assert got.loc["手机银行", "share"] == pytest.approx(2 / 4)
    assert got.loc["态度", "texts"] == 2  # texts 3 and 6
    assert frame.iloc[0]["term"] == "手机银行"  # ties on texts broken by count
    assert "客户" not in got.index and "反映" not in got.index  # stop words
    # neither the phone number nor the customer's name become a term
    assert not any(ch.isdigit() for t in got.index for ch in t)
    assert "张三" not in got.index and "张" not in got.index


def test_top_terms_n_limits_rows():
    assert len(text.top_terms(TEXTS, n=3, stop_words=STOP, user_words=USER)) == 3


def test_phrases_do_not_cross_punctuation_or_stop_words():
    frame = text.top_terms(TEXTS, stop_words=STOP, user_words=USER, ngram=2).set_index("term")
    assert frame.loc["无法登录", "texts"] == 2
    assert frame.loc["转账失败", "texts"] == 2
    assert "失败手机银行" not in frame.index  # a comma lies between them in text 2
    assert "电话柜员" not in frame.index  # the masked number, 客户 and 反映 lie between


def test_user_words_stay_whole():
    assert "手机银行" in text.tokenize("手机银行无法登录", user_words=USER)


def test_tokenize_drops_digits_short_tokens_and_masked_parts():
    terms = text.tokenize("客户王五于2026年10月3日来电13912345678投诉")
    assert all(not any(c.isdigit() for c in t) for t in terms)
    assert all(len(t) >= 2 and "*" not in t for t in terms)


def test_empty_and_missing_texts_give_an_empty_frame():
    frame = text.top_terms([None, "", float("nan"), pd.NA])
    assert frame.empty and list(frame.columns) == text.TERM_COLUMNS
    assert text.top_terms(pd.Series([], dtype="str")).empty


def test_series_input_works():
    frame = text.top_terms(pd.Series(["柜员态度冷淡", "柜员态度冷淡"]))
    assert frame.set_index("term").loc["柜员", "texts"] == 2


def test_bad_arguments():
    with pytest.raises(TypeError, match="iterable of texts"):
        text.top_terms("柜员态度冷淡")
    with pytest.raises(ValueError, match="n must be"):
        text.top_terms(TEXTS, n=0)
    with pytest.raises(ValueError, match="ngram"):
        text.top_terms(TEXTS, ngram=3)


def test_rising_terms_compare_shares_with_smoothing():
    now = ["手机银行无法登录", "手机银行无法登录", "手机银行转账失败", "柜员态度冷淡"]
    base = ["柜员态度冷淡"] * 7 + ["手机银行无法登录"]
    frame = text.rising_terms(now, base, min_texts=2, min_ratio=1.5, user_words=USER).set_index("term")
    # 手机银行: now 3/4 texts, base 1/8; ratio = ((3+1)/5) / ((1+1)/9) = 0.8 / 0.2222 = 3.6
    assert frame.loc["手机银行", "ratio"] == pytest.approx(3.6)
    assert frame.loc["手机银行", "base_texts"] == 1
    # 无法: now 2/4, base 1/8: ((2+1)/5) / ((1+1)/9) = 0.6 / 0.2222 = 2.7
    assert frame.loc["无法", "ratio"] == pytest.approx(2.7)
    # 柜员: now 1 text < min_texts; and its share fell anyway
    assert "柜员" not in frame.index
    assert frame.index[0] == "手机银行"


def test_rising_terms_with_no_baseline_and_none_rising():
    frame = text.rising_terms(["转账失败", "转账失败"], [], min_texts=2)
    # ((2+1)/3) / ((0+1)/1) = 1.0 < 1.5: nothing rises against an empty baseline of 0 texts
    assert frame.empty and list(frame.columns) == text.RISING_COLUMNS


def test_import_and_first_load_write_nothing_to_stderr(tmp_path):
    code = "from svc_analysis.stats import text; text.top_terms(['手机银行无法登录'])"
    done = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env={"PYTHONPATH": str(__import__('pathlib').Path(__file__).parents[2])})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_stop_suffixes_drop_forms_of_address():
    assert "何先生" in text.tokenize("何先生反映柜员态度冷淡")  # jieba keeps the name whole
    terms = text.tokenize("何先生反映柜员态度冷淡", stop_suffixes=["先生", "女士"])
    assert "何先生" not in terms and "柜员" in terms


def test_latin_words_keep_a_space_in_phrases():
    assert text.tokenize("Incorrect information on your report", ngram=2)[0] == "Incorrect information"
