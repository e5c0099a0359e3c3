"""The monthly progress report 服务活动进展情况月报表: due dates and on-time submission.

Rule (seed 000 五(四): 每月第一个周一12:00前将上月情况上报; DOMAIN.md §6; params campaign.report_due):
the report on month M is due in month M + 1 on the first ``weekday`` (0 = Monday) at ``hour``:00. A
public holiday is not special unless params list it in ``holidays``: a due day on a listed date moves to
the next working day (Monday to Friday, not listed). So the pack of month M tracks the reports due in M
(the reports on M - 1), and the workbook it writes (the report on M) shows the due date in M + 1.

Each unit of the ``submitters`` level (default: branches open at the month end in the scope) sends one
report per month (report_submissions: unit_id, month = the month reported on, submitted_at). Its status:
on_time (first submission at or before the due moment), late (after it) or missing (none at all, as
of the run). KPI report_on_time: numerator = units on time, denominator = units expected, value = the
share; unit rows are 1 or 0; the levels above add numerators and denominators; target from params
``report_due.on_time_target``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd

from svc_analysis.engine import kpis
from svc_analysis.engine import org, warehouse
from svc_analysis.core import periods

AREA = "campaign"
METRIC = "report_on_time"
STATUS_LABELS = {"on_time": "按时", "late": "迟报", "missing": "未报"}
WORKDAYS = range(0, 5)  # Monday .. Friday
STATUS_COLUMNS = ["unit_id", "reported_month", "due_at", "submitted_at", "status", "hours_late"]


def first_weekday(month: str, weekday: int) -> date:
    """The first day of the month falling on ``weekday`` (0 = Monday ... 6 = Sunday)."""
    start = periods.month_start(month)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def due_at(month: str, weekday: int, hour: int, holidays=()) -> datetime:
    """When the reports due in ``month`` (the reports on the month before) must be in."""
    day = first_weekday(month, weekday)
    closed = set(holidays)
    if day in closed:
        day += timedelta(days=1)
        while day.weekday() not in WORKDAYS or day in closed:
            day += timedelta(days=1)
    return datetime.combine(day, time(hour))


def due_for_report_on(reported_month: str, weekday: int, hour: int, holidays=()) -> datetime:
    """When the report on ``reported_month`` is due: in the following month."""
    return due_at(periods.add_months(reported_month, 1), weekday, hour, holidays)


def submitters(tree: pd.DataFrame, month: str, level: str = "branch") -> list[str]:
    """The units expected to report: every ``level`` unit with an outlet open at the month end."""
    opened = org.open_outlets(tree, periods.month_end(month))
    return sorted(set(opened[level]))


def submission_status(con, reported_month: str, units: list[str], due: datetime) -> pd.DataFrame:
    """One row per unit: unit_id, reported_month, due_at, submitted_at (first), status, hours_late.

    A unit's first submission counts (a re-submission does not make a late report on time).
    """
    reported_month = periods.parse_month(reported_month)
    first = {}
    if units:
        t = warehouse.engine(con).table("report_submissions")
        t = t.filter(t.month == reported_month, t.unit_id.isin(list(units)))
        found = t.group_by("unit_id").aggregate(submitted_at=t.submitted_at.min()).to_pandas()
        first = dict(zip(found["unit_id"], found["submitted_at"]))
    rows = []
    for unit in units:
        at = first.get(unit)
        at = None if at is None or pd.isna(at) else pd.Timestamp(at).to_pydatetime()
        status = "missing" if at is None else ("on_time" if at <= due else "late")
        hours = None if at is None or at <= due else (at - due).total_seconds() / 3600
        rows.append((unit, reported_month, due, at, status, hours))
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


def unknown_submitters(con, units: list[str], month: str) -> pd.DataFrame:
    """Submissions up to the month from a unit_id that is not an expected submitter (a typo or an
    old name): listed so that nothing is lost silently."""
    t = warehouse.engine(con).table("report_submissions")
    t = t.filter(t.month <= periods.parse_month(month))
    if units:
        t = t.filter(~t.unit_id.isin(list(units)))
    return t.select("unit_id", "month", "submitted_at").order_by(["month", "unit_id"]).to_pandas()


def history(con, months: list[str], units: list[str], weekday: int, hour: int, holidays=()) -> pd.DataFrame:
    """submission_status for the reports on each of ``months`` (for the notebook's grid)."""
    frames = [submission_status(con, m, units, due_for_report_on(m, weekday, hour, holidays)) for m in months]
    if not frames:
        return pd.DataFrame(columns=STATUS_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def on_time_rows(status: pd.DataFrame, tree: pd.DataFrame, month: str, *, level: str = "branch",
                 target: float | None = None, scope_level: str = org.PROVINCE) -> pd.DataFrame:
    """report_on_time KPI rows: each submitting unit (1/1 on time, 0/1 late or missing) and the levels
    above it within the scope, adding numerators and denominators."""
    frame = status.assign(numerator=(status["status"] == "on_time").astype(float), denominator=1.0)
    levels = kpis.levels_for_scope(scope_level)
    rows = []
    if org.PROVINCE in levels:
        rows.append((org.PROVINCE, org.PROVINCE, frame["numerator"].sum(), frame["denominator"].sum()))
    if level == "subbranch" and "branch" in levels:
        parent = tree.drop_duplicates("subbranch").set_index("subbranch")["branch"]
        grouped = frame.groupby(frame["unit_id"].map(parent))[["numerator", "denominator"]].sum()
        rows += [("branch", u, n, d) for u, (n, d) in grouped.iterrows()]
    if level in levels:
        rows += [(level, u, n, d) for u, n, d in frame[["unit_id", "numerator", "denominator"]].itertuples(index=False)]
    out = [kpis.kpi_row(month, AREA, METRIC, lvl, unit, n / d if d else None, numerator=n, denominator=d,
                        target=target) for lvl, unit, n, d in rows]
    return kpis.frame_of(out)
