"""views.kpi_display: one way to show a KPI row (value in the catalogue's unit, interval, status word)."""

import pandas as pd

from svc_analysis.views import kpi_display


def _row(metric, value, status, *, level="outlet", unit="O1", target=None, lower=None, upper=None):
    return {"metric": metric, "level": level, "unit_id": unit, "value": value, "target": target,
            "status": status, "lower": lower, "upper": upper, "numerator": None, "denominator": None}


def test_values_in_the_catalogue_unit():
    assert kpi_display.value_text("satisfaction_rate", 0.853) == "85.3%"  # share
    assert kpi_display.value_text("complaint_rate_per_10k", 10.0) == "10.00"  # per 10,000: two decimals
    assert kpi_display.value_text("complaints_total", 1234) == "1,234"  # count
    assert kpi_display.value_text("avg_wait_minutes", 7.25) == "7.2"  # minutes: one decimal (7.25 -> 7.2)
    assert kpi_display.value_text("satisfaction_rate", float("nan")) == "无数据"
    # the net promoter score as the satisfaction page's sentence reads it (净推荐值 NPS +65), never a percent:
    # 65.4% promoters' minus detractors' share x 100 = +65.4 -> +65; 12% more detractors -> -12
    assert kpi_display.value_text("nps", 0.654) == "+65"
    assert kpi_display.value_text("nps", -0.12) == "-12"
    # a reduction below zero is a rise: 1 - 18.9 / 10.0 = -0.89 reads 不降反升 89.0%, never 下降 -89.0%
    assert kpi_display.value_text("complaint_rate_reduction", 1 - 18.9 / 10.0, target=0.4) == "不降反升 89.0%"
    assert kpi_display.value_text("complaint_rate_reduction", 0.0) == "0.0%"


def test_rounding_never_contradicts_the_judgment():
    # 0.3995 missed 0.40: at one decimal it would read 40.0%, so a second decimal shows what decided
    assert kpi_display.value_text("complaint_rate_reduction", 0.3995, target=0.40) == "39.95%"
    assert kpi_display.value_text("complaint_rate_reduction", 0.4004, target=0.40) == "40.0%"
    assert kpi_display.value_text("complaint_rate_reduction", 0.40, target=0.40) == "40.0%"  # met exactly
    # lower is better: 5.04% overtime against a 5% line missed; 5.0% would read as met
    assert kpi_display.value_text("overtime_wait_share", 0.0504, target=0.05) == "5.04%"
    assert kpi_display.value_text("overtime_wait_share", 0.0496, target=0.05) == "5.0%"
    assert kpi_display.interval_text("complaint_rate_reduction", 0.31, 0.48, 0.3995, 0.40) == "31.00%–48.00%"
    assert kpi_display.target_text("complaint_rate_reduction", 0.4) == "≥ 40.0%"
    assert kpi_display.target_text("complaints_responsible", 0) == "≤ 0"


def test_table_shows_status_words_and_no_interval_for_a_small_sample():
    rows = pd.DataFrame([
        _row("satisfaction_rate", 0.92, "met", target=0.9, lower=0.90, upper=0.94),
        _row("satisfaction_rate", 0.5, "small_sample", unit="O2", target=0.9, lower=0.2, upper=0.8),
        _row("satisfaction_rate", None, "no_data", unit="O3", target=0.9),
    ])
    shown = kpi_display.table(rows, names={"O1": "一号网点"}, level_labels={"outlet": "网点"})
    assert shown.frame.to_dict("records") == [
        {"指标": "满意率", "层级": "网点", "单位": "一号网点", "本月": "92.0%", "区间": "90.0%–94.0%",
         "目标": "≥ 90.0%", "状态": "达标"},
        {"指标": "满意率", "层级": "网点", "单位": "O2", "本月": "50.0%", "区间": "", "目标": "≥ 90.0%",
         "状态": "样本不足"},
        {"指标": "满意率", "层级": "网点", "单位": "O3", "本月": "无数据", "区间": "", "目标": "≥ 90.0%",
         "状态": "无数据"},
    ]
    html = shown._repr_html_()
    assert '<span class="kpi" data-kpi="satisfaction_rate|outlet|O2" data-kpi-status="small_sample">50.0%</span>' in html
    assert '<span class="kpi-status" data-kpi-label="satisfaction_rate|outlet|O2">样本不足</span>' in html


def test_wide_cells_and_hostile_names_are_escaped():
    rows = pd.DataFrame([
        _row("complaint_rate_per_10k", 15.0, "no_target", unit="<b>x</b>", lower=5.0, upper=35.0),
        _row("complaints_total", 3, "no_target", unit="<b>x</b>"),
        _row("complaint_rate_per_10k", 10.0, "small_sample", unit="O3", lower=2.0, upper=50.0),
    ])
    shown = kpi_display.wide(rows, ["complaints_total", "complaint_rate_per_10k"], index_name="网点")
    assert shown.frame.to_dict("records") == [
        {"网点": "<b>x</b>", "投诉总量": "3", "万人投诉率": "15.00（5.00–35.00）"},
        {"网点": "O3", "投诉总量": "", "万人投诉率": "10.00 样本不足"},
    ]
    html = shown._repr_html_()
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert 'data-kpi="complaint_rate_per_10k|outlet|&lt;b&gt;x&lt;/b&gt;"' in html
