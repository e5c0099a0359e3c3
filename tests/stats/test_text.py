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
    # 态度冷淡 is a banking dictionary phrase: whole, in texts 3 and 6
    assert got.loc["态度冷淡", "texts"] == 2 and "态度" not in got.index
    assert frame.iloc[0]["term"] == "手机银行"  # ties on texts broken by count
    assert "客户" not in got.index and "反映" not in got.index  # stop words
    # neither the phone number nor the customer's name become a term
    assert not any(ch.isdigit() for t in got.index for ch in t)
    assert "张三" not in got.index and "张" not in got.index


def test_top_terms_n_limits_rows():
    assert len(text.top_terms(TEXTS, n=3, stop_words=STOP, user_words=USER)) == 3


def test_minimum_document_count():
    texts = [*TEXTS, "理财产品收益不满"]
    # 理财产品 and 收益不满 are in 1 text only; every other term is in 2 (test above)
    got = text.top_terms(texts, min_texts=2, stop_words=STOP)
    assert set(got["term"]) == {"手机银行", "无法登录", "转账失败", "柜员", "态度冷淡"}
    assert "理财产品" in set(text.top_terms(texts)["term"])  # min_texts 1 (default) keeps it


def test_phrases_do_not_cross_punctuation_or_stop_words():
    frame = text.top_terms(TEXTS, stop_words=STOP, user_words=USER, ngram=2).set_index("term")
    # text 1: 手机银行 无法登录 ， 转账失败; text 2: 手机银行 转账失败 ， 手机银行 无法登录
    assert frame.loc["手机银行无法登录", "texts"] == 2
    assert frame.loc["手机银行转账失败", "texts"] == 1
    assert "转账失败手机银行" not in frame.index  # a comma lies between them in text 2
    assert frame.loc["柜员态度冷淡", "texts"] == 2  # texts 3 and 6
    assert "电话柜员" not in frame.index  # the masked number, 客户, 张, 三 and 反映 lie between


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
    with pytest.raises(ValueError, match="must be at least 1"):
        text.top_terms(TEXTS, n=0)
    with pytest.raises(ValueError, match="must be at least 1"):
        text.top_terms(TEXTS, min_texts=0)
    with pytest.raises(ValueError, match="ngram"):
        text.top_terms(TEXTS, ngram=3)
    with pytest.raises(ValueError, match="alpha"):
        text.rising_terms(TEXTS, TEXTS, alpha=1.5)


def test_usable_texts_counts_only_real_texts():
    assert len(text.usable_texts(TEXTS)) == 4  # None, "" are not texts
    assert text.usable_texts(pd.Series(["  柜员  ", float("nan")])) == ["柜员"]


# --- banking dictionary, no junk fragments (issue 14) -----------------------------------------
SAMPLE_TEXTS = ["罗先生反映排队等候超过一小时,只开两个窗口", "客户徐某对所购理财产品收益不满,认为销售时未充分揭示风险"]
SUFFIXES = ["先生", "女士", "某某", "某"]


@pytest.mark.parametrize("word, sentence", [
    ("手机银行", "客户反映手机银行无法登录"), ("理财产品", "所购理财产品收益不满"),
    ("排队等候", "排队等候超过一小时"), ("信用卡", "申请信用卡被拒"),
    ("转账汇款", "转账汇款很慢"), ("自助设备", "自助设备区卫生差"), ("大堂经理", "大堂经理语气生硬"),
])
def test_banking_dictionary_keeps_terms_whole_without_user_words(word, sentence):
    terms = text.tokenize(sentence)
    assert word in terms
    # none of its parts shows as a term of its own (手机 / 银行, 理财 / 产品, 排队 / 等候 ...)
    assert not any(t != word and t in word for t in terms)


def test_junk_fragments_never_appear():
    # the small sample's November texts that gave 只开, 时未充分 and 销售时未 (issue 14), by hand:
    # 罗先生 (suffix) 反映 (stop) 排队等候 超过 (stop) 一 小时 (stop) , 只 开 两个 (stop) 窗口;
    # 客户 (stop) 徐 某 对 所购 (stop) 理财产品 收益不满 , 认为 (stop) 销售 时 未 未充分揭示风险 -> whole phrase
    words = [text.tokenize(t, stop_suffixes=SUFFIXES) for t in SAMPLE_TEXTS]
    assert words == [["排队等候", "窗口"], ["理财产品", "收益不满", "销售", "未充分揭示风险"]]
    terms = set(text.top_terms(SAMPLE_TEXTS, stop_suffixes=SUFFIXES)["term"])
    phrases = set(text.top_terms(SAMPLE_TEXTS, stop_suffixes=SUFFIXES, ngram=2)["term"])
    assert phrases == {"理财产品收益不满"}  # 销售 / 时 / 未... : single characters break every other pair
    for junk in ("只开", "时未", "时未充分", "销售时未", "所购"):
        assert junk not in terms | phrases


def test_base_vocabulary_is_read_from_the_package_files():
    from svc_analysis.stats import vocabulary

    assert {"手机银行", "理财产品", "排队等候", "转账汇款", "自助设备"} <= set(vocabulary.banking_words())
    assert {"客户", "反映", "超过", "小时"} <= vocabulary.stop_words()
    assert not any(w.startswith("#") for w in vocabulary.banking_words())


# --- rising terms: a test, not a ratio alone ---------------------------------------------------
def test_rising_terms_fisher_exact_with_benjamini_hochberg():
    now = ["手机银行无法登录"] * 5 + ["柜员态度冷淡"] * 5
    base = ["手机银行无法登录"] + ["柜员态度冷淡"] * 29
    frame = text.rising_terms(now, base, min_texts=3, min_ratio=2.0, alpha=0.05).set_index("term")
    # 手机银行: 5 of 10 texts now, 1 of 30 before. Fisher one-sided p = hypergeometric tail
    # P(X >= 5 | 40 texts, 6 holding the term, 10 drawn) = [C(6,5)C(34,5) + C(6,6)C(34,4)] / C(40,10)
    # = (6 x 278256 + 46376) / 847660528 = 1715912 / 847660528 = 0.00202429 (binomial coefficients by hand)
    p = 1715912 / 847660528
    assert frame.loc["手机银行", "p_value"] == pytest.approx(p)
    # four terms tested (手机银行, 无法登录, 柜员, 态度冷淡, each in 5 texts now); the two small p are equal,
    # Benjamini-Hochberg: q = p x 4 / 2 = 0.00404858 for both; 柜员 / 态度冷淡 (29 of 30 before) p ~ 1
    assert frame.loc["手机银行", "q_value"] == pytest.approx(2 * p)
    assert set(frame.index) == {"手机银行", "无法登录"}
    # share ratio, add-one smoothed: ((5+1)/11) / ((1+1)/31) = 0.545455 / 0.064516 = 8.4545
    assert frame.loc["手机银行", "ratio"] == pytest.approx(6 / 11 / (2 / 31))
    assert frame.loc["手机银行", "base_share"] == pytest.approx(1 / 30)
    # at alpha 0.003 p = 0.0020 alone would pass, the adjusted q = 0.0040 does not: nothing rises
    assert text.rising_terms(now, base, min_texts=3, min_ratio=2.0, alpha=0.003).empty


def test_a_large_ratio_on_few_texts_is_not_rising():
    now = ["手机银行无法登录", "手机银行无法登录", "手机银行转账失败", "柜员态度冷淡"]
    base = ["柜员态度冷淡"] * 7 + ["手机银行无法登录"]
    # 手机银行: 3 of 4 now, 1 of 8 before; ratio ((3+1)/5) / ((1+1)/9) = 3.6, yet Fisher one-sided
    # p = P(X >= 3 | 12 texts, 4 holding it, 4 drawn) = [C(4,3)C(8,1) + C(4,4)C(8,0)] / C(12,4)
    # = (32 + 1) / 495 = 0.0667 > 0.05 before any adjustment: not rising
    assert text.rising_test(3, 4, 1, 8) == pytest.approx(33 / 495)
    assert text.rising_terms(now, base, min_texts=2, min_ratio=1.5).empty


def test_rising_terms_with_no_baseline():
    frame = text.rising_terms(["转账失败", "转账失败"], [], min_texts=2)
    assert frame.empty and list(frame.columns) == text.RISING_COLUMNS


def test_import_and_first_load_write_nothing_to_stderr(tmp_path):
    code = "from svc_analysis.stats import text; text.top_terms(['手机银行无法登录'])"
    done = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env={"PYTHONPATH": str(__import__('pathlib').Path(__file__).parents[2])})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_stop_suffixes_drop_forms_of_address():
    assert "何先生" in text.tokenize("何先生反映柜员态度冷淡")  # jieba's own dictionary holds 何先生
    terms = text.tokenize("何先生反映柜员态度冷淡", stop_suffixes=["先生", "女士"])
    assert "何先生" not in terms and "柜员" in terms


def test_latin_words_keep_a_space_in_phrases():
    assert text.tokenize("Incorrect information on your report", ngram=2)[0] == "Incorrect information"


def test_a_masked_names_surname_is_no_term():
    # masking keeps the surname (客户王**); jieba's own dictionary holds 客户王, so without the rule
    # the token before the stars would be counted as a word
    assert text.tokenize("客户王某某反映手机银行故障") == ["手机银行", "故障"]
