"""The week's video checks per branch (weekly pack) on the hand-built warehouse of tests/inspections/conftest.py."""

from __future__ import annotations

from svc_analysis.core.params import load_params
from svc_analysis.core.period import Period
from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope
from svc_analysis.inspections import checks, week_checks


def test_week_counts_and_the_weekly_rule(con):
    params = load_params(month="2026-10")  # one video check a week per branch
    scope = Scope.of(org.outlet_tree(con), None)
    # 2026-W44 (26 Oct - 1 Nov): B1 O1 26 Oct; B2 O6 27 Oct and Sunday 1 Nov (same outlet twice)
    week = week_checks.branch_week(con, params, scope, Period.week("2026-W44")).set_index("branch")
    assert week[["checks", "outlets_checked"]].to_dict("index") == {"B1": {"checks": 1, "outlets_checked": 1},
                                                                     "B2": {"checks": 2, "outlets_checked": 1}}
    assert week["met"].all()
    # 2026-W43 (19-25 Oct): only O6 on 20 Oct (B2); the on-site check of O4 is not a video check
    week = week_checks.branch_week(con, params, scope, Period.week("2026-W43")).set_index("branch")
    assert week["checks"].to_dict() == {"B1": 0, "B2": 1} and week["met"].to_dict() == {"B1": False, "B2": True}
    text, table = week_checks.video_section(con, params, scope, Period.week("2026-W43"))
    assert "2 家分行中 1 家" in text.data and "未完成的分行：B1" in text.data
    assert table["是否达到"].tolist() == ["未达到", "达到"]


def test_the_monthly_rule_is_the_weekly_rule_over_the_months_weeks(con, tree):
    # October's weeks are those whose Thursday is in October (checks.weeks_of): they start 28 Sep (Thursday
    # 1 Oct), 5, 12, 19, 26 Oct. B2 has a video check in each (4 Oct in the week of 28 Sep, 6, 13, 20, 27 Oct),
    # B1 only in the weeks of 5, 12 and 26 Oct
    rule = checks.weekly_rule(con, tree, "2026-10", ["video"], 1).set_index("branch")
    assert rule.loc["B2", "weeks_met"] == 5 and bool(rule.loc["B2", "meets"])
    assert rule.loc["B1", "weeks_met"] == 3 and not bool(rule.loc["B1", "meets"])
    weekly = [checks.week_counts(con, tree, [Period.week(f"2026-W{n}").start], ["video"]).set_index("branch")
              for n in (40, 41, 42, 43, 44)]
    assert sum(int(w.loc["B1", "checks"]) for w in weekly) == rule.loc["B1", "checks"] == 3
