"""Display tables of the queue notebook (50_queue), from the frames of queue.py, monitor.py, peaks.py,
windows.py and business.py. No figure is computed here: only Chinese headers, formats (plotting:
percents, 无数据 for missing) and the 周通报's share-and-rank cells. Charts: queue.charts; the
notebook's sections: queue.page.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svc_analysis.core import status
from svc_analysis.engine.scope import LEVEL_LABELS
from svc_analysis.stats import proportions
from svc_analysis.views import plotting

LABELS = {
    "level": "层级", "unit_id": "单位", "outlet_id": "网点编号", "outlet_name": "网点名称", "subbranch": "支行",
    "branch": "二级分行", "tickets": "取号数", "served": "已叫号客户", "unserved": "未办理离开",
    "overtime": "超时客户", "mean_wait": "平均等候(分钟)", "p90_wait": "90%分位等候(分钟)",
    "overtime_share": "超时占比", "unserved_share": "未办理离开占比", "rank": "本月排名", "share": "取号占比",
    "interval": "超时占比 95% 区间",
    "business_type": "业务类型", "mean_service": "平均办理(分钟)", "p90_service": "90%分位办理(分钟)",
    "label": "时段", "arrivals": "每网点每小时到达", "efficiency_complaints": "效率类投诉",
    "complaints_per_10k": "每万名客户效率投诉", "survey_efficiency": "问卷效率评分", "survey_answers": "问卷份数",
    "service_minutes": "平均办理(分钟)", "weekday_max": "工作日最多需", "weekday_peak_hour": "工作日高峰(时)",
    "weekday_min": "工作日最少需", "weekend_max": "周末最多需", "weekend_peak_hour": "周末高峰(时)",
    "weekend_min": "周末最少需",
}
LEVEL_ZH = LEVEL_LABELS  # the level names of engine.scope, one spelling for every page
PERCENT = ("overtime_share", "unserved_share", "share")
SMALL_SAMPLE = status.label(status.SMALL_SAMPLE)


def _rounded(frame: pd.DataFrame, digits: int = 1) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if col not in PERCENT and pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(digits)
    return out


def table(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """A queue frame ready to show: chosen columns, Chinese headers, shares as percents (无数据 when
    missing), minutes to one decimal, counts as integers."""
    out = frame[columns] if columns else frame
    out = _rounded(out)
    for col in ("tickets", "served", "unserved", "overtime"):
        if col in out.columns:
            out[col] = out[col].astype("int64")
    if "level" in out.columns:
        if "unit_id" in out.columns:
            out["unit_id"] = out["unit_id"].where(out["level"] != "province", LEVEL_ZH["province"])
        out["level"] = out["level"].map(LEVEL_ZH)
    return plotting.display_frame(out, LABELS, percent=PERCENT)


def _ranked(share, rank, small) -> str:
    if pd.isna(share):
        return plotting.NO_DATA
    return f"{plotting.fmt_pct(share)}（{SMALL_SAMPLE if small is True else rank}）"


def ranking_display(rank_table: pd.DataFrame, level: str) -> pd.DataFrame:
    """The 周通报 table: unit, names, month served / share with its 95% Wilson interval / rank, then
    each week as '70.9%（1）'; a unit or week below the minimum volume shows 样本不足 instead of a rank."""
    names = ["unit_id", "outlet_name", "subbranch", "branch"] if level == "outlet" else ["unit_id", "branch"]
    out = rank_table[names + ["served", "overtime_share"]].copy()
    small = rank_table["small"].fillna(False).astype(bool) if "small" in rank_table else pd.Series(False, out.index)
    served = rank_table["served"].to_numpy()
    lower, upper = proportions.wilson(np.rint(rank_table["overtime"].to_numpy()), served)
    out["interval"] = [("" if s or pd.isna(lo) else f"{plotting.fmt_pct(lo)}–{plotting.fmt_pct(hi)}")
                       for s, lo, hi in zip(small, lower, upper)]
    out["rank"] = rank_table["rank"]
    for col in [c for c in rank_table.columns if c.endswith(" 排名")]:
        week = col[: -len(" 排名")]
        share, rank = rank_table[f"{week} 超时占比"], rank_table[col]
        week_small = rank_table.get(f"{week} 样本不足", pd.Series(False, rank_table.index))
        out[week] = [_ranked(s, r, bool(w) if pd.notna(w) else False) for s, r, w in zip(share, rank, week_small)]
    out["rank"] = [SMALL_SAMPLE if s else (plotting.NO_DATA if pd.isna(r) else r) for s, r in zip(small, out["rank"])]
    labels = dict(LABELS, unit_id="网点编号" if level == "outlet" else "支行")
    return plotting.display_frame(out, labels, percent=PERCENT)
