"""Campaign actuals against the outlets table (params campaign.kpis[].master_data; docs/campaign.md).

Some campaign KPIs have a counterpart in the master data: new off-site self-service banks are outlets of
type self_service opened since the KPI's start; VIP centres in service are outlets of type vip_centre;
smart-outlet coverage is the share of staffed outlets flagged smart (outlets.smart); the transformed share
the share whose transformed_on is on or before the month end. For every progress-board row of such a KPI
the figure is counted at the month end over the row's unit (province, branch, ...) and shown beside the
reported actual with the gap (reported - counted): a gap larger than the counterpart's ``tolerance`` is
flagged with a Chinese sentence asking the units to check, e.g. 活动报送 50 个，网点表仅 10 个，差 40 个，请核对。

Outlets count when open at the month end (engine.org.open_on). The counting is one small Ibis query per
KPI and level through the engine seam (warehouse.engine).

A flagged row is not judged (``withhold``): the progress board's row, and so its KPI row, carries status
unverified (待核实, meets_target empty, core.status) and no forecast until the units check the figure:
"on schedule" must not stand on a reported actual the outlets table does not back (issue 14).
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import periods
from svc_analysis.core import status as st
from svc_analysis.engine import org, warehouse
from svc_analysis.engine.scope import LEVEL_LABELS

COLUMNS = ["kpi_id", "name", "unit_of_measure", "level", "unit_id", "reported", "counted", "outlets",
           "source", "gap", "flagged", "sentence"]
SHARE_UNIT = "占比"
LEVEL_COLUMNS = {"branch": "branch", "subbranch": "subbranch", "outlet": "outlet_id"}
BASE_NAMES = {"self_service_outlets": "离行式自助银行", "vip_centre_outlets": "贵宾理财中心",
              "staffed_outlets": "有人网点", "all_outlets": LEVEL_LABELS["outlet"]}
FLAG_NAMES = {"smart": "智能化网点", "transformed": "已完成转型导入的网点"}


def _base(t, base: str):
    if base == "self_service_outlets":
        return t.outlet_type == "self_service"
    if base == "vip_centre_outlets":
        return t.outlet_type == "vip_centre"
    if base == "staffed_outlets":
        return ~t.outlet_type.isin(list(org.UNSTAFFED_TYPES))
    return t.outlet_type.notnull()


def counted(con, kpi, month: str, level: str) -> pd.DataFrame:
    """(unit_id, outlets, flagged) at the month end per unit of ``level``: ``outlets`` the base outlets open
    then; ``flagged`` those of them the counterpart counts (with a flag: carrying it; opened_since_start:
    opened on or after the KPI's start; else all of them)."""
    spec = kpi.master_data
    end = periods.month_end(month)
    t = warehouse.engine(con).table("outlets")
    t = t.filter(org.open_on(t, end) & _base(t, spec.base))
    if spec.flag == "smart":
        mark = t.smart.fill_null(False)
    elif spec.flag == "transformed":
        mark = t.transformed_on.notnull() & (t.transformed_on <= end)
    elif spec.opened_since_start:
        mark = t.opened_on.notnull() & (t.opened_on >= kpi.start)
    else:
        mark = t.outlet_id.notnull()
    figures = {"outlets": t.count(), "flagged": mark.cast("int64").sum()}
    if level == org.PROVINCE:
        frame = t.aggregate(**figures).to_pandas().assign(unit_id=org.PROVINCE)
    else:
        frame = t.group_by(unit_id=t[LEVEL_COLUMNS[level]]).aggregate(**figures).to_pandas()
    return frame[["unit_id", "outlets", "flagged"]].fillna(0)


def source_text(kpi) -> str:
    """What the outlets-table figure counts, in Chinese (e.g. 2026-01-01 以来开业的离行式自助银行)."""
    spec = kpi.master_data
    base = BASE_NAMES[spec.base]
    if spec.flag:
        return f"月末营业的{base}中{FLAG_NAMES[spec.flag]}占比"
    since = f"{kpi.start:%Y-%m-%d} 以来开业、" if spec.opened_since_start else ""
    return f"{since}月末营业的{base}数"


def _amount(value: float, unit: str) -> str:
    if unit == SHARE_UNIT:
        return f"{value * 100:.1f}%"
    return f"{value:,.0f} {unit}" if float(value).is_integer() else f"{value:,.1f} {unit}"


def sentence(kpi, reported: float, counted_value: float, outlets: float, flagged: bool) -> str:
    """活动报送 50 个，网点表仅 10 个，差 40 个，请核对。 / 活动报送与网点表一致（10 个）。 A count of outlets
    opened since the KPI's start names the date and how many of the base the table holds in all."""
    unit, spec = kpi.unit_of_measure, kpi.master_data
    if pd.isna(counted_value):
        return "网点表中没有可比的网点。"
    if not flagged:
        return f"活动报送与网点表一致（{_amount(counted_value, unit)}）。"
    gap = abs(reported - counted_value)
    gap_text = f"{gap * 100:.1f} 个百分点" if unit == SHARE_UNIT else _amount(gap, unit)
    table = "网点表" + (f"中 {kpi.start:%Y-%m-%d} 以来开业的" if spec.flag is None and spec.opened_since_start else "")
    word = "仅 " if reported > counted_value else "有 "
    total = (f"（{BASE_NAMES[spec.base]}共 {_amount(outlets, unit)}）"
             if spec.flag is None and spec.opened_since_start else "")
    return f"活动报送 {_amount(reported, unit)}，{table}{word}{_amount(counted_value, unit)}{total}，差 {gap_text}，请核对。"


def check(con, campaign, board: pd.DataFrame, month: str) -> pd.DataFrame:
    """One row per progress-board row of a KPI with master_data (COLUMNS): reported actual, the
    outlets-table figure (a count, or a share of ``outlets``), the gap and whether it is flagged."""
    rows = []
    for kpi in campaign.kpis:
        if kpi.master_data is None:
            continue
        part = board[board["kpi_id"] == kpi.id]
        share = kpi.master_data.flag is not None
        for level in part["level"].unique():
            figures = counted(con, kpi, month, level).set_index("unit_id")
            for r in part[part["level"] == level].itertuples(index=False):
                n = float(figures["outlets"].get(r.unit_id, 0))
                flagged_n = float(figures["flagged"].get(r.unit_id, 0))
                value = (flagged_n / n if n else float("nan")) if share else flagged_n
                gap = r.actual - value
                flag = bool(pd.notna(gap) and round(abs(gap), 9) > kpi.master_data.tolerance)
                rows.append({"kpi_id": kpi.id, "name": kpi.name, "unit_of_measure": kpi.unit_of_measure,
                             "level": level, "unit_id": r.unit_id, "reported": r.actual, "counted": value,
                             "outlets": n, "source": source_text(kpi), "gap": gap, "flagged": flag,
                             "sentence": sentence(kpi, r.actual, value, n, flag)})
    return pd.DataFrame(rows, columns=COLUMNS)


def withhold(board: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    """``board`` (campaign.progress_board) with every judged row (on_track / at_risk / behind) whose check is
    flagged (``checks``: ``check`` of the same board; the gap beyond the KPI's params tolerance) set to status
    unverified and its forecast emptied: the reported actual is shown, its progress is not judged (module
    docstring). A row judged by nothing anyway (no_target: 基数未填报) keeps its one reason; its gap is
    flagged in the check all the same."""
    if board.empty or checks.empty or not checks["flagged"].any():
        return board
    keys = set(map(tuple, checks.loc[checks["flagged"], ["kpi_id", "level", "unit_id"]].to_numpy()))
    hit = pd.Series([k in keys for k in zip(board["kpi_id"], board["level"], board["unit_id"])], index=board.index)
    hit &= board["status"].isin(st.CAMPAIGN)
    out = board.copy()
    out.loc[hit, "status"] = st.UNVERIFIED
    out.loc[hit, ["forecast", "forecast_low", "forecast_high"]] = float("nan")
    out["forecast_meets"] = out["forecast_meets"].astype(object)
    out.loc[hit, "forecast_meets"] = None
    return out
