"""What notebook 60 shows of the campaign: sentences from the figures, display tables, charts.

No figure is computed here beyond formatting: the numbers come from campaign, deadlines and
staffing_standards. Shares print as percents, no data as 无数据 (plotting).
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.campaign import campaign
from svc_analysis.campaign import curves as campaign_curves
from svc_analysis.campaign import deadlines
from svc_analysis.core import contract, periods
from svc_analysis.views import plotting
from svc_analysis.core.safety import md, md_list

BOARD_LABELS = {"name": "指标", "unit_of_measure": "计量单位", "unit_id": "单位", "target": "目标",
                "deadline": "截止日期", "actual": "累计完成", "month_value": "本月完成", "progress": "完成进度",
                "expected": "应达进度", "status": "状态", "forecast": "截止日预测", "range": "预测区间",
                "forecast_meets": "预测能完成"}
def _zh(table: str, column: str) -> str:
    """A contract column's Chinese name (core.contract), the one source of its header."""
    return contract.table(table).column(column).zh[0]


SUBMISSION_LABELS = {"unit_id": _zh("report_submissions", "unit_id"), "reported_month": "所报月份",
                     "due_at": "报送截止", "submitted_at": _zh("report_submissions", "submitted_at"),
                     "status": "状态", "hours_late": "迟报小时"}
STAFFING_LABELS = {"rule": "标准", "branch": _zh("outlets", "branch"), "outlet_id": _zh("outlets", "outlet_id"),
                   "outlet_name": _zh("outlets", "outlet_name"), "deposits": _zh("outlets", "deposits") + "(亿元)",
                   "required": "要求", "shortfall": "缺口"}
ACTUALS_LABELS = {c: _zh("campaign_actuals", c) for c in ("kpi_id", "unit_id", "month", "value")} | {"reason": "原因"}
STRANGER_LABELS = {c: _zh("report_submissions", c) for c in ("unit_id", "month", "submitted_at")}
STATE_SENTENCES = {
    "before": "报告月份 {month} 在活动「{name}」开始之前：活动尚未开始，本页不统计进度。",
    "over": "报告月份 {month} 在活动「{name}」全部截止日期之后：活动已结束，本页不再统计进度（最终结果见截止月份的报告）。",
}


def _amount(value, unit: str) -> str:
    if pd.isna(value):
        return plotting.NO_DATA
    if unit == "占比":
        return plotting.fmt_pct(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def state_sentence(state: str, campaign_name: str, month: str) -> str:
    """The campaign's state in the report month, in Chinese ('' while in force)."""
    return STATE_SENTENCES.get(state, "").format(month=month, name=md(campaign_name))


def board_sentence(board: pd.DataFrame, top_level: str) -> str:
    """Chinese summary of the top level's rows: how many KPIs on track / at risk / behind, which will miss."""
    top = board[board["level"] == top_level]
    if top.empty:
        return "本范围没有在考核期内的活动指标。"
    counts = top["status"].value_counts()
    parts = [f"{label} {int(counts.get(key, 0))} 项" for key, label in campaign_curves.STATUS_LABELS.items()]
    text = f"共 {len(top)} 项指标在考核期内：" + "，".join(parts) + "。"
    late = top[top["status"] == "behind"]
    if len(late):
        text += "滞后：" + "；".join(
            f"{md(r.name)}（完成 {plotting.fmt_pct(r.progress)}，应达 {plotting.fmt_pct(r.expected)}）"
            for r in late.itertuples()) + "。"
    miss = top[~top["forecast_meets"].astype(bool)]
    if len(miss):
        text += "按目前进度到截止日预计完不成：" + md_list(miss["name"]) + "。"
    return text


def nothing_flagged(board: pd.DataFrame, state_text: str) -> str:
    """What to say where a chart or list of flagged KPIs is empty: the campaign's state when it is not
    in force, else that every KPI is on track."""
    if board.empty:
        return state_text or "本范围没有在考核期内的活动指标。"
    return "本范围所有指标进度正常，且预计都能按期完成。"


def board_table(board: pd.DataFrame, level: str | None = None) -> pd.DataFrame:
    """The progress board for display (one level, or every row), Chinese headers."""
    rows = board if level is None else board[board["level"] == level]
    out = pd.DataFrame({
        "name": rows["name"], "unit_id": rows["unit_id"].replace({"province": "全省"}),
        "unit_of_measure": rows["unit_of_measure"],
        "target": [_amount(v, u) for v, u in zip(rows["target"], rows["unit_of_measure"])],
        "deadline": rows["deadline"].astype(str),
        "month_value": [_amount(v, u) for v, u in zip(rows["month_value"], rows["unit_of_measure"])],
        "actual": [_amount(v, u) for v, u in zip(rows["actual"], rows["unit_of_measure"])],
        "progress": rows["progress"], "expected": rows["expected"],
        "status": rows["status"].map(campaign_curves.STATUS_LABELS),
        "forecast": [_amount(v, u) for v, u in zip(rows["forecast"], rows["unit_of_measure"])],
        "range": [f"{_amount(lo, u)} – {_amount(hi, u)}" for lo, hi, u in
                  zip(rows["forecast_low"], rows["forecast_high"], rows["unit_of_measure"])],
        "forecast_meets": rows["forecast_meets"].map({True: "能", False: "不能"}),
    })
    if level is not None:
        out = out.drop(columns="unit_id")
    return plotting.display_frame(out, BOARD_LABELS, percent=("progress", "expected"))


def burnup_chart(history: pd.DataFrame, board: pd.DataFrame, level: str, ncols: int = 2):
    """Burn-up of every KPI of ``level`` that is not on track or will miss: actual to date per month
    against the planned path (expected x target), with the forecast range at the deadline."""
    import matplotlib.pyplot as plt

    flagged = campaign.behind(board[board["level"] == level])
    if flagged.empty:
        return None
    nrows = -(-len(flagged) // ncols)
    width, height = plotting.FIGURE_SIZE
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height * 0.75 * nrows), squeeze=False)
    for ax, row in zip(axes.flat, flagged.itertuples()):
        part = history[(history["kpi_id"] == row.kpi_id) & (history["level"] == level)
                       & (history["unit_id"] == row.unit_id)]
        x = [periods.month_end(m) for m in part["month"]]
        ax.plot(x, part["expected"] * part["target"], color=plotting.PALETTE[2], linestyle="--", label="计划")
        ax.plot(x, part["actual"], color=plotting.PALETTE[0], marker="o", markersize=3, label="实际")
        if not row.deadline_passed:
            spread = [[max(0.0, row.forecast - row.forecast_low)], [max(0.0, row.forecast_high - row.forecast)]]
            ax.errorbar([row.deadline], [row.forecast], yerr=spread, fmt="D", color=plotting.HIGHLIGHT,
                        capsize=4, label="截止日预测")
        ax.axhline(row.target, color=plotting.PALETTE[5], linewidth=0.8)
        ax.set_title(f"{row.name}（{campaign_curves.STATUS_LABELS[row.status]}）", fontsize="medium")
        if row.unit_of_measure == "占比":
            ax.yaxis.set_major_formatter(plotting.percent_formatter(0))
        ax.tick_params(axis="x", labelrotation=30, labelsize="small")
    for ax in list(axes.flat)[len(flagged):]:
        ax.set_visible(False)
    axes.flat[0].legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    return fig


def pace_heatmap(board: pd.DataFrame, level: str = "branch"):
    """Heatmap of progress / expected (pace) by KPI (rows) and unit (columns); below 100% is behind plan."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    rows = board[board["level"] == level]
    if rows.empty:
        return None
    grid = rows.assign(pace=rows["pace"].clip(upper=9.99)).pivot_table(
        index="name", columns="unit_id", values="pace", aggfunc="first", sort=False)
    width, _ = plotting.FIGURE_SIZE
    fig, ax = plt.subplots(figsize=(width, max(2.5, 0.9 + 0.42 * len(grid))))
    sns.heatmap(grid, annot=grid.map(lambda v: "" if pd.isna(v) else f"{v:.0%}"), fmt="", cmap="RdYlGn",
                vmin=0.4, vmax=1.6, center=1.0, linewidths=0.5, cbar_kws={"label": "完成进度 ÷ 应达进度"}, ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelrotation=0)
    ax.grid(False)
    fig.tight_layout()
    return fig


def submissions_sentence(status: pd.DataFrame) -> str:
    if status.empty:
        return "本月没有需要报送的进展月报。"
    due = status["due_at"].iloc[0]
    counts = status["status"].value_counts()
    text = (f"上月（{status['reported_month'].iloc[0]}）进展月报应于 {due:%Y-%m-%d %H:%M} 前报送："
            + "，".join(f"{label} {int(counts.get(key, 0))} 家" for key, label in deadlines.STATUS_LABELS.items())
            + "。")
    missing = status.loc[status["status"] == "missing", "unit_id"].tolist()
    if missing:
        text += "未报送：" + md_list(missing) + "。"
    return text


def submissions_table(status: pd.DataFrame) -> pd.DataFrame:
    out = status.assign(status=status["status"].map(deadlines.STATUS_LABELS),
                        due_at=status["due_at"].map(lambda d: f"{d:%Y-%m-%d %H:%M}"),
                        hours_late=status["hours_late"].map(lambda h: "" if pd.isna(h) else f"{h:.1f}"))
    return plotting.display_frame(out, SUBMISSION_LABELS)


def submissions_grid(history: pd.DataFrame) -> pd.DataFrame:
    """Units x reported months, each cell 按时 / 迟报 / 未报."""
    grid = history.assign(label=history["status"].map(deadlines.STATUS_LABELS)).pivot(
        index="unit_id", columns="reported_month", values="label")
    grid.index.name, grid.columns.name = "单位", "所报月份"
    return grid


def staffing_summary(summary: pd.DataFrame) -> pd.DataFrame:
    labels = {"rule": "标准", "checked": "核对网点", "meets": "达标", "misses": "未达标", "no_data": "无法核对"}
    return plotting.display_frame(summary, labels)


def staffing_view(missed: pd.DataFrame):
    """The outlets missing a staffing standard (staffing_standards.misses) as a table, or a sentence when
    there is none or when no staff data is loaded (then every outlet reads 无员工数据)."""
    from IPython.display import Markdown

    from svc_analysis.campaign import staffing_standards

    if missed.empty:
        return Markdown("所有核对的网点都达到配备标准。")
    if (missed["shortfall"] == staffing_standards.NO_STAFF).all():
        return Markdown(f"报告月末没有在岗员工数据（{plotting.NO_DATA}），无法核对人员配备标准。")
    return staffing_table(missed)


def staffing_table(missed: pd.DataFrame) -> pd.DataFrame:
    return plotting.display_frame(missed[list(STAFFING_LABELS)], STAFFING_LABELS)


def submission_history(con, camp, scope_tree: pd.DataFrame, month: str) -> pd.DataFrame:
    """deadlines.history for every report on a campaign month that was due by the report month
    (reports on the months before ``month`` whose month is inside the campaign)."""
    due = camp.report_due
    first = periods.parse_month(min(k.start for k in camp.kpis))
    months = [m for m in periods.months_between(first, periods.previous_month(month))
              if campaign.campaign_state(camp, m) == "in_force"]
    units = deadlines.submitters(scope_tree, month, due.submitters)
    return deadlines.history(con, months, units, due.weekday, due.hour, due.holidays)


# --- notebook 60's sections: one call each, returning what the section shows ---------------------------
# (a section with a sentence and a table shows the sentence itself and returns the table)

def _show(*items) -> None:
    from IPython.display import Markdown, display

    for item in items:
        display(Markdown(item) if isinstance(item, str) else item)


def opening(report: dict, camp, month: str) -> str:
    """The campaign's state sentence ('' while in force), shown above the page header."""
    return state_sentence(report["state"], camp.name, month)


def overview_section(report: dict, scope):
    """一、进度总览: the board sentence, then the scope's board table (None when empty)."""
    board = report["board"]
    _show(board_sentence(board, scope.level))
    return board_table(board, scope.level) if len(board) else None


def burnup_section(con, camp, scope, month: str, report: dict):
    """二、预警与滞后指标的进度曲线: the burn-up charts of the flagged KPIs (drawn, shown by the inline
    backend: None is returned), or the sentence saying why there is none."""
    from IPython.display import Markdown

    history = campaign.history(con, camp, scope.tree, month, scope.level, scope.name)
    if burnup_chart(history, report["board"], scope.level) is None:
        return Markdown(nothing_flagged(report["board"], opening(report, camp, month)))
    return None


def units_section(report: dict, scope, camp, month: str):
    """三、各单位进度: the branches' pace heatmap, then the flagged units' table (or a sentence)."""
    from IPython.display import Markdown

    board = report["board"]
    if pace_heatmap(board, "branch") is None:
        _show("本范围没有由二级分行承担的指标。")
    flagged = campaign.behind(board[board["level"] != scope.level])
    return board_table(flagged) if len(flagged) else Markdown(nothing_flagged(board, opening(report, camp, month)))


def submissions_section(report: dict, con, camp, scope, month: str):
    """四、进展月报报送: this month's submissions (sentence and table), then the grid of every report due."""
    from IPython.display import Markdown

    status = report["submissions"]
    _show(submissions_sentence(status))
    if len(status):
        _show(submissions_table(status))
    grid = submission_history(con, camp, scope.tree_in_scope, month)
    return submissions_grid(grid) if len(grid) else Markdown("活动年度内尚无应报的月报。")


def staffing_section(con, camp, scope, month: str):
    """五、人员配备标准: the per-rule summary, then the outlets that miss a standard."""
    from svc_analysis.campaign import staffing_standards

    stf = camp.staffing
    checked = staffing_standards.check(con, month, stf.vip_centre, stf.deposits_min_yi, stf.deposits_outlet,
                                       outlets=scope.outlets)
    _show(staffing_summary(staffing_standards.summary(checked)))
    return staffing_view(staffing_standards.misses(checked))


def data_checks_section(con, camp, scope, month: str) -> None:
    """六、数据核对: the count sentence, then the actuals no KPI can use and the unknown submitters."""
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
