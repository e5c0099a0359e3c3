"""The complaint-rate reduction names its base year wherever the index and the summary scorecard
show it (issue 14 "name the base year"): from params complaints.base_year, not retyped."""

import re

import pandas as pd

from svc_analysis.core.params import load_params
from svc_analysis.summary import figures as summary_figures
from svc_analysis.summary import scorecard

CSV = """month,area,metric,level,unit_id,value,numerator,denominator,target,meets_target,status
2026-10,complaints,complaint_rate_reduction,province,province,0.3995,12.01,20.0,0.4,false,missed
"""


def _params(base_year: int):
    params = load_params()
    return params.model_copy(update={"complaints": params.complaints.model_copy(update={"base_year": base_year})})


def test_the_reduction_is_named_with_the_params_base_year():
    # params/complaints.yaml: base_year 2025; a copy with 2024 names 2024: the name follows params
    assert load_params().complaints.base_year == 2025
    assert scorecard.metric_names(load_params())["complaint_rate_reduction"] == "投诉率较2025年下降"
    assert scorecard.label("complaint_rate_reduction", scorecard.metric_names(_params(2024))) == "投诉率较2024年下降"
    # campaign KPI names still come by kpi_id (params campaign: new_atms 新投放ATM)
    assert scorecard.label("campaign_progress:new_atms", scorecard.metric_names(load_params())) == "活动进度：新投放ATM"


def test_the_index_figure_names_the_base_year(tmp_path):
    (tmp_path / "kpis.csv").write_text(CSV, encoding="utf-8-sig")
    figures = summary_figures.key_figures(tmp_path / "kpis.csv", headline={"complaints": "complaint_rate_reduction"},
                                          names=scorecard.metric_names(load_params()))
    label, value, note, _ = figures[1]
    assert label == "投诉：投诉率较2025年下降"
    assert re.sub(r"<[^>]+>", "", str(value)) == "39.95%"  # the digits that decide against 40%


def test_the_scorecard_table_names_the_base_year():
    card = pd.DataFrame([{"area": "complaints", "metric": "complaint_rate_reduction", "level": "province",
                          "unit_id": "province", "value": 0.3995, "target": 0.4, "meets_target": False,
                          "higher_is_better": True, "change_previous": None, "move_previous": None,
                          "better_previous": None, "change_last_year": None, "move_last_year": None,
                          "better_last_year": None}])
    names = scorecard.metric_names(load_params())
    assert "投诉率较2025年下降" in scorecard.unit_table(card, "province", names=names).index
    assert scorecard.unit_card(card, "province", "province", names)["指标"].tolist() == ["投诉率较2025年下降"]


def test_a_negative_reduction_reads_as_a_rise_on_the_scorecard_as_on_the_pages():
    # year to date 18.9 per 10k against 10.0 in the base year: 1 - 18.9 / 10.0 = -0.89, a rise of 89%
    from svc_analysis.summary import scorecard
    from svc_analysis.views import kpi_display

    shown = scorecard.fmt_value("complaint_rate_reduction", 1 - 18.9 / 10.0, 0.4)
    assert shown == kpi_display.value_text("complaint_rate_reduction", 1 - 18.9 / 10.0, 0.4) == "不降反升 89.0%"
    assert scorecard.fmt_value("complaint_rate_reduction", 0.3995, 0.4) == "39.95%"  # unchanged above zero
