"""summary.metric_text: a metric's value and change as people read them, and its name."""

from svc_analysis.summary import metric_text


def test_values_and_changes_read_as_written_by_hand():
    assert metric_text.fmt_value("satisfaction_rate", 0.9236) == "92.4%"
    assert metric_text.fmt_value("mystery_score_avg", 93.924) == "93.9"
    assert metric_text.fmt_value("overtime_outlets", 25.0) == "25"
    assert metric_text.fmt_value("complaint_rate_per_10k", 1.6877) == "1.69"
    assert metric_text.fmt_value("satisfaction_rate", None) == "无数据"
    assert metric_text.fmt_change("satisfaction_rate", -0.2) == "-20.0 个百分点"
    # the November small pack printed '＝ -0.0个百分点 持平' for 92.24% after 92.25%: a change that rounds
    # to zero has no sign (issue 14); the same holds for a score
    assert metric_text.fmt_change("satisfaction_rate", 0.9224 - 0.9225) == "0.0 个百分点"
    assert metric_text.fmt_change("mystery_score_avg", -0.04) == "0.0"


def test_campaign_kpis_are_named_from_params():
    assert metric_text.label("campaign_progress:atms", {"atms": "新投放ATM"}) == "活动进度：新投放ATM"


def test_the_summary_names_a_figure_as_its_area_page_does():
    """The November small pack's scorecard said 季度检查覆盖率, 超时等候占比 and 月报按时报送率 while the
    inspections, queue and campaign pages (the catalogue) said 神秘人检查季度覆盖率, 超时等候客户占比 and
    进展月报按时报送率: one figure, two names. The summary now reads the catalogue's name."""
    assert metric_text.label("inspection_coverage_quarter") == "神秘人检查季度覆盖率"
    assert metric_text.label("overtime_wait_share") == "超时等候客户占比"
    assert metric_text.label("report_on_time") == "进展月报按时报送率"


def test_units_come_from_the_catalogue():
    # nps is a balance of two shares (promoters − detractors, ×100 with its sign), never a percent;
    # money and counts are thousands-separated whole numbers; minutes keep one decimal
    assert metric_text.fmt_value("nps", 0.654) == "+65"
    assert metric_text.fmt_value("penalty_yuan", 12500) == "12,500"
    assert metric_text.fmt_change("overtime_outlets", -1234) == "-1,234"
    assert metric_text.fmt_value("avg_wait_minutes", 12.345) == "12.3"
    assert metric_text.is_share("satisfaction_rate") and not metric_text.is_share("nps")
