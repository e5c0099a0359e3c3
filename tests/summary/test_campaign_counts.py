"""One judgment for the campaign: the index, the campaign page and the workbook count the same statuses.

One hand-built fixture (October 2026, four province KPIs; 304 of 365 days elapsed by Oct 31):
- 大堂经理 (level, 100 %): 0.97 -> expected 1.0, pace 0.97 >= 0.80 -> 进度预警 (never 正常 below its target);
- 智能化 (growth 0.40 -> 0.60, linear): 0.55 -> expected (0.40 + 0.20 x 304/365) / 0.60 = 0.9443, progress
  0.9167, pace 0.15 / 0.1666 = 0.900 -> 进度预警;
- ATM (cumulative 100, linear): 30 -> expected 0.8329, pace 0.30 / 0.8329 = 0.36 -> 进度滞后;
- 信息 (cumulative 52, linear): 50 -> progress 0.9615 >= 0.8329 -> 进度正常.
So every reader sees 进度正常 1 项、进度预警 2 项、进度滞后 1 项, and the index 1/4.
"""

from __future__ import annotations

import openpyxl
import pytest

from svc_analysis.campaign import views
from svc_analysis.engine import kpi_files, org
from svc_analysis.pack import workbook, workbook_sheets
from svc_analysis.summary import figures as summary_figures
from tests.campaign.support import build, kpi, make_campaign

COUNTS = "进度正常 1 项、进度预警 2 项、进度滞后 1 项"
ACTUALS = [("lobby", "province", "2026-10", 0.97), ("smart", "province", "2026-10", 0.55),
           ("atms", "province", "2026-03", 10), ("atms", "province", "2026-09", 20),
           ("news", "province", "2026-05", 25), ("news", "province", "2026-10", 25)]
CAMPAIGN = make_campaign([
    {**kpi("lobby", 1.0, combine="latest", units="province", adds_up=False, kind="level", unit_of_measure="占比"),
     "name": "大堂经理"},
    {**kpi("smart", 0.60, combine="latest", units="province", adds_up=False, kind="growth", baseline=0.40,
           unit_of_measure="占比"), "name": "智能化"},
    {**kpi("atms", 100, units="province"), "name": "ATM"},
    {**kpi("news", 52, units="province"), "name": "信息"},
])


class _Params:  # load_params' shape, with the test campaign
    campaign = CAMPAIGN


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """The report data as the page and the workbook get it, the workbook, and the kpis.csv the index reads."""
    root = tmp_path_factory.mktemp("counts")
    con = build(root / "w.duckdb", actuals=ACTUALS)
    data = workbook.report_data(con, _Params(), org.outlet_tree(con), "2026-10")
    con.close()
    book = openpyxl.load_workbook(workbook.write_workbook(root / workbook.FILE_NAME, data, "2026-10", "测试活动"))
    rows = data["kpi_rows"]
    kpi_files.gather(_published(rows, root / ".kpis"), root / "kpis.csv")
    return data, book, root / "kpis.csv"


def _published(rows, folder):
    kpi_files.publish(rows, folder, "60_campaign")
    return folder


def test_each_row_has_one_status_and_the_meets_target_it_implies(pack):
    data, _, _ = pack
    rows = data["kpi_rows"].set_index("metric")
    status = rows.loc[rows.index.str.startswith("campaign_progress:"), "status"].to_dict()
    assert status == {"campaign_progress:lobby": "at_risk", "campaign_progress:smart": "at_risk",
                      "campaign_progress:atms": "behind", "campaign_progress:news": "on_track"}
    assert rows.loc["campaign_progress:lobby", "value"] == pytest.approx(0.97)
    assert rows.loc["campaign_progress:lobby", "meets_target"] == False  # noqa: E712  (fails in kpis.csv ...
    board = data["board"].set_index("kpi_id")
    assert board.loc["lobby", "status"] == "at_risk"  # ... and is never 正常 on the board)
    assert board.loc["smart", "expected"] == pytest.approx((0.40 + 0.20 * 304 / 365) / 0.60)
    assert board["status"].to_dict() == {k[len("campaign_progress:"):]: v for k, v in status.items()}


def test_page_workbook_and_index_count_the_same(pack):
    data, book, kpis_csv = pack
    page = views.board_sentence(data["board"], "province")
    assert page.startswith(f"共 4 项指标在考核期内：{COUNTS}。")
    assert book["全省"]["A4"].value == f"共 4 项指标：{COUNTS}。"
    printed = [row[9] for row in book["全省"].iter_rows(min_row=workbook_sheets.HEADER_ROW + 1, values_only=True)]
    assert printed == ["进度预警", "进度预警", "进度滞后", "进度正常"]  # params order: lobby, smart, atms, news
    figures = summary_figures.key_figures(kpis_csv, headline={"campaign": "campaign_progress:"},
                                          names={k.id: k.name for k in CAMPAIGN.kpis})
    assert figures[1][:3] == ("服务活动：进度正常的活动指标", "1/4", "✗ 进度滞后 1 项：ATM；进度预警 2 项：大堂经理、智能化")


def test_index_keeps_fixed_targets_and_campaign_progress_apart(pack):
    """The one fixed-target row is report_on_time (the September reports due in October: neither BA nor BB
    sent one, 0 of 2 on time: missed), so 服务指标达标 0/1; the four progress rows are counted apart, and
    the campaign count appears even without a campaign headline."""
    _, _, kpis_csv = pack
    figures = summary_figures.key_figures(kpis_csv, headline={})
    assert [f[:2] for f in figures] == [("服务指标达标", "0/1"), ("服务活动：进度正常的活动指标", "1/4")]


def test_the_page_names_the_rows_not_on_track_with_a_forecast_that_misses(pack):
    data, _, _ = pack
    board = data["board"]
    assert (board["forecast_meets"] == (board["status"] == "on_track")).all()  # never on track and missing
    page = views.board_sentence(board, "province")
    # ATM: 30 x 365/304 = 36.02 by Dec 31, about 36 ATMs (a count's forecast is whole); 智能化: 0.40 + 0.15 x 365/304 = 58.0 %
    assert "ATM（完成 30.0%，应达 83.3%，按目前节奏截止日约 36 个，目标 100 个）" in page
    assert "智能化（完成 91.7%，应达 94.4%，按目前节奏截止日约 58.0%，目标 60.0%）" in page
