"""客户投诉什么: page 10's keyword section, and the rule that no keyword outruns its texts (issue 14).

Terms, phrases and rising terms come from svc_analysis.stats.text (banking dictionary, stop list,
document counts, Fisher exact test with Benjamini-Hochberg); params/complaints.yaml ``text``:

- fewer than [text.min_texts] complaint texts in the month: the page says 文本不足 and lists no
  word (a word in 3 of 8 texts is 37.5%, and one text more or less moves it 12 points);
- a term or phrase is listed only when at least [text.min_term_texts] complaints use it;
- rising terms: the month against the [text.rising_months] months before it, only when those hold
  at least [text.min_texts] texts too; a term rises when at least [text.rising_min_texts]
  complaints use it, its share grew [text.rising_min_ratio] times and the one-sided Fisher exact
  test, adjusted for the number of terms tested, is significant at [text.rising_alpha].
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.complaints import complaints
from svc_analysis.core.period import Period
from svc_analysis.core.periods import add_months, month_bounds
from svc_analysis.core.safety import md_list
from svc_analysis.engine.scope import Scope
from svc_analysis.stats import text
from svc_analysis.views.plotting import display_frame

LABELS = {"term": "词", "count": "出现次数", "texts": "涉及投诉（件）", "share": "占比",
          "base_texts": "前期涉及（件）", "base_share": "前期占比", "ratio": "占比倍数",
          "p_value": "p值", "q_value": "校正后p值"}


def too_few(n_texts: int, minimum: int, what: str) -> str | None:
    """'本月有内容的投诉 8 条，文本不足 30 条，不列关键词。' below the minimum; None otherwise."""
    if n_texts >= minimum:
        return None
    return f"{what}有内容的投诉 {n_texts} 条，文本不足 {minimum} 条，不列关键词。"


def keywords(now, before, t) -> dict:
    """The section's figures for texts ``now`` and ``before`` with params ``t`` (complaints.text):
    n_now, n_before, notice (文本不足 sentence or None), terms, phrases, rising (None when not judged),
    rising_notice (why rising terms are not judged, or None)."""
    now, before = text.usable_texts(now), text.usable_texts(before)
    out = {"n_now": len(now), "n_before": len(before), "notice": too_few(len(now), t.min_texts, "本月"),
           "terms": None, "phrases": None, "rising": None, "rising_notice": None}
    if out["notice"]:
        return out
    opts = dict(stop_words=t.stop_words, stop_suffixes=t.stop_suffixes, user_words=t.user_words, min_len=t.min_len)
    out["terms"] = text.top_terms(now, n=t.top_n, min_texts=t.min_term_texts, **opts)
    out["phrases"] = text.top_terms(now, n=t.top_n, min_texts=t.min_term_texts, ngram=2, **opts)
    few_before = too_few(len(before), t.min_texts, f"前 {t.rising_months} 个月")
    if few_before:
        out["rising_notice"] = few_before.replace("不列关键词", "不判断哪些词在上升")
        return out
    out["rising"] = text.rising_terms(now, before, min_texts=t.rising_min_texts, min_ratio=t.rising_min_ratio,
                                      alpha=t.rising_alpha, **opts)
    return out


def p_text(p: float) -> str:
    """A p-value for readers: three decimals, '<0.001' below that (never a misleading 0.000)."""
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def rising_sentence(rising: pd.DataFrame, t) -> str:
    """Which terms rose (named), or that none did, with the test in words."""
    test = f"单侧精确检验，按检验的词数做多重比较校正，显著性水平 {t.rising_alpha * 100:g}%"
    if rising.empty:
        return f"与前 {t.rising_months} 个月相比，没有占比显著上升的词（{test}）。"
    return (f"与前 {t.rising_months} 个月相比，占比显著上升的词：{md_list(rising['term'])}（至少 "
            f"{t.rising_min_texts} 件投诉提到、占比至少为前期的 {t.rising_min_ratio:g} 倍；{test}）。")


def section(con, params, scope: Scope, period: Period) -> tuple:
    """Section 八 of page 10: the counts of texts, then the terms, phrases and rising terms or why not."""
    from IPython.display import Markdown

    t = params.complaints.text
    month = period.month_key
    start, end = month_bounds(month)
    now = complaints.descriptions(con, start, end, outlets=scope.outlets)
    before = complaints.descriptions(con, month_bounds(add_months(month, -t.rising_months))[0], start,
                                     outlets=scope.outlets)
    k = keywords(now, before, t)
    if k["notice"]:
        return (Markdown(k["notice"]),)
    head = f"本月有内容的投诉 {k['n_now']} 条；前 {t.rising_months} 个月 {k['n_before']} 条。"
    shown = [Markdown(head + f"下表只列至少 {t.min_term_texts} 件投诉提到的词和短语。")]
    for frame, title in ((k["terms"], "高频词"), (k["phrases"], "高频短语")):
        if frame.empty:
            shown.append(Markdown(f"**{title}**：没有被至少 {t.min_term_texts} 件投诉共同提到的{title[2:]}。"))
        else:
            shown += [Markdown(f"**{title}**"), display_frame(frame, LABELS, percent=("share",))]
    if k["rising"] is None:
        shown.append(Markdown(k["rising_notice"]))
        return tuple(shown)
    shown.append(Markdown(rising_sentence(k["rising"], t)))
    if not k["rising"].empty:
        rising = k["rising"].assign(ratio=k["rising"]["ratio"].round(1), p_value=k["rising"]["p_value"].map(p_text),
                                    q_value=k["rising"]["q_value"].map(p_text))
        shown.append(display_frame(rising, LABELS, percent=("share", "base_share")))
    return tuple(shown)
