"""The week's video (non-site) checks per branch, for the weekly pack (notebooks/weekly/41_checks_week).

Seed 003 plan 1: "一级分行每周开展一次非现场检查" (DOMAIN.md §4). The rule and its counting are
checks.py's (checks.week_counts, checks.week_met with params inspections.weekly_check_kinds and
video_checks_per_branch_per_week), applied to one ISO week (a core.period.Period): a check counts in
the week of its date. The monthly page shows the same rule over the month's weeks.
"""

from __future__ import annotations

import pandas as pd

from svc_analysis.core.period import Period
from svc_analysis.core.safety import md_list
from svc_analysis.engine.scope import Scope
from svc_analysis.inspections import checks
from svc_analysis.views.plotting import display_frame
from svc_analysis.engine.scope import LEVEL_LABELS

_LABELS = {"branch": LEVEL_LABELS["branch"], "checks": "本周检查次数", "outlets_checked": "检查网点数", "required": "每周至少",
           "verdict": "是否达到"}


def branch_week(con, params, scope: Scope, period: Period) -> pd.DataFrame:
    """Per branch of the scope: checks of the weekly kinds in the week, outlets checked, required, met."""
    p = params.inspections
    counts = checks.week_counts(con, scope.tree_in_scope, [period.start], p.weekly_check_kinds)
    return counts.assign(required=p.video_checks_per_branch_per_week,
                         met=checks.week_met(counts["checks"], p.video_checks_per_branch_per_week))


def video_section(con, params, scope: Scope, period: Period) -> tuple:
    """Section 一: how many branches met the weekly rule, the ones that did not (named), and the table."""
    from IPython.display import Markdown

    table = branch_week(con, params, scope, period)
    kinds = "、".join(checks.KIND_LABELS[k] for k in params.inspections.weekly_check_kinds)
    missed = table.loc[~table["met"], "branch"].tolist()
    text = (f"{period.label}，{len(table)} 家分行中 {int(table['met'].sum())} 家完成了每周至少 "
            f"{params.inspections.video_checks_per_branch_per_week} 次{kinds}检查"
            + (f"；未完成的分行：{md_list(missed)}。" if missed else "，全部完成。"))
    shown = table.assign(verdict=table["met"].map({True: "达到", False: "未达到"}))
    return Markdown(text), display_frame(shown[list(_LABELS)], _LABELS)
