"""The campaign area's registration (entry point svc_analysis.areas: campaign, read by core.areas).

- METRICS: the catalogue entries of every metric the campaign publishes (campaign_progress:<kpi_id>, a
  family named by params ``campaign.kpis``; report_on_time);
- kpi_rows(con, params, scope, period): the campaign's KPI rows, assembled here and nowhere else;
- report(con, params, scope, period): the progress report's data (state, board, submissions, due moment)
  with those same rows, for notebook 60;
- WORKBOOK_DATA: report() with the workbook writer's arguments (pack.workbook.report_data).
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.campaign import campaign, deadlines, progress_report
from svc_analysis.core import catalogue
from svc_analysis.core.catalogue import Metric
from svc_analysis.core.period import Period
from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope

AREA = "campaign"
PLAN = "《服务质量提升年活动方案》"

METRICS = (
    Metric(campaign.METRIC_PREFIX, "活动指标完成进度", AREA, "share", "higher",
           "至报告月末的累计完成 ÷ 本单位目标；目标列为计划在月末应达到的进度（常态类占比即目标本身，提升类占比"
           "从活动开始时的基数起算），完成进度不低于应达进度为进度正常（逆向指标不高于）；低于时，已完成的提升量"
           "达到计划提升量的预警线为进度预警，否则为进度滞后。", PLAN, None, family=True),
    Metric(deadlines.METRIC, "进展月报按时报送率", AREA, "share", "higher",
           "首次报送不晚于截止时间（次月第一个周一 12:00）的应报单位数 ÷ 应报单位数。",
           PLAN + "附件 服务活动进展情况月报表", "campaign.report_due.on_time_target"),
)
catalogue.register(METRICS)


def _month(period: Period) -> str:
    period.month_only("活动进展指标")
    return period.key


def kpi_rows(con, params, scope: Scope, period: Period, parts: dict | None = None) -> pd.DataFrame:
    """The campaign's KPI rows (engine.kpis.KPI_COLUMNS): campaign_progress:<kpi_id> from the progress
    board (a row whose actual differs from the outlets table beyond the KPI's params tolerance is
    unverified, 待核实, meets_target empty: progress_report.parts, master_data.withhold) and report_on_time for the reports due in the month (when the month before is in the campaign).

    ``period`` must be a month (ValueError otherwise: no weekly cadence yet); ``parts`` are
    progress_report.parts of the same arguments when the caller has them already.
    """
    month = _month(period)
    camp = params.campaign
    parts = parts or progress_report.parts(con, params, scope, month)
    rows = campaign.kpi_rows(parts["board"], month, {k.id: k.direction for k in camp.kpis})
    if parts["reports_due"]:
        due = camp.report_due
        on_time = deadlines.on_time_rows(parts["submissions"], scope.tree, month, level=due.submitters,
                                         target=due.on_time_target, scope_level=scope.level)
        rows = pd.concat([rows, on_time], ignore_index=True) if len(rows) else on_time
    return rows


def report(con, params, scope: Scope, period: Period) -> dict:
    """The report on the month: state, board, submissions, due (progress_report.parts) and kpi_rows."""
    parts = progress_report.parts(con, params, scope, _month(period))
    return {**parts, "kpi_rows": kpi_rows(con, params, scope, period, parts)}


def WORKBOOK_DATA(con, params, tree: pd.DataFrame, month: str, scope_level: str = org.PROVINCE,  # noqa: N802
                  scope_name: str = org.PROVINCE) -> dict:
    """report() for the workbook writer (pack.workbook.report_data), which passes the tree and scope loose."""
    return report(con, params, Scope(tree, scope_level, scope_name), Period.month(month))
