"""quality_views.py: what notebook 00 shows, on the committed quality fixture."""

import matplotlib
import pytest

matplotlib.use("Agg")

from svc_analysis.quality import quality  # noqa: E402
from svc_analysis.quality import views as quality_views
from tests.quality.support import MONTH, build  # noqa: E402


@pytest.fixture(scope="module")
def con():
    con = build()
    yield con
    con.close()


def test_plot_daily_counts_one_panel_per_table(con):
    from svc_analysis.views import plotting

    plotting.setup()
    daily = quality.daily_counts(con, MONTH, tables=["tickets", "ratings", "complaints", "surveys"])
    fig = quality_views.plot_daily_counts(daily)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    # Chinese names only: the titles become the chart's alt text, which a manager reads (issue 14)
    assert [ax.get_title() for ax in visible] == ["排队", "评价", "投诉", "问卷"]
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_for_display_formats_shares_flags_and_headers(con):
    shown = quality_views.for_display(quality.table_summary(con, MONTH, low_coverage_share=0.9))
    assert shown.index[0] == 1
    assert "表名" not in shown.columns  # the table by its Chinese name once, not its id beside it
    assert shown.loc[shown["表"] == "问卷", "最早日期"].item() == ""
    tickets = shown[shown["表"] == "排队"].iloc[0]
    assert (tickets["日期覆盖率"], tickets["覆盖偏低"], tickets["本月行数"]) == ("100.0%", "", "102")
    ratings = shown[shown["表"] == "评价"].iloc[0]
    assert (ratings["日期覆盖率"], ratings["覆盖偏低"]) == ("32.3%", "⚠")


def test_sentences(con):
    summary = quality.table_summary(con, MONTH, low_coverage_share=0.9)
    assert quality_views.summary_sentence(summary, 0.9) == (
        "本月 9 张按日期记录的表中，5 张有本月数据。日期覆盖率低于 90.0% 的表："
        "星级评定、技能测试、投诉、表扬、评价、问卷、检查、报送记录。")
    days = quality.outlet_days(con, MONTH, ["tickets", "ratings"])
    assert quality_views.gaps_sentence(days, ["tickets", "ratings"]) == (
        "排队：3/5 个网点有缺失日，合计 34 个网点·日；评价：5/5 个网点有缺失日，合计 123 个网点·日。")
    assert quality_views.gaps_sentence(days.iloc[0:0], []) == "参数中未设置需逐日检查的表。"


def test_for_display_shortens_paths_and_times():
    import pandas as pd

    frame = pd.DataFrame({"file": ["/home/wang/exports/tickets.csv"], "profile": [None],
                          "finished_at": [pd.Timestamp("2026-11-02 08:01:05.123456")]})
    shown = quality_views.for_display(frame)
    assert shown.iloc[0].tolist() == ["tickets.csv", "", "2026-11-02 08:01:05"]
    assert list(shown.columns) == ["文件", "映射配置", "完成时间"]


def test_merged_sentence_and_table_rows_headers(con):
    loaded = quality.table_rows(con)
    # the fixture's complaints file merged 1 exact duplicate; 4 complaints in the warehouse
    assert quality_views.merged_sentence(loaded) == (
        "投诉：仓库中 4 行，导入时合并了完全相同的重复行 1 行（同一文件中完全相同的行只存一份，不计入入库行数）。")
    assert quality_views.merged_sentence(loaded.iloc[0:0]) == "导入时没有发现完全相同的重复行。"
    shown = quality_views.for_display(loaded)
    assert list(shown.columns) == ["表", "仓库行数", "合并的重复行", "剔除行数", "读入行数", "多个文件重复提供",
                                   "文件数"]
    staff = shown[shown["表"] == "员工"].iloc[0]
    assert (staff["仓库行数"], staff["多个文件重复提供"]) == ("3", "")  # no file logged: nothing to compare


def test_set_aside_reasons_read_in_the_contracts_chinese_words():
    """The set-aside summary on page 00 showed 'outlets 中没有此 outlet_id (no such outlet_id in outlets)' and
    columns 'taken_at, called_at': a manager reads the contract's Chinese names (DATA_CONTRACT.md headers)."""
    import pandas as pd

    frame = pd.DataFrame({
        "table": ["complaints", "tickets", "ratings"],
        "reason": ["outlets 中没有此 outlet_id (no such outlet_id in outlets)",
                   "called_at 早于 taken_at (called_at is before taken_at)", "超出范围 1–5 (outside 1–5)"],
        "rows": [1, 3, 1], "columns": ["outlet_id", "taken_at, called_at", "score"]})
    shown = quality_views.for_display(frame)
    assert shown["表"].tolist() == ["投诉", "排队", "评价"]
    assert shown["原因"].tolist() == ["网点中没有此网点编号", "叫号时间早于取号时间", "超出范围 1–5"]
    assert shown["列"].tolist() == ["网点编号", "取号时间, 叫号时间", "评价分值"]


def test_counts_on_page_00_are_thousands_separated():
    """Page 00 showed 1237078 where the index showed 1,237,078 (issue 14): every count column of the
    quality tables goes through views.formats.count, in the table and in the rendered HTML."""
    import pandas as pd

    loaded = pd.DataFrame({"table": ["ratings"], "rows_in_warehouse": [1237078], "rows_merged": [671],
                           "rows_set_aside": [1], "rows_read": [1237750], "rows_overlap": [float("nan")], "files": [1]})
    shown = quality_views.for_display(loaded)
    # 1,237,078 in the warehouse + 671 merged + 1 set aside = 1,237,750 read (the file's identity)
    assert shown.iloc[0].tolist() == ["评价", "1,237,078", "671", "1", "1,237,750", "", "1"]
    html = shown.to_html()
    assert "<td>1,237,078</td>" in html and "1237078" not in html and "1237750" not in html
    days = pd.DataFrame({"table": ["tickets"] * 2, "missing_days": [1200, 34]})
    assert quality_views.gaps_sentence(days, ["tickets"]) == "排队：2/2 个网点有缺失日，合计 1,234 个网点·日。"
