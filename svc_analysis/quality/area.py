"""The data-quality area's registration (entry point svc_analysis.areas: quality, read by core.areas).

- METRICS: the catalogue entry of the one metric family notebook 00 publishes,
  ``outlet_day_coverage:<table>`` (one member per table of params ``quality.gap_tables``);
- kpi_rows(con, params, scope, period): those KPI rows, assembled here once (quality.outlet_days
  rolled up the tree). No target: the figure tells how far the month's rates can be trusted.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import catalogue
from svc_analysis.core.catalogue import Metric
from svc_analysis.core.period import Period
from svc_analysis.engine.scope import Scope
from svc_analysis.quality import quality

AREA = "quality"

METRICS: tuple[Metric, ...] = (
    Metric("outlet_day_coverage:", "网点逐日数据完整率", AREA, "share", "higher",
           "本月有人值守网点营业日中当天该表至少有一行记录的网点日数 ÷ 营业的网点日数（营业：开业日期不晚于当天，"
           "且未撤并或撤并日期晚于当天）。", "数据约定：有人值守网点每个营业日都应有排队叫号和评价器记录", None, family=True),
)
catalogue.register(METRICS)


def kpi_rows(con, params, scope: Scope, period: Period) -> pd.DataFrame:
    """The ``outlet_day_coverage:<table>`` rows of ``period`` for ``scope`` (engine.kpis.KPI_COLUMNS).

    ``params``: core.params.Params (``quality.gap_tables``). Raises ValueError for a period that is
    not a month, until the weekly cadence exists.
    """
    period.month_only("数据质量指标")
    month = period.month_key
    days = quality.outlet_days(con, month, params.quality.gap_tables, outlets=scope.outlets)
    return quality.day_coverage_kpis(days, scope.tree_in_scope, month, scope.level)
