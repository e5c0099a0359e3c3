"""summary_figures: the front page's key figures from a hand-written kpis.csv (province and a scope)."""

import re

from svc_analysis.summary import figures as summary_figures


def text(figure) -> tuple:
    """A figure as the reader sees it: the data-kpi marks (views.kpi_display spans) taken off."""
    return tuple(re.sub(r"<[^>]+>", "", v) if isinstance(v, str) else v for v in figure)

HEADLINE = {"satisfaction": "satisfaction_rate", "queue": "overtime_outlets", "campaign": "campaign_progress:",
            "staff": "star_teller_rate"}
CSV = """month,area,metric,level,unit_id,value,numerator,denominator,target,meets_target,status
2026-10,quality,outlet_day_coverage:tickets,province,province,0.99,99,100,,,no_target
2026-10,satisfaction,satisfaction_rate,province,province,0.9236,9236,10000,0.9,true,met
2026-10,satisfaction,satisfaction_rate,branch,宜昌分行,0.85,85,100,0.9,false,missed
2026-10,queue,overtime_outlets,province,province,25,,,0,false,missed
2026-10,campaign,campaign_progress:atms,province,province,0.4,120,300,0.83,false,behind
2026-10,campaign,campaign_progress:news,province,province,0.98,51,52,0.83,true,on_track
2026-10,campaign,campaign_progress:lobby,province,province,0.97,0.97,1,1,false,at_risk
2026-10,campaign,report_on_time,province,province,0.6,3,5,1,false,missed
"""
FIXED_NOTE = "本月达到目标的指标数 / 有固定目标且有数据的指标数（服务活动进度另计）"


def test_province_figures_with_marks_and_links(tmp_path):
    (tmp_path / "kpis.csv").write_text(CSV, encoding="utf-8-sig")
    (tmp_path / "20_satisfaction.html").write_text("", encoding="utf-8")
    (tmp_path / "90_summary.html").write_text("", encoding="utf-8")
    figures = summary_figures.key_figures(tmp_path / "kpis.csv", headline=HEADLINE, names={"atms": "新投放ATM"})
    # fixed targets at the province: satisfaction met; overtime outlets and report_on_time missed -> 1/3;
    # campaign progress apart: news on track, lobby at risk, atms behind -> 1/3
    assert figures[0] == ("服务指标达标", "1/3", FIXED_NOTE, None)
    assert text(figures[1]) == ("满意度：满意率", "92.4%", "✓ 达标（目标 ≥ 90.0%）", "20_satisfaction.html")
    assert text(figures[2]) == ("排队效率：超时网点数", "25", "✗ 未达标（目标 ≤ 0）", None)
    assert figures[3] == ("服务活动：进度正常的活动指标", "1/3",
                          "✗ 进度滞后 1 项：新投放ATM；进度预警 1 项：lobby", None)
    assert figures[4] == ("员工资质：星级柜员率", "无数据", "本月未发布", None)
    assert figures[5][0] == "管理摘要与网点预警" and figures[5][3] == "90_summary.html"
    # value and status word carry the row's key, for tests/pack/test_consistency.py
    assert figures[1][1] == ('<span class="kpi" data-kpi="satisfaction_rate|province|province" '
                             'data-kpi-status="met">92.4%</span>')
    assert 'data-kpi-label="satisfaction_rate|province|province">达标</span>' in figures[1][2]


def test_a_small_sample_row_says_so_on_the_index(tmp_path):
    small = CSV.replace("branch,宜昌分行,0.85,85,100,0.9,false,missed", "branch,宜昌分行,0.85,85,100,0.9,,small_sample")
    scoped = "\n".join(line for line in small.splitlines() if ",province," not in line) + "\n"
    (tmp_path / "kpis.csv").write_text(scoped, encoding="utf-8-sig")
    figures = summary_figures.key_figures(tmp_path / "kpis.csv", headline={"satisfaction": "satisfaction_rate"})
    assert text(figures[1])[1:3] == ("85.0%", "— 样本不足（目标 ≥ 90.0%）")  # shown, not judged


def test_scoped_run_uses_the_scope_rows(tmp_path):
    scoped = "\n".join(line for line in CSV.splitlines() if ",province," not in line) + "\n"
    (tmp_path / "kpis.csv").write_text(scoped, encoding="utf-8-sig")
    figures = summary_figures.key_figures(tmp_path / "kpis.csv", headline={"satisfaction": "satisfaction_rate"})
    assert text(figures[1])[:3] == ("满意度：满意率", "85.0%", "✗ 未达标（目标 ≥ 90.0%）")


def test_missing_or_header_only_kpis(tmp_path):
    assert summary_figures.key_figures(tmp_path / "none.csv", headline=HEADLINE) == []
    (tmp_path / "kpis.csv").write_text(CSV.splitlines()[0] + "\n", encoding="utf-8-sig")
    assert summary_figures.key_figures(tmp_path / "kpis.csv", headline=HEADLINE) == []


def test_index_links_each_figure_and_marks_read_in_black_and_white(tmp_path):
    from datetime import datetime
    from types import SimpleNamespace

    from svc_analysis.pack.export import write_index

    now = datetime(2026, 11, 2, 8, 0)
    result = SimpleNamespace(notebooks=[], exit_code=0, failed=[], kpi_error=None, workbook_error=None,
                             workbook=None, started_at=now, finished_at=now)
    settings = SimpleNamespace(month="2026-10", scope=None, warehouse="w.duckdb", params_file=None)
    figures = [("满意度：满意率", "92.4%", "✓ 达标（目标 ≥ 90.0%）", "20_satisfaction.html"),
               ("排队效率：超时网点数", "25", "✗ 未达标（目标 ≤ 0）", None)]
    html = write_index(tmp_path, result, settings, key_figures=figures).read_text(encoding="utf-8")
    assert ('<td><a href="20_satisfaction.html">满意度：满意率</a></td><td class="value num">92.4%</td>'
            '<td class="ok">✓ 达标（目标 ≥ 90.0%）</td>') in html
    assert '<td>排队效率：超时网点数</td><td class="value num">25</td><td class="failed">✗ 未达标（目标 ≤ 0）</td>' in html


JUDGED = """month,area,metric,level,unit_id,value,numerator,denominator,target,meets_target,status
2026-10,satisfaction,satisfaction_rate,province,province,0.95,95,100,0.9,false,missed
2026-10,queue,overtime_outlets,province,province,25,,,0,true,met
2026-10,campaign,campaign_progress:atms,province,province,0.1,10,100,0.83,true,on_track
2026-10,campaign,campaign_progress:news,province,province,0.99,99,100,,false,at_risk
2026-10,campaign,campaign_progress:drills,province,province,0.99,99,100,0.83,,no_target
"""


def test_index_shows_the_rows_own_judgments(tmp_path):
    """The index judges nothing: rows whose meets_target contradicts value vs target (or that carry a
    judgment without a target) are shown exactly as the area published them."""
    from datetime import datetime
    from types import SimpleNamespace

    from svc_analysis.pack.export import write_index

    (tmp_path / "kpis.csv").write_text(JUDGED, encoding="utf-8-sig")
    figures = summary_figures.key_figures(tmp_path / "kpis.csv", headline=HEADLINE, names={"atms": "新投放ATM"})
    assert figures[0][1] == "1/2"  # rows judged against a fixed target: 1 says met
    assert text(figures[1])[2].startswith("✗ 未达标")  # 95% ≥ 90% but the row says not met
    assert text(figures[2])[2].startswith("✓ 达标")  # 25 > 0 but the row says met
    # the unjudged row is not counted, but named (campaign rows are no_target only without a baseline)
    assert figures[3][1:3] == ("1/2", "✗ 进度预警 1 项：news；基数未填报、未判断 1 项：drills")
    now = datetime(2026, 11, 2, 8, 0)
    result = SimpleNamespace(notebooks=[], exit_code=0, failed=[], kpi_error=None, workbook_error=None,
                             workbook=None, started_at=now, finished_at=now)
    settings = SimpleNamespace(month="2026-10", scope=None, warehouse="w.duckdb", params_file=None)
    html = write_index(tmp_path, result, settings, key_figures=figures).read_text(encoding="utf-8")
    assert ('<td class="failed">✗ <span class="kpi-status" data-kpi-label="satisfaction_rate|province|province">'
            '未达标</span>（目标 ≥ 90.0%）</td>') in html
    assert ('<td class="ok">✓ <span class="kpi-status" data-kpi-label="overtime_outlets|province|province">'
            '达标</span>（目标 ≤ 0）</td>') in html
    assert '<td class="failed">✗ 进度预警 1 项：news；基数未填报、未判断 1 项：drills</td>' in html


NOVEMBER = """month,area,metric,level,unit_id,value,numerator,denominator,target,meets_target
2026-11,inspections,mystery_score_avg,province,province,,0,0,98,
2026-11,inspections,mystery_score_latest_round,province,province,93.47058823529412,3178,34,98,false
2026-11,inspections,mystery_score_quarter,province,province,93.47058823529412,3178,34,98,false
2026-11,queue,overtime_outlets,province,province,25,25,48,0,false
"""


def test_a_month_without_a_round_shows_the_round_and_overtime_outlets_their_denominator(tmp_path):
    """Issue 14: November has no mystery round (无数据) but October's round averaged 3178 / 34 = 93.47
    against 98: the index shows it and the quarter to date on their own lines. 25 overtime outlets of the
    48 that served customers read "25 / 48" with the catalogue's Chinese definition."""
    (tmp_path / "kpis.csv").write_text(NOVEMBER, encoding="utf-8-sig")
    headline = {"inspections": ["mystery_score_avg", "mystery_score_latest_round", "mystery_score_quarter"],
                "queue": "overtime_outlets"}
    figures = summary_figures.key_figures(tmp_path / "kpis.csv", headline=headline)
    assert figures[0][1] == "0/3"   # none met of three judged rows (the empty month is not judged)
    assert text(figures[1])[:3] == ("检查：神秘人检查平均分", "无数据", "— 无数据（目标 ≥ 98.0）")
    assert text(figures[2])[:3] == ("检查：神秘人检查最近一轮平均分", "93.5", "✗ 未达标（目标 ≥ 98.0）")
    assert text(figures[3])[:3] == ("检查：神秘人检查本季度平均分", "93.5", "✗ 未达标（目标 ≥ 98.0）")
    label, value, note, _ = text(figures[4])
    assert (label, value) == ("排队效率：超时网点数", "25 / 48")
    # the definition names the counted base: outlets with at least the minimum volume of customers served
    assert note.startswith("✗ 未达标（目标 ≤ 0）。本月已叫号客户不少于最低样本量（默认100人）的网点中，"
                           "超时等候客户占比高于超时网点判定线的网点数；分子为超时网点数，分母为计入判定的网点数")
    assert "不足最低样本量的网点样本不足，不计入" in note


def test_a_campaign_share_without_its_baseline_is_named_not_counted(tmp_path):
    """Issue 14: a growth share whose baseline params leave null has status no_target (基数未填报): the index
    counts it neither as on track nor in the denominator, and names it so it is not hidden."""
    csv = CSV + "2026-10,campaign,campaign_progress:smart,province,province,1.0,0.6,0.6,,,no_target\n"
    (tmp_path / "kpis.csv").write_text(csv, encoding="utf-8-sig")
    figures = summary_figures.key_figures(tmp_path / "kpis.csv", headline=HEADLINE,
                                          names={"atms": "新投放ATM", "smart": "智能化网点覆盖率"})
    # still news on track of news, lobby and atms: 1/3
    assert figures[3][:3] == ("服务活动：进度正常的活动指标", "1/3",
                              "✗ 进度滞后 1 项：新投放ATM；进度预警 1 项：lobby；基数未填报、未判断 1 项：智能化网点覆盖率")


def test_index_names_an_unverified_campaign_row_apart(tmp_path):
    """A campaign row whose actual the outlets table does not back (status unverified, 待核实) is neither
    on track nor behind on the index: not in x/y, named after the judged ones in its own word."""
    rows = JUDGED + ("2026-10,campaign,campaign_progress:offsite,province,province,1.02,51,50,1.0,,unverified\n")
    (tmp_path / "kpis.csv").write_text(rows, encoding="utf-8-sig")
    figures = summary_figures.key_figures(tmp_path / "kpis.csv", headline=HEADLINE,
                                          names={"offsite": "新建离行式自助银行"})
    # judged campaign rows: atms on track, news at risk -> 1/2 as before; offsite named as 待核实
    assert figures[3][1:3] == ("1/2", "✗ 进度预警 1 项：news；基数未填报、未判断 1 项：drills；"
                                      "与网点表不符、待核实 1 项：新建离行式自助银行")
