"""One registry of the areas' KPI rows: the summary's only way to a KPI figure.

The management summary (notebook 90, index.html, early warning, highlights) computes no KPI itself.
It discovers the areas through ``core.areas``: every registered area offering the hook
``kpi_rows(con, params, scope: Scope, period: Period)`` is called exactly as that area's notebook
publishes it (notebooks 00-60), and the rows are cached per (period key, area), so the scorecard's
three months (this month, last month, the same month last year) and the early-warning back-test's
months each cost one call per area.

FALLBACKS (legacy, dead code once every area offers ``kpi_rows``): an area registered without the
hook yet is served by the builder the summary used before the seam (the ``_fallback_*`` functions
below, one per area, same rows as the area's notebook). ``fallback_areas()`` lists the areas still
served that way (tests/summary/test_summary_registry.py pins the list, so it shrinks visibly).
An area with neither (quality today) yields no rows: the summary only shows KPIs with a target.

Filters: ``areas=`` by area name; ``metrics=`` by metric id, matched against the catalogue's
entries of each area (core.catalogue, a family id ending in ':' matches its members) and, for a
fallback area, the ids its builder yields (FALLBACK_METRICS); the returned rows are then limited to
the ids asked for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from svc_analysis.core import areas as area_registry
from svc_analysis.core import catalogue
from svc_analysis.core.period import Period
from svc_analysis.engine import kpis
from svc_analysis.engine.scope import Scope  # noqa: F401  (the registry's scope value)

HOOK = "kpi_rows"


# --- FALLBACKS (legacy): for areas that do not offer kpi_rows yet; delete once fallback_areas() is empty ---

def _fallback_complaints_month(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.complaints import complaints

    con, s, p = src.con, src.scope, src.params.complaints
    return complaints.month_kpis(con, month, s.tree_in_scope, per_customers=p.per_customers,
                                 responsible_target=p.responsible_target, scope_level=s.level, outlets=s.outlets)


def _fallback_complaints_reduction(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.complaints import complaints

    con, s, p = src.con, src.scope, src.params.complaints
    return complaints.reduction_kpis(con, month, s.tree_in_scope, base_year=p.base_year,
                                     base_rate=p.base_year_rate_per_10k, target=p.reduction_target,
                                     per_customers=p.per_customers, scope_level=s.level, outlets=s.outlets)


def _fallback_complaints_sla(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.complaints import sla as complaint_sla

    con, s, p = src.con, src.scope, src.params.complaints
    return complaint_sla.sla_kpis(con, month, s.tree_in_scope, reply_hours=p.comment_book_reply_hours,
                                  closing_days=p.closing_days.model_dump(), reply_target=p.comment_book_on_time_target,
                                  close_target=p.closed_on_time_target, scope_level=s.level, outlets=s.outlets)


def _fallback_satisfaction(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.satisfaction import satisfaction

    return satisfaction.kpi_rows(src.satisfaction_counts([month]), src.scope.tree_in_scope, month,
                                 src.params.satisfaction.rate_target, scope_level=src.scope.level)


def _fallback_staff(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.staff import staff
    from svc_analysis.core.periods import month_end

    con, s, sp, day = src.con, src.scope, src.params.staff, month_end(month)
    counts = staff.outlet_counts(con, day, star_min_stars=sp.star_min_stars, expert_roles=sp.expert_test_roles,
                                 front_line_roles=sp.front_line_roles, outlets=s.outlets)
    return staff.staff_kpis(counts, staff.units(s.tree_in_scope, counts, day), month, staff.targets_from(sp), s.level)


def _fallback_inspections(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.inspections import views as inspection_report
    from svc_analysis.inspections import inspections

    con, s, p = src.con, src.scope, src.params.inspections
    ledger = inspections.month_ledger(con, s.tree, month, p)
    return inspection_report.kpi_rows(con, s.tree, s.tree_in_scope, month, p, ledger, s.level)


def _fallback_queue(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.queue import queue

    con, s, qp = src.con, src.scope, src.params.queue
    tree = queue.counting_outlets(con, s.tree_in_scope, month)
    return queue.wait_kpis(con, month, tree, threshold=qp.overtime_wait_minutes, tolerance=qp.overtime_outlet_share,
                           outlets_target=qp.overtime_outlets_target, scope_level=s.level)


def _fallback_campaign(src: "KpiSource", month: str) -> pd.DataFrame:
    from svc_analysis.core import areas  # the campaign's progress report, as the pack's workbook gets it

    s = src.scope
    return areas.hook("WORKBOOK_DATA")(src.con, src.params, s.tree, month, s.level, s.name)["kpi_rows"]


def _fallback_complaints(src: "KpiSource", month: str) -> pd.DataFrame:
    return pd.concat([_fallback_complaints_month(src, month), _fallback_complaints_reduction(src, month),
                      _fallback_complaints_sla(src, month)], ignore_index=True)


FALLBACKS: dict[str, Callable] = {
    "complaints": _fallback_complaints,
    "satisfaction": _fallback_satisfaction,
    "staff": _fallback_staff,
    "inspections": _fallback_inspections,
    "queue": _fallback_queue,
    "campaign": _fallback_campaign,
}

FALLBACK_METRICS: dict[str, tuple[str, ...]] = {  # what each fallback yields (a trailing ':' = a prefix)
    "complaints": ("complaints_total", "complaints_responsible", "complaint_rate_per_10k", "praises_total",
                   "complaint_rate_reduction", "comment_book_on_time_rate", "complaints_closed_on_time_rate",
                   "complaints_overdue_open"),
    "satisfaction": ("satisfaction_rate", "evaluator_participation_rate"),
    "staff": ("star_teller_rate", "expert_rate", "english_rate", "sign_language_coverage"),
    "inspections": ("mystery_score_avg", "inspection_coverage_quarter", "inspection_coverage_year",
                    "outlets_below_85", "penalty_yuan", "reward_yuan", "inspection_check_coverage_month"),
    "queue": ("avg_wait_minutes", "overtime_wait_share", "p90_wait_minutes", "unserved_share", "overtime_outlets"),
    "campaign": ("campaign_progress:", "report_on_time"),
}

# --- end of FALLBACKS ---


def _params_text(params) -> str:
    dump = getattr(params, "model_dump_json", None)
    return dump() if callable(dump) else repr(params)


_CODE: list[str] = []


def code_version() -> str:
    """The package's code as a fingerprint part: its .py files' names, sizes and modification times
    (any edit recomputes the stored KPI rows)."""
    if not _CODE:
        from pathlib import Path

        root = Path(__file__).resolve().parents[1]
        digest = hashlib.sha256()
        for path in sorted(root.rglob("*.py")):
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
        _CODE.append(digest.hexdigest())
    return _CODE[0]


def _matches(pattern: str, metric: str) -> bool:
    return metric == pattern or (pattern.endswith(":") and metric.startswith(pattern))


def builders() -> dict[str, Callable]:
    """Each area's KPI-row function by area name: its kpi_rows hook, else its legacy fallback.

    A hook is called ``hook(con, params, scope, period)``; a fallback ``fallback(source, month)``
    (``is_fallback`` tells them apart).
    """
    hooks = area_registry.hooks(HOOK)
    out = {}
    for area in area_registry.area_modules():
        if area in hooks:
            out[area] = hooks[area]
        elif area in FALLBACKS:
            out[area] = FALLBACKS[area]
    return out


def is_fallback(area: str) -> bool:
    return area not in area_registry.hooks(HOOK) and area in FALLBACKS


def fallback_areas() -> list[str]:
    """The registered areas still served by a legacy fallback (no kpi_rows hook yet), sorted."""
    return sorted(a for a in builders() if is_fallback(a))


def area_metrics(area: str) -> tuple[str, ...]:
    """The metric ids (families end in ':') an area yields: its catalogue entries, else its fallback's."""
    area_registry.area_modules()  # loading the areas registers their catalogue entries
    known = tuple(m.id for m in catalogue.metrics(area))
    return known + tuple(m for m in FALLBACK_METRICS.get(area, ()) if m not in known)


def areas_for(metrics: list[str] | None = None, areas: list[str] | None = None) -> list[str]:
    """The areas yielding any of ``metrics`` (None: all) within ``areas`` (None: all), in name order."""
    available = builders()
    chosen = [a for a in available if areas is None or a in areas]
    if metrics is not None:
        yields = {a: area_metrics(a) for a in available}
        unknown = [m for m in metrics if not any(_matches(p, m) for a in available for p in yields[a])]
        if unknown:
            raise KeyError(f"no area KPI function yields {', '.join(unknown)} "
                           "(core.catalogue / summary.registry.FALLBACK_METRICS)")
        chosen = [a for a in chosen if any(_matches(p, m) for p in yields[a] for m in metrics)]
    return chosen


@dataclass
class KpiSource:
    """The areas' KPI rows for one warehouse, scope (engine.scope.Scope) and params, cached per
    (period key, area) for a run."""

    con: object
    scope: Scope
    params: object
    history: object = None  # engine.kpi_history.History: stored rows reused while the inputs are unchanged
    _cache: dict = field(default_factory=dict, repr=False)
    _computed: int = field(default=0, repr=False)
    _reused: int = field(default=0, repr=False)

    @classmethod
    def with_history(cls, con, scope: Scope, params, warehouse) -> "KpiSource":
        """A source that reads and stores KPI history beside ``warehouse`` (engine.kpi_history)."""
        from svc_analysis.engine import kpi_history

        return cls(con, scope, params, history=kpi_history.History.beside(warehouse))

    def fingerprint(self) -> str | None:
        """The inputs' fingerprint (engine.kpi_history.fingerprint) plus the params and the code."""
        if "fingerprint" not in self._cache:
            from svc_analysis.engine import kpi_history

            self._cache["fingerprint"] = kpi_history.fingerprint(self.con, extra=_params_text(self.params)
                                                                 + code_version())
        return self._cache["fingerprint"]

    def area_rows(self, period: Period, area: str) -> pd.DataFrame:
        """One area's complete KPI rows of ``period``: cached, else stored history, else computed."""
        key = (period.key, area)
        if key in self._cache:
            return self._cache[key]
        scope_key = f"{self.scope.level}:{self.scope.name}"
        stored = None if self.history is None else self.history.load(period.key, scope_key, area, self.fingerprint())
        if stored is not None:
            self._reused += 1
            self._cache[key] = stored
            return stored
        build = builders()[area]
        if is_fallback(area):
            if period.kind != "month":
                raise ValueError(f"the {area} KPI rows exist for a month only, not {period.key}")
            frame = build(self, period.month_key)
        else:
            frame = build(self.con, self.params, self.scope, period)
        self._computed += 1
        if self.history is not None:
            self.history.store(period.key, scope_key, area, self.fingerprint(), frame)
        self._cache[key] = frame
        return frame

    def rows(self, period: Period | str, metrics: list[str] | None = None,
             areas: list[str] | None = None) -> pd.DataFrame:
        """KPI rows (kpis.KPI_COLUMNS) of ``period`` (a Period, or a month string parsed here) from
        the areas yielding ``metrics`` within ``areas``."""
        period = period if isinstance(period, Period) else Period.parse(period)
        frames = [self.area_rows(period, area) for area in areas_for(metrics, areas)]
        frames = [f for f in frames if len(f)]
        if not frames:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in kpis.KPI_COLUMNS})
        out = pd.concat(frames, ignore_index=True)[kpis.KPI_COLUMNS]
        if metrics is not None:
            out = out[[any(_matches(x, m) for x in metrics) for m in out["metric"]]]
        return out.reset_index(drop=True)

    def satisfaction_counts(self, months: list[str]) -> pd.DataFrame:
        """satisfaction.outlet_months for ``months`` in the scope: one engine pass for a whole span.

        prefetch_satisfaction(first, last) makes every later request inside the span a slice of it
        (the back-test asks for many months; one pass over the ratings beats one per month).
        """
        span = self._cache.get("satisfaction_span")
        if span is not None and set(months) <= span[0]:
            if span[1] is None:  # prefetched lazily: counted on the first request that needs it
                span = self._cache["satisfaction_span"] = (span[0], self._count_satisfaction(sorted(span[0])))
            return span[1][span[1]["month"].isin(months)]
        return self._count_satisfaction(list(months))

    def _count_satisfaction(self, months: list[str]) -> pd.DataFrame:
        from svc_analysis.satisfaction import satisfaction

        return satisfaction.outlet_months(self.con, list(months), outlets=self.scope.outlets,
                                          satisfied_min_score=self.params.satisfaction.satisfied_min_score)

    def prefetch_satisfaction(self, months: list[str]) -> None:
        """Count ratings and customers served for the whole span of ``months`` in one pass, on the
        first request inside it (none when every row comes from the KPI history)."""
        from svc_analysis.core.periods import months_between

        self._cache["satisfaction_span"] = (set(months_between(min(months), max(months))), None)

    def calls(self) -> int:
        """How many area functions were called so far (not counting rows reused from history)."""
        return self._computed

    def reused(self) -> int:
        """How many (period, area) row sets came from the KPI history instead of an area call."""
        return self._reused
