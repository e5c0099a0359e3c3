"""The staff area's registration (entry point svc_analysis.areas: staff, read by core.areas).

- METRICS: the catalogue entries of every metric the area publishes (registered at import);
- kpi_rows(con, params, scope, period): the area's complete KPI rows, the one place they are
  assembled (notebook 30 publishes exactly these; the summary finds them through core.areas);
- shortfall(numerator, denominator, target): how many more people must qualify to reach a target
  (staff.shortfall), for the early warning's reasons (core.areas.hook: the summary imports no area).
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core import catalogue
from svc_analysis.core.catalogue import Metric
from svc_analysis.core.period import Period
from svc_analysis.engine.scope import Scope
from svc_analysis.staff import staff
from svc_analysis.staff.staff import shortfall  # noqa: F401  (a hook: the summary's early-warning reasons)

AREA = "staff"
_RESPONSIBILITY = "《文明优质服务管理工作责任书》"

METRICS = (
    Metric("star_teller_rate", "星级柜员率", AREA, "share", "higher",
           "月末在岗柜员中，最近一次星级评定（月末前评定且仍在有效期内）不低于 1 星的人数 / 月末在岗柜员人数。",
           _RESPONSIBILITY, "staff.star_teller_target"),
    Metric("expert_rate", "业务能手率", AREA, "share", "higher",
           "月末在岗应测人员（参数 staff.expert_test_roles，默认柜员）中月末前通过业务能手测试的人数 / 在岗应测人员人数。",
           _RESPONSIBILITY, "staff.expert_target"),
    Metric("english_rate", "柜台英语达标率", AREA, "share", "higher",
           "月末在岗一线人员（柜员、大堂经理）中通过英语测试的人数 / 在岗一线人员人数。",
           _RESPONSIBILITY, "staff.english_target"),
    Metric("sign_language_coverage", "手语服务网点覆盖率", AREA, "share", "higher",
           "至少有一名在岗大堂经理通过手语测试的网点数 / 有在岗大堂经理的网点数。",
           _RESPONSIBILITY, "staff.sign_language_coverage_target"),
)
catalogue.register(METRICS)


def day_of(period: Period):
    """The period's last day (the month end the roster is taken on); ValueError for a week or a day."""
    period = Period.parse(period)
    period.month_only("员工指标")
    return period.last_day


def kpi_rows(con, params, scope: Scope, period: Period) -> pd.DataFrame:
    """The staff area's KPI rows for ``period`` in ``scope``: star_teller_rate, expert_rate,
    english_rate and sign_language_coverage (targets from params.staff, meets_target judged here),
    at the scope's level and every level below it, counted on the period's last day.

    ``con``: the DuckDB connection or an Ibis backend (engine.warehouse.engine); ``params``:
    core.params.Params. Monthly only: ValueError for a week or a day until that cadence exists.
    """
    day = day_of(period)
    period = Period.parse(period)
    sp = params.staff
    counts = staff.outlet_counts(con, day, star_min_stars=sp.star_min_stars, expert_roles=sp.expert_test_roles,
                                 front_line_roles=sp.front_line_roles, outlets=scope.outlets)
    units = staff.units(scope.tree_in_scope, counts, day)
    return staff.staff_kpis(counts, units, period.key, staff.targets_from(sp), scope.level)
