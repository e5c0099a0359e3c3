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
