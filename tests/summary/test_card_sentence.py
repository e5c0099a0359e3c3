"""The scorecard's sentence counts the fixed targets and the campaign's progress apart, as the index
does (summary.figures: 服务指标达标 5/16, 进度正常的活动指标 5/11), and names the reduction's base year."""

import pandas as pd

from svc_analysis.core.params import load_params
from svc_analysis.summary import scorecard, views


def _card(*rows):
    return pd.DataFrame([{"level": "province", "unit_id": "province", "metric": m, "meets_target": meets,
                          "better_previous": better} for m, meets, better in rows])


def test_fixed_targets_and_campaign_progress_are_counted_apart():
    card = _card(("satisfaction_rate", True, True),
                 ("complaint_rate_reduction", False, False),
                 ("report_on_time", False, None),                 # the campaign area's, but a fixed target
                 ("complaints_closed_on_time_rate", None, None),  # small_sample: not judged
                 ("campaign_progress:new_atms", False, True),     # behind
                 ("campaign_progress:news_items", True, None))    # on track
    text = views.card_sentence(card, "province", "province", "全省", scorecard.metric_names(load_params()))
    # fixed: satisfaction, reduction, report_on_time judged (3), satisfaction met (1); campaign: 2, on track 1;
    # better_previous: satisfaction and new_atms better (2), the reduction worse (1)
    assert text == ("全省本月有固定目标且有数据的 3 项指标中 **1 项达标**，服务活动 2 项指标中进度正常 1 项；"
                    "与上月相比向好 2 项、变差 1 项。未达标的非活动指标：投诉率较2025年下降、进展月报按时报送率。")


def test_without_campaign_rows_the_campaign_clause_is_left_out():
    text = views.card_sentence(_card(("satisfaction_rate", True, None)), "province", "province", "武汉分行")
    assert text == "武汉分行本月有固定目标且有数据的 1 项指标中 **1 项达标**；与上月相比向好 0 项、变差 0 项。"
