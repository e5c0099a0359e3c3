"""The progress report's data 服务活动进展情况月报表 (seed 000 附件; DOMAIN.md §6): state, board, KPI rows, submissions.

The campaign's part of the report: the pack's workbook writer (pack.workbook) gets it through the area
registry (core.areas hook WORKBOOK_DATA, registered by campaign.area), notebook 60 and the summary use it
too. Moved from the workbook writer (issue 13): the computation is unchanged.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.campaign import campaign, deadlines
from svc_analysis.core import periods
from svc_analysis.engine import org


def report_data(con, params, tree: pd.DataFrame, month: str, scope_level: str = org.PROVINCE,
                scope_name: str = org.PROVINCE) -> dict:
    """What the report on ``month`` holds: state, progress board, KPI rows, due moment, submissions."""
    camp = params.campaign
    due = camp.report_due
    state = campaign.campaign_state(camp, month)
    board = campaign.progress_board(con, camp, tree, month, scope_level, scope_name)
    rows = campaign.kpi_rows(board, month, {k.id: k.direction for k in camp.kpis})
    reported = periods.previous_month(month)
    status = pd.DataFrame(columns=deadlines.STATUS_COLUMNS)
    if campaign.campaign_state(camp, reported) == "in_force":
        units = deadlines.submitters(org.scope_tree(tree, None if scope_level == org.PROVINCE else scope_name),
                                     month, due.submitters)
        status = deadlines.submission_status(con, reported, units,
                                             deadlines.due_at(month, due.weekday, due.hour, due.holidays))
        on_time = deadlines.on_time_rows(status, tree, month, level=due.submitters,
                                         target=due.on_time_target, scope_level=scope_level)
        rows = pd.concat([rows, on_time], ignore_index=True) if len(rows) else on_time
    return {"state": state, "board": board, "kpi_rows": rows, "submissions": status,
            "due": deadlines.due_for_report_on(month, due.weekday, due.hour, due.holidays)}
