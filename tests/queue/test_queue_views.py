"""queue.views on the hand-built warehouse (tests/queue/support.py lists every ticket): the month's
headline sentence from the KPI rows, the headline table's levels; expected values by hand in
tests/queue/test_queue.py. Threshold 20 min, tolerance 0.05."""

from svc_analysis.queue import queue, views
from tests.queue.support import MONTH, TOL, T


def test_overtime_outlets_and_headline(con, tree):
    levels = queue.level_stats(con, MONTH, T, tree)
    late = queue.overtime_outlets(levels, tree, TOL)
    assert late["outlet_id"].tolist() == ["42000201", "42000101"]  # worst first
    rows = queue.wait_kpis(con, MONTH, tree, threshold=T, tolerance=TOL, outlets_target=0)
    text = views.headline_sentence(rows, "province", "province", "全省", threshold=T, tolerance=TOL,
                                   outlets_target=0, overtime_outlets=late["outlet_name"].tolist())
    assert "21.4 分钟" in text and "36.0 分钟" in text and "42.9%" in text and "22.2%" in text
    assert "**2 个**" in text and "未达到" in text and "丙网点、甲网点" in text and "本行自定" in text
    assert "无数据" in views.headline_sentence(rows, "branch", "二分行", "二分行", threshold=T, tolerance=TOL,
                                               outlets_target=0, overtime_outlets=[])
    summary = views.summary_levels(levels, "province")
    assert summary["level"].tolist() == ["province", "branch", "branch"]


def test_headline_names_only_the_worst_few(con, tree):
    rows = queue.wait_kpis(con, MONTH, tree, threshold=T, tolerance=TOL, outlets_target=0)
    names = [f"网点{i}" for i in range(views.NAMES_IN_TEXT + 2)]
    text = views.headline_sentence(rows, "province", "province", "全省", threshold=T, tolerance=TOL,
                                   outlets_target=5, overtime_outlets=names)
    assert "网点4" in text and "网点5" not in text and "等（超时占比最高的 5 个）" in text
    assert "达到目标" in text and "未达到" not in text  # 2 overtime outlets against a target of 5
