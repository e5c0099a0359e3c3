"""One registry of the areas' KPI-row builders: the summary's only way to a KPI figure.

The management summary (notebook 90, index.html, early warning, highlights) computes no KPI itself.
For a month and a scope it calls each area's own KPI-row function, exactly as that area's notebook
does (notebooks 10-60), and caches the rows per month and part, so the scorecard's three months
(this month, last month, the same month last year) and the early-warning back-test's months each
cost one call per part. Every function behind a part is an engine-side aggregate (DuckDB) that
returns small frames.

Parts (area, name: the helper called):
- complaints.month: complaints.month_kpis; complaints.reduction: complaints.reduction_kpis;
  complaints.sla: complaint_sla.sla_kpis (together: complaint_report.kpi_rows, notebook 10)
- satisfaction.rate: satisfaction.outlet_months + satisfaction.kpi_rows (notebook 20)
- staff.qualification: staff.outlet_counts + staff.units + staff.staff_kpis (notebook 30)
- inspections.kpis: inspections.month_ledger + inspection_report.kpi_rows (notebook 40)
- queue.waits: queue.counting_outlets + queue.wait_kpis (notebook 50)
- campaign.progress: campaign.progress_report.report_data(...)["kpi_rows"] (notebook 60), found by core.areas
Survey CSAT/NPS (no target) and the quality rows (no target) are not in the registry: the summary
only shows KPIs with a target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from svc_analysis.engine import kpis
from svc_analysis.engine.scope import Scope  # noqa: F401  (the registry's scope value)
from svc_analysis.core.periods import parse_month


def _complaints_month(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.complaints import complaints

    con, s, p = src.con, src.scope, src.params.complaints
    return complaints.month_kpis(con, month, s.tree_in_scope, per_customers=p.per_customers,
                                 responsible_target=p.responsible_target, scope_level=s.level, outlets=s.outlets)


def _complaints_reduction(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.complaints import complaints

    con, s, p = src.con, src.scope, src.params.complaints
    return complaints.reduction_kpis(con, month, s.tree_in_scope, base_year=p.base_year,
                                     base_rate=p.base_year_rate_per_10k, target=p.reduction_target,
                                     per_customers=p.per_customers, scope_level=s.level, outlets=s.outlets)


def _complaints_sla(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.complaints import sla as complaint_sla

    con, s, p = src.con, src.scope, src.params.complaints
    return complaint_sla.sla_kpis(con, month, s.tree_in_scope, reply_hours=p.comment_book_reply_hours,
                                  closing_days=p.closing_days.model_dump(), reply_target=p.comment_book_on_time_target,
                                  close_target=p.closed_on_time_target, scope_level=s.level, outlets=s.outlets)


def _satisfaction(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.satisfaction import satisfaction

    return satisfaction.kpi_rows(src.satisfaction_counts([month]), src.scope.tree_in_scope, month,
                                 src.params.satisfaction.rate_target, scope_level=src.scope.level)


def _staff(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.staff import staff
    from svc_analysis.core.periods import month_end

    con, s, sp, day = src.con, src.scope, src.params.staff, month_end(month)
    counts = staff.outlet_counts(con, day, star_min_stars=sp.star_min_stars, expert_roles=sp.expert_test_roles,
                                 front_line_roles=sp.front_line_roles, outlets=s.outlets)
    return staff.staff_kpis(counts, staff.units(s.tree_in_scope, counts, day), month, staff.targets_from(sp), s.level)


def _inspections(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.inspections import views as inspection_report
    from svc_analysis.inspections import inspections

    con, s, p = src.con, src.scope, src.params.inspections
    ledger = inspections.month_ledger(con, s.tree, month, p)
    return inspection_report.kpi_rows(con, s.tree, s.tree_in_scope, month, p, ledger, s.level)


def _queue(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.queue import queue

    con, s, qp = src.con, src.scope, src.params.queue
    tree = queue.counting_outlets(con, s.tree_in_scope, month)
    return queue.wait_kpis(con, month, tree, threshold=qp.overtime_wait_minutes, tolerance=qp.overtime_outlet_share,
                           outlets_target=qp.overtime_outlets_target, scope_level=s.level)


def _campaign(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.core import areas  # the campaign's progress report, as the pack's workbook gets it

    s = src.scope
    return areas.hook("WORKBOOK_DATA")(src.con, src.params, s.tree, month, s.level, s.name)["kpi_rows"]


@dataclass(frozen=True)
class Part:
    area: str
    name: str
    metrics: tuple[str, ...]  # the metric ids it yields (a trailing ':' = a prefix)
    build: Callable


PARTS: tuple[Part, ...] = (
    Part("complaints", "month", ("complaints_total", "complaints_responsible", "complaint_rate_per_10k",
                                 "praises_total"), _complaints_month),
    Part("complaints", "reduction", ("complaint_rate_reduction",), _complaints_reduction),
    Part("complaints", "sla", ("comment_book_on_time_rate", "complaints_closed_on_time_rate",
                               "complaints_overdue_open"), _complaints_sla),
    Part("satisfaction", "rate", ("satisfaction_rate", "evaluator_participation_rate"), _satisfaction),
    Part("staff", "qualification", ("star_teller_rate", "expert_rate", "english_rate", "sign_language_coverage"),
         _staff),
    Part("inspections", "kpis", ("mystery_score_avg", "inspection_coverage_quarter", "inspection_coverage_year",
                                 "outlets_below_85", "penalty_yuan", "reward_yuan",
                                 "inspection_check_coverage_month"), _inspections),
    Part("queue", "waits", ("avg_wait_minutes", "overtime_wait_share", "p90_wait_minutes", "unserved_share",
                            "overtime_outlets"), _queue),
    Part("campaign", "progress", ("campaign_progress:", "report_on_time"), _campaign),
)


def parts_for(metrics: list[str] | None = None, areas: list[str] | None = None) -> list[Part]:
    """The parts yielding any of ``metrics`` (None: all) within ``areas`` (None: all)."""
    def yields(part: Part, metric: str) -> bool:
        return any(metric == m or (m.endswith(":") and metric.startswith(m)) for m in part.metrics)

    chosen = [p for p in PARTS if areas is None or p.area in areas]
    if metrics is not None:
        unknown = [m for m in metrics if not any(yields(p, m) for p in PARTS)]
        if unknown:
            raise KeyError(f"no area KPI function yields {', '.join(unknown)} (summary_registry.PARTS)")
        chosen = [p for p in chosen if any(yields(p, m) for m in metrics)]
    return chosen


@dataclass
class KpiSource:
    """The areas' KPI rows for one warehouse, scope and params, cached per (month, part) for a run."""

    con: object
    scope: Scope
    params: object
    _cache: dict = field(default_factory=dict, repr=False)

    def rows(self, month: str, metrics: list[str] | None = None, areas: list[str] | None = None) -> pd.DataFrame:
        """KPI rows (kpis.KPI_COLUMNS) of ``month`` from the parts yielding ``metrics`` in ``areas``."""
        month = parse_month(month)
        frames = []
        for part in parts_for(metrics, areas):
            key = (month, part.area, part.name)
            if key not in self._cache:
                self._cache[key] = part.build(self, month)
            frames.append(self._cache[key])
        frames = [f for f in frames if len(f)]
        if not frames:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in kpis.KPI_COLUMNS})
        out = pd.concat(frames, ignore_index=True)[kpis.KPI_COLUMNS]
        if metrics is not None:
            out = out[[any(m == x or (x.endswith(":") and m.startswith(x)) for x in metrics)
                       for m in out["metric"]]]
        return out.reset_index(drop=True)

    def satisfaction_counts(self, months: list[str]) -> pd.DataFrame:
        """satisfaction.outlet_months for ``months`` in the scope: one engine pass for a whole span.

        prefetch_satisfaction(first, last) makes every later request inside the span a slice of it
        (the back-test asks for many months; one pass over the ratings beats one per month).
        """
        span = self._cache.get("satisfaction_span")
        if span is not None and set(months) <= span[0]:
            return span[1][span[1]["month"].isin(months)]
        from svc_analysis.satisfaction import satisfaction

        return satisfaction.outlet_months(self.con, list(months), outlets=self.scope.outlets,
                                          satisfied_min_score=self.params.satisfaction.satisfied_min_score)

    def prefetch_satisfaction(self, months: list[str]) -> None:
        """Count ratings and customers served for the whole span of ``months`` in one pass."""
        from svc_analysis.core.periods import months_between

        months = months_between(min(months), max(months))
        self._cache["satisfaction_span"] = (set(months), self.satisfaction_counts(months))

    def calls(self) -> int:
        """How many area functions were called so far (the cache's size): for tests and timing."""
        return sum(1 for key in self._cache if isinstance(key, tuple))
