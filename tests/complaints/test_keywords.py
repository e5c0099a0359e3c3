"""svc_analysis.complaints.keywords: no keyword outruns its texts (issue 14). Counts by hand below."""

from __future__ import annotations

import pytest

from svc_analysis.complaints import keywords
from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope
from tests.complaints.support import MONTH, build

# the small sample's eight November texts (issue 14: "keywords from 8 texts")
EIGHT = ["客户徐某对所购理财产品收益不满,认为销售时未充分揭示风险(联系电话13245260167)",
         "客户徐某某反映柜员操作失误导致转账延误(联系电话18507986003)",
         "罗先生反映排队等候超过一小时,只开两个窗口(联系电话18223841151)",
         "吴先生反映柜员办理业务时态度冷淡,不耐烦解释",
         "吴先生反映排队等候超过一小时,只开两个窗口(身份证号420106199505213646)",
         "徐先生认为信用卡年费收取标准未提前告知",
         "黄女士反映排队等候超过一小时,只开两个窗口",
         "客户孙某某反映工作人员对老年客户缺乏耐心"]


@pytest.fixture(scope="module")
def t():
    return load_params().complaints.text  # min_texts 30, min_term_texts 3, rising_min_texts 3, alpha 0.05


def test_eight_texts_say_too_few_and_list_no_word(t):
    k = keywords.keywords(EIGHT, EIGHT * 5, t)
    assert k["notice"] == "本月有内容的投诉 8 条，文本不足 30 条，不列关键词。"
    assert k["terms"] is None and k["phrases"] is None and k["rising"] is None


def test_enough_texts_list_terms_used_by_enough_complaints(t):
    # 32 texts: the 8 four times. By hand (banking dictionary, stop list, HMM off):
    # 排队等候 and 窗口 are in 3 of 8 -> 12 of 32; 柜员 2 of 8 -> 8; 理财产品 1 of 8 -> 4 ...
    now = EIGHT * 4
    k = keywords.keywords(now, [], t)
    assert k["notice"] is None
    terms = k["terms"].set_index("term")
    assert terms.loc["排队等候", "texts"] == 12 and terms.loc["窗口", "texts"] == 12
    assert terms.loc["柜员", "texts"] == 8
    assert terms["texts"].min() >= t.min_term_texts
    for junk in ("只开", "时未", "时未充分", "销售时未", "所购", "客户徐", "客户孙"):
        assert junk not in terms.index and junk not in set(k["phrases"]["term"])
    # the 3 months before hold no text: rising terms are not judged, and the page says why
    assert k["rising"] is None
    assert k["rising_notice"] == "前 3 个月有内容的投诉 0 条，文本不足 30 条，不判断哪些词在上升。"


def test_rising_terms_need_the_test(t):
    # now: 32 texts, 排队等候 in 12 (37.5%); before: 40 texts, 排队等候 in 2 (5%).
    # Fisher one-sided p for 12/32 vs 2/40 is far below 0.05 (the stats tests check the p-value itself)
    before = ["柜员态度冷淡"] * 38 + ["排队等候时间过长"] * 2
    k = keywords.keywords(EIGHT * 4, before, t)
    rising = k["rising"].set_index("term")
    assert "排队等候" in rising.index and rising.loc["排队等候", "q_value"] <= t.rising_alpha
    # 柜员: 8 of 32 now (25%) against 38 of 40 before: it fell, never rising
    assert "柜员" not in rising.index
    text = keywords.rising_sentence(k["rising"], t)
    assert text.startswith("与前 3 个月相比，占比显著上升的词：") and "显著性水平 5%" in text


def test_p_values_read_without_a_false_zero():
    assert keywords.p_text(0.0004) == "<0.001" and keywords.p_text(0.0123) == "0.012"


def test_section_on_the_fixture_month_says_too_few(con):
    # October 2026 of the fixture: 6 complaints, all with a description
    scope = Scope.of(org.outlet_tree(con), None)
    shown = keywords.section(con, load_params(), scope, Period.month(MONTH))
    assert [x.data for x in shown] == ["本月有内容的投诉 6 条，文本不足 30 条，不列关键词。"]


@pytest.fixture(scope="module")
def con():
    con = build()
    yield con
    con.close()
