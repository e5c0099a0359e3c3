"""What notebook 30 shows, one call per section: each returns a ``Shown`` (Markdown and tables,
displayed in order; a figure a section draws is shown by the notebook's inline backend after them).

``Page(con, params, scope, period)`` takes the roster once on the period's last day; the KPI rows
are ``staff.area.kpi_rows`` (the one place they are assembled and judged), read here, never rebuilt.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property

import pandas as pd
from IPython.display import Markdown, display

from svc_analysis.core.period import Period
from svc_analysis.core.periods import month_end, previous_month, year_start
from svc_analysis.engine.scope import Scope
from svc_analysis.staff import area, new_hires, outcomes, staff, star_moves
from svc_analysis.staff import views as staff_views


class Shown:
    """A section's output: Markdown sentences and tables, displayed in order."""

    def __init__(self, *items):
        self.items = [item for item in items if item is not None]

    def _ipython_display_(self):
        for item in self.items:
            display(item)


class Page:
    """Notebook 30's figures for one scope and period (a month: area.day_of)."""

    def __init__(self, con, params, scope: Scope, period: Period):
        self.con, self.params, self.scope = con, params, scope
        self.day = area.day_of(period)
        self.month = Period.parse(period).key
        self.sp = sp = params.staff
        self.by = staff_views.child_level(scope.level)
        self.by_column = "outlet_id" if self.by == "outlet" else self.by
        self.counts = staff.outlet_counts(con, self.day, star_min_stars=sp.star_min_stars,
                                          expert_roles=sp.expert_test_roles, front_line_roles=sp.front_line_roles,
                                          outlets=scope.outlets)
        self.units = staff.units(scope.tree_in_scope, self.counts, self.day)
        self.kpi_rows = area.kpi_rows(con, params, scope, period)

    @cached_property
    def roster(self) -> pd.DataFrame:
        return star_moves.tellers(self.con, self.day, self.scope.outlets)

    @cached_property
    def expert_roster(self) -> pd.DataFrame:
        sp = self.sp
        return new_hires.expert_roster(self.con, self.day, roles=sp.expert_test_roles,
                                       within_months=sp.expert_within_months, outlets=self.scope.outlets)

    @cached_property
    def missed(self) -> pd.DataFrame:
        return staff.below_target(self.kpi_rows)

    # --- sections ------------------------------------------------------------------------------
    def headline(self) -> Shown:
        s = self.scope
        return Shown(Markdown(staff_views.headline_sentence(self.kpi_rows, s.level, s.label)),
                     staff_views.headline(self.kpi_rows, s.level, self.units))

    def distribution(self) -> Shown:
        dist = star_moves.distribution(self.roster, self.units, self.by_column)
        staff_views.plot_distribution(dist, self.by_column, self.sp.star_teller_target)
        return Shown(staff_views.show(dist))

    def moves(self) -> Shown:
        def since(start):
            return star_moves.movements(self.con, start, self.day, self.units, self.scope.outlets, self.by_column)[1]

        month_moves = since(month_end(previous_month(self.month)))
        year_moves = since(year_start(self.month) - timedelta(days=1))
        return Shown(Markdown(staff_views.moves_sentence(month_moves, year_moves)),
                     Markdown("**与上月末相比**"), staff_views.show(month_moves),
                     Markdown("**与上年末相比**"), staff_views.show(year_moves))

    def lapsing(self) -> Shown:
        days = self.sp.rating_lapse_warning_days
        lapsing = star_moves.lapsing_soon(self.roster, self.day, days, self.units)
        return Shown(Markdown(f"**未来 {days} 天内星级评定到期的柜员**：{len(lapsing)} 人"
                              f"（有效期至在月末当天或之后、距月末不足 {days} 天），需及时复评。"),
                     staff_views.show(lapsing))

    def below(self) -> Shown:
        return Shown(Markdown(staff_views.below_sentence(self.missed, self.by)),
                     staff_views.below_table(self.missed, self.units, staff_views.middle_levels(self.scope.level)))

    def outlets_below(self) -> Shown:
        outlets_missed = staff_views.below_table(self.missed, self.units, ["outlet"])
        return Shown(Markdown(f"**未达标网点**：{len(outlets_missed)} 个（至少一项未达标），按星级柜员缺口从大到小排列。"),
                     outlets_missed)

    def new_hires(self) -> Shown:
        members = new_hires.cohort(self.expert_roster, self.day, self.sp.new_hire_cohort_months)
        return Shown(staff_views.show(new_hires.first_year_summary(members, self.units, self.by_column),
                                      percent=("share",)))

    def approaching(self) -> Shown:
        days = self.sp.anniversary_warning_days
        near = new_hires.approaching(self.expert_roster, self.day, days, self.units)
        return Shown(Markdown(f"**{days} 天内入行满一年、尚未通过业务能手测试**：{len(near)} 人。"),
                     staff_views.show(near))

    def sign_language(self) -> Shown:
        gaps = staff.sign_language_gaps(self.counts, self.units)
        return Shown(Markdown(staff_views.sign_language_sentence(gaps, self.counts)), staff_views.show(gaps))

    def outcomes(self) -> Shown:
        p = self.params
        outcome = outcomes.with_star_rate(
            outcomes.outlet_outcomes(self.con, self.month, months=self.sp.outcome_months,
                                     satisfied_min_score=p.satisfaction.satisfied_min_score,
                                     per_customers=p.complaints.per_customers, outlets=self.scope.outlets),
            self.counts)
        corr = outcomes.correlations(outcome, self.sp.outcome_confidence)
        outcomes.plot(outcome, corr)
        return Shown(Markdown("\n\n".join(outcomes.sentence(row) for _, row in corr.iterrows())))
