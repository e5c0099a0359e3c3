"""The progress report's data 服务活动进展情况月报表 (seed 000 附件; DOMAIN.md §6): state, board, submissions.

The campaign's part of the report before its KPI rows: the campaign's state in the month, the progress
board, the board's actuals against the outlets table (master_data), the reports due in the month and
their submissions. The KPI rows are assembled from these parts
in one place, campaign.area.kpi_rows; the pack's workbook writer (core.areas hook WORKBOOK_DATA), notebook
60 and the summary read them from there.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.campaign import campaign, deadlines, master_data
from svc_analysis.core import periods
from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope


def parts(con, params, scope: Scope, month: str) -> dict:
    """What the report on ``month`` holds before its KPI rows: state, progress board (a row whose actual
    the outlets table does not back is unverified: master_data.withhold), its actuals against the
    outlets table (``master_data``: campaign.master_data.check), whether reports are due in the month
    (``reports_due``: the month before is inside the campaign), their submissions and the due moment of
    the report on ``month``."""
    camp = params.campaign
    due = camp.report_due
    board = campaign.progress_board(con, camp, scope.tree, month, scope.level, scope.name)
    checks = master_data.check(con, camp, board, month)
    board = master_data.withhold(board, checks)  # an actual the outlets table does not back: 待核实, not judged
    reported = periods.previous_month(month)
    reports_due = campaign.campaign_state(camp, reported) == "in_force"
    status = pd.DataFrame(columns=deadlines.STATUS_COLUMNS)
    if reports_due:
        units = deadlines.submitters(org.scope_tree(scope.tree, scope.setting), month, due.submitters)
        status = deadlines.submission_status(con, reported, units,
                                             deadlines.due_at(month, due.weekday, due.hour, due.holidays))
    return {"state": campaign.campaign_state(camp, month), "board": board,
            "master_data": checks, "reports_due": reports_due,
            "submissions": status, "due": deadlines.due_for_report_on(month, due.weekday, due.hour, due.holidays)}
