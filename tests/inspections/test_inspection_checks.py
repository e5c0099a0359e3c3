"""Video/on-site checks against the weekly rule and the monthly check coverage (hand-built warehouse
of tests/inspections/conftest.py; October 2026 has the weeks of Mondays 5, 12, 19 and 26)."""

from datetime import date

import pytest

from svc_analysis.inspections import checks
from svc_analysis.core.params import load_params

MONTH = "2026-10"
P = load_params(MONTH).inspections


def test_week_starts():
    assert checks.week_starts("2026-10") == [date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 19),
                                             date(2026, 10, 26)]
    assert checks.week_starts("2026-06")[0] == date(2026, 6, 1)  # a month starting on a Monday
    assert len(checks.week_starts("2026-06")) == 5


def test_weekly_rule(con, tree):  # noqa: F811
    weekly = checks.weekly_rule(con, tree, MONTH, ["video"], 1).set_index("branch")
    # B1: videos in the weeks of 5, 12 and 26 Oct, none in the week of 19 Oct
    assert weekly.loc["B1"].tolist() == [4, 3, 3, 0, False]
    # B2: one video every week; Sun 4 Oct belongs to the week of 28 Sep, Sun 1 Nov to the week of 26 Oct
    assert weekly.loc["B2"].tolist() == [4, 4, 5, 1, True]
    two = checks.weekly_rule(con, tree, MONTH, ["video"], 2).set_index("branch")
    assert two.loc["B2", "weeks_met"] == 1  # only the week of 26 Oct has two
    with_onsite = checks.weekly_rule(con, tree, MONTH, ["video", "onsite"], 2).set_index("branch")
    assert with_onsite.loc["B1", "weeks_met"] == 1  # 26 Oct video + 27 Oct on-site


def test_counts_by_branch(con, tree):  # noqa: F811
    counts = checks.counts_by_branch(con, tree, MONTH).set_index("branch")
    # B1 mystery: O1 x2, O2 x3, O4, O5 = 7 (re-checks included); videos 3; on-site 1
    assert counts.loc["B1"].tolist() == [7, 3, 1]
    # B2: O8 x2 mystery; O6 videos on 4, 6, 13, 20, 27 Oct (1 Nov is not October)
    assert counts.loc["B2"].tolist() == [2, 5, 0]


def test_monthly_check_coverage(con, tree):  # noqa: F811
    # staffed, open on 31 Oct: O1 O2 O4 O6 O8; every one has some check in October
    rows = checks.coverage_kpis(con, tree, MONTH, ["video", "onsite", "mystery"], 1.0)
    province = rows[rows.level == "province"].iloc[0]
    assert (province.numerator, province.denominator, province.value) == (5, 5, 1.0) and province.meets_target
    videos = checks.coverage(con, tree, MONTH, ["video"])
    assert videos.numerator.sum() == 3  # O1, O2, O6


def test_branch_table(con, tree):  # noqa: F811
    table = checks.branch_table(con, tree, MONTH, P).set_index("branch")
    assert table.loc["B1", "weeks_met"] == 3 and not table.loc["B1", "meets"]
    assert table.loc["B2", "coverage"] == 1.0


@pytest.mark.parametrize("kinds", [[], ["phone"]])
def test_unknown_kinds_are_refused(con, tree, kinds):  # noqa: F811
    with pytest.raises(ValueError, match="check kinds"):
        checks.coverage(con, tree, MONTH, kinds)
