"""The queue area's registration (entry point svc_analysis.areas: queue, read by core.areas).

METRICS: the catalogue entries of every metric id the area publishes (registered at import).
kpi_rows: the area's complete KPI rows, assembled in this one place; notebook 50 publishes them and
the summary reads them through core.areas, neither judges again. Every queue metric is defined over
any period's tickets (``cadences``): the weekly bulletin (notebooks/weekly/51) publishes a week's rows.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import catalogue
from svc_analysis.core.catalogue import EVERY_PERIOD, Metric
from svc_analysis.core.period import Period
from svc_analysis.engine import kpis
from svc_analysis.engine.scope import Scope
from svc_analysis.queue import queue

AREA = queue.AREA
_SOURCE = "服务效率提升要求（超时网点零发生）"

METRICS: tuple[Metric, ...] = (
    Metric("avg_wait_minutes", "客户平均等候时长", AREA, "minutes", "lower",
           "本月取号并已叫号的客户等候分钟（叫号时间 − 取号时间）之和 / 已叫号客户数。", _SOURCE, None,
           cadences=EVERY_PERIOD),
    Metric("overtime_wait_share", "超时等候客户占比", AREA, "share", "lower",
           "本月等候超过超时标准（参数，默认20分钟）的客户数 / 已叫号客户数；目标为超时网点判定线。",
           _SOURCE, "queue.overtime_outlet_share", cadences=EVERY_PERIOD),
    Metric("p90_wait_minutes", "90%客户等候时长", AREA, "minutes", "lower",
           "本月已叫号客户等候分钟的第90百分位数（线性插值），在每一层级按本单位的全部号票计算，不逐级相加。",
           _SOURCE, None, cadences=EVERY_PERIOD),
    Metric("unserved_share", "取号未办理离开占比", AREA, "share", "lower",
           "本月取号后未被叫号的号票数 / 本月全部号票数。", _SOURCE, None, cadences=EVERY_PERIOD),
    Metric("overtime_outlets", "超时网点数", AREA, "count", "lower",
           "本月已叫号客户不少于最低样本量（默认100人）的网点中，超时等候客户占比高于超时网点判定线的网点数；"
           "分子为超时网点数，分母为计入判定的网点数（不足最低样本量的网点样本不足，不计入）。目标为零（超时网点零发生）。",
           _SOURCE, "queue.overtime_outlets_target", cadences=EVERY_PERIOD),
)
catalogue.register(METRICS)


def kpi_rows(con, params, scope: Scope, period: Period, levels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every KPI row of the queue area (METRICS) for ``scope`` and ``period`` (queue.wait_kpis over
    the outlets that count, queue.counting_outlets).

    params: core.params.Params. Any period: a month, an ISO week (the weekly bulletin), a day; the
    tickets taken in its days (Period.bounds). levels: queue.level_stats of the same period, outlets
    and scope when the caller already has them (saves one pass over the period's tickets).
    """
    qp = params.queue
    tree = queue.counting_outlets(con, scope.tree_in_scope, period)
    rows = queue.wait_kpis(con, period, tree, threshold=qp.overtime_wait_minutes, tolerance=qp.overtime_outlet_share,
                           outlets_target=qp.overtime_outlets_target, scope_level=scope.level, levels=levels,
                           min_served=params.volumes.minimum("overtime_wait_share"))
    return kpis.apply_volumes(rows, params.volumes.min_denominator)


def watch_alerts(con, params, scope: Scope, day: Period) -> pd.DataFrame:
    """The daily watch's queue alerts for ``day`` (core.areas.WATCH_ALERT_COLUMNS; rules in
    queue.watch_alerts): outlets above the day's overtime share, open outlets without queue data.
    ``con``: the warehouse as known at the day's end (engine.as_of)."""
    from svc_analysis.queue import watch_alerts as watch

    return watch.alerts(con, params, scope, day)
