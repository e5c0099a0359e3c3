"""views.labels: page headers from the contract's Chinese column names and the KPI table's names.

Expected words read off DATA_CONTRACT.md's tables (outlets.branch 二级分行, staff.staff_id 员工编号,
star_ratings.assessed_on 评定日期) and its Output table (value 数值, unit_id 单位)."""

from svc_analysis.engine.scope import LEVEL_LABELS
from svc_analysis.staff import views as staff_views
from svc_analysis.views.labels import column_labels, kpi_column_labels


def test_contract_names_first_table_wins_and_own_words_win_over_both():
    labels = column_labels("outlets", "staff", staff_id="工号")
    assert labels["branch"] == "二级分行"
    assert labels["outlet_id"] == "网点编号"  # in both tables: the same first alias
    assert labels["role"] == "岗位"
    assert labels["staff_id"] == "工号"  # the caller's own word


def test_kpi_column_names():
    assert kpi_column_labels("value", "unit_id") == {"value": "数值", "unit_id": "单位"}
    assert len(kpi_column_labels()) == 12  # month ... status: the twelve columns of engine.kpis.KPI_COLUMNS


def test_staff_page_reads_the_one_source():
    assert staff_views.LABELS["assessed_on"] == "评定日期"
    assert staff_views.LABELS["branch"] == "二级分行"
    assert staff_views.LABELS["unit"] == "单位"
    assert staff_views.LEVEL_ZH is LEVEL_LABELS
