"""What notebook 60 shows of the campaign: sentences from the figures, display tables (the charts:
campaign.charts).

No figure is computed here beyond formatting: the numbers come from campaign, deadlines and
staffing_standards. Shares print as percents, no data as 无数据 (plotting).
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.campaign import campaign, deadlines
from svc_analysis.core import contract, periods, status as st
from svc_analysis.views import plotting
from svc_analysis.core.safety import md, md_list
from svc_analysis.engine.scope import LEVEL_LABELS

BOARD_LABELS = {"name": "指标", "unit_of_measure": "计量单位", "unit_id": "单位", "target": "目标",
                "deadline": "截止日期", "actual": "累计完成", "month_value": "本月完成", "progress": "完成进度",
                "expected": "应达进度", "status": "状态", "forecast": "截止日预测", "range": "预测区间",
                "forecast_meets": "预测能完成"}
FORECAST_WORDS = {True: "能", False: "不能", None: "暂不预测"}  # None: nothing planned yet (forecast.point)
SHARE_UNIT = "占比"
MASTER_DATA_LABELS = {"name": "指标", "unit_id": "单位", "reported": "活动报送", "counted": "网点表",
                      "source": "网点表口径", "gap": "差额（报送 − 网点表）", "flagged": "需核对"}


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
    if unit == SHARE_UNIT:
        return plotting.fmt_pct(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _forecast(value, unit: str) -> str:
    """A forecast at the deadline: a share as a percent, a count as a whole number (about 152 ATMs, never
    151.9: a forecast has no more precision than the things it counts)."""
    if pd.isna(value) or unit == SHARE_UNIT:
        return _amount(value, unit)
    return f"{round(float(value)):,.0f}"


def state_sentence(state: str, campaign_name: str, month: str) -> str:
    """The campaign's state in the report month, in Chinese ('' while in force)."""
    return STATE_SENTENCES.get(state, "").format(month=month, name=md(campaign_name))


def board_sentence(board: pd.DataFrame, top_level: str) -> str:
    """Chinese summary of the top level's rows: how many KPIs on track / at risk / behind (the rows' one
    status, counted as the workbook and the index count it: core.status.count_text), then which are
    behind and at risk with their progress, expected progress and forecast at the deadline (a row not on
    track is the one forecast to miss: the forecast agrees with the status)."""
    top = board[board["level"] == top_level]
    if top.empty:
        return "本范围没有在考核期内的活动指标。"
    text = f"共 {len(top)} 项指标在考核期内：{st.count_text(top['status'])}。"
    for code in (st.BEHIND, st.AT_RISK):
        rows = top[top["status"] == code]
        if len(rows):
            text += f"{st.label(code)}：" + "；".join(_behind_text(r) for r in rows.itertuples()) + "。"
    return text + unverified_sentence(top) + baseline_sentence(top)


def unverified_sentence(board: pd.DataFrame) -> str:
    """The rows whose reported actual the outlets table does not back (status unverified, campaign.master_data):
    named, not judged, no forecast."""
    rows = board[board["status"] == st.UNVERIFIED]
    if rows.empty:
        return ""
    return (f"{st.label(st.UNVERIFIED)} {len(rows)} 项（{md_list(rows['name'].drop_duplicates().tolist())}）："
            "活动报送的完成数与网点表不符（见第二节），核实前不判断进度、不作预测。")


BASELINE_MISSING = "基数未填报"


def _baseline_missing(board: pd.DataFrame) -> pd.Series:
    if "baseline_missing" not in board.columns:
        return pd.Series(False, index=board.index)
    return board["baseline_missing"].fillna(False).astype(bool)


def baseline_sentence(board: pd.DataFrame) -> str:
    """The growth shares whose starting figure is not reported (campaign: baseline null): shown, not judged."""
    missing = board[_baseline_missing(board)]
    if missing.empty:
        return ""
    return (f"{BASELINE_MISSING} {len(missing)} 项（{md_list(missing['name'].drop_duplicates().tolist())}）："
            f"活动开始时的起点数值尚未报送，只列完成情况，不判断进度、不作预测；请在参数中填报本行的起点数值。")


def _behind_text(r) -> str:
    unit = r.unit_of_measure
    parts = [f"完成 {plotting.fmt_pct(r.progress)}", f"应达 {plotting.fmt_pct(r.expected)}"]
    if pd.notna(r.forecast):
        parts.append(f"按目前节奏截止日约 {_forecast(r.forecast, unit)}{_unit(unit)}，目标 {_amount(r.target, unit)}{_unit(unit)}")
    return f"{md(r.name)}（{'，'.join(parts)}）"


def _unit(unit: str) -> str:
    return "" if unit == SHARE_UNIT else f" {md(unit)}"


def master_data_sentence(checks: pd.DataFrame, top_level: str) -> str:
    """How the scope's actuals compare with the outlets table: the flagged gaps of the top level, or that
    all agree (campaign.master_data)."""
    if checks.empty:
        return "本范围没有可与网点表核对的活动指标。"
    top = checks[(checks["level"] == top_level) & checks["flagged"]]
    flagged = checks[checks["flagged"]]
    if flagged.empty:
        return f"可与网点表核对的 {checks['kpi_id'].nunique()} 项指标，活动报送与网点表一致。"
    text = f"活动报送与网点表不一致 {len(flagged)} 处。"
    return text + "".join(f"{md(r.name)}：{r.sentence}" for r in top.itertuples())


def master_data_table(checks: pd.DataFrame) -> pd.DataFrame:
    """Every checked row: KPI, unit, reported, outlets-table figure (what it counts), gap, ⚠ where it needs a
    check (the sentences stand above the table: a cell would be cut at the page's column width)."""
    shares = checks["unit_of_measure"] == SHARE_UNIT
    out = pd.DataFrame({
        "name": checks["name"], "unit_id": checks["unit_id"].replace({"province": LEVEL_LABELS["province"]}),
        "reported": [_amount(v, u) for v, u in zip(checks["reported"], checks["unit_of_measure"])],
        "counted": [_amount(v, u) for v, u in zip(checks["counted"], checks["unit_of_measure"])],
        "source": checks["source"],
        "gap": [plotting.NO_DATA if pd.isna(g) else f"{(round(g * 100, 1) or 0.0):+.1f} 个百分点" if share
                else f"{g:+,.0f}" if float(g).is_integer() else f"{g:+,.1f}" for g, share in zip(checks["gap"], shares)],
        "flagged": checks["flagged"],
    })
    return plotting.display_frame(out, MASTER_DATA_LABELS, flags=("flagged",))


def nothing_flagged(board: pd.DataFrame, state_text: str) -> str:
    """What to say where a chart or list of flagged KPIs is empty: the campaign's state when it is not
    in force, else that every KPI is on track."""
    if board.empty:
        return state_text or "本范围没有在考核期内的活动指标。"
    unverified = board[board["status"] == st.UNVERIFIED]
    if len(unverified):  # not every KPI is known to be on track: say which are not judged
        return (f"本范围没有进度预警或进度滞后的指标；{st.label(st.UNVERIFIED)} "
                f"{unverified['name'].nunique()} 项（{md_list(unverified['name'].drop_duplicates().tolist())}）未作判断。")
    return "本范围所有指标进度正常，且预计都能按期完成。"


def board_table(board: pd.DataFrame, level: str | None = None) -> pd.DataFrame:
    """The progress board for display (one level, or every row), Chinese headers."""
    rows = board if level is None else board[board["level"] == level]
    out = pd.DataFrame({
        "name": rows["name"], "unit_id": rows["unit_id"].replace({"province": LEVEL_LABELS["province"]}),
        "unit_of_measure": rows["unit_of_measure"],
        "target": [_amount(v, u) for v, u in zip(rows["target"], rows["unit_of_measure"])],
        "deadline": rows["deadline"].astype(str),
        "month_value": [_amount(v, u) for v, u in zip(rows["month_value"], rows["unit_of_measure"])],
        "actual": [_amount(v, u) for v, u in zip(rows["actual"], rows["unit_of_measure"])],
        "progress": rows["progress"],
        "expected": [BASELINE_MISSING if gone else plotting.fmt_pct(v)
                     for v, gone in zip(rows["expected"], _baseline_missing(rows))],
        "status": [f"{st.label(code)}（{BASELINE_MISSING}）" if gone else st.label(code)
                   for code, gone in zip(rows["status"], _baseline_missing(rows))],
        "forecast": [_forecast(v, u) for v, u in zip(rows["forecast"], rows["unit_of_measure"])],
        "range": [plotting.NO_DATA if pd.isna(lo) and pd.isna(hi) else f"{_forecast(lo, u)} – {_forecast(hi, u)}" for lo, hi, u in
                  zip(rows["forecast_low"], rows["forecast_high"], rows["unit_of_measure"])],
        "forecast_meets": rows["forecast_meets"].map(lambda m: FORECAST_WORDS.get(None if pd.isna(m) else bool(m))),
    })
    if level is not None:
        out = out.drop(columns="unit_id")
    return plotting.display_frame(out, BOARD_LABELS, percent=("progress",))


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
