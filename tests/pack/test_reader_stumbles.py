"""tests/pack/reader_words.stumbles on sentences taken from the October tiny pack as a manager read it
(before the fixes in the complaints clusters, the summary notebook and the NPS unit), and on the
fixed wording, which passes."""

from tests.pack import reader_words as rw

ALGEBRA = "对过去各月 m 按同样规则打分，比较 m 月被预警与未被预警的网点在 m+1 月的结果"


def test_what_the_manager_stumbled_on_is_found():
    assert rw.stumbles("序列|投诉类别:系统故障") == ["ASCII colon between Chinese words: '别:系'"]
    assert rw.stumbles("所有数字都取自各领域报告（10-60）自己的计算函数") == ["programmers' word: '函数'"]
    # three hits: '各月 m', 'm 月' (比较 m 月) and 'm+1'
    assert {hit.split(":")[0] for hit in rw.stumbles(ALGEBRA)} == {"month algebra"}
    assert len(rw.stumbles(ALGEBRA)) == 3
    # the satisfaction page's KPI table: name, level, unit, value on their own lines
    assert [hit.split(":")[0] for hit in rw.stumbles("净推荐值 NPS\n全省\n全省\n65.4%\n无目标")] == ["NPS as a percent"]


def test_the_fixed_wording_passes():
    text = ("投诉类别：系统故障\n所有数字都取自各领域页面（10–60 页）的计算结果\n"
            "对过去每个月按同样规则打分，比较当月被预警与未被预警的网点在下一个月的结果\n"
            "净推荐值 NPS\n全省\n全省\n+65\n无目标\n净推荐值 NPS +65。2026-10 共收回问卷 26 份，占比 100.0%")
    assert rw.stumbles(text) == []


def test_absurd_figures_and_counts_without_separators_are_found():
    # the November small pack (issue 14, second reading): a sub-branch's reduction interval, a month's ratings,
    # the complaints ledger's total
    assert rw.stumbles("不降反升 153.5%\n（-1026.7%–29.2%）") == ["absurd percentage: '-1026.7%'"]
    assert rw.stumbles("满意率 92.2%（95% 区间 92.0%–92.5%，共 48705 条评价）") == [
        "count without separators: '48705 条'"]
    assert rw.stumbles("本月责任性投诉 5 件，扣罚合计 1450 元") == ["count without separators: '1450 元'"]
    # the November small pack's questionnaire sentence (issue 14, last reading)
    assert rw.stumbles("2025-12 至 2026-11 共 1758 份完整答卷") == ["count without separators: '1758 份'"]
    # the fixed wording passes; years, dates, ids and percentages below 1,000% are not counts
    assert rw.stumbles("不降反升 153.5%（区间过宽）；共 48,705 条评价；扣罚合计 1,450 元；104.2%；"
                       "2026 年 1–11 月；网点 42010101；员工编号 1000151") == []


def test_method_names_are_found_and_plain_words_pass():
    # sentences of the October small pack (issue 14, reader-facing words): the method named, not what it tells
    found = rw.stumbles("区间为 95% Wilson 区间。实线为 99.8% 控制限（Spiegelhalter 2005）。采用 Laney p′ 控制图；"
                        "两两比较用 Welch t 检验并以 Holm 法校正。按 Erlang-C 排队模型估算。Spearman 等级相关系数。"
                        "单侧 Fisher 精确检验。LMG/Shapley 分解。问卷总体满意（CSAT）。经验贝叶斯收缩（beta-二项模型）")
    names = [hit.split(": ", 1)[1].strip("'") for hit in found if hit.startswith("method name")]
    assert names == ["Wilson", "Spiegelhalter", "Laney", "p′", "Welch", "Holm", "Erlang", "Spearman", "Fisher",
                     "LMG", "Shapley", "CSAT", "beta-二项"]
    # the November small pack: the names in Chinese are jargon too (quasi-Poisson, chi-square, t distribution)
    assert [h.split(": ", 1)[1] for h in rw.stumbles("超过准泊松上限；二项分布（卡方检验）；平均分及其区间（t 分布）")] == [
        "'泊松'", "'卡方检验'", "'t 分布'"]
    # and the session-6 reading: least squares, the cluster bootstrap, the exponential service time
    assert [h.split(": ", 1)[1] for h in rw.stumbles("直线为最小二乘拟合；（按网点整群自助抽样）；办理时间服从指数分布")] == [
        "'最小二乘'", "'整群'", "'自助抽样'", "'指数分布'"]
    # the plain words pass; a word merely containing a name's letters does not count
    assert rw.stumbles("区间为 95% 置信区间；虚线、实线为漏斗图控制限；已校正过度离散；贡献分解；多重比较校正后；"
                       "两组均值差异检验；等级相关；排队模型估算；精确检验；问卷满意率；按全省水平收缩后的估计；"
                       "Fishery Holmes") == []
