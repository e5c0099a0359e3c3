"""The display rules of views.formats where shares meet their targets outside the complaints page:
the summary's scorecard and the index's key figures, and the satisfaction page's changes (issue 14)."""

from __future__ import annotations

import re

import pandas as pd

from svc_analysis.engine import kpis
from svc_analysis.satisfaction import satisfaction
from svc_analysis.summary import figures, scorecard


def test_scorecard_shows_the_digits_that_decide():
    # 0.3995 against at least 0.40: not met, so not 40.0%
    assert scorecard.fmt_value("complaint_rate_reduction", 0.3995, 0.40, True) == "39.95%"
    assert scorecard.fmt_value("complaint_rate_reduction", 0.4, 0.40, True) == "40.0%"
    assert scorecard.fmt_value("satisfaction_rate", 0.9236) == "92.4%"  # no target: one decimal


def test_scorecard_changes_never_show_negative_zero():
    # -0.0004 is -0.04 points: 0.0 at one decimal
    assert scorecard.fmt_change("satisfaction_rate", -0.0004) == "0.0 个百分点"
    assert scorecard.fmt_change("satisfaction_rate", -0.2) == "-20.0 个百分点"
    assert scorecard.fmt_change("complaints_total", -0.4) == "0"  # a count change of -0.4 shows as 0
    assert scorecard.fmt_change("complaints_total", -1234) == "-1,234"
    assert scorecard.trend_text("satisfaction_rate", -0.0004, "flat", None) == "＝ 0.0 个百分点 持平"


def test_unit_card_and_unit_table(tmp_path):
    card = pd.DataFrame([{"area": "complaints", "metric": "complaint_rate_reduction", "level": "province",
                          "unit_id": "province", "value": 0.3995, "target": 0.4, "meets_target": False,
                          "higher_is_better": True, "change_previous": -0.0004, "move_previous": "flat",
                          "better_previous": None, "change_last_year": None, "move_last_year": None,
                          "better_last_year": None}])
    shown = scorecard.unit_card(card, "province", "province").iloc[0]
    assert (shown["本月"], shown["达标"], shown["较上月"]) == ("39.95%", "✗ 未达标", "＝ 0.0 个百分点 持平")
    table = scorecard.unit_table(card, "province")
    assert table.loc["投诉率较基年下降", "province"] == "39.95% ✗"


def test_key_figure_on_the_index(tmp_path):
    row = dict(month="2026-11", area="complaints", metric="complaint_rate_reduction", level="province",
               unit_id="province", value=0.3995, numerator=12.01, denominator=20.0, target=0.4, meets_target=False)
    path = tmp_path / "kpis.csv"
    pd.DataFrame([row], columns=kpis.KPI_COLUMNS).to_csv(path, index=False, encoding="utf-8-sig")
    rows = figures.key_figures(path, headline={"complaints": "complaint_rate_reduction"})
    label, value, note, _ = rows[1]
    assert re.sub(r"<[^>]+>", "", value) == "39.95%" and re.sub(r"<[^>]+>", "", note).startswith("✗ 未达标")


def test_satisfaction_changes_in_points():
    assert satisfaction._points(-0.0004) == "0.0 个百分点"
    assert satisfaction._points(0.667) == "+66.7 个百分点"
    assert satisfaction._points(float("nan")) == "无数据"


def test_nps_never_shows_negative_zero():
    from svc_analysis.views import formats

    # NPS -0.4 points rounds to 0 at whole points: '0', not '-0'
    assert formats.signed(-0.004 * 100, 0) == "0" and formats.signed(0.333 * 100, 0) == "+33"
