"""Notebook 60's sections: one call each, returning what the section shows (a section with a sentence and
a table shows the sentence itself and returns the table). The figures come from campaign.area.report;
the sentences and tables from campaign.views, the charts from campaign.charts.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.campaign import campaign, deadlines
from svc_analysis.campaign.charts import burnup_chart, pace_heatmap
from svc_analysis.campaign.views import (ACTUALS_LABELS, STRANGER_LABELS, board_sentence, board_table,
                                         master_data_sentence, master_data_table, nothing_flagged,
                                         staffing_summary, staffing_view, state_sentence, submission_history,
                                         submissions_grid, submissions_sentence, submissions_table)
from svc_analysis.views import plotting


def _show(*items) -> None:
    from IPython.display import Markdown, display

    for item in items:
        display(Markdown(item) if isinstance(item, str) else item)


def opening(report: dict, camp, month: str) -> str:
    """The campaign's state sentence ('' while in force), shown above the page header."""
    return state_sentence(report["state"], camp.name, month)


def overview_section(report: dict, scope, camp):
    """一、进度总览: the board sentence with the warning line of the status (params
    campaign.status_thresholds.at_risk), then the scope's board table (None when empty)."""
    board = report["board"]
    line = (f"预警线：未达应达进度时，已完成的提升量达到计划提升量的 "
            f"{plotting.fmt_pct(camp.status_thresholds.at_risk, 0)} 为进度预警，否则为进度滞后。")
    _show(board_sentence(board, scope.level) + (line if len(board) else ""))
    return board_table(board, scope.level) if len(board) else None


def master_data_section(report: dict, scope):
    """二、与网点表核对: the sentence on the gaps (the scope's own level named), then every checked row
    (None when no KPI of the scope has a counterpart in the outlets table)."""
    checks = report["master_data"]
    _show(master_data_sentence(checks, scope.level))
    return master_data_table(checks) if len(checks) else None


def burnup_section(con, camp, scope, month: str, report: dict):
    """三、预警与滞后指标的进度曲线: the burn-up charts of the flagged KPIs (drawn, shown by the inline
    backend: None is returned), or the sentence saying why there is none."""
    from IPython.display import Markdown

    history = campaign.history(con, camp, scope.tree, month, scope.level, scope.name)
    if burnup_chart(history, report["board"], scope.level) is None:
        return Markdown(nothing_flagged(report["board"], opening(report, camp, month)))
    return None


def units_section(report: dict, scope, camp, month: str):
    """四、各单位进度: the branches' pace heatmap, then the flagged units' table (or a sentence)."""
    from IPython.display import Markdown

    board = report["board"]
    if pace_heatmap(board, "branch") is None:
        _show("本范围没有由二级分行承担的指标。")
    flagged = campaign.behind(board[board["level"] != scope.level])
    return board_table(flagged) if len(flagged) else Markdown(nothing_flagged(board, opening(report, camp, month)))


def submissions_section(report: dict, con, camp, scope, month: str):
    """五、进展月报报送: this month's submissions (sentence and table), then the grid of every report due."""
    from IPython.display import Markdown

    status = report["submissions"]
    _show(submissions_sentence(status))
    if len(status):
        _show(submissions_table(status))
    grid = submission_history(con, camp, scope.tree_in_scope, month)
    return submissions_grid(grid) if len(grid) else Markdown("活动年度内尚无应报的月报。")


def staffing_section(con, camp, scope, month: str):
    """六、人员配备标准: the per-rule summary, then the outlets that miss a standard."""
    from svc_analysis.campaign import staffing_standards

    stf = camp.staffing
    checked = staffing_standards.check(con, month, stf.vip_centre, stf.deposits_min_yi, stf.deposits_outlet,
                                       outlets=scope.outlets)
    _show(staffing_summary(staffing_standards.summary(checked)))
    return staffing_view(staffing_standards.misses(checked))


def data_checks_section(con, camp, scope, month: str) -> None:
    """七、数据核对: the count sentence, then the actuals no KPI can use and the unknown submitters."""
    unmatched = campaign.unmatched_actuals(con, camp, scope.tree, month)
    strangers = deadlines.unknown_submitters(con, deadlines.submitters(scope.tree, month, camp.report_due.submitters),
                                             month)
    _show(f"无法归属的活动数据 {len(unmatched)} 行，名单外的报送记录 {len(strangers)} 行。",
          *[plotting.display_frame(frame, labels) for frame, labels in
            ((unmatched, ACTUALS_LABELS), (strangers, STRANGER_LABELS)) if len(frame)])


def published_sentence(rows: pd.DataFrame) -> str:
    """How many KPI rows the page published, with the metrics' catalogue names (campaign.area.METRICS)."""
    from svc_analysis.campaign import area

    names = "、".join(f"{m.name}（各项活动指标）" if m.family else m.name for m in area.METRICS)  # no ids on a page
    return f"已发布活动指标 {len(rows)} 行：{names}。"
