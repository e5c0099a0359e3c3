"""Checks before a run starts: is there a warehouse, a known scope, data for the period (month or week)?

A run that cannot produce a meaningful pack stops here with one sentence (exit code 2) instead of
publishing a pack of empty pages. What the checks learn (each table's coverage) goes on the index.
"""

from __future__ import annotations

from svc_analysis.core import contract
from svc_analysis.core.config import RunSettings
from svc_analysis.core.period import Period


class PreflightError(RuntimeError):
    """The run cannot start; the message says why and what to do."""


def table_coverage(con, period: Period | str) -> dict[str, dict]:
    """Per contract table: rows in all, rows in the period (``rows_in_month``: a month, or the week of
    a weekly run; a month may be given as YYYY-MM), first and last date of its event time."""
    start, end = Period.parse(period).bounds
    coverage = {}
    for t in contract.TABLES.values():
        if t.event_time:
            total, in_month, first, last = con.execute(
                f"SELECT count(*), count(*) FILTER (WHERE {t.event_time} >= ? AND {t.event_time} < ?), "
                f"min({t.event_time})::DATE, max({t.event_time})::DATE FROM {t.name}",
                [start, end]).fetchone()
        else:
            total = con.execute(f"SELECT count(*) FROM {t.name}").fetchone()[0]
            in_month, first, last = None, None, None
        coverage[t.name] = {"rows": total, "rows_in_month": in_month, "first": first, "last": last}
    return coverage


def check_can_run(settings: RunSettings, monthly_tables: list[str]) -> dict[str, dict]:
    """Raise PreflightError unless the warehouse can feed a pack for the month; return coverage.

    monthly_tables: the monthly event feeds (params report.monthly_tables); a month in which none of
    them has a row has no data, whatever history tables (star ratings...) reach back to it.
    """
    from svc_analysis.engine import org
    from svc_analysis.engine import warehouse

    path = settings.warehouse
    if not path.exists():
        raise PreflightError(
            f"warehouse {path} does not exist: load data with `svc ingest FILE...` "
            f"or sample data with `svc sample-data`")
    if warehouse.is_empty(path):
        raise PreflightError(f"warehouse {path} holds no outlets: load the outlets table first")
    con = warehouse.connect(path, read_only=True)
    try:
        if settings.scope:
            try:
                org.resolve_scope(org.outlet_tree(con), settings.scope)
            except (KeyError, ValueError) as exc:
                raise PreflightError(str(exc).strip("'\"")) from None
        coverage = table_coverage(con, settings.period)
    finally:
        con.close()
    if not any(coverage[name]["rows_in_month"] for name in monthly_tables):
        latest = max((c["last"] for c in coverage.values() if c["last"]), default=None)
        hint = f" (the latest data is from {latest:%Y-%m-%d})" if latest else ""
        kind = settings.period.kind
        raise PreflightError(f"the warehouse has no data for {settings.period.key} in {', '.join(monthly_tables)}{hint}: "
                             f"choose another {kind} with --{kind} or ingest that {kind}'s exports")
    return coverage
