"""One registry of the areas' KPI rows: the summary's only way to a KPI figure.

The management summary (notebook 90, index.html, early warning, highlights) computes no KPI itself.
It discovers the areas through ``core.areas``: every registered area offering the hook
``kpi_rows(con, params, scope: Scope, period: Period)`` is called exactly as that area's notebook
publishes it (notebooks 00-60), and the rows are cached per (period key, area), so the scorecard's
three months (this month, last month, the same month last year) and the early-warning back-test's
months each cost one call per area.

Every area offers the hook (tests/test_areas.py); the summary shows only the rows with a target.

Filters: ``areas=`` by area name; ``metrics=`` by metric id, matched against the catalogue's
entries of each area (core.catalogue, a family id ending in ':' matches its members); the returned
rows are then limited to the ids asked for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from svc_analysis.core import areas as area_registry
from svc_analysis.core import catalogue
from svc_analysis.core.period import Period
from svc_analysis.engine import kpi_files, kpis
from svc_analysis.engine.scope import Scope  # noqa: F401  (the registry's scope value)

HOOK = "kpi_rows"




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
    """Each area's KPI-row function ``kpi_rows(con, params, scope, period)`` by area name."""
    return area_registry.hooks(HOOK)


def area_metrics(area: str) -> tuple[str, ...]:
    """The metric ids (families end in ':') an area yields: its catalogue entries."""
    area_registry.area_modules()  # loading the areas registers their catalogue entries
    return tuple(m.id for m in catalogue.metrics(area))


def areas_for(metrics: list[str] | None = None, areas: list[str] | None = None) -> list[str]:
    """The areas yielding any of ``metrics`` (None: all) within ``areas`` (None: all), in name order."""
    available = builders()
    chosen = [a for a in available if areas is None or a in areas]
    if metrics is not None:
        yields = {a: area_metrics(a) for a in available}
        unknown = [m for m in metrics if not any(_matches(p, m) for a in available for p in yields[a])]
        if unknown:
            raise KeyError(f"no area KPI function yields {', '.join(unknown)} "
                           "(core.catalogue)")
        chosen = [a for a in chosen if any(_matches(p, m) for p in yields[a] for m in metrics)]
    return chosen


def areas_for_cadence(kind: str) -> list[str]:
    """The areas (name order) with a catalogue metric defined for the period kind ``kind`` (Metric.cadences):
    a monthly area's kpi_rows refuses a week (Period.month_only)."""
    area_registry.area_modules()  # loading the areas registers their catalogue entries
    return [a for a in builders() if catalogue.metrics(a, cadence=kind)]


def kpi_table(con, params, scope: Scope, period: Period | str, areas: list[str] | None = None) -> pd.DataFrame:
    """The whole KPI table of one run, in process: every area's ``kpi_rows(con, params, scope, period)``
    (the rows notebooks 00-60 publish), validated and in kpis.csv's order (kpi_files.gather), without the
    notebooks.

    ``con``: a DuckDB connection or an Ibis backend (engine.spark_engine.connect: the same rows on
    Spark); ``scope``: engine.scope.Scope over org.outlet_tree(con); ``period``: a Period or a month.
    The pack's kpis.csv holds the same figures (tests/engine/test_spark_parity.py checks it against
    the golden file). ``areas``: only these areas' rows (None: every registered area that defines a
    metric for the period's kind, core.catalogue Metric.cadences: for a week or a day the complaints
    and the queue, the areas whose notebooks publish a weekly pack's kpis.csv)."""
    period = period if isinstance(period, Period) else Period.parse(period)
    if areas is None:
        areas = areas_for_cadence(period.kind)
    rows = KpiSource(con, scope, params).rows(period, areas=areas)
    return kpi_files.ordered(kpis.validate(rows, source="kpi_table"))


@dataclass
class KpiSource:
    """The areas' KPI rows for one warehouse, scope (engine.scope.Scope) and params, cached per
    (period key, area) for a run."""

    con: object
    scope: Scope
    params: object
    history: object = None  # engine.kpi_history.History: stored rows reused while the inputs are unchanged
    lake: object = None  # on Spark: the lake folder ``con`` reads, fingerprinted by its files (no ingest log)
    _cache: dict = field(default_factory=dict, repr=False)
    _computed: int = field(default=0, repr=False)
    _reused: int = field(default=0, repr=False)

    @classmethod
    def with_history(cls, con, scope: Scope, params, warehouse=None, *, lake=None) -> "KpiSource":
        """A source that reads and stores KPI history beside ``warehouse``, or beside ``lake`` when
        ``con`` reads a lake on Spark (engine.kpi_history)."""
        from svc_analysis.engine import kpi_history

        return cls(con, scope, params, history=kpi_history.History.beside(lake if lake is not None else warehouse),
                   lake=lake)

    def fingerprint(self) -> str | None:
        """The inputs' fingerprint (engine.kpi_history.fingerprint) plus the params and the code."""
        if "fingerprint" not in self._cache:
            from svc_analysis.engine import kpi_history

            self._cache["fingerprint"] = kpi_history.fingerprint(self.con, extra=_params_text(self.params)
                                                                 + code_version(), lake=self.lake)
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
        frame = builders()[area](self.con, self.params, self.scope, period)
        self._computed += 1
        if self.history is not None:
            self.history.store(period.key, scope_key, area, self.fingerprint(), frame)
        self._cache[key] = frame
        return frame

    def derived(self, kind: str, period_key: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A frame the summary makes from this source's rows for one period (``kind``, e.g. the early
        warning's signals of a month): cached for the run, else stored in the KPI history beside the
        rows under the same fingerprint (engine.history_frames), else ``compute()`` and stored. A copy."""
        key = (kind, period_key)
        if key not in self._cache:
            scope_key = f"{self.scope.level}:{self.scope.name}"
            frame = None if self.history is None else self.history.load_frame(kind, period_key, scope_key,
                                                                               self.fingerprint())
            if frame is None:
                frame = compute()
                if self.history is not None:
                    self.history.store_frame(kind, period_key, scope_key, self.fingerprint(), frame)
            self._cache[key] = frame
        return self._cache[key].copy()

    def rows(self, period: Period | str, metrics: list[str] | None = None,
             areas: list[str] | None = None) -> pd.DataFrame:
        """KPI rows (kpis.KPI_COLUMNS) of ``period`` (a Period, or a month string parsed here) from
        the areas yielding ``metrics`` within ``areas``."""
        period = period if isinstance(period, Period) else Period.parse(period)
        frames = [self.area_rows(period, area) for area in areas_for(metrics, areas)]
        frames = [f for f in frames if len(f)]
        if not frames:
            return kpis.frame_of([])
        out = kpis.complete(pd.concat(frames, ignore_index=True))
        if metrics is not None:
            wanted = [m for m in out["metric"].unique() if any(_matches(x, m) for x in metrics)]
            out = out[out["metric"].isin(wanted)]
        return out.reset_index(drop=True)

    def satisfaction_counts(self, months: list[str]) -> pd.DataFrame:
        """The satisfaction area's outlet_counts (hook) for ``months`` in the scope: one engine pass for a whole span.

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
        return area_registry.hook("outlet_counts")(self.con, self.params, list(months), self.scope.outlets)

    def prefetch_satisfaction(self, months: list[str]) -> None:
        """Count ratings and customers served for the whole span of ``months`` in one pass, on the
        first request inside it (none when every row comes from the KPI history)."""
        from svc_analysis.core.periods import months_between

        wanted = set(months_between(min(months), max(months)))
        span = self._cache.get("satisfaction_span")
        if span is not None and wanted <= span[0]:
            return  # declared already (perhaps counted): requests inside stay slices of the one pass
        self._cache["satisfaction_span"] = (wanted, None)

    def calls(self) -> int:
        """How many area functions were called so far (not counting rows reused from history)."""
        return self._computed

    def reused(self) -> int:
        """How many (period, area) row sets came from the KPI history instead of an area call."""
        return self._reused
