"""surveys.py on a hand-built surveys table: CSAT top-2 box, NPS, dimension scores, KPI rows."""

import math

import pandas as pd
import pytest

from svc_analysis.satisfaction import surveys
from svc_analysis.engine import warehouse

MONTH = "2026-10"
RULES = dict(csat_min_score=4, promoter_min=9, detractor_max=6)
TREE = pd.DataFrame({"outlet_id": ["O1", "O2", "O3"], "outlet_name": ["一", "二", "三"],
                     "subbranch": ["甲支行", "甲支行", "乙支行"], "branch": ["一分行"] * 3})
# response_id, outlet, day, overall, environment, attitude, efficiency, professionalism, recommend, comment
ANSWERS = [
    ("R1", "O1", "2026-10-01", 5, 5, 5, 4, 5, 10, "柜员专业耐心"),
    ("R2", "O1", "2026-10-15", 4, 4, 5, 3, None, 9, None),
    ("R3", "O1", "2026-10-31", 2, 3, 2, 1, 2, 3, "等候时间太长，联系13812345678"),
    ("R4", "O2", "2026-10-20", 3, None, None, None, None, None, "  "),
    ("R5", "O2", "2026-09-30", 5, 5, 5, 5, 5, 10, "九月的"),  # September
]
# October: O1 overall 5, 4, 2 -> CSAT 2/3; recommend 10, 9, 3 -> promoters 2, detractors 1: NPS 1/3.
# O2 overall 3 -> CSAT 0/1; no recommend -> NPS no data. O3: no answers.


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = warehouse.connect(tmp_path_factory.mktemp("surveys") / "w.duckdb")
    warehouse.ensure_schema(con)
    con.executemany("INSERT INTO surveys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ANSWERS)
    yield con
    con.close()


def test_dimensions_come_from_the_contract():
    assert surveys.DIMENSIONS == ("environment", "attitude", "efficiency", "professionalism")
    assert surveys.DIMENSION_ZH["efficiency"] == "效率"


def test_outlet_counts(con):
    counts = surveys.outlet_counts(con, MONTH, **RULES).set_index("outlet_id")
    assert counts.loc["O1", ["answers", "satisfied", "recommend_answers", "promoters", "detractors", "net"]].tolist() \
        == [3, 2, 3, 2, 1, 1]
    assert counts.loc["O2", ["answers", "satisfied", "recommend_answers", "net"]].tolist() == [1, 0, 0, 0]
    assert "O3" not in counts.index
    assert surveys.outlet_counts(con, MONTH, outlets=["O2"], **RULES).index.size == 1
    with pytest.raises(ValueError, match="nps_detractor_max"):
        surveys.outlet_counts(con, MONTH, csat_min_score=4, promoter_min=6, detractor_max=6)


def test_kpi_rows(con):
    rows = surveys.kpi_rows(surveys.outlet_counts(con, MONTH, **RULES), TREE, MONTH)
    rows = rows.set_index(["metric", "level", "unit_id"])
    assert rows.loc[("survey_csat", "outlet", "O1"), "value"] == pytest.approx(2 / 3)
    assert rows.loc[("survey_csat", "subbranch", "甲支行"), "value"] == pytest.approx(2 / 4)
    assert rows.loc[("nps", "outlet", "O1"), "value"] == pytest.approx(1 / 3)
    assert rows.loc[("nps", "province", "province"), ["numerator", "denominator"]].tolist() == [1, 3]
    assert pd.isna(rows.loc[("nps", "outlet", "O2"), "value"])  # no recommend answers: no data
    assert pd.isna(rows.loc[("survey_csat", "outlet", "O3"), "value"])
    assert rows["target"].isna().all()


def test_nps_summary(con):
    summary = surveys.nps_summary(surveys.outlet_counts(con, MONTH, **RULES))
    assert summary["answers"] == 4 and summary["csat"] == pytest.approx(0.5)
    assert summary["promoters"] == pytest.approx(2 / 3) and summary["detractors"] == pytest.approx(1 / 3)
    assert summary["nps"] == pytest.approx(1 / 3)
    empty = surveys.nps_summary(surveys.outlet_counts(con, "2026-11", **RULES))
    assert empty["answers"] == 0 and math.isnan(empty["csat"]) and math.isnan(empty["nps"])


def test_dimension_scores(con):
    scores = surveys.dimension_scores(con, [MONTH], csat_min_score=4).set_index("measure")
    # professionalism: 5 and 2 answered (R2, R4 left it empty): mean 3.5, top-2 1/2
    assert scores.loc["professionalism", ["answers", "mean", "top2"]].tolist() == [2, 3.5, 0.5]
    # efficiency 4, 3, 1: mean 8/3, top-2 1/3; overall 5, 4, 2, 3: mean 3.5, top-2 2/4
    assert scores.loc["efficiency", "mean"] == pytest.approx(8 / 3)
    assert scores.loc["overall", ["answers", "top2"]].tolist() == [4, 0.5]
    assert scores.loc["overall", "lower"] < 0.5 < scores.loc["overall", "upper"]
    none = surveys.dimension_scores(con, ["2026-11"], csat_min_score=4)
    assert none["answers"].eq(0).all() and none["mean"].isna().all() and none["top2"].isna().all()


def test_comments_skip_blanks_and_other_months(con):
    assert surveys.comments(con, [MONTH]) == ["柜员专业耐心", "等候时间太长，联系13812345678"]
    assert surveys.comments(con, ["2026-09", MONTH])[0] == "九月的"


def test_sentence(con):
    counts = surveys.outlet_counts(con, MONTH, **RULES)
    scores = surveys.dimension_scores(con, [MONTH], csat_min_score=4)
    text = surveys.sentence(surveys.nps_summary(counts), scores, MONTH, (MONTH, MONTH))
    assert "共收回问卷 4 份" in text and "50.0%" in text and "NPS +33" in text and "最低的是效率" in text


def test_for_display_says_no_data(con):
    shown = surveys.for_display(surveys.dimension_scores(con, ["2026-11"], csat_min_score=4))
    assert shown["平均分"].eq("无数据").all() and shown["前两档占比"].eq("无数据").all()
    shown = surveys.for_display(surveys.dimension_scores(con, [MONTH], csat_min_score=4))
    assert shown.loc[4, "平均分"] == "3.50" and shown.loc[4, "项目"] == "专业"


def test_sentence_nps_that_rounds_to_zero_has_no_sign(con):
    # 1 promoter and 1 detractor of 3 recommend answers, nudged: NPS -0.2 x 100 rounds to 0, printed '0'
    # (never '-0', issue 14), while +33 keeps its sign (test_sentence)
    scores = surveys.dimension_scores(con, [MONTH], csat_min_score=4)
    summary = {"answers": 3, "csat": 2 / 3, "recommend_answers": 3, "promoters": 1 / 3, "detractors": 1 / 3 + 0.002,
               "nps": -0.002}
    assert "净推荐值 NPS 0。" in surveys.sentence(summary, scores, MONTH, (MONTH, MONTH))
